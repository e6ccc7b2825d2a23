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
  expect((await request('GET', '/api/v1/main/nowhere')).status).toBe(404);
  expect(server.contractViolations).toEqual([
    expect.stringContaining('content type "application/json" is not one of application/x-yaml'),
    expect.stringContaining('the request body is required'),
    expect.stringContaining("must have required property 'path'"),
    expect.stringContaining('no such operation'),
  ]);
  expect(server.requestCounts()).toEqual({
    'POST /api/v1/{tenant}/flows': 2, 'GET /api/v1/{tenant}/namespaces/{namespace}/files': 1, 'GET <unmatched>': 1,
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
