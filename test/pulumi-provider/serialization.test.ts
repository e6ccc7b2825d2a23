import * as pulumi from '@pulumi/pulumi';
import { serializeAndLoad } from './serialized-provider';
import { Flow, flowProvider, KeyValue, keyValueProvider, NamespaceFile, namespaceFileProvider } from '../../lib/pulumi/provider';
import { KestraApiServer } from '../util/kestra-api-server';

// Sentinels: none of them may ever appear in a serialized provider, a log line or an error.
const ENV = {
  KESTRA_API_TOKEN: 'env-token-SENTINEL-a1', KESTRA_USERNAME: 'env-user-SENTINEL-b2', KESTRA_PASSWORD: 'env-password-SENTINEL-c3',
};
const CONNECTION_TOKEN = 'connection-token-SENTINEL-d4';
const CONNECTION_PASSWORD = 'connection-password-SENTINEL-e5';
const KV_VALUE = 'kv-value-SENTINEL-f6';
const HEADER_VALUE = 'header-value-SENTINEL-h8';
const SENTINELS = [...Object.values(ENV), CONNECTION_TOKEN, CONNECTION_PASSWORD, KV_VALUE, HEADER_VALUE];
// how the Pulumi wire format marks a secret: { [SIG_KEY]: SECRET_SIG, value }
const SECRET_SIG_KEY = '4dabf18193072939515e22adb298388d';
const SOURCE = 'id: hello\nnamespace: company.team\ntasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n';

const expectNoSentinel = (text: string): void => {
  for (const sentinel of SENTINELS) expect(text).not.toContain(sentinel);
};

afterEach(() => {
  for (const name of [...Object.keys(ENV), 'KESTRA_URL', 'KESTRA_TENANT', 'KESTRA_TENANT_ID']) delete process.env[name];
});

test('serialized providers capture no credential and read the environment only when they run', async () => {
  Object.assign(process.env, ENV);
  const loaded = await Promise.all([flowProvider, keyValueProvider, namespaceFileProvider].map(serializeAndLoad));
  for (const { text } of loaded) {
    expectNoSentinel(text);
    expect(text).not.toMatch(/require\("\.\.?\//); // local modules travel by value, not by path
  }
  const [flows] = loaded;

  // credentials that appear after serialization are picked up when the provider runs
  const server = await KestraApiServer.start({ auth: { token: 'late-token' } });
  try {
    delete process.env.KESTRA_USERNAME;
    Object.assign(process.env, { KESTRA_URL: server.url, KESTRA_API_TOKEN: 'late-token', KESTRA_TENANT: 'acme' });
    const created = await flows.create({ source: SOURCE });
    expect(created.id).toBe('acme/company.team/hello');
    expect(server.flows('acme')).toHaveLength(1);
    expect(JSON.stringify(created)).not.toContain('late-token');

    // a wrong token: 401 with Kestra's message, the token nowhere in the error
    process.env.KESTRA_API_TOKEN = ENV.KESTRA_API_TOKEN;
    const failure = await flows.read(created.id, created.outs).catch((err: Error) => err);
    expect(String(failure)).toMatch(/HTTP 401: Unauthorized/);
    expectNoSentinel(String(failure));

    // a server that echoes the credential back gets it redacted
    process.env.KESTRA_API_TOKEN = 'late-token';
    server.inject({ operationId: 'getFlow', times: 1, status: 400, message: 'bad header Authorization: Bearer late-token' });
    await expect(flows.read(created.id, created.outs)).rejects.toThrow('HTTP 400: bad header Authorization: Bearer [REDACTED]');
    expect(server.contractViolations).toEqual([]);
  } finally {
    await server.close();
  }
});

test('KESTRA_TENANT_ID (the Terraform provider\'s name) is read too; KESTRA_TENANT wins; header values are redacted', async () => {
  const [flows, kv] = await Promise.all([flowProvider, keyValueProvider].map(serializeAndLoad));
  const server = await KestraApiServer.start();
  try {
    process.env.KESTRA_URL = server.url;
    process.env.KESTRA_TENANT_ID = 'terraform-style';
    const created = await flows.create({ source: SOURCE });
    expect(created.id).toBe('terraform-style/company.team/hello');
    expect(server.flows('terraform-style')).toHaveLength(1);
    // diff reads it as well: the same tenant is no replace
    expect(await flows.diff(created.id, created.outs, { source: SOURCE })).toMatchObject({ replaces: [] });
    process.env.KESTRA_TENANT = 'explicit';
    expect((await kv.create({ namespace: 'company.team', key: 'k', value: 1 })).id).toBe('explicit/company.team/k');

    // a proxy header echoed back by the server never reaches the error
    const connection = { url: server.url, headers: { 'X-Proxy-Key': 'proxy-key-SENTINEL-g7' } };
    server.inject({ operationId: 'getKeyValue', times: 1, status: 400, message: 'rejected header X-Proxy-Key=proxy-key-SENTINEL-g7' });
    const failure = await kv.read('explicit/company.team/k', { connection }).catch((err: Error) => err);
    expect(String(failure)).toContain('HTTP 400: rejected header X-Proxy-Key=[REDACTED]');
    expect(server.contractViolations).toEqual([]);
  } finally {
    await server.close();
  }
});

test('resources mark credentials and K/V values secret and send the engine no credential in the provider', async () => {
  await pulumi.runtime.setMocks({
    newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }),
    call: () => ({}),
  }, 'project', 'stack', false);
  const registrations: Array<{ type: string; object: Record<string, any>; secretOutputs: string[] }> = [];
  const monitor = pulumi.runtime.getMonitor() as any;
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req: any, callback: unknown) => {
    registrations.push({ type: req.getType(), object: req.getObject().toJavaScript(), secretOutputs: req.getAdditionalsecretoutputsList() });
    return register(req, callback);
  };
  const connection = {
    url: 'https://kestra.example.com', apiToken: CONNECTION_TOKEN, username: 'admin', password: CONNECTION_PASSWORD, headers: { 'X-Proxy-Key': HEADER_VALUE },
  };
  const resources = [
    new Flow('flow', { connection, source: SOURCE }),
    new KeyValue('kv', { connection, namespace: 'company.team', key: 'k', value: KV_VALUE }),
    new NamespaceFile('file', { connection, namespace: 'company.team', path: 'a.txt', content: 'x' }),
  ];
  await Promise.all(resources.map((r) => new Promise((resolve) => r.urn.apply(resolve))));
  await new Promise((resolve) => setTimeout(resolve, 100));

  const SECRET_SIG = '1b47061264138c4ac30d75fd1eb44270';
  expect(registrations.map((r) => r.type).sort())
    .toEqual(['pulumi-nodejs:dynamic/kestra:Flow', 'pulumi-nodejs:dynamic/kestra:KeyValue', 'pulumi-nodejs:dynamic/kestra:NamespaceFile']);
  for (const { type, object, secretOutputs } of registrations) {
    // credentials travel as secrets, the URL in plain text
    expect(object.connection.url).toBe('https://kestra.example.com');
    expect(object.connection.apiToken).toEqual({ [SECRET_SIG_KEY]: SECRET_SIG, value: CONNECTION_TOKEN });
    expect(object.connection.password).toEqual({ [SECRET_SIG_KEY]: SECRET_SIG, value: CONNECTION_PASSWORD });
    expect(object.connection.headers).toEqual({ [SECRET_SIG_KEY]: SECRET_SIG, value: { 'X-Proxy-Key': HEADER_VALUE } });
    expect(secretOutputs).toContain('connection');
    // the serialized provider holds no credential
    const provider: string = typeof object.__provider === 'string' ? object.__provider : object.__provider.value;
    expect(provider).toContain('exports.handler');
    expectNoSentinel(provider);
    if (type.endsWith(':KeyValue')) {
      expect(object.value).toEqual({ [SECRET_SIG_KEY]: SECRET_SIG, value: KV_VALUE });
      expect(secretOutputs).toContain('value');
    }
  }
});
