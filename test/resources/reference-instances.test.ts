import { App, Chart, Testing } from 'cdk8s';
import { KestraOperator, OperatorCredentials } from '../../lib/operator';
import { Kestra, KestraDatabase } from '../../lib/platform';
import { KestraFlow, KestraReferenceChecks } from '../../lib/resources';

// The reference checks group objects by the Kestra instance that reconciles them, by the rules of the
// identity check (lib/resources/kestra-identities.ts): the operator whose watch list holds the CR's namespace.
const credentials = OperatorCredentials.apiToken({ secretName: 'kestra-operator', key: 'api-token' });

function operator(app: App, env: string, watchNamespaces: string[], kestra?: Kestra): KestraOperator {
  return new KestraOperator(new Chart(app, `${env}-operator`, { namespace: `kestra-${env}` }), 'operator', {
    ...(kestra ? { kestra } : { apiUrl: `http://kestra.kestra-${env}.svc.cluster.local:8080` }), credentials, watchNamespaces,
  });
}

function source(id: string, task: string): string {
  return `id: ${id}\nnamespace: company.team\ntasks:\n${task}`;
}
const callChild = '  - id: call\n    type: io.kestra.plugin.core.flow.Subflow\n    namespace: company.team\n    flowId: child\n';
const log = (message: string) => `  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: "${message}"\n`;

test('a call resolves across the namespaces one operator watches, and the callee is emitted first', () => {
  const app = Testing.app();
  const parent = new KestraFlow(new Chart(app, 'team-a', { namespace: 'team-a' }), 'parent', { source: source('parent', callChild) });
  const child = new KestraFlow(new Chart(app, 'team-b', { namespace: 'team-b' }), 'child', { source: source('child', log('hi')) });
  operator(app, 'prod', ['team-a', 'team-b']);
  expect(() => app.synthYaml()).not.toThrow();
  expect(parent.node.dependencies).toContain(child);
  expect(KestraReferenceChecks.report(parent).flows.map((f) => [f.flowId, f.target])).toEqual([
    ['parent', 'the Kestra instance of the operator prod-operator/operator'],
    ['child', 'the Kestra instance of the operator prod-operator/operator'],
  ]);
});

test('a call to a flow that only another environment holds fails the synth', () => {
  const app = Testing.app();
  new KestraFlow(new Chart(app, 'prod', { namespace: 'flows-prod' }), 'parent', { source: source('parent', callChild) });
  new KestraFlow(new Chart(app, 'staging', { namespace: 'flows-staging' }), 'child', { source: source('child', log('hi')) });
  operator(app, 'prod', ['flows-prod']);
  operator(app, 'staging', ['flows-staging']);
  expect(() => app.synthYaml()).toThrow(/flow company\.team\.parent .*task "call" .*calls flow company\.team\.child, which no flow/);
});

test('the same parent and child in two environments resolve each within its own', () => {
  const app = Testing.app();
  for (const env of ['prod', 'staging']) {
    const chart = new Chart(app, env, { namespace: `flows-${env}` });
    new KestraFlow(chart, 'parent', { source: source('parent', callChild) });
    new KestraFlow(chart, 'child', { source: source('child', log('hi')) });
    operator(app, env, [`flows-${env}`]);
  }
  expect(() => app.synthYaml()).not.toThrow();
});

test('a platform\'s Secrets count only for the instance its operator reconciles', () => {
  const app = Testing.app();
  const database = () => KestraDatabase.postgres({ url: 'jdbc:postgresql://db:5432/kestra', username: 'k', password: { secretName: 'db', key: 'p' } });
  for (const [env, key] of [['prod', 'SLACK_WEBHOOK'], ['staging', 'OTHER']]) {
    const kestra = new Kestra(new Chart(app, `${env}-kestra`, { namespace: `kestra-${env}` }), 'kestra', {
      database: database(), secrets: { secretName: 'flow-secrets', keys: [key] },
    });
    operator(app, env, [`flows-${env}`], kestra);
    new KestraFlow(new Chart(app, `${env}-flows`, { namespace: `flows-${env}` }), 'notify', { source: source('notify', log("{{ secret('SLACK_WEBHOOK') }}")) });
  }
  const checks = new Chart(app, 'checks');
  new KestraReferenceChecks(checks, 'checks', { strict: true });
  expect(() => app.synthYaml()).toThrow(/secret\('SLACK_WEBHOOK'\)/);
  const secrets = KestraReferenceChecks.report(checks).flows.map((f) => [f.target, f.secrets.map((s) => s.resolved)]);
  expect(secrets).toEqual([
    ['the Kestra instance of the operator prod-operator/operator', ['app']],
    ['the Kestra instance of the operator staging-operator/operator', ['missing']],
  ]);
});
