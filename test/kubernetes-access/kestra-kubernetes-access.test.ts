import { Chart, Testing } from 'cdk8s';
import { KestraValidationError } from '../../lib/common';
import { KestraKubernetesAccess } from '../../lib/kubernetes-access';
import { KubernetesTaskDerivationError } from '../../lib/model';
import { Kestra, KestraDatabase, KestraMode, KestraStorage, KestraTaskRunner } from '../../lib/platform';
import { KestraFlow } from '../../lib/resources';
import { ofKind, synthValid } from '../util/k8s-schema';

const ROTATE = `id: rotate
namespace: company.ops
tasks:
  - id: write_key
    type: io.kestra.plugin.kubernetes.kubectl.Patch
    namespace: payments
    resourceType: secret
    resourceName: api-key
    patch: '{}'
  - id: restart
    type: io.kestra.plugin.kubernetes.kubectl.Restart
    namespace: payments
    resourceType: Deployment
    resourcesNames: [api]
`;
const BUILD = `id: build
namespace: company.ci
tasks:
  - id: pod
    type: io.kestra.plugin.kubernetes.core.PodCreate
    namespace: ci
    spec: { containers: [{ name: a, image: busybox }] }
  - id: elsewhere
    type: io.kestra.plugin.kubernetes.core.PodCreate
    namespace: ci
    connection: { masterUrl: https://other.example.com, oauthToken: "{{ secret('OTHER') }}" }
    spec: { containers: [{ name: a, image: busybox }] }
`;

type AccessProps = ConstructorParameters<typeof KestraKubernetesAccess>[2];

function setup(kestraProps: ConstructorParameters<typeof Kestra>[2] = {}, sources = [ROTATE, BUILD], extra: Partial<AccessProps> = {}) {
  const chart = new Chart(Testing.app(), 'test', { namespace: 'kestra' });
  const kestra = new Kestra(chart, 'kestra', kestraProps);
  const flows = sources.map((source, i) => new KestraFlow(chart, `flow${i}`, { source }));
  const access = new KestraKubernetesAccess(chart, 'access', { kestra, flows, ...extra });
  return { chart, kestra, access };
}

describe('KestraKubernetesAccess', () => {
  test('one Role + RoleBinding per target namespace, bound to the task pods\' ServiceAccount; every object is schema-valid', () => {
    const { chart } = setup();
    const objects = synthValid(chart);
    const roles = ofKind(objects, 'Role').filter((r) => r.metadata.name === 'kestra-flow-tasks');
    expect(roles.map((r) => r.metadata.namespace).sort()).toEqual(['ci', 'payments']);
    expect(roles.find((r) => r.metadata.namespace === 'payments').rules).toEqual([
      { apiGroups: [''], resources: ['secrets'], verbs: ['get', 'patch'], resourceNames: ['api-key'] },
      { apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'patch'], resourceNames: ['api'] },
    ]);
    const bindings = ofKind(objects, 'RoleBinding').filter((b) => b.metadata.name === 'kestra-flow-tasks');
    expect(bindings).toHaveLength(2);
    for (const binding of bindings) {
      expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'kestra-flow-tasks' });
      expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'kestra', namespace: 'kestra' }]);
    }
    // nothing broader: no wildcard anywhere, no ClusterRole for namespaced kinds
    expect(JSON.stringify(roles)).not.toContain('*');
    expect(ofKind(objects, 'ClusterRole')).toEqual([]);
  });

  test('standalone: the API token is mounted on the standalone pod', () => {
    const { chart } = setup();
    const [deployment] = ofKind(synthValid(chart), 'Deployment', 'kestra-standalone');
    expect(deployment.spec.template.spec.automountServiceAccountToken).toBe(true);
  });

  test('distributed: only the worker pods get the API token', () => {
    const { chart, access } = setup({ mode: KestraMode.distributed(), storage: KestraStorage.s3({ bucket: 'b', region: 'r' }) });
    const deployments = ofKind(synthValid(chart), 'Deployment');
    const tokens = Object.fromEntries(deployments.map((d) => [d.metadata.name, d.spec.template.spec.automountServiceAccountToken]));
    expect(tokens).toEqual({
      'kestra-webserver': false, 'kestra-executor': false, 'kestra-scheduler': false, 'kestra-worker': true, 'kestra-indexer': false,
    });
    expect(access.tokenComponents).toEqual(['worker']);
  });

  test('with the Kubernetes task runner the Roles bind the runner\'s account, the one the workers use', () => {
    const { chart } = setup({ taskRunner: KestraTaskRunner.kubernetes() });
    const objects = synthValid(chart);
    const [standalone] = ofKind(objects, 'Deployment', 'kestra-standalone');
    const account = standalone.spec.template.spec.serviceAccountName;
    for (const binding of ofKind(objects, 'RoleBinding').filter((b) => b.metadata.name === 'kestra-flow-tasks')) {
      expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: account, namespace: 'kestra' }]);
    }
  });

  test('no Kubernetes task in this cluster: nothing granted, no token mounted', () => {
    const remoteOnly = BUILD.replace(/ {2}- id: pod[\s\S]*?(?= {2}- id: elsewhere)/, '');
    const { chart, access } = setup({}, [remoteOnly]);
    const objects = synthValid(chart);
    expect(ofKind(objects, 'Role').filter((r) => r.metadata.name === 'kestra-flow-tasks')).toEqual([]);
    expect(ofKind(objects, 'Deployment', 'kestra-standalone')[0].spec.template.spec.automountServiceAccountToken).toBe(false);
    expect(access.plan.elsewhere.map((t) => t.taskId)).toEqual(['elsewhere']);
  });

  test('a task applying a cluster-scoped kind gets a ClusterRole limited to that kind and name', () => {
    const apply = `id: ns
namespace: company.platform
tasks:
  - id: create_ns
    type: io.kestra.plugin.kubernetes.kubectl.Apply
    spec: |
      apiVersion: v1
      kind: Namespace
      metadata: { name: sandbox }
`;
    const { chart } = setup({}, [apply]);
    const objects = synthValid(chart);
    const [clusterRole] = ofKind(objects, 'ClusterRole');
    expect(clusterRole.metadata.name).toBe('kestra-kestra-flow-tasks');
    expect(clusterRole.rules).toEqual([
      { apiGroups: [''], resources: ['namespaces'], verbs: ['create'] },
      { apiGroups: [''], resources: ['namespaces'], verbs: ['patch'], resourceNames: ['sandbox'] },
    ]);
    const [binding] = ofKind(objects, 'ClusterRoleBinding').filter((b) => b.metadata.name === 'kestra-kestra-flow-tasks');
    expect(binding.roleRef.kind).toBe('ClusterRole');
    expect(ofKind(objects, 'Role').filter((r) => r.metadata.name === 'kestra-flow-tasks')).toEqual([]);
  });

  test('a task whose namespace is an expression fails the synth naming flow and task, until granted', () => {
    const dynamic = ROTATE.replace('namespace: payments\n    resourceType: secret', 'namespace: "{{ inputs.ns }}"\n    resourceType: secret');
    expect(() => setup({}, [dynamic])).toThrow(KubernetesTaskDerivationError);
    expect(() => setup({}, [dynamic])).toThrow(/task "write_key" of flow company\.ops\/rotate/);
    const { chart } = setup({}, [dynamic], {
      grants: [{ flow: 'company.ops/rotate', taskId: 'write_key', rules: [{ namespace: 'team-a', resource: 'secrets', verbs: ['get', 'patch'], resourceNames: ['api-key'] }] }],
    });
    const roles = ofKind(synthValid(chart), 'Role').filter((r) => r.metadata.name === 'kestra-flow-tasks');
    expect(roles.map((r) => r.metadata.namespace).sort()).toEqual(['payments', 'team-a']);
  });

  test('bad input: a Chart without namespace, an empty flows list', () => {
    const chart = new Chart(Testing.app(), 'no-ns');
    const kestra = new Kestra(chart, 'kestra', { database: KestraDatabase.postgres({ url: 'jdbc:postgresql://db:5432/kestra', username: 'k', password: { secretName: 'db', key: 'p' } }) });
    const flow = new KestraFlow(chart, 'f', { source: ROTATE });
    expect(() => new KestraKubernetesAccess(chart, 'a', { kestra, flows: [flow] })).toThrow(/kestra\.namespace/);
    const { chart: other, kestra: k2 } = setup();
    expect(() => new KestraKubernetesAccess(other, 'b', { kestra: k2, flows: [] })).toThrow(KestraValidationError);
  });

  test('report(): per namespace, every rule and the flow/task needing it', () => {
    const { access } = setup();
    const text = access.report();
    expect(text).toContain('ServiceAccount kestra/kestra (cluster: in-cluster)');
    expect(text).toContain('  namespace payments (Role)\n    secrets (core) get,patch names=api-key\n      company.ops/rotate write_key [kubectl.Patch] get,patch: patches secrets api-key');
    expect(text).toContain('company.ci/build elsewhere [core.PodCreate]: connection via secret OTHER, https://other.example.com');
    const json = JSON.parse(access.report('json'));
    expect(json.serviceAccounts[0].scopes.map((s: any) => s.namespace)).toEqual(['ci', 'payments']);
    expect(json.serviceAccounts[0].scopes[1].rules[1]).toEqual({
      apiGroups: ['apps'],
      resources: ['deployments'],
      verbs: ['get', 'patch'],
      resourceNames: ['api'],
      neededBy: [{ flow: 'company.ops/rotate', task: 'restart', type: 'io.kestra.plugin.kubernetes.kubectl.Restart', verbs: ['get', 'patch'], reason: 'restarts deployments api' }],
    });
  });
});
