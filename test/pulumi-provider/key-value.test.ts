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
    [{ key: 'since', value: '2024-05-01T10:00:00Z', type: 'DATETIME' }, 'DATETIME', '2024-05-01T10:00:00Z'],
    [{ key: 'day', value: '2024-05-01', type: 'DATE' }, 'DATE', '2024-05-01'],
    [{ key: 'every', value: 'PT30M', type: 'DURATION' }, 'DURATION', 'PT30M'],
    // Kestra's own forms of the same values (see test/util/kestra-api-kv.ts): no drift on read
    [{ key: 'daily', value: 'P1D', type: 'DURATION' }, 'DURATION', 'PT24H'],
    [{ key: 'ninety', value: 'PT90M', type: 'DURATION' }, 'DURATION', 'PT1H30M'],
    [{ key: 'midnight', value: '2024-05-01T00:00:00Z', type: 'DATETIME' }, 'DATE', '2024-05-01'],
    [{ key: 'paris', value: '2024-05-01T10:00:00+02:00', type: 'DATETIME' }, 'DATETIME', '2024-05-01T08:00:00Z'],
    [{ key: 'precise', value: '2024-05-01T10:00:00.5Z', type: 'DATETIME' }, 'DATETIME', '2024-05-01T10:00:00.500Z'],
  ];
  for (const [args, type, stored] of cases) {
    const { id, outs } = await createEntry(args);
    expect(id).toBe(`main/company.team/${args.key}`);
    expect(outs).toMatchObject({ tenant: 'main', value: args.value });
    expect(server.keyValues().get(`company.team/${args.key}`)).toMatchObject({ type, value: stored });
    // read right after create: no drift, even where Kestra answers another form
    const read = await provider.read(id, outs);
    expect(read.props.value).toEqual(args.value);
    expect(await provider.diff(id, read.props, outs)).toMatchObject({ changes: false });
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
  expect(await diff({ key: 'other' })).toEqual({ changes: true, replaces: ['key'], deleteBeforeReplace: false });
  expect(await diff({ namespace: 'company.other' })).toMatchObject({ replaces: ['namespace'], deleteBeforeReplace: false });
  expect(await diff({ connection: { ...connection, tenant: 'acme' } })).toMatchObject({ replaces: ['connection.tenant'] });
  expect(await diff({ connection: { ...connection, url: 'https://kestra.other.example' } }))
    .toEqual({ changes: true, replaces: ['connection.url'], deleteBeforeReplace: false });
  // by meaning: a duration by its length, a midnight date-time as the date Kestra reads it back as
  const { outs: daily } = await createEntry({ key: 'daily', value: 'P1D', type: 'DURATION' });
  expect(await provider.diff(id, daily, { ...daily, value: 'PT24H' })).toMatchObject({ changes: false });
  expect(await provider.diff(id, daily, { ...daily, value: 'PT25H' })).toMatchObject({ changes: true });
  expect(await provider.diff(id, { ...daily, value: '2024-05-01', type: 'DATE' }, { ...daily, value: '2024-05-01T00:00:00Z', type: 'DATETIME' }))
    .toMatchObject({ changes: false });
});

test('a credential-only change writes nothing; a value change writes once', async () => {
  const { id, outs } = await createEntry({ key: 'answer', value: 42, ttl: 'P1D' });
  server.resetCounts();
  const rotated = { ...outs, connection: { ...connection, username: 'admin', password: 'rotated' } };
  expect(await provider.diff(id, outs, rotated)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
  expect((await provider.update(id, outs, rotated)).outs).toMatchObject({ value: 42, connection: { password: 'rotated' } });
  expect(server.requestCounts()).toEqual({});
});

test('check refuses what Kestra cannot read back with its type, naming the shape, never the value', async () => {
  const check = async (value: unknown, type?: string) => (await provider.check({}, { connection, namespace: 'company.team', key: 'k', value, type })).failures;
  // KVStore.get reads a duration-shaped string back as a DURATION
  expect(await check('PT5M')).toEqual([{ property: 'value', reason: expect.stringContaining('Kestra reads such a STRING back as a DURATION') }]);
  expect(JSON.stringify(await check('PT5M'))).toContain('a string shaped like an ISO-8601 duration');
  expect(await check('-PT5M', 'DURATION')).toEqual([{ property: 'value', reason: expect.stringMatching(/signed duration.*unsigned/) }]);
  expect(await check('PT0.5S', 'DURATION')).toEqual([{ property: 'value', reason: expect.stringContaining('no fractions') }]);
  expect(await check('P2W', 'DURATION')).toHaveLength(1);
  for (const fine of [['PT5M', 'DURATION'], ['P1DT2H', 'DURATION'], ['every PT5M', undefined], ['5', undefined]]) {
    expect(await check(fine[0], fine[1])).toEqual([]);
  }
  // a value that is a secret: the failure shows its shape only
  const secret = 'PT1H';
  expect(JSON.stringify(await check(secret))).not.toContain(secret);
  expect(JSON.stringify(await check('s3cr3t-value', 'NUMBER'))).not.toContain('s3cr3t-value');
});

test('check names header-unsafe descriptions and headers instead of failing the request later', async () => {
  const check = async (extra: object) => (await provider.check({}, { connection, namespace: 'company.team', key: 'k', value: 1, ...extra })).failures;
  expect(await check({ description: 'Seuil d\'alerte (café)' })).toEqual([]); // Latin-1 is fine
  expect(await check({ description: '阈值' })).toEqual([{ property: 'description', reason: expect.stringMatching(/^Invalid description: "阈值": travels as an HTTP header.*U\+9608/) }]);
  expect(await check({ description: 'line one\nline two' })).toEqual([{ property: 'description', reason: expect.stringContaining('U+000A') }]);
  const badHeader = await check({ connection: { ...connection, headers: { 'X-Proxy-Key': 'a\r\nInjected: 1' } } });
  expect(badHeader).toEqual([{ property: 'connection', reason: expect.stringContaining('Invalid connection.headers.X-Proxy-Key: "<redacted>"') }]);
  expect(await check({ connection: { ...connection, headers: { 'Bad Name': 'x' } } })).toEqual([{ property: 'connection', reason: expect.stringContaining('not an HTTP token') }]);
  // called without check (as a direct caller may): the same named error, never Node's "failed: undefined"
  await expect(provider.create({ connection, namespace: 'company.team', key: 'k', value: 1, description: '阈值' }))
    .rejects.toThrow(/^Invalid description: "阈值": travels as an HTTP header/);
  expect(server.keyValues().size).toBe(0);
});

test('check rejects bad keys, namespaces, ttls and values without echoing the value', async () => {
  const { failures } = await provider.check({}, {
    connection, namespace: 'Company', key: '-bad', value: 'p4ssw0rd-secret', type: 'NUMBER', ttl: 'P1M',
  });
  expect(failures.map((f: { property: string }) => f.property).sort()).toEqual(['key', 'namespace', 'ttl', 'value']);
  expect(JSON.stringify(failures)).not.toContain('p4ssw0rd-secret');
});

test('refresh reports drift and drops deleted entries; an expired entry (410 Gone) is absent', async () => {
  const { id, outs } = await createEntry({ key: 'answer', value: 42, ttl: 'PT1H' });
  server.keyValues().get('company.team/answer')!.value = 41;
  const drifted = await provider.read(id, outs);
  expect(drifted.props).toMatchObject({ value: 41, type: 'NUMBER' });
  expect(await provider.diff(id, drifted.props, { ...outs })).toMatchObject({ changes: true });

  // another client stored a date-time with an offset: Kestra answers it as JSON, the same instant is no drift
  const { id: whenId, outs: when } = await createEntry({ key: 'when', value: '2024-05-01T08:00:00Z', type: 'DATETIME' });
  Object.assign(server.keyValues().get('company.team/when')!, { type: 'JSON', value: '2024-05-01T10:00:00+02:00' });
  expect((await provider.read(whenId, when)).props).toMatchObject({ value: '2024-05-01T08:00:00Z', type: 'DATETIME' });
  Object.assign(server.keyValues().get('company.team/when')!, { type: 'JSON', value: '2024-05-01T11:00:00+02:00' });
  expect((await provider.read(whenId, when)).props).toMatchObject({ value: '2024-05-01T11:00:00+02:00', type: 'JSON' });

  // past its TTL Kestra answers 410 once (and deletes the entry), then 404
  server.advanceClock(3_600_001);
  server.resetCounts();
  expect(await provider.read(id, outs)).toEqual({});
  expect(server.keyValues().has('company.team/answer')).toBe(false);
  expect(server.requestCounts()['GET /api/v1/{tenant}/flows/{namespace}']).toBeUndefined(); // 410 is Kestra's own answer: no probe
  expect(await provider.read(id, outs)).toEqual({});
});

test('create adopts an equal entry, refuses another value unless overwriteExisting, and treats an expired one as absent', async () => {
  await createEntry({ key: 'window', value: 'P1D', type: 'DURATION' });
  server.resetCounts();
  // Kestra holds PT24H: the same duration, adopted without a write
  const adopted = await createEntry({ key: 'window', value: 'PT24H', type: 'DURATION' });
  expect(adopted.outs).toMatchObject({ value: 'PT24H', type: 'DURATION' });
  expect(server.requestCounts()).toEqual({ 'GET /api/v1/{tenant}/namespaces/{namespace}/kv/{key}': 1 });
  // another value: refused, the value itself never in the message
  const refused = await createEntry({ key: 'window', value: 'PT2H', type: 'DURATION' }).catch((err: Error) => err);
  expect(String(refused)).toMatch(/K\/V entry window in namespace company\.team \(tenant main\) already exists in Kestra and its value differs \(type DURATION\)/);
  expect(String(refused)).toContain('overwriteExisting: true');
  expect(String(refused)).not.toMatch(/PT2H|PT24H|import/);
  const taken = await createEntry({ key: 'window', value: 'PT2H', type: 'DURATION', overwriteExisting: true });
  expect(taken.outs.overwriteExisting).toBe(true);
  expect(server.keyValues().get('company.team/window')).toMatchObject({ value: 'PT2H' });
  // an expired entry is gone for Kestra: create writes
  server.keyValues().get('company.team/window')!.expiresAt = server.now() - 1;
  await createEntry({ key: 'window', value: 'PT3H', type: 'DURATION' });
  expect(server.keyValues().get('company.team/window')).toMatchObject({ value: 'PT3H' });
});

test('Kestra\'s echo of a rejected value is redacted from the error, whatever its length', async () => {
  const { id, outs } = await createEntry({ key: 'token', value: 'a-long-secret-value-0123456789'.repeat(50) });
  // KVController answers 422 "Illegal argument: Invalid JSON value for: <body>" for a body it cannot read
  server.inject({ operationId: 'setKeyValue', times: 1, status: 422, message: `Illegal argument: Invalid JSON value for: ${JSON.stringify(outs.value)}` });
  const failure = await provider.update(id, outs, { ...outs, value: `${outs.value}!` }).catch((err: Error) => err);
  expect(String(failure)).toMatch(/HTTP 422: Illegal argument: Invalid JSON value for: \[REDACTED\]$/);
  expect(String(failure)).not.toContain('a-long-secret');
});

test('keys that need encoding and other tenants reach the right entry', async () => {
  const { id } = await createEntry({ key: 'a.b_c-d', value: 'x', connection: { ...connection, tenant: 'acme' } });
  expect(id).toBe('acme/company.team/a.b_c-d');
  expect(server.keyValues('acme').has('company.team/a.b_c-d')).toBe(true);
  expect(server.keyValues('main').size).toBe(0);
});
