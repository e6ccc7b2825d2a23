import { KestraValidationError } from '../../lib/common';
import {
  checkKeyValue, encodeKeyValueBody, inferKeyValueType, keyValueSpecText, normalizeNamespaceFilePath,
  validateFlowId, validateIsoDuration, validateKvKey, validateNamespace, validateTaskId, validateTenant,
} from '../../lib/model';

describe('identifiers', () => {
  test.each([
    [validateFlowId, 'My_flow-1.v2', ['', '-a', 'a b', 'a/b', 'x'.repeat(101)]],
    [validateNamespace, 'company.team_a-1', ['', 'Company', '.a', 'a b', 'x'.repeat(151)]],
    [validateTenant, 'main_1-a', ['', 'Main', 'a.b', '_a']],
    [validateKvKey, 'My.key_1-a', ['', '.a', 'a b', 'a/b']],
    [validateTaskId, 'Task_1-a', ['', 'a.b', '-a']],
  ])('%p accepts Kestra ids and rejects others', (validate, ok, bad) => {
    expect(validate('f', ok)).toBe(ok);
    for (const value of bad) expect(() => validate('f', value)).toThrow(KestraValidationError);
  });

  test('errors name the field and the value', () => {
    expect(() => validateNamespace('spec.namespace', 'My.Team')).toThrow(
      'Invalid spec.namespace: "My.Team": must match ^[a-z0-9][a-z0-9._-]*$ (a Kestra namespace: lower-case letters, digits, ".", "_" or "-", starting with a letter or digit)');
    expect(() => validateFlowId('id', 'x'.repeat(101))).toThrow(/must be at most 100 characters long, got 101/);
    expect(() => validateTenant('tenant', undefined)).toThrow('Invalid tenant: undefined: must be a non-empty string');
  });
});

describe('validateIsoDuration', () => {
  test.each(['PT30M', 'P7D', 'P1DT12H', 'PT0.5S', 'pt1h', '-PT5S', 'PT1H30M10.25S'])('accepts %s', (v) => {
    expect(validateIsoDuration('ttl', v)).toBe(v);
  });
  test.each(['', 'P', 'PT', 'P1DT', '30m', 'P1Y', 'P2W', 'P1M', 'PT1.5H', 'PT1S2M', 5])('rejects %p', (v) => {
    expect(() => validateIsoDuration('ttl', v)).toThrow(/^Invalid ttl: .*: must be an ISO-8601 duration/);
  });
});

describe('normalizeNamespaceFilePath', () => {
  test.each([
    ['etl.py', '/etl.py'],
    ['/scripts/etl.py', '/scripts/etl.py'],
    ['scripts//./etl.py', '/scripts/etl.py'],
    ['scripts/etl.py/', '/scripts/etl.py'],
    ['dir with space/ä.sql', '/dir with space/ä.sql'],
  ])('%s -> %s', (input, expected) => {
    expect(normalizeNamespaceFilePath('filename', input)).toBe(expected);
  });

  test.each([
    ['', /must be a non-empty file path/],
    ['   ', /must be a non-empty file path/],
    ['/', /must name a file, not the namespace root/],
    ['../etc/passwd', /must not contain "\.\." segments/],
    ['/a/../../b', /must not contain "\.\." segments/],
    ['a\\b.txt', /backslashes are not accepted/],
    ['a\u0000b', /control characters/],
    ['a/ b /c', /leading or trailing spaces/],
    ['a/'.repeat(600) + 'b', /at most 1024 characters/],
  ])('rejects %p', (input, message) => {
    expect(() => normalizeNamespaceFilePath('filename', input)).toThrow(message);
    expect(() => normalizeNamespaceFilePath('filename', input)).toThrow(/^Invalid filename: /);
  });
});

describe('key/value typing', () => {
  test('infers types from JavaScript values', () => {
    expect(inferKeyValueType('x')).toBe('STRING');
    expect(inferKeyValueType('2024-01-01')).toBe('STRING');
    expect(inferKeyValueType(1.5)).toBe('NUMBER');
    expect(inferKeyValueType(false)).toBe('BOOLEAN');
    expect(inferKeyValueType(new Date(0))).toBe('DATETIME');
    expect(inferKeyValueType({ a: 1 })).toBe('JSON');
    expect(inferKeyValueType([1])).toBe('JSON');
    expect(() => inferKeyValueType(null, 'spec.value')).toThrow('Invalid spec.value: null: must be a string, number, boolean, Date, plain object or array');
    expect(() => inferKeyValueType(new Map())).toThrow(KestraValidationError);
  });

  test('normalizes values per type', () => {
    expect(checkKeyValue('v', new Date(Date.UTC(2024, 4, 1, 10)))).toEqual({ type: 'DATETIME', value: '2024-05-01T10:00:00.000Z' });
    expect(checkKeyValue('v', '2024-05-01T10:00:00+02:00', 'DATETIME')).toEqual({ type: 'DATETIME', value: '2024-05-01T10:00:00+02:00' });
    expect(checkKeyValue('v', '2024-02-29', 'DATE')).toEqual({ type: 'DATE', value: '2024-02-29' });
    expect(checkKeyValue('v', new Date(Date.UTC(2024, 4, 1)), 'DATE')).toEqual({ type: 'DATE', value: '2024-05-01' });
    expect(checkKeyValue('v', 'PT1H', 'DURATION')).toEqual({ type: 'DURATION', value: 'PT1H' });
    expect(checkKeyValue('v', '42', 'NUMBER')).toEqual({ type: 'NUMBER', value: 42 });
    expect(checkKeyValue('v', 'true', 'BOOLEAN')).toEqual({ type: 'BOOLEAN', value: true });
    expect(checkKeyValue('v', { a: [1, { b: null }], d: new Date(0) })).toEqual({ type: 'JSON', value: { a: [1, { b: null }], d: '1970-01-01T00:00:00.000Z' } });
    expect(checkKeyValue('v', 'PT1H')).toEqual({ type: 'STRING', value: 'PT1H' });
  });

  test.each([
    [1, 'STRING', /does not fit type STRING: expected a string/],
    [Infinity, undefined, /does not fit type NUMBER: expected a finite number/],
    ['12abc', 'NUMBER', /expected a finite number/],
    ['yes', 'BOOLEAN', /expected a boolean/],
    ['2024-05-01', 'DATETIME', /expected a Date or an ISO-8601 date-time with offset/],
    ['2024-05-01T10:00:00', 'DATETIME', /expected a Date or an ISO-8601 date-time with offset/],
    [new Date('nope'), undefined, /expected a valid Date/],
    ['2023-02-29', 'DATE', /expected a calendar date/],
    ['P1Y', 'DURATION', /must be an ISO-8601 duration/],
    [30, 'DURATION', /expected an ISO-8601 duration string/],
    ['{"a":1}', 'JSON', /expected a plain object or an array/],
    [{ n: NaN }, 'JSON', /must be JSON-serializable: non-finite number NaN/],
    [{ f: () => 1 }, undefined, /must be JSON-serializable: a function is not JSON/],
    ['x', 'TEXT', /Invalid spec\.value\.type: "TEXT": must be one of STRING, NUMBER, BOOLEAN, DATETIME, DATE, DURATION, JSON/],
  ])('rejects %p as %p', (value, type, message) => {
    expect(() => checkKeyValue('spec.value', value, type as any)).toThrow(message);
    expect(() => checkKeyValue('spec.value', value, type as any)).toThrow(KestraValidationError);
  });

  test('encodes the body of Kestra\'s PUT /kv request', () => {
    expect(encodeKeyValueBody('say "hi"')).toBe('"say \\"hi\\""');
    expect(encodeKeyValueBody('123', 'STRING')).toBe('"123"');
    expect(encodeKeyValueBody(42)).toBe('42');
    expect(encodeKeyValueBody(false)).toBe('false');
    expect(encodeKeyValueBody({ a: [1] })).toBe('{"a":[1]}');
    expect(encodeKeyValueBody(new Date(0))).toBe('1970-01-01T00:00:00.000Z');
    expect(encodeKeyValueBody('2024-05-01', 'DATE')).toBe('2024-05-01');
    expect(encodeKeyValueBody('PT5M', 'DURATION')).toBe('PT5M');
  });

  test('renders the text of a KestraKeyValue spec.value', () => {
    expect(keyValueSpecText(checkKeyValue('v', 'plain'))).toBe('plain');
    expect(keyValueSpecText(checkKeyValue('v', 3))).toBe('3');
    expect(keyValueSpecText(checkKeyValue('v', true))).toBe('true');
    expect(keyValueSpecText(checkKeyValue('v', { a: 1 }))).toBe('{"a":1}');
    expect(keyValueSpecText(checkKeyValue('v', new Date(0)))).toBe('1970-01-01T00:00:00.000Z');
  });
});
