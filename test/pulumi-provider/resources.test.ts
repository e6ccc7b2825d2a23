import * as fs from 'fs';
import * as path from 'path';
import * as pulumi from '@pulumi/pulumi';
import * as ts from 'typescript';
import { Flow, KeyValue, NamespaceFile } from '../../lib/pulumi/provider';

// The resource classes as a program uses them, under Pulumi's mocks: their outputs must be the engine's
// values. Compiled to ES2022 (define semantics for class fields), a field declared without `declare`
// would overwrite the Output the `Resource` constructor set and read `undefined`.

const SOURCE = 'id: hello\nnamespace: company.team\ntasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n';
const SECRET_SIG_KEY = '4dabf18193072939515e22adb298388d';
const SECRET_SIG = '1b47061264138c4ac30d75fd1eb44270';

const registered: Array<{ type: string; object: Record<string, any> }> = [];

beforeAll(async () => {
  await pulumi.runtime.setMocks({
    // what the engine would answer after create: the inputs plus what the provider computed
    newResource: (args) => ({
      id: `${args.name}-id`,
      state: { ...args.inputs, tenant: 'main', revision: 7, sha256: 'ab12', type: args.inputs.type ?? 'NUMBER' },
    }),
    call: () => ({}),
  }, 'project', 'stack', false);
  const monitor = pulumi.runtime.getMonitor() as any;
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req: any, callback: unknown) => {
    registered.push({ type: req.getType(), object: req.getObject().toJavaScript() });
    return register(req, callback);
  };
});

function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply(resolve));
}

test('the jest build compiles like the package: ES2022 targets with define semantics for class fields', () => {
  for (const file of ['tsconfig.json', 'tsconfig.jest.json']) {
    const options = ts.getParsedCommandLineOfConfigFile(path.join(__dirname, '..', '..', file), {}, {
      ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(String(d.messageText)); },
    })!.options;
    expect(options.target).toBe(ts.ScriptTarget.ES2022);
    expect(options.useDefineForClassFields).not.toBe(false); // so fields are defined, as in the published dist/
  }
});

test('compiled as published (tsconfig.json), the resource classes define no field over their outputs', () => {
  const options = ts.getParsedCommandLineOfConfigFile(path.join(__dirname, '..', '..', 'tsconfig.json'), {}, {
    ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(String(d.messageText)); },
  })!.options;
  const outputs: Record<string, string[]> = {
    'flow.ts': ['source', 'namespace', 'flowId', 'tenant', 'revision'],
    'key-value.ts': ['namespace', 'key', 'value', 'type', 'tenant'],
    'namespace-file.ts': ['namespace', 'path', 'content', 'sha256', 'tenant'],
  };
  for (const [file, names] of Object.entries(outputs)) {
    const source = fs.readFileSync(path.join(__dirname, '..', '..', 'lib', 'pulumi', 'provider', file), 'utf8');
    const js = ts.transpileModule(source, { compilerOptions: options }).outputText;
    const body = js.slice(js.indexOf('extends pulumi.dynamic.Resource'));
    expect(body.length).toBeGreaterThan(100);
    // an ES2022 class field (`revision;`) would be defined after super() and hide the Output
    for (const name of names) expect(body).not.toMatch(new RegExp(`^\\s+${name};`, 'm'));
  }
});

test('resource outputs carry the engine\'s values (revision, flowId, key, path, sha256, tenant)', async () => {
  const flow = new Flow('flow', { source: SOURCE, connection: { url: 'https://kestra.example.com' } });
  const entry = new KeyValue('kv', { namespace: 'company.team', key: 'threshold', value: 42 });
  const file = new NamespaceFile('file', { namespace: 'company.team', path: 'scripts/etl.py', content: 'print(1)' });
  expect(flow.revision).toBeDefined();
  expect(await valueOf(flow.revision)).toBe(7);
  expect(await valueOf(flow.source)).toBe(SOURCE);
  expect(await valueOf(flow.tenant)).toBe('main');
  expect(await valueOf(entry.key)).toBe('threshold');
  expect(await valueOf(entry.value)).toBe(42);
  expect(await valueOf(entry.type)).toBe('NUMBER');
  expect(await valueOf(file.path)).toBe('scripts/etl.py');
  expect(await valueOf(file.sha256)).toBe('ab12');
});

test('every argument accepts a pulumi.Input, the connection and its nested fields included', async () => {
  const later = <T>(value: T): pulumi.Output<T> => pulumi.output(Promise.resolve(value)) as unknown as pulumi.Output<T>;
  const connection = {
    url: later('https://kestra.example.com'),
    apiToken: later('token-from-another-stack'),
    tenant: later('acme'),
    headers: later({ 'X-Proxy-Key': later('proxy-secret-value') }),
    timeoutMs: later(5000),
    retry: later({ maxAttempts: later(3), baseDelayMs: 10 }),
  };
  const flow = new Flow('inputs-flow', {
    connection, source: later(SOURCE), namespace: later('company.team'), flowId: later('hello'), overwriteExisting: later(false),
  });
  const entry = new KeyValue('inputs-kv', {
    connection: later({ url: 'https://kestra.example.com', password: 'p', username: 'u' }),
    namespace: later('company.team'),
    key: later('k'),
    value: later({ a: 1 }),
    type: later('JSON' as const),
    ttl: later('P1D'),
    description: later('d'),
    overwriteExisting: true,
  });
  const file = new NamespaceFile('inputs-file', {
    connection: Promise.resolve({ url: 'https://kestra.example.com' }),
    namespace: later('company.team'),
    path: later('a.txt'),
    content: later('x'),
    overwriteExisting: later(true),
  });
  await Promise.all([flow, entry, file].map((resource) => valueOf(resource.urn)));
  await new Promise((resolve) => setTimeout(resolve, 50));

  const flowInputs = registered.filter((r) => r.type.endsWith(':Flow')).map((r) => r.object).find((o) => o.connection?.tenant === 'acme')!;
  expect(flowInputs).toMatchObject({ source: SOURCE, namespace: 'company.team', flowId: 'hello', overwriteExisting: false });
  expect(flowInputs.connection).toMatchObject({ url: 'https://kestra.example.com', tenant: 'acme', timeoutMs: 5000, retry: { maxAttempts: 3, baseDelayMs: 10 } });
  // credentials and headers travel as secrets, the URL in plain text
  expect(flowInputs.connection.apiToken).toEqual({ [SECRET_SIG_KEY]: SECRET_SIG, value: 'token-from-another-stack' });
  expect(flowInputs.connection.headers).toEqual({ [SECRET_SIG_KEY]: SECRET_SIG, value: { 'X-Proxy-Key': 'proxy-secret-value' } });
  // a connection given as one output is secret as a whole
  const kvInputs = registered.filter((r) => r.type.endsWith(':KeyValue')).map((r) => r.object).find((o) => o.ttl === 'P1D')!;
  expect(kvInputs.connection).toEqual({ [SECRET_SIG_KEY]: SECRET_SIG, value: { url: 'https://kestra.example.com', password: 'p', username: 'u' } });
  expect(kvInputs).toMatchObject({ namespace: 'company.team', key: 'k', type: 'JSON', description: 'd', overwriteExisting: true });
  const fileInputs = registered.filter((r) => r.type.endsWith(':NamespaceFile')).map((r) => r.object).find((o) => o.overwriteExisting === true)!;
  expect(fileInputs).toMatchObject({ namespace: 'company.team', path: 'a.txt', content: 'x' });
});
