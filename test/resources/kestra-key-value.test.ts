import { newChart, synthChecked } from './helpers';
import { KestraKeyValue } from '../../lib/resources';
import { ofKind } from '../util/k8s-schema';

const base = { namespace: 'company.team', key: 'my_key' };

describe('KestraKeyValue', () => {
  test.each([
    ['a string', 'hello', undefined, 'STRING', 'hello'],
    ['a numeric string kept as STRING', '42', undefined, 'STRING', '42'],
    ['a number', 42.5, undefined, 'NUMBER', '42.5'],
    ['a boolean', true, undefined, 'BOOLEAN', 'true'],
    ['a Date', new Date(Date.UTC(2024, 0, 2, 3, 4, 5)), undefined, 'DATETIME', '2024-01-02T03:04:05.000Z'],
    ['an object', { a: [1, 'b'] }, undefined, 'JSON', '{"a":[1,"b"]}'],
    ['an array', [1, 2], undefined, 'JSON', '[1,2]'],
    ['a DATE string', '2024-02-29', 'DATE', 'DATE', '2024-02-29'],
    ['a DURATION', 'PT15M', 'DURATION', 'DURATION', 'PT15M'],
  ] as const)('%s', (_title, value, type, expectedType, expectedText) => {
    const chart = newChart();
    const kv = new KestraKeyValue(chart, 'kv', { ...base, value: value as any, type: type as any });
    const [cr] = ofKind(synthChecked(chart), 'KestraKeyValue');
    expect(cr.spec).toEqual({ namespace: 'company.team', key: 'my_key', value: expectedText, type: expectedType });
    expect(kv.type).toBe(expectedType);
    expect(kv.valueText).toBe(expectedText);
    expect(cr.metadata.name).toBe(kv.name);
  });

  test('ttl, tenant and metadata end up in the object', () => {
    const chart = newChart();
    new KestraKeyValue(chart, 'kv', { ...base, value: 'x', ttl: 'P7D', tenant: 'main', metadata: { namespace: 'kestra' } });
    const [cr] = ofKind(synthChecked(chart), 'KestraKeyValue');
    expect(cr.spec).toMatchObject({ ttl: 'P7D', tenant: 'main' });
    expect(cr.metadata.namespace).toBe('kestra');
    expect(cr.metadata.name).toMatch(/^main-company-team-my-key-[0-9a-f]{8}$/);
  });

  test.each([
    [{ namespace: 'Company' }, /^test\/kv: Invalid namespace: "Company": must match/],
    [{ key: 'bad key' }, /^test\/kv: Invalid key: "bad key": must match/],
    [{ value: null }, 'Invalid value: null: must be a string, number, boolean, Date, plain object or array'],
    [{ value: 'abc', type: 'NUMBER' }, 'Invalid value: "abc": does not fit type NUMBER: expected a finite number'],
    [{ value: '2024-13-01', type: 'DATE' }, /^test\/kv: Invalid value: "2024-13-01": does not fit type DATE/],
    [{ value: 'soon', type: 'DATETIME' }, /does not fit type DATETIME/],
    [{ value: 'x', type: 'TEXT' }, /^test\/kv: Invalid value.type: "TEXT": must be one of/],
    [{ value: 'x', ttl: '1 day' }, /^test\/kv: Invalid ttl: "1 day": must be an ISO-8601 duration/],
    [{ value: 'x', ttl: 'PT0S' }, 'Invalid ttl: "PT0S": must be a positive duration'],
    [{ value: 'x', ttl: '-PT5M' }, 'Invalid ttl: "-PT5M": must be a positive duration'],
    [{ value: 'x', tenant: 'a.b' }, /^test\/kv: Invalid tenant: "a.b"/],
    [{ value: 'x'.repeat(1024 * 1024 + 1) }, /^test\/kv: Invalid value: "key my_key \(\d+ bytes serialized\)": is larger than 1048576 bytes/],
  ])('rejects %p', (override, message) => {
    expect(() => new KestraKeyValue(newChart(), 'kv', { ...base, value: 'v', ...override } as any)).toThrow(message);
  });

  test('the same tenant/namespace/key twice in one app is an error', () => {
    const chart = newChart();
    new KestraKeyValue(chart, 'a', { ...base, value: 1 });
    expect(() => new KestraKeyValue(chart, 'b', { ...base, value: 2 }))
      .toThrow('test/b: Invalid identity: "tenant=(default), namespace=company.team, key=my_key": another KestraKeyValue (test/a) already manages this Kestra object');
    new KestraKeyValue(chart, 'c', { ...base, key: 'other', value: 2 });
    synthChecked(chart);
  });
});
