import { parse } from 'yaml';
import { KestraValidationError } from '../../lib/common';
import { FlowSourceError, flowSourcesEquivalent, hasReadOnlyLabel, withReadOnlyLabel } from '../../lib/model';

const HEAD = 'id: hello\nnamespace: company.team\n';
const TASKS = 'tasks:\n  - id: log # says hello\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n';

function expectLabelAdded(source: string, labelled: string) {
  const before = parse(source);
  const after = parse(labelled);
  expect(hasReadOnlyLabel(after)).toBe(true);
  const strip = (doc: any) => {
    const labels = doc.labels;
    if (Array.isArray(labels)) return { ...doc, labels: labels.filter((l: any) => l.key !== 'system.readOnly') };
    if (labels && typeof labels === 'object') {
      const { ['system.readOnly']: _l, ...rest } = labels;
      return { ...doc, labels: Object.keys(rest).length || before.labels ? rest : undefined };
    }
    return doc;
  };
  expect(JSON.parse(JSON.stringify(strip(after)))).toEqual(JSON.parse(JSON.stringify(before)));
}

describe('withReadOnlyLabel', () => {
  test('adds a labels map at the end when there is none, keeping every line', () => {
    const source = `# my flow\n${HEAD}${TASKS}# trailing comment\n`;
    const labelled = withReadOnlyLabel(source);
    expect(labelled).toBe(`${source}labels:\n  system.readOnly: "true"\n`);
    expect(parse(labelled).labels).toEqual({ 'system.readOnly': 'true' });
  });

  test('copes with a source without a final newline', () => {
    const source = `${HEAD}${TASKS}`.trimEnd();
    const labelled = withReadOnlyLabel(source);
    expect(labelled.startsWith(source + '\n')).toBe(true);
    expectLabelAdded(source, labelled);
  });

  test('inserts into an existing block map at its indentation', () => {
    const source = `${HEAD}labels:\n    team: data   # owner\n    env: prod\n${TASKS}`;
    const labelled = withReadOnlyLabel(source);
    expect(labelled).toBe(`${HEAD}labels:\n    system.readOnly: "true"\n    team: data   # owner\n    env: prod\n${TASKS}`);
    expectLabelAdded(source, labelled);
  });

  test('inserts into a flow map', () => {
    const source = `${HEAD}labels: {team: data}\n${TASKS}`;
    const labelled = withReadOnlyLabel(source);
    expect(labelled).toContain('labels: { system.readOnly: "true", team: data}');
    expectLabelAdded(source, labelled);
  });

  test('inserts a {key, value} item into a list of labels', () => {
    const source = `${HEAD}labels:\n  - key: team\n    value: data\n${TASKS}`;
    const labelled = withReadOnlyLabel(source);
    expect(parse(labelled).labels).toEqual([{ key: 'system.readOnly', value: 'true' }, { key: 'team', value: 'data' }]);
    expectLabelAdded(source, labelled);
  });

  test('inserts into a flow list of labels', () => {
    const source = `${HEAD}labels: [{key: team, value: data}]\n${TASKS}`;
    const labelled = withReadOnlyLabel(source);
    expect(parse(labelled).labels).toEqual([{ key: 'system.readOnly', value: 'true' }, { key: 'team', value: 'data' }]);
  });

  test('leaves a list that already has the label untouched, whatever its value', () => {
    const source = `${HEAD}labels:\n  - key: system.readOnly\n    value: "false"\n${TASKS}`;
    expect(withReadOnlyLabel(source)).toBe(source);
  });

  test('falls back to re-rendering for an empty labels key and a flow-style root, keeping comments', () => {
    const empty = `${HEAD}labels: # none yet\n${TASKS}`;
    const labelled = withReadOnlyLabel(empty);
    expect(parse(labelled).labels).toEqual({ 'system.readOnly': 'true' });
    expect(labelled).toContain('# says hello');
    const flowRoot = '{id: a, namespace: b, tasks: [{id: t, type: io.kestra.plugin.core.log.Log}]}';
    expect(parse(withReadOnlyLabel(flowRoot))).toEqual({ ...parse(flowRoot), labels: { 'system.readOnly': 'true' } });
  });

  test('refuses YAML it cannot parse and labels that are neither map nor list', () => {
    expect(() => withReadOnlyLabel(`${HEAD}id: again\n${TASKS}`, 'f.yaml'))
      .toThrow(/Invalid flow f\.yaml: line 3, column 1: Map keys must be unique/);
    expect(() => withReadOnlyLabel(`${HEAD}labels: oops\n${TASKS}`, 'f.yaml')).toThrow(KestraValidationError);
    expect(() => withReadOnlyLabel('- a\n', 'f.yaml')).toThrow(/a flow must be a YAML map/);
  });
});

describe('flowSourcesEquivalent', () => {
  test('ignores indentation, key order, quoting and comments', () => {
    const a = `${HEAD}${TASKS}`;
    const b = 'namespace: "company.team"\nid: \'hello\'\ntasks:\n- message: hi # greet\n  type: io.kestra.plugin.core.log.Log\n  id: log\n';
    expect(flowSourcesEquivalent(a, b)).toBe(true);
  });

  test('sees changed values, list order and types', () => {
    expect(flowSourcesEquivalent(`${HEAD}${TASKS}`, `${HEAD}${TASKS.replace('hi', 'ho')}`)).toBe(false);
    expect(flowSourcesEquivalent('a: [1, 2]', 'a: [2, 1]')).toBe(false);
    expect(flowSourcesEquivalent('a: 1', 'a: "1"')).toBe(false);
    expect(flowSourcesEquivalent('a: [', 'a: [')).toBe(true);
    expect(flowSourcesEquivalent('a: [', 'a: []')).toBe(false);
  });

  test('FlowSourceError is exported for callers that catch it', () => {
    expect(new FlowSourceError('x.yaml', [{ path: 'id', value: 'a b', message: 'bad' }]).message).toBe('Invalid flow x.yaml: id "a b": bad');
  });
});
