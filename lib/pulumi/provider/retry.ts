/** Bounded exponential backoff with full jitter for transient Kestra API failures. */
export interface RetryPolicy {
  /**
   * Attempts in total, the first one included.
   * @default 5
   */
  readonly maxAttempts: number;
  /**
   * Upper bound of the first backoff; it doubles with every retry.
   * @default 250
   */
  readonly baseDelayMs: number;
  /**
   * Upper bound of any computed backoff.
   * @default 8000
   */
  readonly maxDelayMs: number;
  /**
   * Longest `Retry-After` honored; longer requests are capped to this.
   * @default 30000
   */
  readonly maxRetryAfterMs: number;
}

/** The retry policy used when a connection sets none. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 250, maxDelayMs: 8_000, maxRetryAfterMs: 30_000 };

/** HTTP statuses worth retrying: the server is overloaded or a gateway lost the upstream. */
export const RETRYABLE_STATUSES: readonly number[] = [429, 502, 503, 504];

/** Statuses from a gateway after which a mutation may or may not have reached Kestra. */
export const AMBIGUOUS_STATUSES: readonly number[] = [502, 504];

/** Socket error codes of a transient network failure. */
export const RETRYABLE_ERROR_CODES: readonly string[] = [
  'ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'UND_ERR_SOCKET',
];

/** A policy with defaults applied and every field checked; invalid numbers fall back to the default. */
export function retryPolicy(overrides: Partial<RetryPolicy> | undefined): RetryPolicy {
  const pick = (key: keyof RetryPolicy, min: number): number => {
    const value = overrides?.[key];
    return typeof value === 'number' && Number.isFinite(value) && value >= min ? value : DEFAULT_RETRY_POLICY[key];
  };
  return {
    maxAttempts: Math.floor(pick('maxAttempts', 1)),
    baseDelayMs: pick('baseDelayMs', 0),
    maxDelayMs: pick('maxDelayMs', 0),
    maxRetryAfterMs: pick('maxRetryAfterMs', 0),
  };
}

/** Delay before retry number `retry` (1 for the first retry): a random value up to base·2^(retry-1), capped. */
export function backoffDelay(retry: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.round(ceiling * random());
}

/**
 * Milliseconds asked for by a `Retry-After` header (delta seconds or an HTTP date), capped at
 * `maxRetryAfterMs`; undefined when absent or unreadable.
 */
export function parseRetryAfter(header: string | undefined, policy: RetryPolicy, now: number = Date.now()): number | undefined {
  if (header === undefined || header.trim() === '') return undefined;
  const text = header.trim();
  let ms: number;
  if (/^\d+(\.\d+)?$/.test(text)) {
    ms = Number(text) * 1000;
  } else {
    const at = Date.parse(text);
    if (Number.isNaN(at)) return undefined;
    ms = at - now;
  }
  return Math.min(Math.max(0, Math.round(ms)), policy.maxRetryAfterMs);
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
