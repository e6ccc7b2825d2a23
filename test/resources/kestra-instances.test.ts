import { App, Chart, Testing } from 'cdk8s';
import { KestraOperator, OperatorCredentials } from '../../lib/operator';
import { KestraFlow, KestraKeyValue, KestraNamespaceFile } from '../../lib/resources';
import { validationErrorOf } from '../util/validation-error';

// Which Kestra instance reconciles a custom resource decides whether two declarations of the same
// Kestra object conflict: the operator whose watch list holds the resource's Kubernetes namespace
// (QUARKUS_OPERATOR_SDK_NAMESPACES, see lib/operator/kestra-operator.ts).
const SOURCE = 'id: hello\nnamespace: company.team\ntasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n';
const credentials = OperatorCredentials.apiToken({ secretName: 'kestra-operator', key: 'api-token' });

function operator(app: App, id: string, watchNamespaces?: string[]): KestraOperator {
  return new KestraOperator(new Chart(app, `${id}-chart`, { namespace: `kestra-${id}` }), 'operator', {
    apiUrl: `http://kestra.kestra-${id}.svc.cluster.local:8080`, credentials, watchNamespaces,
  });
}

const errorOf = validationErrorOf;

describe('several Kestra instances in one app', () => {
  test('the same flow, K/V entry and file for two operators is allowed, whatever the declaration order', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'resources');
    for (const env of ['prod', 'staging']) {
      const metadata = { namespace: `flows-${env}` };
      new KestraFlow(chart, `flow-${env}`, { source: SOURCE, metadata });
      new KestraKeyValue(chart, `kv-${env}`, { namespace: 'company.team', key: 'k', value: env, metadata });
      new KestraNamespaceFile(chart, `file-${env}`, { namespace: 'company.team', filename: 'a.py', content: '', metadata });
    }
    // The operators come after the resources: the check runs when the app is synthesized.
    operator(app, 'prod', ['flows-prod']);
    operator(app, 'staging', ['flows-staging']);
    expect(() => app.synthYaml()).not.toThrow();
  });

  test('the same flow twice for one operator is refused at synth, naming both constructs and the operator', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'resources');
    new KestraFlow(chart, 'a', { source: SOURCE, metadata: { namespace: 'team-a' } });
    new KestraFlow(chart, 'b', { source: SOURCE, metadata: { namespace: 'team-b' } });
    operator(app, 'prod', ['team-a', 'team-b']);
    expect(errorOf(() => app.synthYaml()).message).toBe('resources/b: Invalid identity: "tenant=(default), namespace=company.team, id=hello": '
      + 'another KestraFlow (resources/a) already manages this Kestra object in the Kestra instance of the operator prod-chart/operator; '
      + 'declare each object once per Kestra instance');
  });

  test('the same object twice in one Kubernetes namespace is refused at once: one namespace has one operator', () => {
    const app = Testing.app();
    new KestraKeyValue(new Chart(app, 'one', { namespace: 'flows' }), 'kv', { namespace: 'company.team', key: 'k', value: 1 });
    const second = new Chart(app, 'two', { namespace: 'flows' });
    expect(errorOf(() => new KestraKeyValue(second, 'kv', { namespace: 'company.team', key: 'k', value: 2 })).message)
      .toMatch(/^two\/kv: Invalid identity: .* another KestraKeyValue \(one\/kv\) already manages this Kestra object in the Kestra instance whose operator watches the Kubernetes namespace "flows"/);
    expect(second.node.tryFindChild('kv')).toBeUndefined();
  });

  test('without any operator in the app, objects in different Kubernetes namespaces may repeat', () => {
    const app = Testing.app();
    new KestraFlow(new Chart(app, 'prod', { namespace: 'flows-prod' }), 'hello', { source: SOURCE });
    new KestraFlow(new Chart(app, 'staging', { namespace: 'flows-staging' }), 'hello', { source: SOURCE });
    expect(() => app.synthYaml()).not.toThrow();
  });

  test('a resource no operator of the app watches is refused, naming the namespace and the watch lists', () => {
    const app = Testing.app();
    new KestraFlow(new Chart(app, 'resources', { namespace: 'kestra' }), 'hello', { source: SOURCE });
    operator(app, 'prod', ['flows-prod']);
    operator(app, 'staging', ['flows-staging']);
    expect(errorOf(() => app.synthYaml()).message).toBe('resources/hello: Invalid metadata.namespace: "kestra": no KestraOperator of this app '
      + 'watches the namespace "kestra" (prod-chart/operator watches ["flows-prod"]; staging-chart/operator watches ["flows-staging"]), '
      + 'so this KestraFlow would never be reconciled; set metadata.namespace (or the chart\'s namespace) to a watched namespace');
  });

  test('a resource without a Kubernetes namespace next to operators with watch lists is refused', () => {
    const app = Testing.app();
    new KestraFlow(new Chart(app, 'resources'), 'hello', { source: SOURCE });
    operator(app, 'prod', ['flows-prod']);
    expect(errorOf(() => app.synthYaml()).message).toContain('no KestraOperator of this app watches a resource without a Kubernetes namespace');
  });

  test('an operator that watches every namespace reconciles everything', () => {
    const app = Testing.app();
    new KestraFlow(new Chart(app, 'a', { namespace: 'x' }), 'hello', { source: SOURCE });
    new KestraFlow(new Chart(app, 'b', { namespace: 'y' }), 'hello', { source: SOURCE });
    operator(app, 'all');
    expect(errorOf(() => app.synthYaml()).message).toContain('in the Kestra instance of the operator all-chart/operator');
  });

  test('an explicit operator must watch the resource\'s namespace', () => {
    const app = Testing.app();
    const prod = operator(app, 'prod', ['flows-prod']);
    operator(app, 'staging', ['flows-staging']);
    new KestraFlow(new Chart(app, 'ok', { namespace: 'flows-prod' }), 'hello', { source: SOURCE, operator: prod });
    expect(() => app.synthYaml()).not.toThrow();
    new KestraFlow(new Chart(app, 'wrong', { namespace: 'flows-staging' }), 'hello', { source: SOURCE, operator: prod });
    expect(errorOf(() => app.synthYaml()).message).toBe('wrong/hello: Invalid metadata.namespace: "flows-staging": the operator '
      + 'prod-chart/operator watches only ["flows-prod"], so it would never reconcile this KestraFlow; set metadata.namespace '
      + '(or the chart\'s namespace) to one of them');
  });
});
