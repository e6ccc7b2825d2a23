import { SerializedProvider, useSerializedProvider } from './serialized-provider';
import { flowProvider } from '../../lib/pulumi/provider';
import type { KestraApiServer } from '../util/kestra-api-server';
import { validateFlows } from '../util/kestra-api-support';

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

test('diff: any text change is an update, a new namespace, id, tenant or URL a replace that creates first', async () => {
  const { outs } = await createHello();
  const diff = async (source: string, extra: object = {}) =>
    provider.diff(outs.id, outs, (await provider.check(outs, { connection, source, ...extra })).inputs);
  expect(await diff(SOURCE)).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
  // Kestra stores and shows the text verbatim: a reformat or a comment is a new revision
  expect(await diff(REFORMATTED)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
  expect(await diff(`# owned by the data team\n${SOURCE}`)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
  expect(await diff(CHANGED)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
  // another namespace, id, tenant or URL is another Kestra object: created before the old one is deleted
  expect(await diff(SOURCE.replace('company.team', 'company.other')))
    .toEqual({ changes: true, replaces: ['namespace'], deleteBeforeReplace: false });
  expect(await diff(SOURCE.replace('id: hello', 'id: bye'))).toMatchObject({ replaces: ['flowId'], deleteBeforeReplace: false });
  const otherTenant = await provider.diff(outs.id, outs, { ...outs, connection: { ...connection, tenant: 'other' } });
  expect(otherTenant).toEqual({ changes: true, replaces: ['connection.tenant'], deleteBeforeReplace: false });
  const otherUrl = await provider.diff(outs.id, outs, { ...outs, connection: { ...connection, url: 'https://kestra.other.example' } });
  expect(otherUrl).toEqual({ changes: true, replaces: ['connection.url'], deleteBeforeReplace: false });
  // the same URL spelled with /api/v1 and a trailing slash is the same server
  expect(await provider.diff(outs.id, outs, { ...outs, connection: { ...connection, url: `${connection.url}/api/v1/` } }))
    .toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
  // during a preview with an unknown source, check cannot tell the identity: an update, not a replace
  const unknown = '04da6b54-80e4-46f7-96ec-b56ff0331ba9';
  const preview = await provider.check(outs, { connection, source: unknown });
  expect(await provider.diff(outs.id, outs, preview.inputs)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
  expect(await provider.diff(outs.id, outs, { ...outs, connection: { ...connection, url: unknown } })).toMatchObject({ replaces: ['connection.url'] });
});

test('an update writes the new text, comments included; a credential-only change writes nothing', async () => {
  const { id, outs } = await createHello();
  server.resetCounts();
  const withComment = `# owned by the data team\n${SOURCE}`;
  const updated = await provider.update(id, outs, { ...outs, source: withComment });
  expect(updated.outs.revision).toBe(2);
  expect(server.flows()[0].source).toBe(withComment);
  expect(server.requestCounts()).toEqual({ 'PUT /api/v1/{tenant}/flows/{namespace}/{id}': 1 });
  server.resetCounts();
  const rotated = { ...updated.outs, connection: { ...connection, apiToken: 'rotated', timeoutMs: 9000 } };
  expect(await provider.diff(id, updated.outs, rotated)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
  const same = await provider.update(id, updated.outs, rotated);
  expect(same.outs).toMatchObject({ revision: 2, connection: { apiToken: 'rotated' } });
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
});

test('validation at preview: a leading comment and "---" pass, one quick attempt, one line when skipped', async () => {
  // Kestra's validate cuts the body on \n+---\n*?: the comment alone would be validated as an empty flow
  const documented = `# Flow owned by the data team\n# see the runbook\n---\n${SOURCE}`;
  expect(validateFlows(documented).map((v) => v.constraints)).toEqual(['flow: must not be empty', undefined]);
  const passed = await provider.check({}, { connection, source: documented });
  expect(passed.failures).toEqual([]);
  const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  try {
    // unreachable: no failure, one line, one attempt
    const offline = await provider.check({}, { connection: { url: 'http://127.0.0.1:9' }, source: SOURCE });
    expect(offline.failures).toEqual([]);
    expect(warn).toHaveBeenLastCalledWith(expect.stringMatching(/^kestra flow validation skipped: Kestra did not answer \(.*ECONNREFUSED.*\(gave up after 1 attempts\)\)$/));
    // refused credentials
    server.inject({ operationId: 'validateFlows', times: 1, status: 401, message: 'Unauthorized' });
    expect((await provider.check({}, { connection, source: SOURCE })).failures).toEqual([]);
    expect(warn).toHaveBeenLastCalledWith('kestra flow validation skipped: Kestra refused the credentials (HTTP 401)');
    // slow: the attempt is cut at the (shorter) timeout and not repeated
    server.resetCounts();
    server.inject({ operationId: 'validateFlows', times: 1, delayMs: 1500 });
    const started = Date.now();
    expect((await provider.check({}, { connection: { ...connection, timeoutMs: 200 }, source: SOURCE })).failures).toEqual([]);
    expect(Date.now() - started).toBeLessThan(1200);
    expect(warn).toHaveBeenLastCalledWith(expect.stringContaining('no answer within 200 ms'));
    expect(server.requestCounts()['POST /api/v1/{tenant}/flows/validate']).toBe(1);
    // however patient the connection, validation waits 5 s at most
    server.inject({ operationId: 'validateFlows', times: 1, delayMs: 7000 });
    const patient = Date.now();
    expect((await provider.check({}, { connection: { ...connection, timeoutMs: 60_000 }, source: SOURCE })).failures).toEqual([]);
    expect(Date.now() - patient).toBeGreaterThanOrEqual(4900);
    expect(Date.now() - patient).toBeLessThan(6500);
    expect(warn).toHaveBeenLastCalledWith(expect.stringContaining('no answer within 5000 ms'));
    expect(warn.mock.calls.every(([line]) => !String(line).includes('\n'))).toBe(true);
  } finally {
    warn.mockRestore();
  }
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

test('create adopts an equal flow, refuses a different one unless overwriteExisting, and never advertises import', async () => {
  await createHello();
  server.resetCounts();
  // the same definition, even reformatted: adopted as is, nothing written
  const adopted = await createHello(REFORMATTED);
  expect(adopted).toMatchObject({ id: 'main/company.team/hello', outs: { revision: 1, source: REFORMATTED } });
  expect(server.flows()).toEqual([expect.objectContaining({ source: SOURCE, revision: 1 })]);
  expect(server.requestCounts()['PUT /api/v1/{tenant}/flows/{namespace}/{id}']).toBeUndefined();
  // another definition: refused, saying how to take it over; the message never suggests an import
  const refused = await createHello(CHANGED).catch((err: Error) => err);
  expect(String(refused)).toMatch(/Flow company\.team\.hello \(tenant main\) already exists in Kestra and its definition differs/);
  expect(String(refused)).toContain('overwriteExisting: true');
  expect(String(refused)).not.toMatch(/import/);
  expect(server.flows()[0].source).toBe(SOURCE);
  // taken over on opt-in: a new revision with the program's text
  const { inputs } = await provider.check({}, { connection, source: CHANGED, overwriteExisting: true });
  const taken = await provider.create(inputs);
  expect(taken.outs).toMatchObject({ revision: 2, overwriteExisting: true });
  expect(server.flows()[0]).toMatchObject({ source: CHANGED, revision: 2 });
  await expect(provider.read('company.team/hello', {})).rejects.toThrow('<tenant>/<namespace>/<flowId>');
});

test('a create whose POST landed behind a 504, invisible to the read that followed, adopts its own flow', async () => {
  // the gateway times out while Kestra applies the POST; the confirming read does not see it yet,
  // so the provider posts again, Kestra answers "already exists", and the flow found is this one
  server.inject({ operationId: 'createFlow', times: 1, status: 504, applied: true, hiddenFromReads: 1 });
  const created = await createHello();
  expect(created.outs.revision).toBe(1);
  expect(server.flows()).toEqual([expect.objectContaining({ source: SOURCE, revision: 1 })]);
  expect(server.requestCounts()).toMatchObject({ 'POST /api/v1/{tenant}/flows': 2, 'GET /api/v1/{tenant}/flows/{namespace}/{id}': 2 });
});

test('a 404 from a path Kestra does not serve is not "gone": refresh and delete fail, naming URL, tenant and version', async () => {
  const { id, outs } = await createHello();
  // a URL missing the proxy's prefix, or a server without the {tenant} segment: every route answers 404
  const wrong = { ...outs, connection: { ...connection, url: `${server.url}/kestra` } };
  await expect(provider.read(id, wrong)).rejects.toThrow(
    `Kestra's API did not answer at ${server.url}/kestra/api/v1/main/ (HTTP 404 for a route every Kestra 0.23+ serves)`);
  await expect(provider.delete(id, wrong)).rejects.toThrow(/nothing was dropped.*Kestra 0\.23 or later/);
  expect(server.flows()).toHaveLength(1);
  expect(server.unrouted.every((line) => line.includes('/kestra/api/v1/main/'))).toBe(true);
  server.unrouted.length = 0;
  // through the right URL a 404 is believed after one probe, cached for the connection
  server.flows()[0].deleted = true;
  server.resetCounts();
  expect(await provider.read(id, outs)).toEqual({});
  expect(await provider.read(id, outs)).toEqual({});
  await provider.delete(id, outs);
  expect(server.requestCounts()['GET /api/v1/{tenant}/flows/{namespace}']).toBe(1);
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
