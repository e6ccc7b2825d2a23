import * as fs from 'fs';
import * as path from 'path';
import { Testing } from 'cdk8s';
import { GpuClusterChart, KubernetesTasksChart } from '../../examples/kubernetes-tasks/main';
import { kubernetesPolicyReportForSources } from '../../lib/model';
import { ofKind, synthValid } from '../util/k8s-schema';

describe('examples/kubernetes-tasks', () => {
  const app = Testing.app();
  const kestra = new KubernetesTasksChart(app, 'kestra');
  const gpu = new GpuClusterChart(app, 'gpu-cluster', kestra.flows);
  const home = synthValid(kestra);
  const remote = synthValid(gpu);

  test('the secret-rotation flow (Patch + Restart + Get) gets exactly its rules in payments, bound to the worker account', () => {
    const roles = ofKind(home, 'Role').filter((r) => r.metadata.name === 'kestra-flow-tasks');
    expect(roles.map((r) => [r.metadata.namespace, r.rules])).toEqual([['payments', [
      { apiGroups: [''], resources: ['secrets'], verbs: ['get', 'patch'], resourceNames: ['payments-api-key'] },
      { apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'patch'], resourceNames: ['payments-api'] },
    ]]]);
    const tokens = Object.fromEntries(ofKind(home, 'Deployment').map((d) => [d.metadata.name, d.spec.template.spec.automountServiceAccountToken]));
    expect(tokens['kestra-worker']).toBe(true);
    expect(Object.entries(tokens).filter(([, mounted]) => mounted).map(([name]) => name)).toEqual(['kestra-worker']);
  });

  test('the GPU PodCreate flow is granted in the GPU cluster chart only', () => {
    expect(ofKind(home, 'Role').some((r) => r.metadata.namespace === 'gpu-jobs')).toBe(false);
    const [role] = ofKind(remote, 'Role');
    expect(role.metadata.namespace).toBe('gpu-jobs');
    expect(role.rules.map((r: any) => `${r.resources[0]}:${r.verbs.join(',')}`)).toEqual([
      'events:list', 'pods:create,delete,get,list,watch', 'pods/exec:create,get', 'pods/log:get',
    ]);
    expect(ofKind(remote, 'Secret').map((s) => s.type)).toEqual(['kubernetes.io/service-account-token']);
  });

  test('Kestra reads the GPU cluster token from the Secret the README commands create', () => {
    const [worker] = ofKind(home, 'Deployment', 'kestra-worker');
    const env = Object.fromEntries(worker.spec.template.spec.containers[0].env.map((e: any) => [e.name, e.valueFrom?.secretKeyRef]));
    expect(env.SECRET_GPU_K8S_TOKEN).toEqual({ name: 'gpu-cluster', key: 'token' });
    expect(env.SECRET_GPU_K8S_CA).toEqual({ name: 'gpu-cluster', key: 'ca' });
  });

  test('the report from the flow files equals the constructs\' report', () => {
    const dir = path.join(__dirname, '../../examples/kubernetes-tasks/flows');
    const flows = fs.readdirSync(dir).sort().map((file) => ({ source: fs.readFileSync(path.join(dir, file), 'utf8'), origin: file }));
    const text = kubernetesPolicyReportForSources({
      flows,
      serviceAccount: { name: 'kestra', namespace: 'kestra' },
      clusters: [{ name: 'gpu', secrets: ['GPU_K8S_TOKEN'], serviceAccount: { name: 'kestra-flow-tasks', namespace: 'kestra-remote' } }],
    });
    expect(text).toBe(kestra.access.report() + '\n' + gpu.access.report());
  });
});
