import { ApiObject, App, Chart } from 'cdk8s';

/**
 * A small hand-built chart with one object of every shape the registration
 * must handle: a Namespace, a ConfigMap, a Secret, a Deployment, a CRD, a custom
 * resource of that CRD and a cluster-scoped object, plus one cdk8s dependency.
 */
export function fixtureChart(namespace = 'demo'): Chart {
  const chart = new Chart(new App(), 'fixture', { namespace });
  // Built last in construct order on purpose: registration must still put it first.
  const config = new ApiObject(chart, 'config', {
    apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'app-config' }, data: { greeting: 'hello' },
  });
  new ApiObject(chart, 'secret', {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'app-secret' },
    type: 'Opaque',
    stringData: { password: 's3cr3t-value' },
    data: { token: Buffer.from('t0ken').toString('base64') },
  });
  const deployment = new ApiObject(chart, 'deployment', {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'app' },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'app' } },
      template: {
        metadata: { labels: { app: 'app' } },
        spec: { containers: [{ name: 'app', image: 'nginx:1.27', envFrom: [{ configMapRef: { name: 'app-config' } }] }] },
      },
    },
  });
  deployment.addDependency(config);
  new ApiObject(chart, 'widget', {
    apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'first' }, spec: { size: 3 },
  });
  new ApiObject(chart, 'widget-crd', {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'widgets.example.com', namespace: undefined },
    spec: {
      group: 'example.com',
      scope: 'Namespaced',
      names: { kind: 'Widget', plural: 'widgets', singular: 'widget', listKind: 'WidgetList' },
      versions: [{
        name: 'v1',
        served: true,
        storage: true,
        schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { size: { type: 'integer' } } } } } },
      }],
    },
  });
  new ApiObject(chart, 'reader', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: 'widget-reader' },
    rules: [{ apiGroups: ['example.com'], resources: ['widgets'], verbs: ['get', 'list'] }],
  });
  new ApiObject(chart, 'namespace', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
  return chart;
}
