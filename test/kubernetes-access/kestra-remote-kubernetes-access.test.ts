import * as fs from 'fs';
import * as path from 'path';
import { Chart, Testing } from 'cdk8s';
import { KestraRemoteKubernetesAccess } from '../../lib/kubernetes-access';
import { KestraFlow } from '../../lib/resources';
import { ofKind, synthValid } from '../util/k8s-schema';

const SOURCE = `id: train
namespace: company.ml
tasks:
  - id: gpu_pod
    type: io.kestra.plugin.kubernetes.core.PodCreate
    namespace: gpu-jobs
    connection:
      masterUrl: https://gpu.example.com:6443
      oauthToken: "{{ secret('GPU_K8S_TOKEN') }}"
    outputFiles: [metrics.json]
    spec: { containers: [{ name: a, image: b }] }
  - id: local_get
    type: io.kestra.plugin.kubernetes.kubectl.Get
    namespace: ops
    resourceType: pods
`;

function remote(cluster = { name: 'gpu', secrets: ['GPU_K8S_TOKEN'] }) {
  const app = Testing.app();
  const home = new Chart(app, 'home', { namespace: 'kestra' });
  const flow = new KestraFlow(home, 'flow', { source: SOURCE });
  const chart = new Chart(app, 'gpu', { namespace: 'kestra-remote' });
  const access = new KestraRemoteKubernetesAccess(chart, 'access', { flows: [flow], cluster });
  return { chart, access, home };
}

describe('KestraRemoteKubernetesAccess (a chart for another cluster)', () => {
  test('ServiceAccount, token Secret, Role and RoleBinding of the tasks whose connection points there; schema-valid', () => {
    const { chart } = remote();
    const objects = synthValid(chart);
    expect(objects.map((o) => `${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name}`).sort()).toEqual([
      'Role/gpu-jobs/kestra-flow-tasks',
      'RoleBinding/gpu-jobs/kestra-flow-tasks',
      'Secret/kestra-remote/kestra-flow-tasks-token',
      'ServiceAccount/kestra-remote/kestra-flow-tasks',
    ]);
    const [role] = ofKind(objects, 'Role');
    expect(role.rules).toEqual([
      { apiGroups: [''], resources: ['events'], verbs: ['list'] },
      { apiGroups: [''], resources: ['pods'], verbs: ['create', 'delete', 'get', 'list', 'watch'] },
      { apiGroups: [''], resources: ['pods/exec'], verbs: ['create', 'get'] },
      { apiGroups: [''], resources: ['pods/log'], verbs: ['get'] },
    ]);
    const [binding] = ofKind(objects, 'RoleBinding');
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'kestra-flow-tasks', namespace: 'kestra-remote' }]);
    const [account] = ofKind(objects, 'ServiceAccount');
    expect(account.automountServiceAccountToken).toBe(false);
  });

  test('the token Secret is the documented long-lived form: typed, annotated with the account, no data', () => {
    const [secret] = ofKind(synthValid(remote().chart), 'Secret');
    expect(secret).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'kubernetes.io/service-account-token',
      metadata: expect.objectContaining({ name: 'kestra-flow-tasks-token', namespace: 'kestra-remote', annotations: { 'kubernetes.io/service-account.name': 'kestra-flow-tasks' } }),
    });
  });

  test('matching by masterUrl works too, and the in-cluster task is left to the home chart', () => {
    const { access } = remote({ name: 'gpu', masterUrls: ['https://gpu.example.com:6443'] } as any);
    expect(access.plan.tasks.map((t) => t.taskId)).toEqual(['gpu_pod']);
    expect(access.report()).toContain("company.ml/train local_get [kubectl.Get]: Kestra's own cluster");
  });

  test('a selector matching no task fails (a typo in the secret name)', () => {
    expect(() => remote({ name: 'gpu', secrets: ['GPU_TOKEN'] })).toThrow(/matches no Kubernetes task/);
  });

  test('the chart needs a namespace for the ServiceAccount', () => {
    const app = Testing.app();
    const flow = new KestraFlow(new Chart(app, 'home', { namespace: 'kestra' }), 'flow', { source: SOURCE });
    const bare = new Chart(app, 'gpu');
    expect(() => new KestraRemoteKubernetesAccess(bare, 'access', { flows: [flow], cluster: { name: 'gpu', secrets: ['GPU_K8S_TOKEN'] } }))
      .toThrow(/Invalid namespace: undefined/);
  });

  test('secretCommands: read the token and CA there, store them next to Kestra as base64 values Kestra decodes', () => {
    const { access } = remote();
    expect(access.secretCommands({ remoteContext: 'gpu', kestraContext: 'home', kestraNamespace: 'kestra', secretName: 'gpu-cluster' })).toEqual([
      "read -r TOKEN CA < <(kubectl --context gpu -n kestra-remote get secret kestra-flow-tasks-token -o jsonpath='{.data.token} {.data.ca\\.crt}')",
      'kubectl --context home -n kestra create secret generic gpu-cluster --from-literal=token="$TOKEN" --from-literal=ca="$(printf %s "$CA" | base64 | tr -d \'\\n\')"',
    ]);
    expect(() => access.secretCommands({ remoteContext: 'gpu', kestraContext: 'home', kestraNamespace: 'kestra', secretName: 'Bad_Name' })).toThrow(/secretName/);
  });

  test('the README shows exactly the two commands secretCommands returns for its example', () => {
    const { access } = remote();
    const readme = fs.readFileSync(path.join(__dirname, '../../README.md'), 'utf8');
    for (const command of access.secretCommands({ remoteContext: 'gpu', kestraContext: 'home', kestraNamespace: 'kestra', secretName: 'gpu-cluster' })) {
      expect(readme).toContain(`${command}\n`);
    }
  });
});
