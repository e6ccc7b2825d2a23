import { SerializedProvider, useSerializedProvider } from './serialized-provider';
import { namespaceFileProvider } from '../../lib/pulumi/provider';
import type { KestraApiServer } from '../util/kestra-api-server';

let server: KestraApiServer;
let provider: SerializedProvider;
let connection: { url: string; retry: { baseDelayMs: number } };

useSerializedProvider(namespaceFileProvider, (harness) => ({ provider, server, connection } = harness));

async function createFile(path: string, content: string): Promise<{ id: string; outs: any }> {
  const { inputs, failures } = await provider.check({}, { connection, namespace: 'company.team', path, content });
  expect(failures).toEqual([]);
  return provider.create(inputs);
}

test('create, read, update in place and delete a file', async () => {
  const { id, outs } = await createFile('scripts//./etl.py', 'print("v1")\n');
  expect(id).toBe('main/company.team/scripts/etl.py');
  expect(outs).toMatchObject({ path: '/scripts/etl.py', tenant: 'main', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
  expect(server.files().get('company.team:/scripts/etl.py')?.toString()).toBe('print("v1")\n');
  expect((await provider.read(id, outs)).props).toEqual(outs);

  server.resetCounts();
  expect(await provider.diff(id, outs, { ...outs, content: 'print("v2")\n' })).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
  const updated = await provider.update(id, outs, { ...outs, content: 'print("v2")\n' });
  expect(server.files().get('company.team:/scripts/etl.py')?.toString()).toBe('print("v2")\n');
  expect(updated.outs.sha256).not.toBe(outs.sha256);
  // in place: one upload, nothing deleted
  expect(server.requestCounts()).toEqual({ 'POST /api/v1/{tenant}/namespaces/{namespace}/files': 1 });

  await provider.delete(id, updated.outs);
  expect(server.files().size).toBe(0);
  await provider.delete(id, updated.outs); // already gone
});

test('paths with spaces, reserved and non-ASCII characters are encoded', async () => {
  const path = '/data & more/q?a=1#frag/100% ünï 文件.txt';
  const { id, outs } = await createFile(path, 'binary-ish \u0000 ok');
  expect(id).toBe(`main/company.team${path}`);
  expect([...server.files().keys()]).toEqual([`company.team:${path}`]);
  expect((await provider.read(id, outs)).props.content).toBe('binary-ish \u0000 ok');
  await provider.delete(id, outs);
  expect(server.files().size).toBe(0);
});

test('diff: namespace, path or tenant replace, content updates; an equivalent path is no change', async () => {
  const { id, outs } = await createFile('a/b.txt', 'x');
  const diff = (news: object) => provider.diff(id, outs, { ...outs, ...news });
  expect(await diff({ path: 'a//b.txt' })).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
  expect(await diff({ path: 'a/c.txt' })).toEqual({ changes: true, replaces: ['path'], deleteBeforeReplace: false });
  expect(await diff({ namespace: 'company.other' })).toMatchObject({ replaces: ['namespace'], deleteBeforeReplace: false });
  expect(await diff({ connection: { ...connection, tenant: 'acme' } })).toMatchObject({ replaces: ['connection.tenant'] });
  expect(await diff({ connection: { ...connection, url: 'https://kestra.other.example' } })).toMatchObject({ replaces: ['connection.url'] });
  // credentials only: an update that writes nothing
  server.resetCounts();
  const rotated = { ...outs, connection: { ...connection, apiToken: 'rotated' } };
  expect(await diff({ connection: rotated.connection })).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
  expect((await provider.update(id, outs, rotated)).outs).toMatchObject({ sha256: outs.sha256 });
  expect(server.requestCounts()).toEqual({});
});

test('a file whose path ends in .zip is stored at its path, not extracted', async () => {
  // Kestra extracts an upload whose part filename ends in .zip at / and ignores `path` (answering 200):
  // the provider's part filename is fixed, so the archive is stored as the file it is
  const archive = 'PK\u0003\u0004 not really a zip, and that does not matter';
  const { id, outs } = await createFile('exports/Backup.ZIP', archive);
  expect([...server.files().keys()]).toEqual(['company.team:/exports/Backup.ZIP']);
  expect((await provider.read(id, outs)).props.content).toBe(archive);
});

test('check rejects paths that escape the namespace', async () => {
  const { failures } = await provider.check({}, { connection, namespace: 'company.team', path: '../etc/passwd', content: '' });
  expect(failures).toEqual([{ property: 'path', reason: expect.stringContaining('".."') }]);
});

test('refresh reports drift and drops deleted files, after confirming the API answers', async () => {
  const { id, outs } = await createFile('/notes.md', '# v1');
  server.files().set('company.team:/notes.md', Buffer.from('# edited in the UI'));
  const drifted = await provider.read(id, outs);
  expect(drifted.props.content).toBe('# edited in the UI');
  expect(await provider.diff(id, drifted.props, { ...outs })).toMatchObject({ changes: true, replaces: [] });

  server.files().clear();
  expect(await provider.read(id, outs)).toEqual({});
  await provider.delete(id, outs);
  // the same 404s through a URL that is not Kestra's API: neither believed
  const wrong = { ...outs, connection: { ...connection, url: `${server.url}/not-kestra` } };
  await expect(provider.read(id, wrong)).rejects.toThrow(/did not answer at .*\/not-kestra\/api\/v1\/main\//);
  await expect(provider.delete(id, wrong)).rejects.toThrow(/nothing was dropped/);
  server.unrouted.length = 0;
});

test('create adopts an identical file, refuses other content unless overwriteExisting', async () => {
  server.files().set('company.team:/notes.md', Buffer.from('# by hand'));
  server.resetCounts();
  const adopted = await createFile('notes.md', '# by hand');
  expect(adopted.id).toBe('main/company.team/notes.md');
  expect(server.requestCounts()).toEqual({ 'GET /api/v1/{tenant}/namespaces/{namespace}/files': 1 });
  const refused = await createFile('notes.md', '# v1').catch((err: Error) => err);
  expect(String(refused)).toMatch(/Namespace file \/notes\.md in namespace company\.team \(tenant main\) already exists in Kestra and its content differs \(9 bytes there, 4 bytes in the program\)/);
  expect(String(refused)).not.toMatch(/import/);
  expect(server.files().get('company.team:/notes.md')?.toString()).toBe('# by hand');
  const { inputs } = await provider.check({}, { connection, namespace: 'company.team', path: 'notes.md', content: '# v1', overwriteExisting: true });
  await provider.create(inputs);
  expect(server.files().get('company.team:/notes.md')?.toString()).toBe('# v1');
});
