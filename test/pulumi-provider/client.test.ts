import { redact, resolveConnection, resolveTenant } from '../../lib/pulumi/provider/auth';
import { requestUrl } from '../../lib/pulumi/provider/client';
import { backoffDelay, DEFAULT_RETRY_POLICY, parseRetryAfter, retryPolicy } from '../../lib/pulumi/provider/retry';

afterEach(() => {
  for (const name of ['KESTRA_URL', 'KESTRA_API_TOKEN', 'KESTRA_USERNAME', 'KESTRA_PASSWORD', 'KESTRA_TENANT']) delete process.env[name];
});

describe('connection', () => {
  test('explicit values win over the environment, read at call time; tenant defaults to main', () => {
    process.env.KESTRA_URL = 'http://env:8080';
    process.env.KESTRA_API_TOKEN = 'env-token';
    expect(resolveConnection(undefined)).toMatchObject({ baseUrl: 'http://env:8080', tenant: 'main', authorization: 'Bearer env-token' });
    process.env.KESTRA_TENANT = 'acme';
    expect(resolveConnection({ url: 'https://kestra.example.com/api/v1/', apiToken: 't' }))
      .toMatchObject({ baseUrl: 'https://kestra.example.com', tenant: 'acme', authorization: 'Bearer t', secrets: ['t'] });
    expect(resolveTenant({ tenant: 'other' })).toBe('other');
  });

  test('basic authentication, with the password required', () => {
    const conn = resolveConnection({ url: 'http://k', username: 'admin', password: 's3cret' });
    expect(conn.authorization).toBe(`Basic ${Buffer.from('admin:s3cret').toString('base64')}`);
    expect(conn.secrets).toContain('s3cret');
    expect(() => resolveConnection({ url: 'http://k', username: 'admin' })).toThrow(/connection.password/);
  });

  test('bad values are rejected naming the field, without echoing credentials', () => {
    expect(() => resolveConnection({})).toThrow(/Invalid connection.url: undefined: is required/);
    expect(() => resolveConnection({ url: 'kestra:8080' })).toThrow(/must use http or https/);
    expect(() => resolveConnection({ url: 'not a url' })).toThrow(/absolute http\(s\) URL/);
    expect(() => resolveConnection({ url: 'http://u:hunter2@k' })).toThrow(/must not embed credentials/);
    expect(() => resolveConnection({ url: 'http://u:hunter2@k' })).not.toThrow(/hunter2/);
    expect(() => resolveConnection({ url: 'http://k', tenant: 'Not.Valid' })).toThrow(/connection.tenant/);
    expect(() => resolveConnection({ url: 'http://k', timeoutMs: 0 })).toThrow(/connection.timeoutMs/);
    expect(() => resolveConnection({ url: 'http://k', headers: { authorization: 'x' } })).toThrow(/connection.headers.authorization/);
  });

  test('redaction removes credentials and any bearer or basic value', () => {
    expect(redact('token abc123 and Bearer zzz.yyy and basic QWxhZGRpbjpvcGVu', ['abc123']))
      .toBe('token [REDACTED] and Bearer [REDACTED] and basic [REDACTED]');
  });
});

describe('request URLs', () => {
  test('every path segment and query value is percent-encoded', () => {
    const conn = resolveConnection({ url: 'http://k:8080', tenant: 'main' });
    expect(requestUrl(conn, { segments: ['namespaces', 'company.team', 'files'], query: { path: '/a b/c?d=1#e/ü.txt' } }))
      .toBe('http://k:8080/api/v1/main/namespaces/company.team/files?path=%2Fa%20b%2Fc%3Fd%3D1%23e%2F%C3%BC.txt');
    expect(requestUrl(conn, { segments: ['namespaces', 'ns', 'kv', 'a/b?c'] })).toBe('http://k:8080/api/v1/main/namespaces/ns/kv/a%2Fb%3Fc');
  });
});

describe('retry policy', () => {
  test('backoff is jittered, doubles and is capped', () => {
    const policy = retryPolicy({ baseDelayMs: 100, maxDelayMs: 1000 });
    expect(backoffDelay(1, policy, () => 1)).toBe(100);
    expect(backoffDelay(3, policy, () => 1)).toBe(400);
    expect(backoffDelay(10, policy, () => 1)).toBe(1000);
    expect(backoffDelay(3, policy, () => 0.5)).toBe(200);
    expect(backoffDelay(3, policy, () => 0)).toBe(0);
  });

  test('invalid overrides fall back to the defaults', () => {
    expect(retryPolicy({ maxAttempts: 0, baseDelayMs: -1, maxDelayMs: Number.NaN })).toEqual(DEFAULT_RETRY_POLICY);
    expect(retryPolicy({ maxAttempts: 2.7 }).maxAttempts).toBe(2);
  });

  test('Retry-After in seconds or as an HTTP date, capped, garbage ignored', () => {
    const policy = retryPolicy({ maxRetryAfterMs: 5000 });
    const now = Date.parse('2024-05-01T10:00:00Z');
    expect(parseRetryAfter('2', policy, now)).toBe(2000);
    expect(parseRetryAfter('0.5', policy, now)).toBe(500);
    expect(parseRetryAfter('3600', policy, now)).toBe(5000);
    expect(parseRetryAfter('Wed, 01 May 2024 10:00:03 GMT', policy, now)).toBe(3000);
    expect(parseRetryAfter('Wed, 01 May 2024 09:00:00 GMT', policy, now)).toBe(0);
    expect(parseRetryAfter('soon', policy, now)).toBeUndefined();
    expect(parseRetryAfter(undefined, policy, now)).toBeUndefined();
  });
});
