import * as http from 'http';
import { KestraApiServer, parseMultipart } from '../util/kestra-api-server';

let server: KestraApiServer;
beforeEach(async () => {
  server = await KestraApiServer.start();
});
afterEach(async () => {
  await server.close();
});

function request(method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${server.url}${path}`, { method, headers }, (res) => {
      let text = '';
      res.on('data', (chunk) => { text += chunk; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

test('requests that break the OpenAPI contract are answered 400 and recorded', async () => {
  expect((await request('POST', '/api/v1/main/flows', 'id: x', { 'Content-Type': 'application/json' })).status).toBe(400);
  expect((await request('POST', '/api/v1/main/flows')).status).toBe(400);
  expect((await request('GET', '/api/v1/main/namespaces/ns/files')).status).toBe(400); // `path` is required
  expect(server.contractViolations).toEqual([
    expect.stringContaining('content type "application/json" is not one of application/x-yaml'),
    expect.stringContaining('the request body is required'),
    expect.stringContaining("must have required property 'path'"),
  ]);
  // a path no Kestra route serves: Micronaut's 404, recorded apart (a wrong prefix, a server without {tenant})
  const unrouted = await request('GET', '/api/v1/main/nowhere');
  expect(unrouted.status).toBe(404);
  expect(JSON.parse(unrouted.text)).toEqual({ message: 'Not Found', _links: { self: { href: '/api/v1/main/nowhere', templated: false } } });
  expect((await request('GET', '/api/v1/flows/ns/f')).status).toBe(404);
  expect(server.unrouted).toEqual(['GET /api/v1/main/nowhere', 'GET /api/v1/flows/ns/f']);
  expect(server.requestCounts()).toEqual({
    'POST /api/v1/{tenant}/flows': 2, 'GET /api/v1/{tenant}/namespaces/{namespace}/files': 1, 'GET <unmatched>': 2,
  });
});

test('Kestra semantics: revisions, 422 on an existing flow, 404s, K/V delete answers a boolean', async () => {
  const yaml = { 'Content-Type': 'application/x-yaml' };
  const source = 'id: f\nnamespace: ns\ntasks:\n  - id: t\n    type: a.B\n';
  expect(JSON.parse((await request('POST', '/api/v1/main/flows', source, yaml)).text)).toMatchObject({ id: 'f', revision: 1 });
  const again = await request('POST', '/api/v1/main/flows', source, yaml);
  expect(again.status).toBe(422);
  expect(JSON.parse(again.text).message).toBe('Invalid entity: flow.id: Flow id already exists');
  expect(JSON.parse((await request('PUT', '/api/v1/main/flows/ns/f', `${source}# v2\n`, yaml)).text).revision).toBe(2);
  expect((await request('DELETE', '/api/v1/main/flows/ns/f')).status).toBe(204);
  expect((await request('GET', '/api/v1/main/flows/ns/f')).status).toBe(404);
  expect(JSON.parse((await request('POST', '/api/v1/main/flows', source, yaml)).text).revision).toBe(3);
  expect((await request('DELETE', '/api/v1/main/namespaces/ns/kv/missing')).text).toBe('false');
  expect(server.contractViolations).toEqual([]);
});

test('faults: status with Retry-After for the next N requests, then normal service', async () => {
  server.inject({ operationId: 'getKeyValue', times: 2, status: 503, retryAfter: '7' });
  expect((await request('GET', '/api/v1/main/namespaces/ns/kv/k')).status).toBe(503);
  expect((await request('GET', '/api/v1/main/namespaces/ns/kv/k')).status).toBe(503);
  expect((await request('GET', '/api/v1/main/namespaces/ns/kv/k')).status).toBe(404);
  server.inject({ operationId: 'getKeyValue', times: 1, drop: 'before' });
  await expect(request('GET', '/api/v1/main/namespaces/ns/kv/k')).rejects.toThrow(/socket hang up|ECONNRESET/);
  expect(server.pendingFaults()).toBe(0);
});

test('the multipart parser returns each named part byte for byte', () => {
  const body = Buffer.concat([
    Buffer.from('--XYZ\r\nContent-Disposition: form-data; name="fileContent"; filename="a.bin"\r\n\r\n'),
    Buffer.from([0, 13, 10, 255]),
    Buffer.from('\r\n--XYZ\r\nContent-Disposition: form-data; name="other"\r\n\r\nv\r\n--XYZ--\r\n'),
  ]);
  const parts = parseMultipart(body, 'multipart/form-data; boundary=XYZ');
  expect([...parts.keys()]).toEqual(['fileContent', 'other']);
  expect([...parts.get('fileContent')!]).toEqual([0, 13, 10, 255]);
  expect(parts.get('other')!.toString()).toBe('v');
});

test('K/V typing as Kestra reads it back: durations, midnight dates, offsets, echoing 422s, 410 then 404 after expiry', async () => {
  const put = (key: string, body: string, headers: Record<string, string> = {}) =>
    request('PUT', `/api/v1/main/namespaces/ns/kv/${key}`, body, { 'Content-Type': 'text/plain', ...headers });
  const get = async (key: string) => {
    const reply = await request('GET', `/api/v1/main/namespaces/ns/kv/${key}`);
    return { status: reply.status, body: JSON.parse(reply.text) };
  };
  const cases: Array<[string, string, unknown]> = [
    ['"hello"', 'STRING', 'hello'],
    ['"PT5M"', 'DURATION', 'PT5M'], // a quoted string shaped like a duration comes back as a DURATION
    ['P1D', 'DURATION', 'PT24H'],
    ['PT90M', 'DURATION', 'PT1H30M'],
    ['P1DT0S', 'DURATION', 'PT24H'],
    ['2024-05-01', 'DATE', '2024-05-01'],
    ['2024-05-01T00:00:00Z', 'DATE', '2024-05-01'],
    ['2024-05-01T10:00:00.000Z', 'DATETIME', '2024-05-01T10:00:00Z'],
    ['2024-05-01T10:00:00.5Z', 'DATETIME', '2024-05-01T10:00:00.500Z'],
    ['2024-05-01T10:00:00+02:00', 'JSON', '2024-05-01T10:00:00+02:00'],
    ['42', 'NUMBER', 42],
    ['{"a":[1]}', 'JSON', { a: [1] }],
  ];
  for (const [i, [body, type, value]] of cases.entries()) {
    expect((await put(`k${i}`, body)).status).toBe(200);
    expect(await get(`k${i}`)).toEqual({ status: 200, body: expect.objectContaining({ type, value }) });
  }
  const rejected = await put('bad', '-PT5M secret');
  expect(rejected.status).toBe(422);
  expect(JSON.parse(rejected.text).message).toBe('Illegal argument: Invalid JSON value for: -PT5M secret');

  expect((await put('short', '1', { ttl: 'PT1M' })).status).toBe(200);
  server.advanceClock(60_001);
  expect(await get('short')).toEqual({ status: 410, body: { message: 'Resource has expired: The requested value has expired' } });
  expect((await get('short')).status).toBe(404);
});

test('a .zip part filename is extracted at / and the path ignored; validate cuts the body on ---', async () => {
  const entry = (name: string, content: string) => {
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt32LE(content.length, 18);
    header.writeUInt32LE(content.length, 22);
    header.writeUInt16LE(name.length, 26);
    return Buffer.concat([header, Buffer.from(name), Buffer.from(content)]);
  };
  const upload = (filename: string, content: Buffer) => Buffer.concat([
    Buffer.from(`--XYZ\r\nContent-Disposition: form-data; name="fileContent"; filename="${filename}"\r\n\r\n`),
    content, Buffer.from('\r\n--XYZ--\r\n'),
  ]).toString('latin1');
  const zip = Buffer.concat([entry('a/one.txt', '1'), entry('two.txt', '2')]);
  const multipart = { 'Content-Type': 'multipart/form-data; boundary=XYZ' };
  expect((await request('POST', '/api/v1/main/namespaces/ns/files?path=%2Fwanted.zip', upload('wanted.zip', zip), multipart)).status).toBe(200);
  expect([...server.files().keys()].sort()).toEqual(['ns:/a/one.txt', 'ns:/two.txt']);
  expect((await request('POST', '/api/v1/main/namespaces/ns/files?path=%2Fkept.zip', upload('content.bin', zip), multipart)).status).toBe(200);
  expect(server.files().get('ns:/kept.zip')).toEqual(zip);

  const verdicts = await request('POST', '/api/v1/main/flows/validate', '# a comment\n---\nid: f\nnamespace: ns\ntasks:\n  - id: t\n    type: a.B\n',
    { 'Content-Type': 'application/x-yaml' });
  expect(JSON.parse(verdicts.text).map((v: { constraints?: string }) => v.constraints)).toEqual(['flow: must not be empty', undefined]);
  expect(server.contractViolations).toEqual([]);
});

test('a write applied behind a 504 stays invisible to the next reads', async () => {
  const yaml = { 'Content-Type': 'application/x-yaml' };
  server.inject({ operationId: 'createFlow', times: 1, status: 504, applied: true, hiddenFromReads: 2 });
  expect((await request('POST', '/api/v1/main/flows', 'id: f\nnamespace: ns\ntasks: []\n', yaml)).status).toBe(504);
  expect((await request('GET', '/api/v1/main/flows/ns/f')).status).toBe(404);
  expect((await request('GET', '/api/v1/main/flows/ns/f')).status).toBe(404);
  expect((await request('GET', '/api/v1/main/flows/ns/f')).status).toBe(200);
  expect(server.flows()).toHaveLength(1);
});
