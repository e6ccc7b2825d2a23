import { KestraValidationError } from '../common/errors';

// Kestra validates these with Java's `Matcher.matches()`, which anchors at both ends,
// so the patterns below carry an explicit `$` to mean the same thing in JavaScript.
// Sources: AbstractFlow (id, namespace, tenantId), TaskInterface (task id), KVController (key).

/** Kestra's pattern for a flow id (at most {@link FLOW_ID_MAX_LENGTH} characters). */
export const FLOW_ID_PATTERN = '^[a-zA-Z0-9][a-zA-Z0-9._-]*$';
/** The longest flow id Kestra accepts. */
export const FLOW_ID_MAX_LENGTH = 100;
/** Kestra's pattern for a namespace (at most {@link NAMESPACE_MAX_LENGTH} characters). */
export const NAMESPACE_PATTERN = '^[a-z0-9][a-z0-9._-]*$';
/** The longest namespace Kestra accepts. */
export const NAMESPACE_MAX_LENGTH = 150;
/** Kestra's pattern for a tenant id. */
export const TENANT_PATTERN = '^[a-z0-9][a-z0-9_-]*$';
/** Kestra's pattern for a key of the key/value store. */
export const KV_KEY_PATTERN = '^[a-zA-Z0-9][a-zA-Z0-9._-]*$';
/** Kestra's pattern for a task id (and a trigger id): no dots, unlike flow ids. */
export const TASK_ID_PATTERN = '^[a-zA-Z0-9][a-zA-Z0-9_-]*$';

function checkPattern(field: string, value: unknown, pattern: string, maxLength: number | undefined, what: string): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new KestraValidationError(field, value, `must be a non-empty string (${what})`);
  }
  if (!new RegExp(pattern).test(value)) {
    throw new KestraValidationError(field, value, `must match ${pattern} (${what})`);
  }
  if (maxLength !== undefined && value.length > maxLength) {
    throw new KestraValidationError(field, value, `must be at most ${maxLength} characters long, got ${value.length} (${what})`);
  }
  return value;
}

/** Checks a Kestra flow id: letters, digits, `.`, `_`, `-`, starting with a letter or digit, at most 100 characters. */
export function validateFlowId(field: string, value: unknown): string {
  return checkPattern(field, value, FLOW_ID_PATTERN, FLOW_ID_MAX_LENGTH,
    'a Kestra flow id: letters, digits, ".", "_" or "-", starting with a letter or digit');
}

/** Checks a Kestra namespace: lower-case letters, digits, `.`, `_`, `-`, at most 150 characters. */
export function validateNamespace(field: string, value: unknown): string {
  return checkPattern(field, value, NAMESPACE_PATTERN, NAMESPACE_MAX_LENGTH,
    'a Kestra namespace: lower-case letters, digits, ".", "_" or "-", starting with a letter or digit');
}

/** Checks a Kestra tenant id: lower-case letters, digits, `_`, `-` (no dots). */
export function validateTenant(field: string, value: unknown): string {
  return checkPattern(field, value, TENANT_PATTERN, undefined,
    'a Kestra tenant id: lower-case letters, digits, "_" or "-", starting with a letter or digit');
}

/** Checks a key of Kestra's key/value store: letters, digits, `.`, `_`, `-`, starting with a letter or digit. */
export function validateKvKey(field: string, value: unknown): string {
  return checkPattern(field, value, KV_KEY_PATTERN, undefined,
    'a Kestra key/value key: letters, digits, ".", "_" or "-", starting with a letter or digit');
}

/** Checks a Kestra task or trigger id: letters, digits, `_`, `-`, starting with a letter or digit. */
export function validateTaskId(field: string, value: unknown): string {
  return checkPattern(field, value, TASK_ID_PATTERN, undefined,
    'a Kestra task id: letters, digits, "_" or "-", starting with a letter or digit');
}
