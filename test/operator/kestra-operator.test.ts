import { Chart } from 'cdk8s';
import { clusterScopedNames, BASE_PROPS, newChart } from './operator-fixtures';
import { KestraOperator, OperatorCredentials } from '../../lib/operator';
import { ofKind, synthValid } from '../util/k8s-schema';

const RESOURCES = ['kestraflows', 'kestraflows/status', 'kestraflows/finalizers',
  'kestrakeyvalues', 'kestrakeyvalues/status', 'kestrakeyvalues/finalizers',
  'kestranamespacefiles', 'kestranamespacefiles/status', 'kestranamespacefiles/finalizers'];
const VERBS = ['get', 'list', 'watch', 'patch', 'update', 'create', 'delete'];

function container(objects: readonly any[]): any {
  const [deployment] = ofKind(objects, 'Deployment');
  return deployment.spec.template.spec.containers[0];
}

function env(objects: readonly any[]): Record<string, any> {
  return Object.fromEntries(container(objects).env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
}

describe('without a watch list', () => {
  const { chart } = newChart();
  const operator = new KestraOperator(chart, 'operator', { ...BASE_PROPS, name: 'kestra-operator' });
  const objects = synthValid(chart);

  test('grants the resources cluster-wide with exactly the operator verbs', () => {
    expect(ofKind(objects, 'Role')).toEqual([]);
    expect(ofKind(objects, 'RoleBinding')).toEqual([]);
    const role = ofKind(objects, 'ClusterRole', 'kestra-operator.kestra.kestra-operator.resources')[0];
    expect(role.rules).toEqual([{ apiGroups: ['model.kestra.io'], resources: RESOURCES, verbs: VERBS }]);
    const binding = ofKind(objects, 'ClusterRoleBinding', 'kestra-operator.kestra.kestra-operator.resources')[0];
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role.metadata.name });
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'kestra-operator', namespace: 'kestra' }]);
  });

  test('reads CRDs with get and list only', () => {
    const role = ofKind(objects, 'ClusterRole', 'kestra-operator.kestra.kestra-operator.crd-reader')[0];
    expect(role.rules).toEqual([{ apiGroups: ['apiextensions.k8s.io'], resources: ['customresourcedefinitions'], verbs: ['get', 'list'] }]);
    expect(ofKind(objects, 'ClusterRoleBinding', role.metadata.name)[0].subjects)
      .toEqual([{ kind: 'ServiceAccount', name: 'kestra-operator', namespace: 'kestra' }]);
  });

  test('grants nothing else', () => {
    const rules = [...ofKind(objects, 'ClusterRole'), ...ofKind(objects, 'Role')].flatMap((r) => r.rules);
    expect(rules).toHaveLength(2);
    expect(rules.flatMap((r: any) => r.verbs)).not.toContain('*');
  });

  test('leaves the namespace list to the operator default (all namespaces)', () => {
    expect(env(objects)).not.toHaveProperty('QUARKUS_OPERATOR_SDK_NAMESPACES');
    expect(operator.watchNamespaces).toBeUndefined();
  });

  test('cluster-scoped objects carry no namespace', () => {
    for (const obj of objects.filter((o) => clusterScopedNames([o]).length > 0)) {
      expect({ name: obj.metadata?.name, namespace: obj.metadata?.namespace }).toEqual({ name: obj.metadata?.name, namespace: undefined });
    }
  });
});

describe('with a watch list', () => {
  const { chart } = newChart();
  new KestraOperator(chart, 'operator', { ...BASE_PROPS, name: 'kestra-operator', watchNamespaces: ['team-a', 'team-b'] });
  const objects = synthValid(chart);

  test('grants the resources through a Role and RoleBinding in each watched namespace', () => {
    const roles = ofKind(objects, 'Role');
    expect(roles.map((r) => r.metadata.namespace)).toEqual(['team-a', 'team-b']);
    for (const role of roles) {
      expect(role.rules).toEqual([{ apiGroups: ['model.kestra.io'], resources: RESOURCES, verbs: VERBS }]);
    }
    const bindings = ofKind(objects, 'RoleBinding');
    expect(bindings.map((b) => [b.metadata.namespace, b.roleRef.kind, b.roleRef.name])).toEqual([
      ['team-a', 'Role', roles[0].metadata.name],
      ['team-b', 'Role', roles[1].metadata.name],
    ]);
    for (const binding of bindings) {
      expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'kestra-operator', namespace: 'kestra' }]);
    }
  });

  test('has no cluster-wide access to the resources: the only ClusterRole reads CRDs', () => {
    const clusterRoles = ofKind(objects, 'ClusterRole');
    expect(clusterRoles.map((r) => r.metadata.name)).toEqual(['kestra-operator.kestra.kestra-operator.crd-reader']);
    expect(ofKind(objects, 'ClusterRoleBinding').map((b) => b.roleRef.name)).toEqual(['kestra-operator.kestra.kestra-operator.crd-reader']);
  });

  test('tells the operator which namespaces to watch', () => {
    expect(env(objects).QUARKUS_OPERATOR_SDK_NAMESPACES).toBe('team-a,team-b');
  });
});

describe('Deployment', () => {
  const { chart } = newChart();
  const operator = new KestraOperator(chart, 'operator', BASE_PROPS);
  const objects = synthValid(chart);
  const [deployment] = ofKind(objects, 'Deployment');
  const pod = deployment.spec.template.spec;

  test('runs the pinned operator image under its ServiceAccount, with the API token mounted', () => {
    expect(container(objects).image).toBe(`registry.kestra.io/docker/kestra-operator:${KestraOperator.DEFAULT_IMAGE_TAG}`);
    expect(KestraOperator.DEFAULT_IMAGE_TAG).toMatch(/^v\d+\.\d+\.\d+$/);
    expect(pod.serviceAccountName).toBe(operator.serviceAccount.name);
    expect(pod.automountServiceAccountToken).toBe(true);
    expect(ofKind(objects, 'ServiceAccount', operator.name)[0].metadata.namespace).toBe('kestra');
    expect(deployment.spec.replicas).toBe(1);
    expect(deployment.spec.strategy).toEqual({ type: 'Recreate' });
    expect(deployment.spec.selector.matchLabels).toEqual(expect.objectContaining({ 'app.kubernetes.io/instance': operator.name }));
  });

  test('derives a unique DNS name from the construct path when no name is given', () => {
    expect(operator.name).toMatch(/^platform-operator-[0-9a-f]{8}$/);
    expect(deployment.metadata).toMatchObject({ name: operator.name, namespace: 'kestra' });
  });

  test('connects to the Kestra API and does not apply CRDs itself', () => {
    expect(env(objects)).toMatchObject({
      KESTRA_API_URL: 'http://kestra.kestra.svc.cluster.local:8080',
      QUARKUS_OPERATOR_SDK_CRD_APPLY: 'false',
    });
  });

  test('probes the Quarkus health endpoints on port 8080', () => {
    const c = container(objects);
    expect(c.ports).toEqual([{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
    expect([c.startupProbe, c.livenessProbe, c.readinessProbe].map((p) => [p.httpGet.path, p.httpGet.port]))
      .toEqual([['/q/health/started', 'http'], ['/q/health/live', 'http'], ['/q/health/ready', 'http']]);
  });

  test('follows the Pod Security "restricted" profile', () => {
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(container(objects).securityContext).toEqual({
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      privileged: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(container(objects).volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
  });

  test('has the default resources', () => {
    expect(container(objects).resources).toEqual({ requests: { cpu: '250m', memory: '256Mi' }, limits: { memory: '512Mi' } });
  });
});

test('image, replicas, resources, pull secrets and namespace are configurable', () => {
  const { chart } = newChart(null);
  new KestraOperator(chart, 'operator', {
    ...BASE_PROPS,
    namespace: 'ops',
    imageRepository: 'mirror.example.com:5000/kestra/operator',
    imageTag: 'v1.1.0',
    replicas: 2,
    resources: { requests: { cpu: '100m' } },
    imagePullSecrets: ['kestra-registry'],
  });
  const objects = synthValid(chart);
  const [deployment] = ofKind(objects, 'Deployment');
  expect(deployment.metadata.namespace).toBe('ops');
  expect(deployment.spec.replicas).toBe(2);
  expect(deployment.spec.template.spec.imagePullSecrets).toEqual([{ name: 'kestra-registry' }]);
  expect(container(objects).image).toBe('mirror.example.com:5000/kestra/operator:v1.1.0');
  expect(container(objects).resources).toEqual({ requests: { cpu: '100m' } });
  expect(ofKind(objects, 'ClusterRoleBinding')[0].subjects[0].namespace).toBe('ops');
});

describe('credentials', () => {
  test.each([
    ['apiToken', OperatorCredentials.apiToken({ secretName: 'kestra-api', key: 'token' }), 'KESTRA_API_API_KEY'],
    ['basicAuth', OperatorCredentials.basicAuth({ secretName: 'kestra-api', key: 'user-password' }), 'KESTRA_API_BASIC_AUTH'],
  ])('%s is read from the Secret, never written as a literal', (_kind, credentials, envName) => {
    const { chart } = newChart();
    new KestraOperator(chart, 'operator', { ...BASE_PROPS, credentials });
    const vars = container(synthValid(chart)).env;
    const credential = vars.filter((e: any) => e.name.startsWith('KESTRA_API_') && e.name !== 'KESTRA_API_URL');
    expect(credential).toEqual([{ name: envName, valueFrom: { secretKeyRef: { name: 'kestra-api', key: credentials.secretKeyRef.key } } }]);
  });
});

test('takes the API URL from a Kestra construct', () => {
  const { chart } = newChart();
  const kestra = { apiUrl: 'https://kestra.prod.svc.cluster.local:8080/' };
  const operator = new KestraOperator(chart, 'operator', { credentials: BASE_PROPS.credentials, kestra });
  expect(operator.apiUrl).toBe(kestra.apiUrl);
  expect(env(synthValid(chart)).KESTRA_API_URL).toBe(kestra.apiUrl);
});

test('synthesizes the same manifest every time', () => {
  const build = () => {
    const { chart } = newChart();
    new KestraOperator(chart, 'operator', { ...BASE_PROPS, watchNamespaces: ['team-a'] });
    return synthValid(chart);
  };
  expect(build()).toEqual(build());
});

describe('several operators side by side', () => {
  test('in one chart, each with its own watch list', () => {
    const { chart } = newChart();
    const dev = new KestraOperator(chart, 'dev', { ...BASE_PROPS, watchNamespaces: ['kestra-dev'] });
    const prod = new KestraOperator(chart, 'prod', { ...BASE_PROPS, apiUrl: 'http://kestra-prod:8080', watchNamespaces: ['kestra-prod', 'shared'] });
    const objects = synthValid(chart); // also fails on a duplicate kind/namespace/name
    expect(dev.name).not.toBe(prod.name);
    expect(ofKind(objects, 'Deployment')).toHaveLength(2);
    expect(ofKind(objects, 'Role').map((r) => `${r.metadata.namespace}/${r.metadata.name}`)).toEqual([
      `kestra-dev/kestra-operator.kestra.${dev.name}.resources`,
      `kestra-prod/kestra-operator.kestra.${prod.name}.resources`,
      `shared/kestra-operator.kestra.${prod.name}.resources`,
    ]);
    const names = clusterScopedNames(objects);
    expect(new Set(names).size).toBe(names.length);
    expect(ofKind(objects, 'CustomResourceDefinition')).toHaveLength(3);
  });

  test('in two charts of one app: cluster-wide names are unique and the CRDs are emitted once', () => {
    const build = () => {
      const { app, chart } = newChart('kestra-dev');
      const prodChart = new Chart(app, 'prod', { namespace: 'kestra-prod' });
      new KestraOperator(chart, 'operator', { ...BASE_PROPS, name: 'kestra-operator', watchNamespaces: ['dev'] });
      new KestraOperator(prodChart, 'operator', { ...BASE_PROPS, name: 'kestra-operator', watchNamespaces: ['prod'] });
      return [synthValid(chart), synthValid(prodChart)];
    };
    const [devObjects, prodObjects] = build();
    const names = [...clusterScopedNames(devObjects), ...clusterScopedNames(prodObjects)];
    expect(new Set(names).size).toBe(names.length);
    expect(clusterScopedNames(prodObjects)).toEqual([
      'ClusterRole/kestra-operator.kestra-prod.kestra-operator.crd-reader',
      'ClusterRoleBinding/kestra-operator.kestra-prod.kestra-operator.crd-reader',
    ]);
    expect(ofKind(devObjects, 'CustomResourceDefinition')).toHaveLength(3);
    expect(ofKind(prodObjects, 'CustomResourceDefinition')).toHaveLength(0);
    expect(build()).toEqual([devObjects, prodObjects]);
  });
});
