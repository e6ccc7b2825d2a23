import * as http from 'http';
import * as https from 'https';
import { redact, ResolvedConnection } from './auth';
import { AMBIGUOUS_STATUSES, backoffDelay, parseRetryAfter, RETRYABLE_ERROR_CODES, RETRYABLE_STATUSES, retryPolicy, sleep } from './retry';

/** One call to the Kestra API. */
export interface KestraRequest {
  /** HTTP method. */
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path segments after `/api/v1/{tenant}/`; each one is percent-encoded here. */
  readonly segments: readonly string[];
  /** Query parameters, percent-encoded here. */
  readonly query?: Record<string, string>;
  /** Request body. */
  readonly body?: string | Buffer;
  /** Content type of the body. */
  readonly contentType?: string;
  /** Extra request headers (e.g. `ttl` of a K/V entry). */
  readonly headers?: Record<string, string>;
  /** Route template for messages, e.g. `PUT /flows/{namespace}/{id}`; never contains values. */
  readonly route: string;
  /**
   * For a request that is not idempotent, or whose effect must not be applied twice: when the
   * outcome is unknown (connection dropped after sending, timeout, 502/504), this read decides.
   * It returns the response to use when the request did take effect, or undefined to retry it.
   */
  readonly confirm?: () => Promise<KestraResponse | undefined>;
  /** Texts of this request that must never appear in an error (a K/V value Kestra may echo back). */
  readonly secrets?: readonly string[];
}

/** A response of the Kestra API. */
export interface KestraResponse {
  /** HTTP status. */
  readonly status: number;
  /** Response headers. */
  readonly headers: http.IncomingHttpHeaders;
  /** Raw body. */
  readonly body: Buffer;
}

/** A failure of the Kestra API or of the network, with credentials scrubbed from its message. */
export interface KestraApiError extends Error {
  readonly name: 'KestraApiError';
  /** HTTP status, or 0 for a network failure. */
  readonly status: number;
}

// A factory, not a subclass of Error: Pulumi's closure serializer turns `super(message)` into
// `Error.call(this, message)`, which leaves a subclass instance without its message.
/** Makes a {@link KestraApiError}. */
export function kestraApiError(message: string, status: number): KestraApiError {
  return Object.assign(new Error(message), { name: 'KestraApiError' as const, status });
}

/** True for a {@link KestraApiError}. */
export function isKestraApiError(err: unknown): err is KestraApiError {
  return err instanceof Error && err.name === 'KestraApiError' && typeof (err as { status?: unknown }).status === 'number';
}

interface TransportFailure {
  readonly code: string;
  readonly detail: string;
  /** True once the whole request was written: the server may have acted on it. */
  readonly sent: boolean;
}

/**
 * Sends a request with retries: transient failures (network errors, timeouts, 429, 502, 503,
 * 504) are retried with jittered exponential backoff, honoring `Retry-After`. Before retrying a
 * request whose outcome is unknown, its `confirm` read is consulted so nothing is applied twice.
 * Returns 2xx responses; throws {@link KestraApiError} otherwise (404 included: callers decide).
 */
export async function callKestra(conn: ResolvedConnection, request: KestraRequest): Promise<KestraResponse> {
  const policy = retryPolicy(conn.retry);
  const label = `${request.method} /api/v1/{tenant}/${request.route}`;
  const secrets = [...conn.secrets, ...(request.secrets ?? []).filter((secret) => secret.length > 0)];
  let lastError: KestraApiError | undefined;
  let retryAfter: number | undefined;
  for (let attempt = 1; attempt <= policy.maxAttempts; attempt++) {
    if (attempt > 1) await sleep(retryAfter ?? backoffDelay(attempt - 1, policy));
    retryAfter = undefined;
    let outcomeUnknown = false;
    try {
      const response = await sendOnce(conn, request);
      if (response.status >= 200 && response.status < 300) return response;
      lastError = kestraApiError(`Kestra API ${label} failed with HTTP ${response.status}: ${kestraMessage(response, secrets)}`, response.status);
      if (!RETRYABLE_STATUSES.includes(response.status)) throw lastError;
      retryAfter = parseRetryAfter(headerText(response.headers['retry-after']), policy);
      outcomeUnknown = AMBIGUOUS_STATUSES.includes(response.status);
    } catch (err) {
      if (isKestraApiError(err)) throw err;
      const failure = err as TransportFailure;
      lastError = kestraApiError(redact(`Kestra API ${label} failed: ${failure.detail}`, secrets), 0);
      if (!RETRYABLE_ERROR_CODES.includes(failure.code)) throw lastError;
      outcomeUnknown = failure.sent;
    }
    if (outcomeUnknown && request.confirm && request.method !== 'GET') {
      const confirmed = await request.confirm();
      if (confirmed) return confirmed;
    }
  }
  throw kestraApiError(`${lastError!.message} (gave up after ${policy.maxAttempts} attempts)`, lastError!.status);
}

/** The absolute URL of a request, every path segment and query value percent-encoded. */
export function requestUrl(conn: ResolvedConnection, request: Pick<KestraRequest, 'segments' | 'query'>): string {
  const path = ['api', 'v1', conn.tenant, ...request.segments].map(encodeURIComponent).join('/');
  const query = Object.entries(request.query ?? {})
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`).join('&');
  return `${conn.baseUrl}/${path}${query ? `?${query}` : ''}`;
}

function sendOnce(conn: ResolvedConnection, request: KestraRequest): Promise<KestraResponse> {
  const url = new URL(requestUrl(conn, request));
  const body = request.body === undefined ? undefined : Buffer.isBuffer(request.body) ? request.body : Buffer.from(request.body, 'utf8');
  const headers: Record<string, string> = { ...conn.headers, ...request.headers, Accept: 'application/json, */*' };
  if (conn.authorization) headers.Authorization = conn.authorization;
  if (request.contentType) headers['Content-Type'] = request.contentType;
  headers['Content-Length'] = String(body?.length ?? 0);
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    let sent = false;
    let settled = false;
    const fail = (code: string, detail: string): void => {
      if (settled) return;
      settled = true;
      reject({ code, detail, sent } satisfies TransportFailure);
    };
    let req: http.ClientRequest;
    try {
      req = transport.request(url, { method: request.method, headers, timeout: conn.timeoutMs }, onResponse);
    } catch (err) {
      // an invalid header (checked at preview, so only reachable through a direct call): not retryable, nothing sent
      fail('EINVALIDREQUEST', `the request could not be sent: ${(err as Error).message}`);
      return;
    }
    function onResponse(res: http.IncomingMessage): void {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', (err: NodeJS.ErrnoException) => fail(err.code ?? 'ECONNRESET', err.message));
      res.on('aborted', () => fail('ECONNRESET', 'the response was cut short'));
      res.on('end', () => {
        if (settled) return;
        settled = true;
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
      });
    }
    req.on('finish', () => { sent = true; });
    req.on('timeout', () => {
      fail('ETIMEDOUT', `no answer within ${conn.timeoutMs} ms`);
      req.destroy();
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      const code = err.code ?? (/socket hang up/i.test(err.message) ? 'ECONNRESET' : 'UNKNOWN');
      fail(code, err.message);
    });
    req.end(body);
  });
}

/**
 * Kestra's own explanation from an error body (JSON with `message`, and `_embedded.errors` for 422s),
 * with every secret redacted before it is shortened, so that no cut-off secret survives. Kestra echoes a
 * K/V body it cannot read (KVController.setKeyValue: "Invalid JSON value for: " + value, a 422 through
 * webserver/.../controllers/ErrorController.java): that echo is always cut.
 */
export function kestraMessage(response: KestraResponse, secrets: readonly string[] = []): string {
  const clean = (text: string): string => truncate(redact(text, secrets).replace(/(Invalid JSON value for:)[\s\S]*/, '$1 [REDACTED]'));
  const text = response.body.toString('utf8');
  try {
    const json = JSON.parse(text) as { message?: unknown; _embedded?: { errors?: Array<{ message?: unknown }> } };
    const parts = [json.message, ...(json._embedded?.errors ?? []).map((e) => e.message)]
      .filter((part): part is string => typeof part === 'string' && part !== '');
    // Kestra's top message usually repeats the embedded ones: keep what adds information
    const unique = parts.filter((part, index) =>
      parts.indexOf(part) === index && !parts.some((other, i) => i !== index && other !== part && other.includes(part)));
    if (unique.length > 0) return clean(unique.join('; '));
  } catch {
    // not JSON: fall back to the raw text
  }
  return clean(text.trim() || http.STATUS_CODES[response.status] || 'no message');
}

/** The body of a response parsed as JSON. */
export function jsonBody<T>(response: KestraResponse, what: string): T {
  try {
    return JSON.parse(response.body.toString('utf8')) as T;
  } catch {
    throw kestraApiError(`Kestra API returned an unreadable ${what} (HTTP ${response.status}, not JSON)`, response.status);
  }
}

/** True for the error of a 404. */
export function isNotFound(err: unknown): boolean {
  return isKestraApiError(err) && err.status === 404;
}

function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function truncate(text: string): string {
  return text.length > 1000 ? `${text.slice(0, 1000)}…` : text;
}
