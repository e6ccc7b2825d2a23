import { SerializedProvider, useSerializedProvider } from './serialized-provider';
import { flowProvider } from '../../lib/pulumi/provider';
import type { KestraApiServer } from '../util/kestra-api-server';

const SOURCE = `id: hello
namespace: company.team
description: "Say hello"
tasks:
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: hi
`;
// the same flow, reformatted: other indentation, key order and quoting
const REFORMATTED = `namespace: 'company.team'
id: hello
tasks:
- message: "hi"
  type: io.kestra.plugin.core.log.Log
  id: log
description: Say hello
`;
const CHANGED = SOURCE.replace('message: hi', 'message: hello again');

let server: KestraApiServer;
let provider: SerializedProvider;
let connection: { url: string; retry: { baseDelayMs: number } };

useSerializedProvider(flowProvider, (harness) => ({ provider, server, connection } = harness));

async function createHello(source = SOURCE): Promise<{ id: string; outs: any }> {
  const { inputs, failures } = await provider.check({}, { connection, source });
  expect(failures).toEqual([]);
  return provider.create(inputs);
}

test('create, read, update and delete a flow through the serialized provider', async () => {
  const created = await createHello();
  expect(created.id).toBe('main/company.team/hello');
  expect(created.outs).toMatchObject({ namespace: 'company.team', flowId: 'hello', tenant: 'main', revision: 1 });
  expect(server.flows()).toEqual([expect.objectContaining({ id: 'hello', namespace: 'company.team', source: SOURCE, revision: 1 })]);

  const read = await provider.read(created.id, created.outs);
  expect(read.props).toEqual(created.outs);

  const { inputs } = await provider.check(created.outs, { connection, source: CHANGED });
  const updated = await provider.update(created.id, created.outs, inputs);
  expect(updated.outs.revision).toBe(2);
  expect(server.flows()[0].source).toBe(CHANGED);

  await provider.delete(created.id, updated.outs);
  expect(server.flows()).toEqual([]);
  // deleting what is already gone succeeds
  await provider.delete(created.id, updated.outs);
  expect(server.requestCounts()['DELETE /api/v1/{tenant}/flows/{namespace}/{id}']).toBe(2);
});

test('diff: reformatting is no change, a new source is an update, a new namespace or id a replace', async () => {
  const { outs } = await createHello();
  const diff = async (source: string, extra: object = {}) =>
    provider.diff(outs.id, outs, (await provider.check(outs, { connection, source, ...extra })).inputs);
  expect(await diff(REFORMATTED)).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
  expect(await diff(CHANGED)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
  expect(await diff(SOURCE.replace('company.team', 'company.other')))
    .toEqual({ changes: true, replaces: ['namespace'], deleteBeforeReplace: true });
  expect(await diff(SOURCE.replace('id: hello', 'id: bye'))).toMatchObject({ replaces: ['flowId'], deleteBeforeReplace: true });
  const otherTenant = await provider.diff(outs.id, outs, { ...outs, connection: { ...connection, tenant: 'other' } });
  expect(otherTenant).toMatchObject({ replaces: ['connection.tenant'], deleteBeforeReplace: true });
  // during a preview with an unknown source, check cannot tell the identity: an update, not a replace
  const unknown = '04da6b54-80e4-46f7-96ec-b56ff0331ba9';
  const preview = await provider.check(outs, { connection, source: unknown });
  expect(await provider.diff(outs.id, outs, preview.inputs)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
  // an update with an equivalent source makes no API call and keeps the revision
  server.resetCounts();
  const same = await provider.update(outs.id, outs, { ...outs, source: REFORMATTED });
  expect(same.outs.revision).toBe(1);
  expect(server.requestCounts()).toEqual({});
});

test('check reports local problems, a namespace mismatch and Kestra validation errors', async () => {
  const broken = await provider.check({}, { connection, source: 'id: hello\nnamespace: company.team\n' });
  expect(broken.failures).toEqual([expect.objectContaining({ property: 'source', reason: expect.stringMatching(/tasks/) })]);
  const mismatch = await provider.check({}, { connection, source: SOURCE, namespace: 'company.other' });
  expect(mismatch.failures).toEqual([{ property: 'namespace', reason: expect.stringContaining('"company.other" but the flow source says "company.team"') }]);
  // passes the local checks, but Kestra cannot resolve the task type
  const unknownType = await provider.check({}, { connection, source: SOURCE.replace('io.kestra.plugin.core.log.Log', 'Log') });
  expect(unknownType.failures).toEqual([{ property: 'source', reason: 'Kestra rejects the flow: tasks[0].type: Invalid type: Log' }]);
  // a deprecated task type is a warning, not a failure
  const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  const deprecated = await provider.check({}, { connection, source: SOURCE.replace('io.kestra.plugin.core.log.Log', 'io.kestra.core.tasks.log.Log') });
  expect(deprecated.failures).toEqual([]);
  expect(warn).toHaveBeenCalledWith('kestra flow validation warning: tasks[0].type uses a deprecated task type');
  warn.mockRestore();
  // Kestra is asked only once the local checks pass
  expect(server.requestCounts()['POST /api/v1/{tenant}/flows/validate']).toBe(2);
  // an unreachable API does not fail the preview
  const offline = await provider.check({}, { connection: { url: 'http://127.0.0.1:9', retry: { maxAttempts: 1 } }, source: SOURCE });
  expect(offline.failures).toEqual([]);
});

test('refresh reports drift and drops a flow deleted outside Pulumi', async () => {
  const { id, outs } = await createHello();
  // reformatted in Kestra: not drift
  server.flows()[0].source = REFORMATTED;
  expect((await provider.read(id, outs)).props.source).toBe(SOURCE);
  // really changed in Kestra: the new source shows up, and the next diff is an update
  server.flows()[0].source = CHANGED;
  const drifted = await provider.read(id, outs);
  expect(drifted.props.source).toBe(CHANGED);
  expect(await provider.diff(id, drifted.props, { connection, source: SOURCE, namespace: 'company.team', flowId: 'hello' }))
    .toMatchObject({ changes: true, replaces: [] });
  server.flows()[0].deleted = true;
  expect(await provider.read(id, outs)).toEqual({});
});

test('import reads a flow by <tenant>/<namespace>/<id>, and create of an existing flow says how to import it', async () => {
  await createHello();
  process.env.KESTRA_URL = server.url;
  try {
    const imported = await provider.read('main/company.team/hello', {});
    expect(imported.props).toMatchObject({ source: SOURCE, namespace: 'company.team', flowId: 'hello', tenant: 'main', revision: 1 });
    expect(imported.inputs).toEqual({ source: SOURCE, namespace: 'company.team', flowId: 'hello' });
  } finally {
    delete process.env.KESTRA_URL;
  }
  await expect(createHello()).rejects.toThrow('{ import: "main/company.team/hello" }');
  await expect(provider.read('company.team/hello', {})).rejects.toThrow('<tenant>/<namespace>/<flowId>');
});

test('an update of a flow deleted since the last refresh re-creates it', async () => {
  const { id, outs } = await createHello();
  server.flows()[0].deleted = true;
  const updated = await provider.update(id, outs, { ...outs, source: CHANGED });
  expect(updated.outs.revision).toBe(2);
  expect(server.flows()).toEqual([expect.objectContaining({ source: CHANGED, revision: 2 })]);
});

test('a 4xx is not retried and comes back with Kestra\'s message', async () => {
  const { id, outs } = await createHello();
  server.resetCounts();
  await expect(provider.update(id, outs, { ...outs, source: SOURCE.replace('id: hello', 'id: other') }))
    .rejects.toThrow(/HTTP 422: Invalid entity: flow: Illegal flow id or namespace update/);
  expect(server.requestCounts()).toEqual({ 'PUT /api/v1/{tenant}/flows/{namespace}/{id}': 1 });
});
