import { SerializedProvider, useSerializedProvider } from './serialized-provider';
import { keyValueProvider } from '../../lib/pulumi/provider';
import type { KestraApiServer } from '../util/kestra-api-server';

let server: KestraApiServer;
let provider: SerializedProvider;
let connection: { url: string; retry: { baseDelayMs: number } };

useSerializedProvider(keyValueProvider, (harness) => ({ provider, server, connection } = harness));

async function createEntry(news: Record<string, unknown>): Promise<{ id: string; outs: any }> {
  const { inputs, failures } = await provider.check({}, { connection, namespace: 'company.team', ...news });
  expect(failures).toEqual([]);
  return provider.create(inputs);
}

test('create, read, update and delete entries of every type', async () => {
  const cases: Array<[Record<string, unknown>, string, unknown]> = [
    [{ key: 'greeting', value: 'hello "world"' }, 'STRING', 'hello "world"'],
    [{ key: 'digits', value: '42' }, 'STRING', '42'],
    [{ key: 'answer', value: 42 }, 'NUMBER', 42],
    [{ key: 'enabled', value: false }, 'BOOLEAN', false],
    [{ key: 'config', value: { b: [1, 2], a: 'x' } }, 'JSON', { b: [1, 2], a: 'x' }],
    [{ key: 'since', value: '2024-05-01T10:00:00Z', type: 'DATETIME' }, 'DATETIME', '2024-05-01T10:00:00.000Z'],
    [{ key: 'day', value: '2024-05-01', type: 'DATE' }, 'DATE', '2024-05-01'],
    [{ key: 'every', value: 'PT30M', type: 'DURATION' }, 'DURATION', 'PT30M'],
  ];
  for (const [args, type, stored] of cases) {
    const { id, outs } = await createEntry(args);
    expect(id).toBe(`main/company.team/${args.key}`);
    expect(outs).toMatchObject({ type, tenant: 'main', value: args.value });
    expect(server.keyValues().get(`company.team/${args.key}`)).toMatchObject({ type, value: stored });
    // read right after create: no drift, even where Kestra normalizes (date-times)
    expect((await provider.read(id, outs)).props.value).toEqual(args.value);
  }
  const { id, outs } = await createEntry({ key: 'counter', value: 1, ttl: 'P7D', description: 'a counter' });
  expect(server.keyValues().get('company.team/counter')).toMatchObject({ description: 'a counter', expiresAt: expect.any(Number) });
  server.resetCounts();
  const updated = await provider.update(id, outs, { ...outs, value: 2 });
  expect(updated.outs).toMatchObject({ value: 2 });
  expect(server.keyValues().get('company.team/counter')).toMatchObject({ value: 2, revision: 2 });
  // an update is exactly one write
  expect(server.requestCounts()).toEqual({ 'PUT /api/v1/{tenant}/namespaces/{namespace}/kv/{key}': 1 });
  await provider.delete(id, updated.outs);
  expect(server.keyValues().has('company.team/counter')).toBe(false);
  await provider.delete(id, updated.outs); // already gone: fine
});

test('diff: namespace, key or tenant replace; value, type, ttl and description update', async () => {
  const { id, outs } = await createEntry({ key: 'answer', value: 42 });
  const diff = (news: object) => provider.diff(id, outs, { ...outs, ...news });
  expect(await diff({})).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
  expect(await diff({ type: undefined })).toMatchObject({ changes: false }); // 42 infers NUMBER again
  expect(await diff({ value: 43 })).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
  expect(await diff({ value: '42', type: 'STRING' })).toMatchObject({ changes: true, replaces: [] });
  expect(await diff({ ttl: 'PT1H' })).toMatchObject({ changes: true, replaces: [] });
  expect(await diff({ key: 'other' })).toEqual({ changes: true, replaces: ['key'], deleteBeforeReplace: true });
  expect(await diff({ namespace: 'company.other' })).toMatchObject({ replaces: ['namespace'], deleteBeforeReplace: true });
  expect(await diff({ connection: { ...connection, tenant: 'acme' } })).toMatchObject({ replaces: ['connection.tenant'] });
});

test('check rejects bad keys, namespaces, ttls and values without echoing the value', async () => {
  const { failures } = await provider.check({}, {
    connection, namespace: 'Company', key: '-bad', value: 'p4ssw0rd-secret', type: 'NUMBER', ttl: 'P1M',
  });
  expect(failures.map((f: { property: string }) => f.property).sort()).toEqual(['key', 'namespace', 'ttl', 'value']);
  expect(JSON.stringify(failures)).not.toContain('p4ssw0rd-secret');
});

test('refresh reports drift, drops expired or deleted entries; import by <tenant>/<namespace>/<key>', async () => {
  const { id, outs } = await createEntry({ key: 'answer', value: 42 });
  server.keyValues().get('company.team/answer')!.value = 41;
  const drifted = await provider.read(id, outs);
  expect(drifted.props).toMatchObject({ value: 41, type: 'NUMBER' });
  expect(await provider.diff(id, drifted.props, { ...outs })).toMatchObject({ changes: true });

  const imported = await provider.read(id, { connection });
  expect(imported.inputs).toEqual({ connection, namespace: 'company.team', key: 'answer', value: 41, type: 'NUMBER' });
  await expect(createEntry({ key: 'answer', value: 42 })).rejects.toThrow('{ import: "main/company.team/answer" }');

  server.keyValues().get('company.team/answer')!.expiresAt = Date.now() - 1;
  expect(await provider.read(id, outs)).toEqual({});
  server.keyValues().delete('company.team/answer');
  expect(await provider.read(id, outs)).toEqual({});
});

test('keys that need encoding and other tenants reach the right entry', async () => {
  const { id } = await createEntry({ key: 'a.b_c-d', value: 'x', connection: { ...connection, tenant: 'acme' } });
  expect(id).toBe('acme/company.team/a.b_c-d');
  expect(server.keyValues('acme').has('company.team/a.b_c-d')).toBe(true);
  expect(server.keyValues('main').size).toBe(0);
});
