import * as fs from 'fs';
import * as path from 'path';
import { newChart, synthChecked } from './helpers';
import { KestraNamespaceFile, KestraNamespaceFiles, kubernetesObjectName } from '../../lib/resources';
import { ofKind } from '../util/k8s-schema';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'resources');
const base = { namespace: 'company.team' };

describe('KestraNamespaceFile', () => {
  test('renders the file with its normalized path and byte-exact content', () => {
    const chart = newChart();
    const content = 'line 1\r\nline 2 ✓\n\n  trailing  \t\n';
    const file = new KestraNamespaceFile(chart, 'f', { ...base, filename: '/scripts//etl.py', content });
    const [cr] = ofKind(synthChecked(chart), 'KestraNamespaceFile');
    expect(cr.spec).toEqual({ namespace: 'company.team', filename: 'scripts/etl.py', content });
    expect(file.path).toBe('/scripts/etl.py');
    expect(file.filename).toBe('scripts/etl.py');
    expect(cr.metadata.name).toBe(file.name);
  });

  test('accepts UTF-8 Buffers and refuses binary ones', () => {
    const chart = newChart();
    new KestraNamespaceFile(chart, 'f', { ...base, filename: 'a.txt', content: Buffer.from('héllo\n', 'utf8'), tenant: 'main' });
    expect(ofKind(synthChecked(chart), 'KestraNamespaceFile')[0].spec).toMatchObject({ content: 'héllo\n', tenant: 'main' });
    expect(() => new KestraNamespaceFile(newChart(), 'f', { ...base, filename: 'a.png', content: Buffer.from([0x89, 0x50, 0xff, 0x00]) }))
      .toThrow('Invalid content: "/a.png": is not valid UTF-8 text; the Kestra operator carries namespace-file content as a string, so binary files cannot be shipped this way');
  });

  test.each([
    [{ filename: '' }, 'Invalid filename: "": must be a non-empty file path such as "scripts/etl.py"'],
    [{ filename: '../secrets.txt' }, 'Invalid filename: "../secrets.txt": must not contain ".." segments: a namespace file cannot point outside its namespace'],
    [{ filename: '/a/../../b' }, /must not contain "\.\." segments/],
    [{ filename: '/' }, /must name a file, not the namespace root/],
    [{ filename: 'a\\b' }, /backslashes are not accepted/],
    [{ namespace: 'a b' }, /^test\/f: Invalid namespace: "a b"/],
    [{ tenant: 'A' }, /^test\/f: Invalid tenant: "A"/],
    [{ content: 3 }, 'Invalid content: 3: must be a string or a Buffer of UTF-8 text'],
    [{ content: 'x'.repeat(1024 * 1024) }, /^test\/f: Invalid content: "\/f\.txt \(\d+ bytes serialized\)": is larger than 1048576 bytes \(1 MiB\)/],
  ])('rejects %p', (override, message) => {
    expect(() => new KestraNamespaceFile(newChart(), 'f', { ...base, filename: 'f.txt', content: 'x', ...override } as any)).toThrow(message);
  });

  test('the same tenant/namespace/path twice in one app is an error, however the path is spelled', () => {
    const chart = newChart();
    new KestraNamespaceFile(chart, 'a', { ...base, filename: 'scripts/etl.py', content: '1' });
    expect(() => new KestraNamespaceFile(chart, 'b', { ...base, filename: '/scripts/./etl.py', content: '2' }))
      .toThrow('test/b: Invalid identity: "tenant=(default), namespace=company.team, path=/scripts/etl.py": another KestraNamespaceFile (test/a) already manages this Kestra object');
  });

  test('fromFile reads the file byte for byte and defaults the name to its base name', () => {
    const chart = newChart();
    const file = KestraNamespaceFile.fromFile(chart, 'run', path.join(FIXTURES, 'nsfiles', 'scripts', 'run.sh'), base);
    expect(file.path).toBe('/run.sh');
    const [cr] = ofKind(synthChecked(chart), 'KestraNamespaceFile');
    expect(Buffer.from(cr.spec.content, 'utf8').equals(fs.readFileSync(path.join(FIXTURES, 'nsfiles', 'scripts', 'run.sh')))).toBe(true);
    expect(() => KestraNamespaceFile.fromFile(newChart(), 'png', path.join(FIXTURES, 'binary.png'), base))
      .toThrow(`Invalid path: "${path.join(FIXTURES, 'binary.png')}": is not valid UTF-8 text`);
  });
});

describe('KestraNamespaceFiles', () => {
  test('uploads a folder tree under a prefix, skipping hidden entries', () => {
    const chart = newChart();
    const files = new KestraNamespaceFiles(chart, 'files', { ...base, directory: path.join(FIXTURES, 'nsfiles'), prefix: 'assets/' });
    expect(files.files.map((f) => f.path)).toEqual(['/assets/query.sql', '/assets/scripts/run.sh']);
    const crs = ofKind(synthChecked(chart), 'KestraNamespaceFile');
    expect(crs.map((cr) => cr.spec.filename)).toEqual(['assets/query.sql', 'assets/scripts/run.sh']);
    expect(crs[0].spec.content).toBe(fs.readFileSync(path.join(FIXTURES, 'nsfiles', 'query.sql'), 'utf8'));
  });

  test('fails on empty folders, shared names and binary files, naming them', () => {
    const empty = path.join(FIXTURES, 'empty-dir');
    expect(() => new KestraNamespaceFiles(newChart(), 'f', { ...base, directory: empty })).toThrow(`Invalid directory: "${empty}": contains no file`);
    expect(() => new KestraNamespaceFiles(newChart(), 'f', { ...base, directory: empty, allowEmpty: true })).not.toThrow();
    expect(() => new KestraNamespaceFiles(newChart(), 'f', { ...base, directory: path.join(FIXTURES, 'nsfiles'), metadata: { name: 'x' } }))
      .toThrow(/^test\/[\w/.-]+: Invalid metadata.name: "x": cannot be shared by several files/);
    expect(() => new KestraNamespaceFiles(newChart(), 'f', { ...base, directory: FIXTURES })).toThrow(/binary\.png": is not valid UTF-8 text/);
  });
});

describe('kubernetesObjectName', () => {
  test('is readable when nothing is lost, hashed otherwise, always DNS-1123 and at most 63 characters', () => {
    expect(kubernetesObjectName(['team', 'flow'])).toBe('team-flow');
    const lossy = [['company.team', 'My_Flow'], ['a-b', 'c'], ['a', 'b-c'], ['x'.repeat(100), 'y'], ['...', '___']];
    const names = lossy.map(kubernetesObjectName);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) {
      expect(name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
      expect(name.length).toBeLessThanOrEqual(63);
    }
    expect(names[0]).toMatch(/^company-team-my-flow-[0-9a-f]{8}$/);
    expect(kubernetesObjectName(['company.team', 'My_Flow'])).toBe(names[0]);
  });
});
