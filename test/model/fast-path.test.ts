import * as fs from 'fs';
import * as path from 'path';
import { canonicalJson, parseFlowYaml, withReadOnlyLabel } from '../../lib/model';
import { loadFlowYamlFast } from '../../lib/model/fast-yaml';

// The fast parser (js-yaml) serves valid flows; the precise one (yaml) locates errors. They
// must agree on every document the fast one accepts, or flows would change meaning.
const FIXTURES = path.join(__dirname, '..', 'fixtures', 'flows');
const corpus = (kind: string) => fs.readdirSync(path.join(FIXTURES, kind)).filter((f) => /\.ya?ml$/.test(f)).sort()
  .map((file) => ({ file, source: fs.readFileSync(path.join(FIXTURES, kind, file), 'utf8') }));

function precise(source: string): unknown {
  const { doc } = parseFlowYaml(source);
  return doc.errors.length > 0 ? undefined : doc.toJS({ maxAliasCount: 1000 });
}

test('fast and precise parsers agree on every valid flow the fast one accepts, and it accepts nearly all', () => {
  const valid = corpus('valid');
  let accepted = 0;
  for (const { file, source } of valid) {
    const fast = loadFlowYamlFast(source);
    if (fast === undefined) continue;
    accepted++;
    expect([file, canonicalJson(fast)]).toEqual([file, canonicalJson(precise(source))]);
  }
  expect(accepted / valid.length).toBeGreaterThan(0.95);
});

test('the fast parser never accepts what the precise one rejects in the invalid corpus', () => {
  for (const { file, source } of corpus('invalid')) {
    if (precise(source) === undefined) expect([file, loadFlowYamlFast(source)]).toEqual([file, undefined]);
  }
});

test('duplicate keys, anchors and syntax errors go to the precise parser', () => {
  expect(loadFlowYamlFast('id: a\nid: b\n')).toBeUndefined();
  expect(loadFlowYamlFast('base: &b {type: x}\ntasks:\n  - <<: *b\n    id: t\n')).toBeUndefined();
  expect(loadFlowYamlFast('id: [a\n')).toBeUndefined();
  // core schema: dates stay strings, as in the precise parser
  expect(loadFlowYamlFast('day: 2024-01-01\n')).toEqual({ day: '2024-01-01' });
});

test('the fast label edit keeps every line and falls back when the layout needs positions', () => {
  const block = 'id: a\nnamespace: b\nlabels:\n  # owner\n  team: data\ntasks:\n  - id: t\n    type: x\n';
  expect(withReadOnlyLabel(block)).toBe('id: a\nnamespace: b\nlabels:\n  system.readOnly: "true"\n  # owner\n  team: data\ntasks:\n  - id: t\n    type: x\n');
  const list = 'id: a\nnamespace: b\nlabels:\n- key: team\n  value: data\ntasks:\n- id: t\n  type: x\n';
  expect(withReadOnlyLabel(list)).toBe('id: a\nnamespace: b\nlabels:\n- { key: system.readOnly, value: "true" }\n- key: team\n  value: data\ntasks:\n- id: t\n  type: x\n');
  const flowStyle = 'id: a\nnamespace: b\nlabels: {team: data}\ntasks:\n  - id: t\n    type: x\n';
  expect(withReadOnlyLabel(flowStyle)).toBe('id: a\nnamespace: b\nlabels: { system.readOnly: "true", team: data}\ntasks:\n  - id: t\n    type: x\n');
  // a "labels:" line inside a block scalar must not be mistaken for the key
  const tricky = 'id: a\nnamespace: b\ndescription: |\n  labels:\n    x: y\nlabels:\n  team: data\ntasks:\n  - id: t\n    type: x\n';
  const labelled = withReadOnlyLabel(tricky);
  expect(labelled).toContain('description: |\n  labels:\n    x: y\n');
  expect(precise(labelled)).toMatchObject({ description: 'labels:\n  x: y\n', labels: { 'team': 'data', 'system.readOnly': 'true' } });
});

test('layouts the line edit cannot prove are verified by a re-parse, and still come out right', () => {
  const cases = [
    // a quoted scalar spanning lines
    'id: a\nnamespace: b\ndescription: "one\n  labels: two"\nlabels:\n  team: data\ntasks:\n  - id: t\n    type: x\n',
    // keep-chomping block scalar at the end: an appended key must not change its value
    'id: a\nnamespace: b\ntasks:\n  - id: t\n    type: x\nnote: |+\n  kept\n\n',
    // no final newline
    'id: a\nnamespace: b\ntasks:\n  - id: t\n    type: x\nscript: |\n  echo hi',
    // the whole document indented
    '  id: a\n  namespace: b\n  tasks:\n    - id: t\n      type: x\n',
  ];
  for (const source of cases) {
    const original = precise(source) as Record<string, any>;
    const labelled = precise(withReadOnlyLabel(source)) as Record<string, any>;
    const { labels, ...rest } = labelled;
    const { labels: originalLabels, ...originalRest } = original;
    expect(rest).toEqual(originalRest);
    expect(labels).toEqual({ ...(originalLabels ?? {}), 'system.readOnly': 'true' });
  }
});
