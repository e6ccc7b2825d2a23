import { App, Testing } from 'cdk8s';
import { GitOpsKestraChart } from '../../examples/gitops/main';
import { validateCustomResource } from '../crds/crd-validator';
import { ofKind, synthValid } from '../util/k8s-schema';

describe('examples/gitops', () => {
  const chart = new GitOpsKestraChart(Testing.app(), 'gitops');
  const objects = synthValid(chart);

  test('every custom resource satisfies its CRD schema', () => {
    const crs = objects.filter((o) => o.apiVersion === 'model.kestra.io/v1alpha1');
    expect(crs.length).toBe(7);
    for (const cr of crs) validateCustomResource(cr as any);
  });

  test('loads every flow of the folder tree, marked read-only, comments kept', () => {
    const flows = ofKind(objects, 'KestraFlow');
    expect(flows.map((f) => `${f.spec.namespace}/${f.spec.id}`).sort()).toEqual(['company.data/orders-nightly', 'company.ops/healthcheck']);
    for (const flow of flows) expect(flow.spec.source).toMatch(/system\.readOnly: "true"/);
    const orders = flows.find((f) => f.spec.id === 'orders-nightly');
    expect(orders.spec.source).toContain("# Loads yesterday's orders into the warehouse.");
  });

  test('uploads the namespace files and types the K/V entries', () => {
    expect(ofKind(objects, 'KestraNamespaceFile').map((f) => f.spec.filename)).toEqual(['scripts/load_orders.py']);
    const kv = Object.fromEntries(ofKind(objects, 'KestraKeyValue').map((k) => [k.spec.key, k.spec]));
    expect(kv.orders_batch_size).toMatchObject({ type: 'NUMBER', value: '500' });
    expect(kv.orders_mapping.type).toBe('JSON');
    expect(kv.maintenance_window).toMatchObject({ type: 'DURATION', ttl: 'P7D' });
  });

  test('the operator talks to this Kestra and only watches the chart namespace', () => {
    const [deployment] = ofKind(objects, 'Deployment').filter((d) => d.metadata.name.includes('operator'));
    const env = Object.fromEntries(deployment.spec.template.spec.containers[0].env.map((e: any) => [e.name, e]));
    expect(env.KESTRA_API_URL.value).toBe(chart.kestra.apiUrl);
    expect(env.QUARKUS_OPERATOR_SDK_NAMESPACES.value).toBe('kestra');
    expect(env.KESTRA_API_BASIC_AUTH.valueFrom.secretKeyRef).toEqual({ name: 'kestra-login', key: 'basic-auth' });
    expect(ofKind(objects, 'ClusterRoleBinding').every((b) => !JSON.stringify(b).includes('kestraflows'))).toBe(true);
  });

  test('synthesizes with cdk8s like the other examples', () => {
    const app = new App({ outdir: '/nonexistent' });
    new GitOpsKestraChart(app, 'kestra-gitops');
    expect(app.synthYaml()).toContain('kind: KestraFlow');
  });
});
