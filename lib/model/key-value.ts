import { validateIsoDuration } from './duration';
import { KestraValidationError } from '../common/errors';

/** The value types of Kestra's key/value store. */
export type KeyValueType = 'STRING' | 'NUMBER' | 'BOOLEAN' | 'DATETIME' | 'DATE' | 'DURATION' | 'JSON';

/** Every {@link KeyValueType}, in Kestra's order. */
export const KEY_VALUE_TYPES: readonly KeyValueType[] = ['STRING', 'NUMBER', 'BOOLEAN', 'DATETIME', 'DATE', 'DURATION', 'JSON'];

/** What a caller may store: JSON objects and arrays become `JSON`, a `Date` becomes `DATETIME`. */
export type KeyValueInput = string | number | boolean | Date | Record<string, unknown> | readonly unknown[];

/** A checked key/value entry: its type and its value in the form sent to Kestra. */
export interface CheckedKeyValue {
  /** The type Kestra stores the value as. */
  readonly type: KeyValueType;
  /**
   * The value: a string for STRING, DATETIME (ISO-8601 instant), DATE (`YYYY-MM-DD`) and DURATION (ISO-8601);
   * a finite number for NUMBER; a boolean for BOOLEAN; a plain object or array (JSON-safe copy) for JSON.
   */
  readonly value: string | number | boolean | Record<string, unknown> | unknown[];
}

const DATETIME = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?(Z|[+-]\\d{2}:\\d{2})$';
const DATE = '^(\\d{4})-(\\d{2})-(\\d{2})$';
const JSON_NUMBER = '^-?(0|[1-9]\\d*)(\\.\\d+)?([eE][+-]?\\d+)?$';

/** Infers the type Kestra would store a JavaScript value as. Strings are always STRING: give `type` for dates and durations. */
export function inferKeyValueType(value: unknown, field = 'value'): KeyValueType {
  if (typeof value === 'string') return 'STRING';
  if (typeof value === 'number') return 'NUMBER';
  if (typeof value === 'boolean') return 'BOOLEAN';
  if (value instanceof Date) return 'DATETIME';
  if (Array.isArray(value) || isPlainObject(value)) return 'JSON';
  throw new KestraValidationError(field, value,
    'must be a string, number, boolean, Date, plain object or array');
}

/**
 * Checks a key/value entry and normalizes its value. Without `type`, the type is inferred
 * ({@link inferKeyValueType}); with it, the value must fit: NUMBER a finite number (or a numeric
 * string), BOOLEAN a boolean (or "true"/"false"), DATETIME a valid `Date` or an ISO-8601 date-time with
 * offset, DATE a `YYYY-MM-DD` calendar date (or a `Date`, taken in UTC), DURATION an ISO-8601 duration,
 * JSON a plain object or array that survives JSON serialization, STRING a string.
 */
export function checkKeyValue(field: string, value: unknown, type?: KeyValueType): CheckedKeyValue {
  if (type !== undefined && !KEY_VALUE_TYPES.includes(type)) {
    throw new KestraValidationError(`${field}.type`, type, `must be one of ${KEY_VALUE_TYPES.join(', ')}`);
  }
  const resolved = type ?? inferKeyValueType(value, field);
  const mismatch = (expected: string): never => {
    throw new KestraValidationError(field, value, `does not fit type ${resolved}: expected ${expected}`);
  };
  switch (resolved) {
    case 'STRING':
      return typeof value === 'string' ? { type: resolved, value } : mismatch('a string');
    case 'NUMBER': {
      if (typeof value === 'number') {
        return Number.isFinite(value) ? { type: resolved, value } : mismatch('a finite number');
      }
      if (typeof value === 'string' && new RegExp(JSON_NUMBER).test(value) && Number.isFinite(Number(value))) {
        return { type: resolved, value: Number(value) };
      }
      return mismatch('a finite number');
    }
    case 'BOOLEAN':
      if (typeof value === 'boolean') return { type: resolved, value };
      if (value === 'true' || value === 'false') return { type: resolved, value: value === 'true' };
      return mismatch('a boolean');
    case 'DATETIME':
      if (value instanceof Date) {
        return Number.isNaN(value.getTime()) ? mismatch('a valid Date') : { type: resolved, value: value.toISOString() };
      }
      if (typeof value === 'string' && new RegExp(DATETIME).test(value) && !Number.isNaN(Date.parse(value))) {
        return { type: resolved, value };
      }
      return mismatch('a Date or an ISO-8601 date-time with offset, e.g. "2024-05-01T10:00:00Z"');
    case 'DATE':
      if (value instanceof Date && !Number.isNaN(value.getTime())) return { type: resolved, value: value.toISOString().slice(0, 10) };
      if (typeof value === 'string' && isCalendarDate(value)) return { type: resolved, value };
      return mismatch('a calendar date "YYYY-MM-DD", e.g. "2024-05-01"');
    case 'DURATION':
      if (typeof value !== 'string') return mismatch('an ISO-8601 duration string, e.g. "PT30M"');
      return { type: resolved, value: validateIsoDuration(field, value) };
    case 'JSON':
      if (!Array.isArray(value) && !isPlainObject(value)) return mismatch('a plain object or an array');
      return { type: resolved, value: jsonCopy(field, value) as Record<string, unknown> | unknown[] };
  }
  return mismatch('a known type');
}

/**
 * The request body for Kestra's `PUT /api/v1/{tenant}/namespaces/{namespace}/kv/{key}`. Kestra reads
 * the body with its Ion mapper (a superset of JSON): a STRING is sent JSON-quoted, NUMBER, BOOLEAN and
 * JSON as JSON text, and DATETIME, DATE and DURATION unquoted, so that Ion reads the first two as
 * timestamps and Kestra types them as dates rather than strings (the Terraform provider does the same).
 */
export function encodeKeyValueBody(value: unknown, type?: KeyValueType): string {
  const checked = checkKeyValue('value', value, type);
  switch (checked.type) {
    case 'DATETIME':
    case 'DATE':
    case 'DURATION':
      return String(checked.value);
    default:
      return JSON.stringify(checked.value);
  }
}

/**
 * The text the Kestra operator expects in a `KestraKeyValue`'s `spec.value` (a string field):
 * the string itself for STRING, DATETIME, DATE and DURATION, JSON text for NUMBER, BOOLEAN and JSON.
 */
export function keyValueSpecText(checked: CheckedKeyValue): string {
  return typeof checked.value === 'string' ? checked.value : JSON.stringify(checked.value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function isCalendarDate(value: string): boolean {
  const match = new RegExp(DATE).exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

function jsonCopy(field: string, value: unknown): unknown {
  let text: string | undefined;
  try {
    text = JSON.stringify(value, (_key, v) => {
      if (typeof v === 'number' && !Number.isFinite(v)) throw new Error(`non-finite number ${v}`);
      if (typeof v === 'bigint' || typeof v === 'function' || typeof v === 'symbol') throw new Error(`a ${typeof v} is not JSON`);
      return v;
    });
  } catch (err) {
    throw new KestraValidationError(field, '<unserializable object>', `must be JSON-serializable: ${(err as Error).message}`);
  }
  return JSON.parse(text as string);
}
