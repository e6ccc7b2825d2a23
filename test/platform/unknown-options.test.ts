import { Chart, Testing } from 'cdk8s';
import { build } from './helpers';
import { describeValue, optionKeys, validateLabels } from '../../lib/common';
import { KestraOperator, OperatorCredentials } from '../../lib/operator';
import { KestraDatabase, KestraMode, KestraScratchVolume, KestraStorage, KestraTaskRunner } from '../../lib/platform';
import { KestraFlow, KestraFlows, KestraKeyValue, KestraNamespaceFile, KestraNamespaceFiles } from '../../lib/resources';
import { validationErrorOf } from '../util/validation-error';

/**
 * JavaScript callers and `as any` skip TypeScript's excess-property check, so every props and
 * options object is checked again at run time: a misspelt option must fail the synth, naming it.
 */
const refused = validationErrorOf;

const s3 = () => KestraStorage.s3({ bucket: 'b', region: 'r' });
const ref = { secretName: 's', key: 'k' };
const flowSource = 'id: hello\nnamespace: company.team\ntasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n';
const chart = () => new Chart(Testing.app(), 'test', { namespace: 'kestra' });

describe('unknown options are refused at run time, naming the path of the key', () => {
  test.each<[string, () => unknown, string]>([
    ['top-level Kestra props', () => build({ replica: 3 } as any), 'replica'],
    ['image', () => build({ image: { repository: 'kestra/kestra', version: 'v1' } } as any), 'image.version'],
    ['basicAuth', () => build({ basicAuth: { username: ref, password: ref, realm: 'x' } } as any), 'basicAuth.realm'],
    ['ingress', () => build({ ingress: { host: 'kestra.example.com', hots: 'x' } } as any), 'ingress.hots'],
    ['ingress tls', () => build({ ingress: { host: 'k.example.com', tls: { secretName: 't', hosts: [] } } } as any), 'ingress.tls.hosts'],
    ['autoscaling', () => build({ storage: s3(), autoscaling: { standalone: { maxReplicas: 2, targetCpu: 50 } } } as any), 'autoscaling.standalone.targetCpu'],
    ['toleration', () => build({ tolerations: [{ key: 'gpu', operater: 'Exists' }] } as any), 'tolerations[0].operater'],
    ['topologySpread', () => build({ topologySpread: { maxskew: 2 } } as any), 'topologySpread.maxskew'],
    ['standalone mode', () => KestraMode.standalone({ replica: 2 } as any), 'mode.standalone.replica'],
    ['external database', () => KestraDatabase.postgres({ url: 'jdbc:postgresql://db/k', username: 'k', password: ref, pasword: ref } as any), 'database.pasword'],
    ['bundled database', () => KestraDatabase.bundledPostgres({ size: '5Gi' } as any), 'database.size'],
    ['local storage', () => KestraStorage.local({ storageClass: 'fast' } as any), 'storage.storageClass'],
    ['s3 storage', () => KestraStorage.s3({ bucket: 'b', region: 'r', pathStyle: true } as any), 'storage.pathStyle'],
    ['s3 credentials', () => KestraStorage.s3({ bucket: 'b', region: 'r', credentials: { accessKeyId: ref, secretAccessKey: ref, token: ref } } as any), 'storage.credentials.token'],
    ['minio storage', () => KestraStorage.minio({ endpoint: 'm', bucket: 'b', credentials: { accessKeyId: ref, secretAccessKey: ref }, tls: true } as any), 'storage.tls'],
    ['gcs storage', () => KestraStorage.gcs({ bucket: 'b', project: 'p' } as any), 'storage.project'],
    ['azure storage', () => KestraStorage.azure({ endpoint: 'e', container: 'c', sas: ref } as any), 'storage.sas'],
    ['azure shared key', () => KestraStorage.azure({ endpoint: 'e', container: 'c', sharedKey: { accountName: 'a', accountKey: ref, extra: 1 } } as any), 'storage.sharedKey.extra'],
    ['DinD runner', () => KestraTaskRunner.dind({ rootless: true } as any), 'taskRunner.rootless'],
    ['Kubernetes runner', () => KestraTaskRunner.kubernetes({ namespaces: ['a'] } as any), 'taskRunner.namespaces'],
    ['resources', () => KestraMode.standalone({ resources: { request: { cpu: '1' } } } as any), 'mode.standalone.resources.request'],
    ['resource quantities', () => KestraMode.standalone({ resources: { limits: { 'ephemeral-storage': '1Gi' } } } as any), 'mode.standalone.resources.limits.ephemeral-storage'],
    ['serviceAccount', () => build({ serviceAccount: { name: 'kestra', annotation: {} } } as any), 'serviceAccount.annotation'],
    ['scratch volume', () => KestraScratchVolume.emptyDir({ size: '1Gi' } as any), 'scratch.size'],
    ['jvm', () => KestraMode.standalone({ jvm: { heap: '1g' } } as any), 'mode.standalone.jvm.heap'],
    ['plugins', () => build({ plugins: { install: ['a.b:c:1.0'], repository: [] } } as any), 'plugins.repository'],
    ['pods', () => build({ pods: { priorityClass: 'x' } } as any), 'pods.priorityClass'],
    ['pods per component', () => build({ pods: { components: { standalone: { nodeselector: {} } } } } as any), 'pods.components.standalone.nodeselector'],
    ['service', () => build({ service: { kind: 'NodePort' } } as any), 'service.kind'],
    ['ingress path', () => build({ ingress: { host: 'k.example.com', paths: [{ path: '/', type: 'Prefix' }] } } as any), 'ingress.paths[0].type'],
    ['createNamespace', () => build({ createNamespace: { label: {} } } as any), 'createNamespace.label'],
    ['configMapConfiguration', () => build({ configMapConfiguration: [{ name: 'c', key: 'k' }] } as any), 'configMapConfiguration[0].name'],
    ['SecretKeyRef', () => build({ extraEnv: { TOKEN: { secretName: 's', key: 'k', optional: true } } } as any), 'extraEnv.TOKEN.optional'],
    ['operator props', () => new KestraOperator(chart(), 'op', {
      apiUrl: 'http://kestra:8080', credentials: OperatorCredentials.apiToken(ref), watchNamespace: ['a'],
    } as any), 'watchNamespace'],
    ['operator resources', () => new KestraOperator(chart(), 'op', {
      apiUrl: 'http://kestra:8080', credentials: OperatorCredentials.apiToken(ref), resources: { limit: {} },
    } as any), 'resources.limit'],
    ['KestraFlow props', () => new KestraFlow(chart(), 'f', { source: flowSource, readonly: false } as any), 'readonly'],
    ['KestraFlows props', () => new KestraFlows(chart(), 'f', { directory: '.', recursive: true } as any), 'recursive'],
    ['KestraKeyValue props', () => new KestraKeyValue(chart(), 'kv', { namespace: 'a.b', key: 'k', value: 1, expires: 'PT1H' } as any), 'expires'],
    ['KestraNamespaceFile props', () => new KestraNamespaceFile(chart(), 'nf', { namespace: 'a.b', filename: 'x.py', content: '', path: 'x.py' } as any), 'path'],
    ['KestraNamespaceFiles props', () => new KestraNamespaceFiles(chart(), 'nf', { namespace: 'a.b', directory: '.', dir: 'x' } as any), 'dir'],
  ])('%s', (_name, make, field) => {
    const error = refused(make);
    expect(error.field).toBe(field);
    expect(error.message).toContain('unknown option');
    expect(error.message).toMatch(/expected one of \w+/);
  });

  test('a near miss gets a suggestion; the error lists what is accepted', () => {
    const error = refused(() => build({ readOnlyRootFileSystem: false } as any));
    expect(error.message).toMatch(/^Invalid readOnlyRootFileSystem: false: unknown option \(did you mean "readOnlyRootFilesystem"\?\); expected one of /);
    expect(error.message).toContain('did you mean "readOnlyRootFilesystem"?');
    expect(error.message).toContain('expected one of name, mode, database');
    expect(refused(() => build({ ingress: { host: 'k.example.com', classname: 'nginx' } } as any)).message).toContain('did you mean "className"?');
  });

  test('a props value that is not an object is refused, not read as empty', () => {
    expect(refused(() => build([] as any)).field).toBe('props');
    expect(refused(() => build({ image: 'kestra/kestra:v1' } as any)).field).toBe('image');
    expect(refused(() => KestraStorage.local(null as any)).field).toBe('storage');
    expect(refused(() => build({ tolerations: { key: 'gpu' } } as any)).field).toBe('tolerations');
  });

  test('keys inherited through the prototype are not options and are ignored', () => {
    const props = Object.create({ replica: 3 });
    expect(() => build(props)).not.toThrow();
  });
});

describe('label keys and values follow the Kubernetes rules', () => {
  test.each<[string, Record<string, unknown>, string]>([
    ['an empty name', { 'kubernetes.io/': 'x' }, 'nodeSelector["kubernetes.io/"]'],
    ['a leading dash', { '-pool': 'x' }, 'nodeSelector["-pool"]'],
    ['an upper-case prefix', { 'Example.com/pool': 'x' }, 'nodeSelector["Example.com/pool"]'],
    ['a space', { 'node pool': 'x' }, 'nodeSelector["node pool"]'],
    ['a name over 63 characters', { ['a'.repeat(64)]: 'x' }, `nodeSelector["${'a'.repeat(64)}"]`],
    ['a value over 63 characters', { pool: 'v'.repeat(64) }, 'nodeSelector["pool"]'],
    ['a value with a slash', { pool: 'a/b' }, 'nodeSelector["pool"]'],
    ['a value that is not a string', { pool: 3 }, 'nodeSelector["pool"]'],
  ])('nodeSelector with %s is refused', (_name, nodeSelector, field) => {
    const error = refused(() => build({ nodeSelector } as any));
    expect(error.field).toBe(field);
  });

  test('valid keys and values pass unchanged', () => {
    const labels = { 'kubernetes.io/os': 'linux', 'node.example.com/pool-1': 'batch_A.1', 'plain': '' };
    expect(validateLabels('nodeSelector', labels)).toEqual(labels);
  });

  test('toleration keys are label keys too', () => {
    expect(refused(() => build({ tolerations: [{ key: 'gpu/', operator: 'Exists' }] })).field).toBe('tolerations[0].key');
  });
});

describe('values an error message shows', () => {
  test('NaN and infinities are shown as such, not as null', () => {
    expect(describeValue(NaN)).toBe('NaN');
    expect(describeValue(-Infinity)).toBe('-Infinity');
    expect(describeValue({ replicas: NaN, sizes: [Infinity, 1] })).toBe('{"replicas":NaN,"sizes":[Infinity,1]}');
    expect(describeValue('NaN')).toBe('"NaN"');
    const error = refused(() => KestraMode.standalone({ replicas: NaN }));
    expect(error.message).toBe('Invalid mode.standalone.replicas: NaN: must be an integer greater than or equal to 1');
    expect(refused(() => build({ storage: s3(), autoscaling: { standalone: { maxReplicas: Number('ten') } } })).message)
      .toContain('Invalid autoscaling.standalone.maxReplicas: NaN:');
  });
});

describe('optionKeys is checked by the compiler against the interface', () => {
  interface Sample { readonly a?: number; readonly b: string }
  test('a complete list compiles and keeps its order', () => {
    expect(optionKeys<Sample>()('b', 'a')).toEqual(['b', 'a']);
  });
  test('a missing or an extra key is a compile error', () => {
    // @ts-expect-error 'b' is missing
    expect(optionKeys<Sample>()('a')).toEqual(['a']);
    // @ts-expect-error 'c' is not a key of Sample
    expect(optionKeys<Sample>()('a', 'b', 'c')).toHaveLength(3);
  });
});
