import { Chart, Testing } from 'cdk8s';
import { build, podSpec, synthKestra } from './helpers';
import { Kestra, KestraDatabase, KestraFlow, KestraMode, KestraReferenceChecks, KestraStorage } from '../../lib';

const readsToken = `id: uses-secret
namespace: company.team
tasks:
  - id: call
    type: io.kestra.plugin.core.http.Request
    uri: https://api.example.com
    headers:
      Authorization: "Bearer {{ secret('api_token') }}"
`;

test('each Secret reaches every Kestra container as envFrom with the SECRET_ prefix Kestra OSS reads', () => {
  const { objects } = synthKestra({
    mode: KestraMode.distributed(),
    database: KestraDatabase.bundledPostgres(),
    storage: KestraStorage.minio({
      endpoint: 'minio.minio.svc',
      bucket: 'kestra',
      credentials: { accessKeyId: { secretName: 'minio', key: 'access' }, secretAccessKey: { secretName: 'minio', key: 'secret' } },
    }),
    secrets: [{ secretName: 'flow-secrets' }, { secretName: 'team-secrets', keys: ['SLACK_WEBHOOK'] }],
  });
  const deployments = objects.filter((o: any) => o.kind === 'Deployment' && o.metadata.labels['app.kubernetes.io/name'] === 'kestra');
  expect(deployments.length).toBeGreaterThan(1);
  for (const deployment of deployments) {
    const kestra = podSpec(deployment).containers.find((c: any) => c.name === 'kestra');
    expect(kestra.envFrom).toEqual([
      { prefix: 'SECRET_', secretRef: { name: 'flow-secrets' } },
      { prefix: 'SECRET_', secretRef: { name: 'team-secrets' } },
    ]);
    // the values stay in the Secret: nothing is copied into the manifest
    expect(JSON.stringify(deployment)).not.toMatch(/SLACK_WEBHOOK/);
  }
});

test('without secrets there is no envFrom', () => {
  const { objects } = synthKestra();
  const deployment: any = objects.find((o: any) => o.kind === 'Deployment' && o.metadata.name === 'kestra-standalone');
  expect(podSpec(deployment).containers[0].envFrom).toBeUndefined();
});

test('bad secrets are refused naming the field', () => {
  expect(() => build({ secrets: { secretName: 'Bad_Name' } })).toThrow(/secrets\.secretName/);
  expect(() => build({ secrets: [{ secretName: 'a', keys: ['api-token'] }] })).toThrow(/secrets\[0\]\.keys\[0\]: "api-token".*valid environment variable name/);
  expect(() => build({ secrets: [{ secretName: 'a', keys: ['TOKEN'] }, { secretName: 'b', keys: ['token'] }] }))
    .toThrow(/secrets\[1\]\.keys\[0\]: "token": is the same secret as "a\/TOKEN"/);
  expect(() => build({ secrets: [{ secretName: 'a' }, { secretName: 'a' }] })).toThrow(/listed twice/);
});

function appWith(secrets: ConstructorParameters<typeof Kestra>[2], strict = false) {
  const app = Testing.app();
  const chart = new Chart(app, 'test', { namespace: 'kestra' });
  new Kestra(chart, 'kestra', secrets);
  if (strict) new KestraReferenceChecks(chart, 'checks', { strict: true });
  new KestraFlow(chart, 'flow', { source: readsToken, sourceName: 'uses-secret.yaml' });
  return { app, chart };
}

test("flows' secret() names are checked against the declared keys, upper-cased as Kestra does", () => {
  const ok = appWith({ secrets: { secretName: 'flow-secrets', keys: ['API_TOKEN'] } }, true);
  expect(() => ok.app.synthYaml()).not.toThrow();
  expect(KestraReferenceChecks.report(ok.chart).flows[0].secrets[0].resolved).toBe('app');

  const missing = appWith({ secrets: { secretName: 'flow-secrets', keys: ['OTHER'] } }, true);
  expect(() => missing.app.synthYaml()).toThrow(/secret\('api_token'\) at tasks\[0\]\.headers\.Authorization resolves to nothing: none of the Secrets given to Kestra \(flow-secrets\) declares a key API_TOKEN/);
});

test('a Secret without declared keys leaves secret() unchecked', () => {
  const { app, chart } = appWith({ secrets: [{ secretName: 'a', keys: ['OTHER'] }, { secretName: 'opaque' }] }, true);
  expect(() => app.synthYaml()).not.toThrow();
  expect(KestraReferenceChecks.report(chart).flows[0].secrets[0].resolved).toBe('unchecked');
});
