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
  try {
    const text = JSON.stringify(value);
    return text === undefined ? String(value) : text;
  } catch {
    return String(value);
  }
}
