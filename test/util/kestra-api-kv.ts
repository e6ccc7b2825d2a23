// How Kestra types a K/V value: what PUT .../kv/{key} stores and what GET answers, written from
// Kestra's sources, not from the provider's code:
// - KVController.setKeyValue (kestra-io/kestra webserver/src/main/java/io/kestra/webserver/controllers/api/KVController.java)
//   reads the body with the Ion mapper; a body it cannot read is an IllegalArgumentException
//   "Invalid JSON value for: " + body, which ErrorController turns into 422 "Illegal argument: …", echoing the body.
// - IonParser.getEmbeddedObject (core/src/main/java/io/kestra/core/serializers/ion/IonParser.java): an Ion timestamp
//   in UTC (or without offset) at exact midnight is a LocalDate, otherwise an Instant; one with a non-Z offset a ZonedDateTime.
// - KVStore.get (core/src/main/java/io/kestra/core/storages/kv/KVStore.java): a string matching `durationPattern` is read
//   back as a java.time.Duration.
// - KVType.from (core/src/main/java/io/kestra/core/models/kv/KVType.java): Instant → DATETIME, LocalDate → DATE,
//   Duration → DURATION, anything else that is not a string, number or boolean (a ZonedDateTime included) → JSON.
// - The answer is JSON through Jackson with dates as ISO text: Instant.toString (seconds always, fraction in
//   groups of 3 digits), LocalDate.toString, Duration.toString (`P1D` → `PT24H`, `PT90M` → `PT1H30M`).

/** KVStore.durationPattern. */
const DURATION_PATTERN = /^P(?=.)(?:\d*D)?(?:T(?=.)(?:\d*H)?(?:\d*M)?(?:\d*S)?)?$/;
const ION_SYMBOL = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const ION_DATE = /^(\d{4})-(\d{2})-(\d{2})T?$/;
const ION_TIMESTAMP = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** What GET answers for a stored value, or the error PUT answers. */
export type KvReadBack = { type: string; value: unknown } | { error: string };

/** The type and value Kestra answers on GET for a PUT body, or the 422 message of the PUT. */
export function kvReadBack(body: string): KvReadBack {
  const text = body.trim();
  const unreadable = { error: `Illegal argument: Invalid JSON value for: ${body}` };
  let value: unknown;
  try {
    value = JSON.parse(text); // Ion reads every JSON text the same way
  } catch {
    return unquoted(text) ?? unreadable;
  }
  if (value === null) return { type: 'STRING', value: null };
  if (typeof value === 'string') return DURATION_PATTERN.test(value) ? duration(value) ?? unreadable : { type: 'STRING', value };
  if (typeof value === 'number') return { type: 'NUMBER', value };
  if (typeof value === 'boolean') return { type: 'BOOLEAN', value };
  return { type: 'JSON', value };
}

function unquoted(text: string): KvReadBack | undefined {
  const date = ION_DATE.exec(text);
  if (date && validDate(text.slice(0, 10))) return { type: 'DATE', value: text.slice(0, 10) };
  const stamp = ION_TIMESTAMP.exec(text);
  if (stamp && validDate(stamp[1])) {
    const [, day, hours, minutes, seconds = '00', fraction = '', offset] = stamp;
    const local = `${day}T${hours}:${minutes}:${seconds}${fraction}`;
    if (offset !== 'Z' && offset !== '+00:00' && offset !== '-00:00') return { type: 'JSON', value: `${local}${offset}` };
    const instant = new Date(`${local}Z`);
    if (Number.isNaN(instant.getTime())) return undefined;
    const atMidnight = hours === '00' && minutes === '00' && seconds === '00' && /^\.?0*$/.test(fraction);
    return atMidnight ? { type: 'DATE', value: day } : { type: 'DATETIME', value: instantText(local) };
  }
  // an Ion symbol reads as a string; `-PT5M` or `PT0.5S` are not symbols, and Ion refuses them
  if (ION_SYMBOL.test(text)) return DURATION_PATTERN.test(text) ? duration(text) : { type: 'STRING', value: text };
  return undefined;
}

/** Duration.toString() of a duration matching the pattern; undefined when Duration.parse refuses it (`PD`). */
export function duration(text: string): KvReadBack | undefined {
  const match = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(text);
  if (!match) return undefined;
  const [days, hours, minutes, secs] = match.slice(1).map((part) => Number(part ?? 0));
  const total = ((days * 24 + hours) * 60 + minutes) * 60 + secs;
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const printed = total === 0 ? 'PT0S' : `PT${h ? `${h}H` : ''}${m ? `${m}M` : ''}${s ? `${s}S` : ''}`;
  return { type: 'DURATION', value: printed };
}

/** Instant.toString of a UTC local date-time: seconds always, the fraction in groups of 3 digits, trailing zero groups dropped. */
function instantText(local: string): string {
  const [whole, fraction = ''] = local.split('.');
  const digits = fraction.replace(/0+$/, '');
  const grouped = digits === '' ? '' : `.${digits.padEnd(Math.ceil(digits.length / 3) * 3, '0')}`;
  return `${whole}${grouped}Z`;
}

function validDate(day: string): boolean {
  const date = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === day;
}
