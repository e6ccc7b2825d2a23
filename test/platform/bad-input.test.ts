import { build, rejects } from './helpers';
import { KestraValidationError } from '../../lib/common';
import { KestraDatabase, KestraMode, KestraProps, KestraStorage, KestraTaskRunner } from '../../lib/platform';

const s3 = () => KestraStorage.s3({ bucket: 'b', region: 'r' });

describe('bad input fails at synth, naming field and value', () => {
  test.each<[string, () => unknown, string, string]>([
    ['unknown component in distributed mode', () => KestraMode.distributed({ webservr: {} } as any), 'mode.distributed.webservr', '{}'],
    ['unknown component in autoscaling', () => build({ autoscaling: { webserver: { maxReplicas: 3 } } }), 'autoscaling', '"webserver"'],
    ['zero replicas', () => KestraMode.distributed({ worker: { replicas: 0 } }), 'mode.distributed.worker.replicas', '0'],
    ['negative replicas', () => KestraMode.standalone({ replicas: -2 }), 'mode.standalone.replicas', '-2'],
    ['fractional replicas', () => KestraMode.distributed({ executor: { replicas: 1.5 } }), 'mode.distributed.executor.replicas', '1.5'],
    ['zero threads', () => KestraMode.distributed({ worker: { threads: 0 } }), 'mode.distributed.worker.threads', '0'],
    ['negative worker threads', () => KestraMode.standalone({ workerThreads: -1 }), 'mode.standalone.workerThreads', '-1'],
    ['autoscaling max below min', () => build({ autoscaling: { standalone: { minReplicas: 3, maxReplicas: 2 } }, storage: s3() }), 'autoscaling.standalone.maxReplicas', '2'],
    ['h2 in distributed mode', () => build({ mode: KestraMode.distributed(), database: KestraDatabase.h2(), storage: s3() }), 'database', '"h2"'],
    ['local storage in distributed mode', () => build({ mode: KestraMode.distributed() }), 'storage', '"local (ReadWriteOnce)"'],
    ['local storage with replicas', () => build({ mode: KestraMode.standalone({ replicas: 2 }) }), 'storage', '"local (ReadWriteOnce)"'],
    ['local storage with autoscaling', () => build({ autoscaling: { standalone: { maxReplicas: 3 } } }), 'storage', '"local (ReadWriteOnce)"'],
    ['invalid name', () => build({ name: 'Kestra_Prod' }), 'name', '"Kestra_Prod"'],
    ['name too long for derived names', () => build({ name: 'a'.repeat(41) }), 'name', 'aaaa'],
    ['invalid worker group key', () => KestraMode.distributed({ workerGroups: { GPU: {} } }), 'mode.distributed.workerGroups["GPU"]', '"GPU"'],
    ['invalid task namespace', () => KestraTaskRunner.kubernetes({ namespace: 'Tasks!' }), 'taskRunner.namespace', '"Tasks!"'],
    ['invalid pull secret', () => build({ image: { pullSecrets: ['My Secret'] } }), 'image.pullSecrets[0]', '"My Secret"'],
    ['invalid ingress host', () => build({ ingress: { host: 'https://kestra.example.com' } }), 'ingress.host', '"https://kestra.example.com"'],
    ['unparsable quantity', () => KestraMode.standalone({ resources: { requests: { memory: '2 GB' } } }), 'mode.standalone.resources.requests.memory', '"2 GB"'],
    ['unparsable storage size', () => KestraStorage.local({ size: 'ten gigs' }), 'storage.size', '"ten gigs"'],
    ['unparsable database size', () => KestraDatabase.bundledPostgres({ storageSize: '10 G' }), 'database.storageSize', '"10 G"'],
    ['unparsable DinD quantity', () => KestraTaskRunner.dind({ resources: { limits: { cpu: 'lots' } } }), 'taskRunner.resources.limits.cpu', '"lots"'],
    ['empty SecretKeyRef key (database)', () => KestraDatabase.postgres({ url: 'jdbc:postgresql://db/k', username: 'k', password: { secretName: 'db', key: '' } }), 'database.password.key', '""'],
    ['empty SecretKeyRef key (basic auth)', () => build({ basicAuth: { username: { secretName: 'a', key: 'u' }, password: { secretName: 'a', key: '' } } }), 'basicAuth.password.key', '""'],
    ['empty SecretKeyRef key (storage)', () => KestraStorage.s3({ bucket: 'b', region: 'r', credentials: { accessKeyId: { secretName: 's', key: '' }, secretAccessKey: { secretName: 's', key: 'k' } } }), 'storage.credentials.accessKeyId.key', '""'],
    ['invalid Secret name', () => build({ extraEnv: { TOKEN: { secretName: 'Not_Valid', key: 'k' } } }), 'extraEnv.TOKEN.secretName', '"Not_Valid"'],
    ['wrong JDBC scheme', () => KestraDatabase.mysql({ url: 'jdbc:postgresql://db/k', username: 'k', password: { secretName: 'db', key: 'pw' } }), 'database.url', '"jdbc:postgresql://db/k"'],
    ['unknown DinD mode', () => KestraTaskRunner.dind({ mode: 'privileged' as any }), 'taskRunner.mode', '"privileged"'],
    ['unknown pull policy', () => build({ image: { pullPolicy: 'Sometimes' as any } }), 'image.pullPolicy', '"Sometimes"'],
    ['unknown local access mode', () => KestraStorage.local({ accessMode: 'ReadOnlyMany' as any }), 'storage.accessMode', '"ReadOnlyMany"'],
    ['env var set by the construct', () => build({ extraEnv: { DOCKER_HOST: 'tcp://x' } }), 'extraEnv', '"DOCKER_HOST"'],
    ['invalid env var name', () => build({ extraEnv: { 'MY-VAR': 'x' } }), 'extraEnv', '"MY-VAR"'],
    ['not a factory value', () => build({ storage: 'local' as any }), 'storage', '"local"'],
    ['configuration that is not an object', () => build({ configuration: ['kestra'] as any }), 'configuration', '["kestra"]'],
    ['kubernetes runner without a namespace', () => build({ taskRunner: KestraTaskRunner.kubernetes(), database: KestraDatabase.h2() }, null), 'namespace', 'undefined'],
    ['generated database password without a namespace', () => build({}, null), 'namespace', 'undefined'],
    ['empty credentials Job image', () => KestraDatabase.bundledPostgres({ credentialsJobImage: '' }), 'database.credentialsJobImage', '""'],
    ['negative topology skew', () => build({ topologySpread: { maxSkew: -1 } }), 'topologySpread.maxSkew', '-1'],
  ])('%s', (_name, make, field, value) => rejects(make, field, value));

  test('never a TypeError for null or missing options', () => {
    const cases: Array<() => unknown> = [
      () => KestraMode.distributed(null as any),
      () => KestraDatabase.postgres(undefined as any),
      () => KestraStorage.s3(null as any),
      () => KestraStorage.minio({ endpoint: 'm', bucket: 'b' } as any),
      () => build(null as unknown as KestraProps),
      () => build({ basicAuth: { username: undefined, password: undefined } as any }),
    ];
    for (const make of cases) expect(make).toThrow(KestraValidationError);
  });
});
