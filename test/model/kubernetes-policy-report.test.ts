import { KestraValidationError } from '../../lib/common';
import { kubernetesPolicyReport, kubernetesPolicyReportForSources, planKubernetesAccess, parseFlowSource } from '../../lib/model';

const SOURCE = `id: ops
namespace: company.ops
tasks:
  - id: here
    type: io.kestra.plugin.kubernetes.kubectl.Get
    namespace: "{{ inputs.ns }}"
    resourceType: pods
  - id: there
    type: io.kestra.plugin.kubernetes.kubectl.Delete
    namespace: "{{ inputs.ns }}"
    resourceType: pods
    resourcesNames: [x]
    connection: { oauthToken: "{{ secret('EU_TOKEN') }}", masterUrl: https://eu.example.com }
`;
const SA = { name: 'kestra', namespace: 'kestra' };
const EU = { name: 'eu', secrets: ['EU_TOKEN'], serviceAccount: { name: 'kestra-flow-tasks', namespace: 'kestra-remote' } };
const GRANTS = [
  { flow: 'company.ops/ops', taskId: 'here', rules: [{ namespace: 'team-a', resource: 'pods', verbs: ['list' as const] }] },
  { flow: 'company.ops/ops', taskId: 'there', rules: [{ namespace: 'team-b', resource: 'pods', verbs: ['delete' as const], resourceNames: ['x'] }] },
];

describe('kubernetesPolicyReportForSources (what the report command prints)', () => {
  test('each grant goes to the plan of the cluster its task talks to', () => {
    const json = JSON.parse(kubernetesPolicyReportForSources({ flows: [{ source: SOURCE, origin: 'ops.yml' }], serviceAccount: SA, clusters: [EU], grants: GRANTS }, 'json'));
    expect(json.serviceAccounts.map((sa: any) => [sa.cluster, `${sa.namespace}/${sa.name}`, sa.scopes.map((s: any) => s.namespace)])).toEqual([
      ['in-cluster', 'kestra/kestra', ['team-a']],
      ['eu', 'kestra-remote/kestra-flow-tasks', ['team-b']],
    ]);
    expect(json.serviceAccounts[0].explicitGrants).toEqual([{ flow: 'company.ops/ops', task: 'here' }]);
    expect(json.serviceAccounts[0].otherClusters).toEqual([{ flow: 'company.ops/ops', task: 'there', secrets: ['EU_TOKEN'], masterUrl: 'https://eu.example.com' }]);
    expect(json.serviceAccounts[1].scopes[0].rules).toEqual([{
      apiGroups: [''],
      resources: ['pods'],
      verbs: ['delete'],
      resourceNames: ['x'],
      neededBy: [{ flow: 'company.ops/ops', task: 'there', type: 'io.kestra.plugin.kubernetes.kubectl.Delete', verbs: ['delete'], reason: 'granted explicitly' }],
    }]);
  });

  test('text marks explicit grants; a grant naming no task fails; an expression without grant fails naming the task', () => {
    const text = kubernetesPolicyReportForSources({ flows: [{ source: SOURCE }], serviceAccount: SA, clusters: [EU], grants: GRANTS });
    expect(text).toContain('      company.ops/ops here [kubectl.Get] list: granted explicitly (grants option)');
    expect(() => kubernetesPolicyReportForSources({ flows: [{ source: SOURCE }], serviceAccount: SA, grants: [{ ...GRANTS[0], taskId: 'nope' }] }))
      .toThrow(KestraValidationError);
    expect(() => kubernetesPolicyReportForSources({ flows: [{ source: SOURCE }], serviceAccount: SA, clusters: [EU], grants: [GRANTS[0]] }))
      .toThrow(/task "there" of flow company\.ops\/ops/);
  });

  test('an unknown format is refused; a plan with nothing to grant says so', () => {
    const parsed = parseFlowSource('id: f\nnamespace: a.b\ntasks:\n  - id: l\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n');
    const plan = planKubernetesAccess({ flows: [{ namespace: parsed.namespace, id: parsed.id, document: parsed.document }], serviceAccount: SA });
    expect(kubernetesPolicyReport(plan)).toBe('ServiceAccount kestra/kestra (cluster: in-cluster)\n  no Kubernetes task of the flows needs this cluster: nothing granted\n');
    expect(() => kubernetesPolicyReport(plan, 'yaml' as any)).toThrow(/"yaml"/);
  });
});
