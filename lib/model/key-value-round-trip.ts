import { canonicalJson } from './flow-canonical';
import { checkKeyValue, CheckedKeyValue, KeyValueType } from './key-value';
import { KestraValidationError } from '../common/errors';

// How Kestra's K/V store reads back what it was given, so that a typed value survives the round trip.
// kestra-io/kestra core/src/main/java/io/kestra/core/storages/kv/KVStore.java: `get` turns every string
// that matches `durationPattern` into a java.time.Duration (type DURATION, printed by Duration.toString());
// core/src/main/java/io/kestra/core/serializers/ion/IonParser.java: an Ion timestamp at exact UTC midnight
// becomes a LocalDate (type DATE), one with a non-Z offset a ZonedDateTime (type JSON, models/kv/KVType.java).

/** KVStore.durationPattern, verbatim: what Kestra reads back as a DURATION. */
export const KESTRA_DURATION_PATTERN = '^P(?=.)(?:\\d*D)?(?:T(?=.)(?:\\d*H)?(?:\\d*M)?(?:\\d*S)?)?$';

// what stands for the value in an error: it may be a secret
const REDACTED = '<redacted>';
// the same shape, with digits required (java.time.Duration.parse refuses "PD") and captured
const STORABLE_DURATION = '^P(?:(\\d+)D)?(?:T(?:(\\d+)H)?(?:(\\d+)M)?(?:(\\d+)S)?)?$';
const DATETIME_OFFSET = '^(\\d{4}-\\d{2}-\\d{2}T[0-9:.]+)(Z|[+-]\\d{2}:\\d{2})$';

/**
 * Checks a K/V value as {@link checkKeyValue} does, then refuses what Kestra cannot read back with its type,
 * and returns the form to send: a DATETIME with an offset is sent as the same instant in UTC (`Z`), which
 * Kestra keeps as a DATETIME. Error messages name the value's shape, never the value (it may be a secret).
 */
export function checkStorableKeyValue(field: string, value: unknown, type?: KeyValueType): CheckedKeyValue {
  let checked: CheckedKeyValue;
  try {
    checked = checkKeyValue(field, value, type);
  } catch (err) {
    const failure = err as Partial<KestraValidationError> | undefined;
    if (typeof failure?.field === 'string' && typeof failure.reason === 'string') {
      throw new KestraValidationError(failure.field, REDACTED, `${failure.reason} (got ${shapeOf(value)})`);
    }
    throw err;
  }
  if (checked.type === 'STRING' && new RegExp(KESTRA_DURATION_PATTERN).test(checked.value as string)) {
    throw new KestraValidationError(field, REDACTED, 'is a string shaped like an ISO-8601 duration, and Kestra reads such a STRING back '
      + 'as a DURATION (KVStore.durationPattern): set type "DURATION", or store it inside a JSON value');
  }
  if (checked.type === 'DURATION') {
    const text = checked.value as string;
    if (/^[-+]|[DTHMS][-+]/i.test(text)) {
      throw new KestraValidationError(field, REDACTED, 'is a signed duration, and Kestra stores only unsigned durations as DURATION, e.g. "PT30M", "P1DT12H"');
    }
    if (!new RegExp(STORABLE_DURATION).test(text) || text === 'P' || text.endsWith('T')) {
      throw new KestraValidationError(field, REDACTED,
        `is ${shapeOf(text)} that Kestra cannot store as a DURATION: it stores only whole days, hours, minutes and seconds in upper case, e.g. "PT30M", "P1DT12H", "PT45S" (no fractions, weeks, months or years)`);
    }
  }
  if (checked.type === 'DATETIME') {
    const match = new RegExp(DATETIME_OFFSET).exec(checked.value as string);
    if (match && match[2] !== 'Z') return { type: 'DATETIME', value: new Date(checked.value as string).toISOString() };
  }
  return checked;
}

/**
 * A text that is equal for two K/V values exactly when Kestra holds the same thing: a duration by its
 * length (`P1D` is `PT24H`), a date-time by its instant (a DATE is its UTC midnight, which Kestra reads a
 * midnight DATETIME back as; Kestra's JSON reading of an offset date-time is that instant too), JSON by content.
 */
export function keyValueMeaning(value: unknown, type?: KeyValueType): string {
  // Kestra's JSON answer for a ZonedDateTime is its ISO text: a JSON string no caller could have stored as JSON
  if (type === 'JSON' && typeof value === 'string' && new RegExp(DATETIME_OFFSET).test(value)) return `INSTANT:${Date.parse(value)}`;
  let checked: CheckedKeyValue;
  try {
    checked = checkKeyValue('value', value, type);
  } catch {
    return `unreadable:${JSON.stringify(value) ?? String(value)}:${type}`;
  }
  switch (checked.type) {
    case 'DURATION': {
      const seconds = durationSeconds(checked.value as string);
      return seconds === undefined ? `DURATION:${String(checked.value)}` : `DURATION:${seconds}`;
    }
    case 'DATETIME':
      return `INSTANT:${Date.parse(checked.value as string)}`;
    case 'DATE':
      return `INSTANT:${Date.parse(`${String(checked.value)}T00:00:00Z`)}`;
    case 'JSON':
      return `JSON:${canonicalJson(checked.value)}`;
    default:
      return `${checked.type}:${JSON.stringify(checked.value)}`;
  }
}

/** True when two K/V values mean the same to Kestra ({@link keyValueMeaning}). */
export function sameKeyValueMeaning(a: { value: unknown; type?: KeyValueType }, b: { value: unknown; type?: KeyValueType }): boolean {
  return keyValueMeaning(a.value, a.type) === keyValueMeaning(b.value, b.type);
}

/** Seconds of a duration Kestra can store, or undefined. */
export function durationSeconds(text: string): number | undefined {
  const match = new RegExp(STORABLE_DURATION).exec(text);
  if (!match || text === 'P' || text.endsWith('T')) return undefined;
  const [days, hours, minutes, seconds] = match.slice(1).map((part) => Number(part ?? 0));
  return ((days * 24 + hours) * 60 + minutes) * 60 + seconds;
}

/** A description of a value that reveals its kind and size, not its content. */
function shapeOf(value: unknown): string {
  if (typeof value === 'string') return `a string of ${value.length} characters`;
  if (Array.isArray(value)) return `an array of ${value.length} items`;
  if (value === null) return 'null';
  return `a ${typeof value}`;
}
