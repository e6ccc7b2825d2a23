/* eslint-disable import/order */
// The mocks must be installed before any module that creates resources is loaded.
import { installRecordingMocks, Registration, settle, valueOf } from './mock-runtime';
const monitor = installRecordingMocks();

import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { ApiObject, App, Chart } from 'cdk8s';
import { KestraValidationError } from '../../lib/common';
import { fixtureChart } from './fixture-chart';
import { planRegistration, registerChart, RegisteredObject, synthesizeChart } from '../../lib/pulumi/platform/register-chart';
import { ManifestObject, validateManifest } from '../util/k8s-schema';

class Host extends pulumi.ComponentResource {
  readonly objects: RegisteredObject[];
  constructor(name: string, namespace: string, opts?: pulumi.ComponentResourceOptions) {
    super('test:index:Host', name, {}, opts);
    this.objects = registerChart(fixtureChart(namespace), { parent: this, namePrefix: name });
    this.registerOutputs({});
  }
}

async function registered(host: Host): Promise<Registration[]> {
  const urns = await Promise.all(host.objects.map((o) => valueOf(o.resource.urn)));
  await settle(monitor);
  return urns.map((urn) => monitor.registrations.find((r) => r.urn === urn)!);
}

const host = new Host('fixture', 'demo');

test('every synthesized object is registered once, with the synthesized inputs', async () => {
  const expected = fixtureChart('demo').toJson() as ManifestObject[];
  // The schemas know every kind but the fixture's own custom one.
  validateManifest(expected.filter((o) => o.apiVersion !== 'example.com/v1'));
  const regs = await registered(host);
  expect(regs).toHaveLength(expected.length);
  for (const manifest of expected) {
    const matches = regs.filter((r) => r.inputs.kind === manifest.kind && r.inputs.metadata?.name === manifest.metadata?.name);
    expect(matches).toHaveLength(1);
    expect(matches[0].inputs).toEqual(manifest);
  }
});

test('built-in kinds use typed resources and custom kinds the generic CustomResource', async () => {
  const types = Object.fromEntries((await registered(host)).map((r) => [r.inputs.kind, r.type]));
  expect(types).toEqual({
    Namespace: 'kubernetes:core/v1:Namespace',
    ConfigMap: 'kubernetes:core/v1:ConfigMap',
    Secret: 'kubernetes:core/v1:Secret',
    Deployment: 'kubernetes:apps/v1:Deployment',
    CustomResourceDefinition: 'kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition',
    ClusterRole: 'kubernetes:rbac.authorization.k8s.io/v1:ClusterRole',
    Widget: 'kubernetes:example.com/v1:Widget',
  });
});

test('logical names come from kind, namespace and name, never from construct paths', async () => {
  const names = (await registered(host)).map((r) => r.name).sort();
  expect(names).toEqual([
    'fixture:ClusterRole:widget-reader',
    'fixture:ConfigMap:demo/app-config',
    'fixture:CustomResourceDefinition:widgets.example.com',
    'fixture:Deployment:demo/app',
    'fixture:Namespace:demo',
    'fixture:Secret:demo/app-secret',
    'fixture:Widget:demo/first',
  ]);
});

test('every object is parented to the component', async () => {
  const hostUrn = await valueOf(host.urn);
  for (const r of await registered(host)) expect(r.parent).toBe(hostUrn);
});

test('namespace first, CRD before its custom resources, cdk8s dependencies kept', async () => {
  const regs = await registered(host);
  const urnOf = (kind: string) => regs.find((r) => r.inputs.kind === kind)!.urn;
  const depsOf = (kind: string) => regs.find((r) => r.inputs.kind === kind)!.dependencies;
  for (const kind of ['ConfigMap', 'Secret', 'Deployment', 'Widget']) expect(depsOf(kind)).toContain(urnOf('Namespace'));
  expect(depsOf('Widget')).toContain(urnOf('CustomResourceDefinition'));
  expect(depsOf('Deployment')).toContain(urnOf('ConfigMap'));
  // Cluster-scoped objects do not wait for a namespace they do not live in.
  expect(depsOf('ClusterRole')).toEqual([]);
  expect(depsOf('CustomResourceDefinition')).toEqual([]);
  expect(depsOf('Namespace')).toEqual([]);
  // The engine registers in dependency order too.
  const order = monitor.registrations.map((r) => r.urn);
  expect(order.indexOf(urnOf('Namespace'))).toBeLessThan(order.indexOf(urnOf('Secret')));
  expect(order.indexOf(urnOf('CustomResourceDefinition'))).toBeLessThan(order.indexOf(urnOf('Widget')));
});

test('Secret payloads are sent as Pulumi secrets and declared secret outputs', async () => {
  const secret = (await registered(host)).find((r) => r.inputs.kind === 'Secret')!;
  expect(secret.secretInputs.sort()).toEqual(['data', 'stringData']);
  expect(secret.additionalSecretOutputs).toEqual(expect.arrayContaining(['data', 'stringData']));
  const resource = host.objects.find((o) => o.manifest.kind === 'Secret')!.resource as k8s.core.v1.Secret;
  expect(await pulumi.isSecret(resource.stringData)).toBe(true);
  // Nothing else carries the value in plain text.
  for (const r of (await registered(host)).filter((x) => x !== secret)) {
    expect(JSON.stringify(r.inputs)).not.toContain('s3cr3t-value');
  }
});

test('the same chart twice in one program (one per cluster) gets distinct names and its own provider', async () => {
  const east = new k8s.Provider('east', { kubeconfig: 'east-kubeconfig' });
  const west = new k8s.Provider('west', { kubeconfig: 'west-kubeconfig' });
  const a = new Host('east-kestra', 'demo', { providers: [east] });
  const b = new Host('west-kestra', 'demo', { provider: west });
  const providerRef = async (p: k8s.Provider) => `${await valueOf(p.urn)}::${await valueOf(p.id)}`;
  for (const r of await registered(a)) expect(r.provider).toBe(await providerRef(east));
  for (const r of await registered(b)) expect(r.provider).toBe(await providerRef(west));
});

describe('charts that cannot be registered fail before anything is registered', () => {
  const configMap = (chart: Chart, id: string, name: string) =>
    new ApiObject(chart, id, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: {} });

  test('two objects with the same kind, namespace and name', () => {
    const chart = new Chart(new App(), 'dup', { namespace: 'demo' });
    configMap(chart, 'a', 'same');
    configMap(chart, 'b', 'same');
    expect(() => planRegistration(synthesizeChart(chart), 'dup')).toThrow(KestraValidationError);
    expect(() => planRegistration(synthesizeChart(chart), 'dup')).toThrow(/metadata.name: "dup:ConfigMap:demo\/same": is used by two ConfigMap/);
  });

  test('a cdk8s dependency that contradicts the implicit order (namespace after its content)', async () => {
    const chart = new Chart(new App(), 'cycle', { namespace: 'demo' });
    const content = configMap(chart, 'content', 'content');
    const namespace = new ApiObject(chart, 'ns', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'demo' } });
    namespace.addDependency(content);
    expect(() => new Host2('cycle', chart)).toThrow(/dependency cycle/);
    await settle(monitor);
    expect(monitor.registrations.filter((r) => r.name.startsWith('cycle:'))).toEqual([]);
  });
});

class Host2 extends pulumi.ComponentResource {
  constructor(name: string, chart: Chart) {
    super('test:index:Host2', name, {});
    registerChart(chart, { parent: this, namePrefix: name });
  }
}
