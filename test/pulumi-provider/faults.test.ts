import { serializeAndLoad, SerializedProvider } from './serialized-provider';
import { flowProvider, keyValueProvider, namespaceFileProvider } from '../../lib/pulumi/provider';
import { KestraApiServer } from '../util/kestra-api-server';

let flows: SerializedProvider;
let kv: SerializedProvider;
let files: SerializedProvider;
let server: KestraApiServer;
let connection: { url: string; retry: { baseDelayMs: number; maxAttempts: number } };

beforeAll(async () => {
  [flows, kv, files] = await Promise.all([flowProvider, keyValueProvider, namespaceFileProvider].map(serializeAndLoad));
});
beforeEach(async () => {
  server = await KestraApiServer.start({ latencyMs: 2 });
  connection = { url: server.url, retry: { baseDelayMs: 2, maxAttempts: 6 } };
});
afterEach(async () => {
  expect(server.contractViolations).toEqual([]);
  await server.close();
});

const N = 50;
const flowSource = (i: number, message: string) =>
  `id: flow-${i}\nnamespace: company.team\ntasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: ${message}\n`;

async function applyAll<T>(count: number, run: (i: number) => Promise<T>): Promise<T[]> {
  return Promise.all(Array.from({ length: count }, (_, i) => run(i)));
}

test(`${N} flows, K/V entries and files each, created, updated and deleted in parallel through faults: exactly the desired state`, async () => {
  for (const [operationId, faults] of Object.entries({
    createFlow: [{ status: 503, retryAfter: '0' }, { drop: 'after' }, { drop: 'before' }, { status: 502 }],
    updateFlow: [{ drop: 'after' }, { status: 504 }, { status: 429, retryAfter: '0' }],
    deleteFlow: [{ drop: 'after' }, { status: 503 }],
    setKeyValue: [{ status: 429, retryAfter: '0' }, { drop: 'before' }, { drop: 'after' }],
    getKeyValue: [{ status: 502 }, { drop: 'before' }],
    createNamespaceFile: [{ status: 502 }, { drop: 'after' }, { status: 503 }],
    deleteFileDirectory: [{ drop: 'after' }],
    deleteKeyValue: [{ drop: 'after' }],
  } as Record<string, object[]>)) {
    for (const fault of faults) server.inject({ operationId, times: 4, ...fault });
  }

  const created = await applyAll(N, async (i) => ({
    flow: await flows.create({ connection, source: flowSource(i, 'v1'), namespace: 'company.team', flowId: `flow-${i}` }),
    entry: await kv.create({ connection, namespace: 'company.team', key: `key-${i}`, value: { i, v: 1 } }),
    file: await files.create({ connection, namespace: 'company.team', path: `/dir ${i}/file #${i}.txt`, content: `v1 ${i}` }),
  }));
  expect(server.flows()).toHaveLength(N);
  expect(server.flows().every((f) => f.revision === 1)).toBe(true); // never created twice
  expect(server.keyValues().size).toBe(N);
  expect(server.files().size).toBe(N);

  const updated = await applyAll(N, async (i) => ({
    flow: await flows.update(created[i].flow.id, created[i].flow.outs, { ...created[i].flow.outs, source: flowSource(i, 'v2') }),
    entry: await kv.update(created[i].entry.id, created[i].entry.outs, { ...created[i].entry.outs, value: { i, v: 2 } }),
    file: await files.update(created[i].file.id, created[i].file.outs, { ...created[i].file.outs, content: `v2 ${i}` }),
  }));
  expect(server.flows().map((f) => [f.id, f.revision, f.source]).sort())
    .toEqual(Array.from({ length: N }, (_, i) => [`flow-${i}`, 2, flowSource(i, 'v2')]).sort());
  expect([...server.keyValues()].map(([k, e]) => [k, e.value]).sort())
    .toEqual(Array.from({ length: N }, (_, i) => [`company.team/key-${i}`, { i, v: 2 }]).sort());
  expect([...server.files()].map(([k, c]) => [k, c.toString()]).sort())
    .toEqual(Array.from({ length: N }, (_, i) => [`company.team:/dir ${i}/file #${i}.txt`, `v2 ${i}`]).sort());

  for (const operationId of ['deleteFlow', 'deleteKeyValue', 'deleteFileDirectory']) server.inject({ operationId, times: 3, drop: 'after' });
  await applyAll(N, async (i) => {
    await flows.delete(created[i].flow.id, updated[i].flow.outs);
    await kv.delete(created[i].entry.id, updated[i].entry.outs);
    await files.delete(created[i].file.id, updated[i].file.outs);
  });
  expect(server.flows()).toEqual([]);
  expect(server.keyValues().size).toBe(0);
  expect(server.files().size).toBe(0);
  expect(server.pendingFaults()).toBe(0);
});

test('Retry-After is honored in seconds and as an HTTP date, and capped', async () => {
  const { id, outs } = await kv.create({ connection, namespace: 'company.team', key: 'k', value: 1 });
  server.inject({ operationId: 'getKeyValue', times: 1, status: 503, retryAfter: '1' });
  let started = Date.now();
  await kv.read(id, outs);
  expect(Date.now() - started).toBeGreaterThanOrEqual(950);

  server.inject({ operationId: 'getKeyValue', times: 1, status: 429, retryAfter: new Date(Date.now() + 3000).toUTCString() });
  started = Date.now();
  await kv.read(id, { ...outs, connection: { ...connection, retry: { ...connection.retry, maxRetryAfterMs: 200 } } });
  expect(Date.now() - started).toBeLessThan(1500);
});

test('a 4xx is not retried; retries give up after maxAttempts; a slow answer times out and is retried', async () => {
  const { id, outs } = await kv.create({ connection, namespace: 'company.team', key: 'k', value: 1 });
  server.resetCounts();
  server.inject({ operationId: 'setKeyValue', times: 1, status: 400, message: 'Illegal value' });
  await expect(kv.update(id, outs, { ...outs, value: 2 })).rejects.toThrow(/HTTP 400: Illegal value$/);
  expect(server.requestCounts()).toEqual({ 'PUT /api/v1/{tenant}/namespaces/{namespace}/kv/{key}': 1 });

  server.inject({ operationId: 'setKeyValue', times: 10, status: 503 });
  const threeAttempts = { ...outs, connection: { ...connection, retry: { baseDelayMs: 1, maxAttempts: 3 } } };
  await expect(kv.update(id, threeAttempts, { ...threeAttempts, value: 2 })).rejects.toThrow(/HTTP 503: Injected 503 \(gave up after 3 attempts\)/);
  expect(server.requestCounts()['PUT /api/v1/{tenant}/namespaces/{namespace}/kv/{key}']).toBe(4);
  server.clearFaults();

  const impatient = { ...outs, connection: { ...connection, timeoutMs: 150 } };
  server.inject({ operationId: 'getKeyValue', times: 1, delayMs: 600 });
  expect((await kv.read(id, impatient)).props.value).toBe(1);
});
