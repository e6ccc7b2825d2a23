/* eslint-disable import/order */
// The mocks must be installed before any module that creates resources is loaded.
import { installRecordingMocks, Registration, settle, valueOf } from './mock-runtime';
const monitor = installRecordingMocks();

import * as k8s from '@pulumi/kubernetes';
import { ApiObject, App, Chart, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { KestraValidationError } from '../../lib/common';
import { KestraOperator, OperatorCredentials } from '../../lib/operator';
import { Kestra, KestraDatabase, KestraProps } from '../../lib/platform';
import { KestraPlatform, KestraPlatformArgs } from '../../lib/pulumi';
import { KestraFlow, KestraKeyValue, KestraNamespaceFile } from '../../lib/resources';
import { ManifestObject, synthValid } from '../util/k8s-schema';

const FLOW = `id: hello
namespace: company.team
tasks:
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: hello
`;

// A fixed password source: the bundled database otherwise draws a new random password
// at every synth, and two syntheses could never be compared.
const KESTRA_PROPS: KestraProps = {
  database: KestraDatabase.bundledPostgres({ passwordSecret: { secretName: 'kestra-db', key: 'password' } }),
};
const OPERATOR = { credentials: OperatorCredentials.apiToken({ secretName: 'kestra-operator', key: 'token' }) };
const RESOURCES = {
  flows: [{ source: FLOW }],
  keyValues: [{ namespace: 'company.team', key: 'region', value: 'eu-west-1' }],
  namespaceFiles: [{ namespace: 'company.team', filename: 'scripts/hello.py', content: 'print("hello")\n' }],
};

/** The same platform built directly with the cdk8s constructs, as a cdk8s user would. */
function cdk8sSynth(namespace: string): ManifestObject[] {
  const chart = new Chart(new App(), 'kestra', { namespace });
  ApiObject.of(new kplus.Namespace(chart, 'namespace', { metadata: { name: namespace } })).addJsonPatch(JsonPatch.remove('/metadata/namespace'));
  const kestra = new Kestra(chart, 'kestra', KESTRA_PROPS);
  new KestraOperator(chart, 'operator', { ...OPERATOR, kestra });
  new KestraFlow(chart, 'flow', RESOURCES.flows[0]);
  new KestraKeyValue(chart, 'kv', RESOURCES.keyValues[0]);
  new KestraNamespaceFile(chart, 'file', RESOURCES.namespaceFiles[0]);
  return synthValid(chart);
}

async function registrationsOf(platform: KestraPlatform): Promise<Registration[]> {
  const urns = await valueOf(platform.objectUrns);
  await settle(monitor);
  return urns.map((urn) => monitor.registrations.find((r) => r.urn === urn)!);
}

const identity = (o: { apiVersion: string; kind: string; metadata?: { namespace?: string; name?: string } }) =>
  `${o.apiVersion} ${o.kind} ${o.metadata?.namespace ?? ''}/${o.metadata?.name}`;

const FULL_ARGS: KestraPlatformArgs = { namespace: 'kestra', kestra: KESTRA_PROPS, operator: OPERATOR, resources: RESOURCES };
const full = new KestraPlatform('full', FULL_ARGS);

describe('KestraPlatform registers exactly the cdk8s synthesis', () => {
  test('same objects, same inputs, one resource each', async () => {
    const expected = cdk8sSynth('kestra');
    const regs = await registrationsOf(full);
    expect(regs.map((r) => identity(r.inputs as any)).sort()).toEqual(expected.map(identity).sort());
    for (const manifest of expected) {
      const reg = regs.find((r) => identity(r.inputs as any) === identity(manifest))!;
      expect(reg.inputs).toEqual(manifest);
    }
    // Cluster-scoped objects carry no namespace, as the API server stores them.
    for (const o of expected.filter((x) => ['Namespace', 'CustomResourceDefinition', 'ClusterRole', 'ClusterRoleBinding'].includes(x.kind))) {
      expect(o.metadata?.namespace).toBeUndefined();
    }
    // The platform really includes every part, not just the Kestra construct.
    const kinds = new Set(expected.map((o) => o.kind));
    for (const kind of ['Namespace', 'Deployment', 'StatefulSet', 'Service', 'CustomResourceDefinition', 'KestraFlow', 'KestraKeyValue', 'KestraNamespaceFile']) {
      expect(kinds).toContain(kind);
    }
  });

  test('each object has the provider type token of its kind', async () => {
    for (const r of await registrationsOf(full)) {
      const { apiVersion, kind } = r.inputs;
      const group = apiVersion.includes('/') ? apiVersion : `core/${apiVersion}`;
      expect(r.type).toBe(`kubernetes:${group}:${kind}`);
    }
  });

  test('the component is parent of every object and reports its outputs', async () => {
    const platformUrn = await valueOf(full.urn);
    expect(platformUrn).toContain('kestra-constructs:index:KestraPlatform::full');
    for (const r of await registrationsOf(full)) expect(r.parent).toBe(platformUrn);
    expect(await valueOf(full.apiUrl)).toBe('http://kestra.kestra.svc.cluster.local:8080');
    expect(await valueOf(full.namespace)).toBe('kestra');
    expect(await valueOf(full.serviceName)).toBe('kestra');
    const outputs = monitor.outputs.get(platformUrn)!;
    expect(outputs).toMatchObject({ apiUrl: 'http://kestra.kestra.svc.cluster.local:8080', namespace: 'kestra', serviceName: 'kestra' });
    expect((outputs.objectUrns as string[]).sort()).toEqual((await valueOf(full.objectUrns)).sort());
  });

  test('namespace first, CRDs before the custom resources', async () => {
    const regs = await registrationsOf(full);
    const urnOf = (kind: string, name?: string) =>
      regs.find((r) => r.inputs.kind === kind && (name === undefined || r.inputs.metadata.name === name))!.urn;
    const namespaceUrn = urnOf('Namespace');
    for (const r of regs.filter((x) => x.inputs.metadata.namespace === 'kestra' && !['Namespace', 'CustomResourceDefinition', 'ClusterRole', 'ClusterRoleBinding'].includes(x.inputs.kind))) {
      expect(r.dependencies).toContain(namespaceUrn);
    }
    for (const kind of ['KestraFlow', 'KestraKeyValue', 'KestraNamespaceFile']) {
      const cr = regs.find((r) => r.inputs.kind === kind)!;
      expect(cr.dependencies).toContain(urnOf('CustomResourceDefinition', `${kind.toLowerCase()}s.model.kestra.io`));
    }
  });

  test('logical names are <platform>:<kind>:<namespace>/<name>', async () => {
    const names = (await registrationsOf(full)).map((r) => r.name);
    expect(names).toContain('full:Deployment:kestra/kestra-standalone');
    expect(names).toContain('full:Service:kestra/kestra');
    expect(names).toContain('full:Namespace:kestra');
    expect(names).toContain('full:CustomResourceDefinition:kestraflows.model.kestra.io');
  });

  test('apiUrl carries a dependency on every object, so consumers wait for the platform', async () => {
    const consumer = new k8s.core.v1.ConfigMap('consumer', { data: { url: full.apiUrl } });
    const consumerUrn = await valueOf(consumer.urn);
    await settle(monitor);
    const reg = monitor.registrations.find((r) => r.urn === consumerUrn)!;
    expect(reg.dependencies.sort()).toEqual((await valueOf(full.objectUrns)).sort());
  });
});

describe('secrets', () => {
  const generated = new KestraPlatform('generated', { namespace: 'generated' });
  const SENTINEL = 'sentinel-api-token-value';
  const withSecret = new KestraPlatform('with-secret', {
    namespace: 'with-secret',
    kestra: KESTRA_PROPS,
    extend: (chart) => new kplus.Secret(chart, 'api-token', { metadata: { name: 'api-token' }, stringData: { token: SENTINEL } }),
  });

  test('the default database password is made in the cluster: no Secret payload reaches Pulumi state', async () => {
    const regs = await registrationsOf(generated);
    expect(regs.filter((r) => r.inputs.kind === 'Secret')).toEqual([]);
    const job = regs.find((r) => r.inputs.kind === 'Job');
    expect(job?.inputs.metadata.name).toBe('kestra-postgres-credentials');
  });

  test('a Secret of the chart is sent only as a Pulumi secret', async () => {
    const regs = await registrationsOf(withSecret);
    const secret = regs.find((r) => r.inputs.kind === 'Secret' && r.inputs.metadata.name === 'api-token')!;
    expect(secret.secretInputs).toEqual(expect.arrayContaining(Object.keys(secret.inputs).filter((k) => k === 'data' || k === 'stringData')));
    expect(secret.secretInputs.length).toBeGreaterThan(0);
    expect(secret.additionalSecretOutputs).toEqual(expect.arrayContaining(['data', 'stringData']));
    for (const r of regs.filter((x) => x !== secret)) expect(JSON.stringify(r.inputs)).not.toContain(SENTINEL);
  });
});

describe('providers', () => {
  test('two platforms in one program target two clusters through their own providers', async () => {
    const east = new k8s.Provider('east', { kubeconfig: 'east' });
    const west = new k8s.Provider('west', { kubeconfig: 'west' });
    const a = new KestraPlatform('east', { kestra: KESTRA_PROPS }, { provider: east });
    const b = new KestraPlatform('west', { kestra: KESTRA_PROPS }, { providers: { kubernetes: west } });
    const ref = async (p: k8s.Provider) => `${await valueOf(p.urn)}::${await valueOf(p.id)}`;
    const regsA = await registrationsOf(a);
    const regsB = await registrationsOf(b);
    expect(regsA.length).toBeGreaterThan(5);
    for (const r of regsA) expect(r.provider).toBe(await ref(east));
    for (const r of regsB) expect(r.provider).toBe(await ref(west));
    // Same objects, different stacks entries: nothing collides.
    expect(new Set([...regsA, ...regsB].map((r) => r.urn)).size).toBe(regsA.length + regsB.length);
  });
});

describe('options', () => {
  test('createNamespace: false registers no Namespace and no dependency on one', async () => {
    const platform = new KestraPlatform('shared-ns', { namespace: 'shared', createNamespace: false, kestra: KESTRA_PROPS });
    const regs = await registrationsOf(platform);
    expect(regs.filter((r) => r.inputs.kind === 'Namespace')).toEqual([]);
    expect(regs.every((r) => r.inputs.kind === 'Namespace' || r.inputs.metadata.namespace === 'shared')).toBe(true);
    for (const r of regs) expect(r.dependencies.filter((d) => d.includes('Namespace'))).toEqual([]);
  });

  test('extend adds constructs that are registered with the rest', async () => {
    const platform = new KestraPlatform('extended', {
      namespace: 'extended',
      kestra: KESTRA_PROPS,
      extend: (chart, kestra) => new kplus.ConfigMap(chart, 'extra', { metadata: { name: 'extra' }, data: { url: kestra.apiUrl } }),
    });
    const regs = await registrationsOf(platform);
    const extra = regs.find((r) => r.inputs.kind === 'ConfigMap' && r.inputs.metadata.name === 'extra')!;
    expect(extra.inputs.data).toEqual({ url: 'http://kestra.extended.svc.cluster.local:8080' });
    expect(platform.objects.map((o) => o.manifest)).toEqual(synthValid(platform.chart));
  });

  test('bad input fails at construction with the property and the value', async () => {
    expect(() => new KestraPlatform('bad-ns', { namespace: 'Not_A_Label' })).toThrow(KestraValidationError);
    expect(() => new KestraPlatform('bad-ns2', { namespace: 'Not_A_Label' })).toThrow(/namespace.*"Not_A_Label"/);
    expect(() => new KestraPlatform('bad-mode', { kestra: { mode: 'distributed' as any } })).toThrow(/mode/);
    expect(() => new KestraPlatform('bad-arg', { namespace: 'kestra', kestraProps: {} } as any)).toThrow(/kestraProps: .*unknown option/);
    // Rejected before anything reached the engine.
    await settle(monitor);
    expect(monitor.registrations.filter((r) => r.name.startsWith('bad-'))).toEqual([]);
  });
});
