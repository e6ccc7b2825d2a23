/**
 * Thrown for input that cannot produce a working deployment. The message always
 * names the offending property and the value it was given, so the error is
 * actionable at synth/preview time rather than as a rejection from the cluster.
 */
export class KestraValidationError extends Error {
  /** Path of the construct whose props were rejected, once known (see {@link inConstruct}). */
  public constructPath?: string;

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

/**
 * Runs the validation of the construct about to be created as `id` under `scope`, and prefixes any
 * {@link KestraValidationError} it throws with the construct path (`prod/flows/hello: Invalid flow ...`),
 * so that an error among hundreds of resources says which one. The innermost construct names itself.
 */
export function inConstruct<T>(scope: { readonly node: { readonly path: string } }, id: string, build: () => T): T {
  try {
    return build();
  } catch (error) {
    if (error instanceof KestraValidationError) throw inConstructPath(error, scope.node.path ? `${scope.node.path}/${id}` : id);
    throw error;
  }
}

/** Prefixes the error's message with the construct path, unless a construct nearer to the fault already did. */
export function inConstructPath(error: KestraValidationError, path: string): KestraValidationError {
  if (error.constructPath !== undefined) return error;
  const original = error.message;
  error.constructPath = path;
  error.message = `${path}: ${original}`;
  // The stack was rendered with the old message; uncaught errors print the stack.
  if (error.stack) error.stack = error.stack.replace(original, error.message);
  return error;
}
