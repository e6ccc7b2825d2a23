/**
 * Thrown for input that cannot produce a working deployment. The message always
 * names the offending property and the value it was given, so the error is
 * actionable at synth/preview time rather than as a rejection from the cluster.
 */
export class KestraValidationError extends Error {
  constructor(
    /** Dotted path of the property at fault, e.g. `mode.worker.replicas`. */
    public readonly field: string,
    /** The value that was rejected (already redacted when it could be a secret). */
    public readonly value: unknown,
    /** Why the value is rejected and, where possible, what would be accepted. */
    public readonly reason: string,
  ) {
    super(`Invalid ${field}: ${describeValue(value)}: ${reason}`);
    // Set again: Pulumi's closure serializer turns `super(...)` into `Error.call(this, ...)`,
    // which does not set the message on a serialized subclass.
    this.message = `Invalid ${field}: ${describeValue(value)}: ${reason}`;
    this.name = 'KestraValidationError';
  }
}

/** Renders a value for an error message without ever throwing. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return JSON.stringify(value);
  // JSON has no NaN or Infinity and would print `null`, hiding the mistake (`replicas: Number('')`).
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  try {
    // Non-finite numbers inside objects are marked, then unquoted: `{"replicas":NaN}`.
    const text = JSON.stringify(value, (_key, item) => (typeof item === 'number' && !Number.isFinite(item) ? `\u0000${item}\u0000` : item));
    return text === undefined ? String(value) : text.replace(/"\\u0000(NaN|-?Infinity)\\u0000"/g, '$1');
  } catch {
    return String(value);
  }
}
