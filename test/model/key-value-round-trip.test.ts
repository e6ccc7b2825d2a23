import { checkStorableKeyValue, durationSeconds, KESTRA_DURATION_PATTERN, keyValueMeaning, sameKeyValueMeaning } from '../../lib/model';

// What Kestra reads back (kestra-io/kestra KVStore.get, IonParser.getEmbeddedObject, KVType.from): the provider
// compares by meaning and refuses what cannot come back with its type. Errors never show the value.

test('Kestra\'s duration pattern is the one KVStore uses, and durations are compared by length', () => {
  const pattern = new RegExp(KESTRA_DURATION_PATTERN);
  for (const text of ['PT5M', 'P1D', 'P1DT2H', 'PT0S', 'PD']) expect(pattern.test(text)).toBe(true);
  for (const text of ['P', 'PT', 'pt5m', 'PT0.5S', '-PT5M', 'P1W', 'every PT5M']) expect(pattern.test(text)).toBe(false);
  expect(durationSeconds('P1DT1H30M15S')).toBe(91_815);
  expect(sameKeyValueMeaning({ value: 'P1D', type: 'DURATION' }, { value: 'PT24H', type: 'DURATION' })).toBe(true);
  expect(sameKeyValueMeaning({ value: 'PT90M', type: 'DURATION' }, { value: 'PT1H30M', type: 'DURATION' })).toBe(true);
  expect(sameKeyValueMeaning({ value: 'PT90M', type: 'DURATION' }, { value: 'PT1H31M', type: 'DURATION' })).toBe(false);
});

test('date-times by instant: a midnight DATETIME is the DATE Kestra answers, an offset is the same instant', () => {
  expect(sameKeyValueMeaning({ value: '2024-05-01T00:00:00Z', type: 'DATETIME' }, { value: '2024-05-01', type: 'DATE' })).toBe(true);
  expect(sameKeyValueMeaning({ value: '2024-05-01T10:00:00+02:00', type: 'DATETIME' }, { value: '2024-05-01T08:00:00Z', type: 'DATETIME' })).toBe(true);
  expect(sameKeyValueMeaning({ value: '2024-05-01T08:00:00Z', type: 'DATETIME' }, { value: '2024-05-01T10:00:00+02:00', type: 'JSON' })).toBe(true);
  expect(sameKeyValueMeaning({ value: '2024-05-01T08:00:01Z', type: 'DATETIME' }, { value: '2024-05-01', type: 'DATE' })).toBe(false);
  // a string is not a date, a number not a string
  expect(keyValueMeaning('2024-05-01')).not.toBe(keyValueMeaning('2024-05-01', 'DATE'));
  expect(keyValueMeaning(42)).not.toBe(keyValueMeaning('42'));
  expect(sameKeyValueMeaning({ value: { b: 1, a: [1, 2] } }, { value: { a: [1, 2], b: 1 }, type: 'JSON' })).toBe(true);
});

test('what is sent: offsets become UTC; what Kestra cannot keep typed is refused by shape', () => {
  expect(checkStorableKeyValue('value', '2024-05-01T10:00:00+02:00', 'DATETIME')).toEqual({ type: 'DATETIME', value: '2024-05-01T08:00:00.000Z' });
  expect(checkStorableKeyValue('value', '2024-05-01T10:00:00Z', 'DATETIME')).toEqual({ type: 'DATETIME', value: '2024-05-01T10:00:00Z' });
  expect(checkStorableKeyValue('value', 'P1D', 'DURATION')).toEqual({ type: 'DURATION', value: 'P1D' });
  const refusals: Array<[unknown, string | undefined, RegExp]> = [
    ['PT5M', undefined, /is a string shaped like an ISO-8601 duration/],
    ['-PT5M', 'DURATION', /is a signed duration/],
    ['PT-5M', 'DURATION', /is a signed duration/],
    ['PT0.5S', 'DURATION', /is a string of 6 characters that Kestra cannot store as a DURATION/],
    ['pt5m', 'DURATION', /in upper case/],
    ['hunter2', 'NUMBER', /expected a finite number \(got a string of 7 characters\)/],
  ];
  for (const [value, type, reason] of refusals) {
    let message = '';
    try {
      checkStorableKeyValue('value', value, type as never);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(reason);
    expect(message).toMatch(/^Invalid value: "<redacted>": /);
    expect(message).not.toContain(`"${String(value)}"`);
  }
});
