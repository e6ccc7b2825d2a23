import { KestraValidationError } from '../../lib/common';
import {
  KubernetesTaskDerivationError, parseFlowSource, planKubernetesAccess, pluralizeKind, KubernetesAccessPlanInput,
} from '../../lib/model';

const SA = { name: 'kestra', namespace: 'kestra' };

function flow(tasks: string, extra = ''): KubernetesAccessPlanInput['flows'][number] {
  const parsed = parseFlowSource(`id: f\nnamespace: company.team\n${extra}tasks:\n${tasks}`);
  return { namespace: parsed.namespace, id: parsed.id, document: parsed.document };
}

/** The rendered rules of the plan, by namespace ('' = cluster-wide). */
function rules(tasks: string, extra = '', input: Partial<KubernetesAccessPlanInput> = {}): Record<string, unknown[]> {
  const plan = planKubernetesAccess({ flows: [flow(tasks, extra)], serviceAccount: SA, ...input });
  return Object.fromEntries(plan.roles.map((role) => [role.namespace ?? '', role.rules.map((r) => r.rule)]));
}

const core = (resources: string, verbs: string[], resourceNames?: string[]) =>
  ({ apiGroups: [''], resources: [resources], verbs, ...(resourceNames ? { resourceNames } : {}) });
const apps = (resources: string, verbs: string[], resourceNames?: string[]) =>
  ({ apiGroups: ['apps'], resources: [resources], verbs, ...(resourceNames ? { resourceNames } : {}) });

describe('PodCreate (core/PodCreate.java, AbstractPod.java, PodService/PodLogService)', () => {
  const pod = `  - id: train
    type: io.kestra.plugin.kubernetes.core.PodCreate
    namespace: gpu-jobs
    spec:
      containers: [{ name: main, image: busybox }]
`;

  test('pod lifecycle, logs and events, in the task namespace, nothing else', () => {
    expect(rules(pod)).toEqual({
      'gpu-jobs': [
        core('events', ['list']),
        core('pods', ['create', 'delete', 'get', 'list', 'watch']),
        core('pods/log', ['get']),
      ],
    });
  });

  test('inputFiles or outputFiles add exec (get for WebSocket exec, create for SPDY and for WebSocket since 1.35)', () => {
    const withFiles = `${pod}    outputFiles: [model.bin]\n`;
    expect(rules(withFiles)['gpu-jobs']).toContainEqual(core('pods/exec', ['create', 'get']));
    expect(rules(withFiles)['gpu-jobs']).toHaveLength(4);
    const withInputs = `${pod}    inputFiles: { data.csv: "{{ inputs.file }}" }\n`;
    expect(rules(withInputs)['gpu-jobs']).toContainEqual(core('pods/exec', ['create', 'get']));
  });

  test('namespace defaults to "default", as AbstractPod does; the legacy type alias is recognised', () => {
    const legacy = '  - id: p\n    type: io.kestra.plugin.kubernetes.PodCreate\n    spec: { containers: [{ name: a, image: b }] }\n';
    expect(Object.keys(rules(legacy))).toEqual(['default']);
  });

  test('flow pluginDefaults set the namespace (forced ones win over the task)', () => {
    const task = '  - id: p\n    type: io.kestra.plugin.kubernetes.core.PodCreate\n    namespace: own\n    spec: { containers: [{ name: a, image: b }] }\n';
    const soft = 'pluginDefaults:\n  - type: io.kestra.plugin.kubernetes\n    values: { namespace: defaulted }\n';
    expect(Object.keys(rules(task, soft))).toEqual(['own']);
    const forced = 'pluginDefaults:\n  - type: io.kestra.plugin.kubernetes.core.PodCreate\n    forced: true\n    values: { namespace: forced-ns }\n';
    expect(Object.keys(rules(task, forced))).toEqual(['forced-ns']);
    const noNamespace = '  - id: p\n    type: io.kestra.plugin.kubernetes.core.PodCreate\n    spec: { containers: [{ name: a, image: b }] }\n';
    expect(Object.keys(rules(noNamespace, soft))).toEqual(['defaulted']);
    const legacyDefault = 'pluginDefaults:\n  - type: io.kestra.plugin.kubernetes.PodCreate\n    values: { namespace: legacy-ns }\n';
    expect(Object.keys(rules(noNamespace, legacyDefault))).toEqual(['legacy-ns']);
  });

  test('disabled tasks and tasks with their own connection get nothing here', () => {
    const disabled = `${pod}    disabled: true\n`;
    expect(rules(disabled)).toEqual({});
    const remote = `${pod}    connection:\n      masterUrl: https://gpu.example.com\n      oauthToken: "{{ secret('GPU_TOKEN') }}"\n`;
    const plan = planKubernetesAccess({ flows: [flow(remote)], serviceAccount: SA });
    expect(plan.roles).toEqual([]);
    expect(plan.elsewhere.map((t) => [t.taskId, t.connection])).toEqual([
      ['train', { kind: 'connection', secrets: ['GPU_TOKEN'], masterUrl: 'https://gpu.example.com' }],
    ]);
  });

  test('a connection that only inherits the ambient config still uses the pod token', () => {
    const inherit = `${pod}    inheritClusterConfig: true\n    connection: { namespace: other }\n`;
    expect(Object.keys(rules(inherit))).toEqual(['gpu-jobs']);
  });
});

describe('kubectl tasks (kubectl/*.java over fabric8)', () => {
  test('Patch: get + patch on the named object (fabric8 reads before patching); waiting adds list/watch', () => {
    const task = `  - id: p
    type: io.kestra.plugin.kubernetes.kubectl.Patch
    namespace: payments
    resourceType: secret
    resourceName: api-key
    patch: '{"stringData": {"key": "x"}}'
`;
    expect(rules(task)).toEqual({ payments: [core('secrets', ['get', 'patch'], ['api-key'])] });
    expect(rules(`${task}    waitUntilReady: PT2M\n`)).toEqual({ payments: [core('secrets', ['get', 'list', 'patch', 'watch'], ['api-key'])] });
    expect(rules(`${task}    waitUntilReady: PT0S\n`)).toEqual({ payments: [core('secrets', ['get', 'patch'], ['api-key'])] });
  });

  test('Patch with apiGroup and a custom resource type is pluralized as fabric8 does', () => {
    const task = `  - id: p
    type: io.kestra.plugin.kubernetes.kubectl.Patch
    namespace: shop
    resourceType: Shirt
    apiGroup: stable.example.com
    resourceName: blue
    patch: '{}'
`;
    expect(rules(task)).toEqual({ shop: [{ apiGroups: ['stable.example.com'], resources: ['shirts'], verbs: ['get', 'patch'], resourceNames: ['blue'] }] });
  });

  test('Get: list without names; get on names; list/watch on names when it waits', () => {
    const all = '  - id: g\n    type: io.kestra.plugin.kubernetes.kubectl.Get\n    namespace: ops\n    resourceType: pods\n';
    expect(rules(all)).toEqual({ ops: [core('pods', ['list'])] });
    const named = '  - id: g\n    type: io.kestra.plugin.kubernetes.kubectl.Get\n    namespace: ops\n    resourceType: deployment\n    apiGroup: apps\n    resourcesNames: [api, web]\n';
    expect(rules(named)).toEqual({ ops: [apps('deployments', ['get'], ['api', 'web'])] });
    expect(rules(`${named}    waitUntilReady: PT5M\n`)).toEqual({ ops: [apps('deployments', ['get', 'list', 'watch'], ['api', 'web'])] });
  });

  test('Restart: get + patch on deployments or statefulsets (apps), by name', () => {
    const task = '  - id: r\n    type: io.kestra.plugin.kubernetes.kubectl.Restart\n    namespace: payments\n    resourceType: StatefulSet\n    resourcesNames: [db]\n';
    expect(rules(task)).toEqual({ payments: [apps('statefulsets', ['get', 'patch'], ['db'])] });
  });

  test('Delete: delete only, by name; a name rendered at run time lifts the name limit, not the kind', () => {
    const task = '  - id: d\n    type: io.kestra.plugin.kubernetes.kubectl.Delete\n    namespace: batch-jobs\n    resourceType: Job\n    apiGroup: batch\n    resourcesNames: [nightly]\n';
    expect(rules(task)).toEqual({ 'batch-jobs': [{ apiGroups: ['batch'], resources: ['jobs'], verbs: ['delete'], resourceNames: ['nightly'] }] });
    const dynamic = task.replace('[nightly]', '["{{ inputs.job }}"]');
    expect(rules(dynamic)).toEqual({ 'batch-jobs': [{ apiGroups: ['batch'], resources: ['jobs'], verbs: ['delete'] }] });
  });

  test('Apply: create + patch (server-side apply) per manifest kind; a cluster-scoped kind goes to a ClusterRole, by name', () => {
    const task = `  - id: a
    type: io.kestra.plugin.kubernetes.kubectl.Apply
    namespace: apps-ns
    spec: |
      apiVersion: apps/v1
      kind: Deployment
      metadata: { name: api }
      spec: { template: { spec: { containers: [{ name: a, image: "nginx:{{ inputs.tag }}" }] } } }
      ---
      apiVersion: v1
      kind: ConfigMap
      metadata: { name: settings, namespace: other-ns }
      ---
      apiVersion: v1
      kind: Namespace
      metadata: { name: sandbox }
`;
    expect(rules(task)).toEqual({
      'apps-ns': [apps('deployments', ['create']), apps('deployments', ['patch'], ['api'])],
      'other-ns': [core('configmaps', ['create']), core('configmaps', ['patch'], ['settings'])],
      '': [core('namespaces', ['create']), core('namespaces', ['patch'], ['sandbox'])],
    });
  });

  test('Apply with waitUntilReady also reads, lists and watches the named object (ResourceWaitService)', () => {
    const task = `  - id: a
    type: io.kestra.plugin.kubernetes.kubectl.Apply
    namespace: shop
    waitUntilReady: PT10M
    spec: |
      apiVersion: stable.example.com/v1
      kind: Shirt
      metadata: { name: blue }
`;
    expect(rules(task)).toEqual({
      shop: [
        { apiGroups: ['stable.example.com'], resources: ['shirts'], verbs: ['create'] },
        { apiGroups: ['stable.example.com'], resources: ['shirts'], verbs: ['get', 'list', 'patch', 'watch'], resourceNames: ['blue'] },
      ],
    });
  });

  test('rules of several tasks merge per namespace and resource; verbs with the same names share a rule', () => {
    const tasks = `  - id: patch
    type: io.kestra.plugin.kubernetes.kubectl.Patch
    namespace: payments
    resourceType: deployment
    apiGroup: apps
    resourceName: api
    patch: '{}'
  - id: restart
    type: io.kestra.plugin.kubernetes.kubectl.Restart
    namespace: payments
    resourceType: Deployment
    resourcesNames: [api]
  - id: list
    type: io.kestra.plugin.kubernetes.kubectl.Get
    namespace: payments
    resourceType: deployments
    apiGroup: apps
`;
    const plan = planKubernetesAccess({ flows: [flow(tasks)], serviceAccount: SA });
    expect(plan.roles).toHaveLength(1);
    expect(plan.roles[0].rules.map((r) => r.rule)).toEqual([apps('deployments', ['list']), apps('deployments', ['get', 'patch'], ['api'])]);
    expect(plan.roles[0].rules[1].neededBy.map((n) => n.taskId)).toEqual(['patch', 'restart']);
  });
});

describe('tasks that cannot be derived fail, naming flow and task, unless granted', () => {
  function derivationError(tasks: string): KubernetesTaskDerivationError {
    try {
      planKubernetesAccess({ flows: [flow(tasks)], serviceAccount: SA });
    } catch (err) {
      expect(err).toBeInstanceOf(KubernetesTaskDerivationError);
      return err as KubernetesTaskDerivationError;
    }
    throw new Error('expected a derivation error');
  }

  test.each([
    ['namespace expression', '  - id: t\n    type: io.kestra.plugin.kubernetes.kubectl.Get\n    namespace: "{{ inputs.ns }}"\n    resourceType: pods\n', 'namespace'],
    ['kind expression', '  - id: t\n    type: io.kestra.plugin.kubernetes.kubectl.Delete\n    namespace: ops\n    resourceType: "{{ inputs.kind }}"\n    resourcesNames: [x]\n', 'resourceType'],
    ['manifests read at run time', '  - id: t\n    type: io.kestra.plugin.kubernetes.kubectl.Apply\n    namespace: ops\n    spec: "{{ read(\'deployment.yaml\') }}"\n', 'spec'],
    ['kind expression in a manifest', '  - id: t\n    type: io.kestra.plugin.kubernetes.kubectl.Apply\n    namespace: ops\n    spec: |\n      apiVersion: v1\n      kind: "{{ inputs.kind }}"\n      metadata: { name: x }\n', 'spec[0].kind'],
  ])('%s', (_title, tasks, field) => {
    const error = derivationError(tasks);
    expect(error.field).toBe(`flows["company.team/f"].tasks[0].${field}`);
    expect(error.message).toContain('task "t" of flow company.team/f');
    expect(error.message).toContain('grants');
  });

  test('a namespace that is not a Kubernetes name is refused', () => {
    const error = derivationError('  - id: t\n    type: io.kestra.plugin.kubernetes.kubectl.Get\n    namespace: Payments_Prod\n    resourceType: pods\n');
    expect(error.field).toBe('flows["company.team/f"].tasks[0].namespace');
    expect(error.message).toContain('"Payments_Prod"');
  });

  test('a built-in kind outside the core group without apiGroup is refused (the plugin would call /api/v1)', () => {
    const error = derivationError('  - id: t\n    type: io.kestra.plugin.kubernetes.kubectl.Get\n    namespace: ops\n    resourceType: Deployment\n');
    expect(error.message).toContain('set apiGroup: apps');
  });

  test('Patch/Get/Delete of a cluster-scoped kind is refused (the plugin addresses namespaced resources only)', () => {
    const error = derivationError('  - id: t\n    type: io.kestra.plugin.kubernetes.kubectl.Delete\n    namespace: ops\n    resourceType: namespace\n    resourcesNames: [x]\n');
    expect(error.message).toContain('cluster-scoped');
  });

  test('an explicit grant replaces the derivation of that task', () => {
    const tasks = '  - id: t\n    type: io.kestra.plugin.kubernetes.kubectl.Get\n    namespace: "{{ inputs.ns }}"\n    resourceType: pods\n';
    const plan = planKubernetesAccess({
      flows: [flow(tasks)],
      serviceAccount: SA,
      grants: [{ flow: 'company.team/f', taskId: 't', rules: [{ namespace: 'team-a', resource: 'pods', verbs: ['list'] }] }],
    });
    expect(plan.roles).toEqual([{ namespace: 'team-a', rules: [{ rule: core('pods', ['list']), neededBy: [expect.objectContaining({ taskId: 't', reason: 'granted explicitly' })] }] }]);
    expect(plan.tasks[0].granted).toBe('explicit');
  });

  test.each<[string, any, string]>([
    ['a wildcard verb', { namespace: 'a', resource: 'pods', verbs: ['*'] }, 'grants[0].rules[0].verbs'],
    ['a wildcard resource', { namespace: 'a', resource: '*', verbs: ['get'] }, 'grants[0].rules[0].resource'],
    ['no namespace and not clusterScoped', { resource: 'pods', verbs: ['get'] }, 'grants[0].rules[0].namespace'],
  ])('grants with %s are refused', (_title, rule, field) => {
    const tasks = '  - id: t\n    type: io.kestra.plugin.kubernetes.kubectl.Get\n    namespace: "{{ inputs.ns }}"\n    resourceType: pods\n';
    expect(() => planKubernetesAccess({ flows: [flow(tasks)], serviceAccount: SA, grants: [{ flow: 'company.team/f', taskId: 't', rules: [rule] }] }))
      .toThrow(expect.objectContaining({ field }));
  });

  test('a grant naming no task of the flows is refused (stale grants hide nothing)', () => {
    const tasks = '  - id: t\n    type: io.kestra.plugin.kubernetes.kubectl.Get\n    namespace: ops\n    resourceType: pods\n';
    expect(() => planKubernetesAccess({ flows: [flow(tasks)], serviceAccount: SA, grants: [{ flow: 'company.team/f', taskId: 'gone', rules: [{ namespace: 'a', resource: 'pods', verbs: ['get'] }] }] }))
      .toThrow(KestraValidationError);
  });
});

describe('remote cluster selection', () => {
  const tasks = `  - id: here
    type: io.kestra.plugin.kubernetes.kubectl.Get
    namespace: ops
    resourceType: pods
  - id: gpu
    type: io.kestra.plugin.kubernetes.core.PodCreate
    namespace: jobs
    connection:
      masterUrl: https://gpu.example.com:6443
      oauthToken: "{{ secret('GPU_K8S_TOKEN') }}"
    spec: { containers: [{ name: a, image: b }] }
  - id: eu
    type: io.kestra.plugin.kubernetes.kubectl.Get
    namespace: ops
    resourceType: pods
    connection: { masterUrl: https://eu.example.com }
`;
  test('by secret or by masterUrl; other tasks are listed as elsewhere', () => {
    const gpu = planKubernetesAccess({ flows: [flow(tasks)], serviceAccount: SA, cluster: { name: 'gpu', secrets: ['GPU_K8S_TOKEN'] } });
    expect(gpu.tasks.map((t) => t.taskId)).toEqual(['gpu']);
    expect(gpu.elsewhere.map((t) => t.taskId)).toEqual(['here', 'eu']);
    const eu = planKubernetesAccess({ flows: [flow(tasks)], serviceAccount: SA, cluster: { name: 'eu', masterUrls: ['https://eu.example.com'] } });
    expect(eu.tasks.map((t) => t.taskId)).toEqual(['eu']);
  });

  test('a selector without secrets or URLs is refused', () => {
    expect(() => planKubernetesAccess({ flows: [flow(tasks)], serviceAccount: SA, cluster: { name: 'x' } })).toThrow(/secrets.*masterUrls/);
  });
});

test('pluralizeKind follows fabric8 Pluralize', () => {
  expect(['Deployment', 'pod', 'pods', 'Ingress', 'NetworkPolicy', 'Endpoints', 'StatefulSet', 'status', 'Lease', 'Shirt'].map(pluralizeKind))
    .toEqual(['deployments', 'pods', 'pods', 'ingresses', 'networkpolicies', 'endpoints', 'statefulsets', 'statuses', 'leases', 'shirts']);
});
