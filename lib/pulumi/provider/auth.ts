import { RetryPolicy } from './retry';
import { KestraValidationError } from '../../common/errors';
import { validateTenant } from '../../model/identifiers';

/**
 * How the provider reaches the Kestra API, as stored in a resource's state. Every field is
 * optional: what is missing is read from the environment when a provider method runs
 * (`KESTRA_URL`, `KESTRA_API_TOKEN`, `KESTRA_USERNAME`, `KESTRA_PASSWORD`, `KESTRA_TENANT` or `KESTRA_TENANT_ID`),
 * never when the provider is serialized.
 */
export interface KestraConnection {
  /**
   * Base URL of the Kestra server, e.g. `https://kestra.example.com` (a trailing `/api/v1` is accepted).
   * @default - `KESTRA_URL`
   */
  readonly url?: string;
  /**
   * API token sent as `Authorization: Bearer <token>`; takes precedence over username/password.
   * @default - `KESTRA_API_TOKEN`
   */
  readonly apiToken?: string;
  /**
   * User name for HTTP Basic authentication.
   * @default - `KESTRA_USERNAME`
   */
  readonly username?: string;
  /**
   * Password for HTTP Basic authentication.
   * @default - `KESTRA_PASSWORD`
   */
  readonly password?: string;
  /**
   * Kestra tenant id, the `{tenant}` of every API path.
   * @default - `KESTRA_TENANT`, else `KESTRA_TENANT_ID` (the Terraform provider's name), else `main`
   */
  readonly tenant?: string;
  /**
   * Extra headers sent with every request (e.g. for an authenticating proxy). They never override
   * `Authorization`; their values are secret in the state and redacted from errors.
   * @default - none
   */
  readonly headers?: Record<string, string>;
  /**
   * Timeout of one HTTP attempt, in milliseconds.
   * @default 30000
   */
  readonly timeoutMs?: number;
  /**
   * Retry policy for transient failures (connection resets, timeouts, 429, 502, 503, 504).
   * @default - {@link DEFAULT_RETRY_POLICY}
   */
  readonly retry?: Partial<RetryPolicy>;
}

/** A connection with the environment applied and every field checked; lives only while a provider method runs. */
export interface ResolvedConnection {
  /** Base URL without a trailing slash nor `/api/v1`. */
  readonly baseUrl: string;
  /** The tenant of every API path. */
  readonly tenant: string;
  /** The `Authorization` header value, if any. */
  readonly authorization?: string;
  /** Extra headers. */
  readonly headers: Record<string, string>;
  /** Timeout of one HTTP attempt. */
  readonly timeoutMs: number;
  /** Retry policy overrides. */
  readonly retry: Partial<RetryPolicy>;
  /** Every credential string, so that error messages can be scrubbed of them. */
  readonly secrets: readonly string[];
}

/** The tenant Kestra uses when none is configured. */
export const DEFAULT_TENANT = 'main';

/**
 * The tenant a connection resolves to, reading `KESTRA_TENANT` (or `KESTRA_TENANT_ID`, the name
 * kestra-io/terraform-provider-kestra reads) now: `diff` uses it and makes no request.
 */
export function resolveTenant(connection: KestraConnection | undefined): string {
  const env = process.env;
  const tenant = nonEmpty(connection?.tenant) ?? nonEmpty(env.KESTRA_TENANT) ?? nonEmpty(env.KESTRA_TENANT_ID) ?? DEFAULT_TENANT;
  return validateTenant('connection.tenant', tenant);
}

/**
 * The base URL a connection resolves to (without a trailing slash nor `/api/v1`), or undefined when
 * none is set or it does not parse; `diff` compares it to decide a replace.
 */
export function resolveBaseUrl(connection: KestraConnection | undefined): string | undefined {
  const url = nonEmpty(connection?.url) ?? nonEmpty(process.env.KESTRA_URL);
  if (url === undefined) return undefined;
  try {
    return baseUrlOf(new URL(url));
  } catch {
    return undefined;
  }
}

// Node's http client refuses these in a header (lib/_http_common.js checkInvalidHeaderChar / checkIsHttpToken)
const HEADER_VALUE = '^[\t\x20-\x7e\x80-\xff]*$';
const HEADER_NAME = "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$";

/**
 * Checks a text that travels as an HTTP header value (a K/V `description`, a custom header): Latin-1
 * only, no CR/LF or other control characters, which Node refuses to send.
 */
export function checkHeaderValue(field: string, value: unknown, secret = false): string {
  const shown = secret ? '<redacted>' : value;
  if (typeof value !== 'string') throw new KestraValidationError(field, shown, 'must be a string');
  if (!new RegExp(HEADER_VALUE).test(value)) {
    const bad = [...value].find((ch) => !new RegExp(HEADER_VALUE).test(ch)) ?? '';
    const code = `U+${bad.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
    throw new KestraValidationError(field, shown, `travels as an HTTP header and must contain only Latin-1 characters without line breaks or control characters (found ${code})`);
  }
  return value;
}

/** Checks the custom headers of a connection (names are HTTP tokens, values header-safe, no `Authorization`). */
export function checkHeaders(headers: Record<string, unknown> | undefined): Record<string, string> {
  const checked: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (!new RegExp(HEADER_NAME).test(name)) {
      throw new KestraValidationError('connection.headers', name, 'has a header name that is not an HTTP token (letters, digits and !#$%&\'*+.^_`|~-)');
    }
    if (name.toLowerCase() === 'authorization') {
      throw new KestraValidationError(`connection.headers.${name}`, '<redacted>', 'must not be set: use apiToken or username/password');
    }
    checked[name] = checkHeaderValue(`connection.headers.${name}`, typeof value === 'number' ? String(value) : value, true);
  }
  return checked;
}

/**
 * Applies the environment to a connection and checks it. Called inside provider methods only,
 * so that a serialized provider never holds a snapshot of the environment.
 */
export function resolveConnection(connection: KestraConnection | undefined): ResolvedConnection {
  const env = process.env;
  const url = nonEmpty(connection?.url) ?? nonEmpty(env.KESTRA_URL);
  if (url === undefined) {
    throw new KestraValidationError('connection.url', url, 'is required: set it on the resource or export KESTRA_URL');
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new KestraValidationError('connection.url', url, 'must be an absolute http(s) URL such as "https://kestra.example.com"');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new KestraValidationError('connection.url', url, 'must use http or https');
  }
  if (parsed.username || parsed.password) {
    throw new KestraValidationError('connection.url', `${parsed.protocol}//<redacted>@${parsed.host}`,
      'must not embed credentials: use apiToken or username/password');
  }
  const baseUrl = baseUrlOf(parsed);
  const apiToken = nonEmpty(connection?.apiToken) ?? nonEmpty(env.KESTRA_API_TOKEN);
  const username = nonEmpty(connection?.username) ?? nonEmpty(env.KESTRA_USERNAME);
  const password = connection?.password ?? env.KESTRA_PASSWORD;
  const secrets: string[] = [];
  let authorization: string | undefined;
  if (apiToken !== undefined) {
    authorization = `Bearer ${apiToken}`;
    secrets.push(apiToken);
  } else if (username !== undefined) {
    if (password === undefined) {
      throw new KestraValidationError('connection.password', '<missing>', 'is required with connection.username (or export KESTRA_PASSWORD)');
    }
    const basic = Buffer.from(`${username}:${password}`).toString('base64');
    authorization = `Basic ${basic}`;
    secrets.push(basic);
    if (password !== '') secrets.push(password);
  }
  const timeoutMs = connection?.timeoutMs ?? 30_000;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new KestraValidationError('connection.timeoutMs', timeoutMs, 'must be a positive number of milliseconds');
  }
  const headers = checkHeaders(connection?.headers);
  secrets.push(...Object.values(headers).filter((value) => value.length >= MIN_REDACTED_LENGTH));
  return { baseUrl, tenant: resolveTenant(connection), authorization, headers, timeoutMs, retry: connection?.retry ?? {}, secrets };
}

// A header value this short ("1", "on") would mangle every message it was replaced in, and guards no secret.
const MIN_REDACTED_LENGTH = 4;

/** Replaces every credential of a connection, and any bearer/basic credential, in a text. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  // longest first, so that a secret containing another is replaced whole
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    if (secret.length > 0) out = out.split(secret).join('[REDACTED]');
  }
  return out.replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, '$1 [REDACTED]');
}

function baseUrlOf(parsed: URL): string {
  return `${parsed.origin}${parsed.pathname}`.replace(/\/+$/, '').replace(/\/api\/v1$/, '');
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
