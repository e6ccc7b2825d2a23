import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { canonicalJson, FlowSourceError, parseFlowSource, withReadOnlyLabel } from '../../lib/model';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'flows');
const validFiles = fs.readdirSync(path.join(FIXTURES, 'valid')).filter((f) => /\.ya?ml$/.test(f)).sort();
const read = (kind: string, file: string) => fs.readFileSync(path.join(FIXTURES, kind, file), 'utf8');

function commentLines(source: string): string[] {
  return source.split('\n').filter((line) => line.trim().startsWith('#'));
}

test('the corpus of valid flows is complete', () => {
  expect(validFiles).toHaveLength(181);
});

describe.each(validFiles)('valid flow %s', (file) => {
  const source = read('valid', file);

  test('is accepted and keeps its id and namespace', () => {
    const flow = parseFlowSource(source, file);
    const plain = parse(source);
    expect(flow.id).toBe(plain.id);
    expect(flow.namespace).toBe(plain.namespace);
    expect(canonicalJson(flow.document)).toBe(canonicalJson(plain));
  });

  test('gets the read-only label and nothing else changes', () => {
    const labelled = withReadOnlyLabel(source, file);
    const before = parse(source);
    const after = parse(labelled);
    const { labels: labelsAfter, ...restAfter } = after;
    const { labels: labelsBefore, ...restBefore } = before;
    expect(canonicalJson(restAfter)).toBe(canonicalJson(restBefore));
    expect(labelsAfter['system.readOnly']).toBe('true');
    const { ['system.readOnly']: _added, ...otherLabels } = labelsAfter;
    const { ['system.readOnly']: _existing, ...otherLabelsBefore } = labelsBefore ?? {};
    expect(otherLabels).toEqual(otherLabelsBefore);
    // every comment and, since the edit only inserts lines, every original line is still there in order
    const remaining = labelled.split('\n');
    let cursor = 0;
    for (const line of source.split('\n')) {
      cursor = remaining.indexOf(line, cursor);
      expect(cursor).toBeGreaterThanOrEqual(0);
      cursor += 1;
    }
    for (const comment of commentLines(source)) expect(labelled).toContain(comment);
    parseFlowSource(labelled, file);
  });
});

test('a flow that already carries system.readOnly is returned unchanged', () => {
  const source = read('valid', 'minimal.yaml');
  expect(source).toContain('system.readOnly');
  expect(withReadOnlyLabel(source)).toBe(source);
});

describe('invalid flows are refused with the file named', () => {
  const cases: [string, RegExp][] = [
    ['duplicate-key.yaml', /line 10, column 7: duplicated YAML key "variables\.tf"/],
    ['duplicate.yaml', /tasks\[2\]\.tasks\[0\]\.id "date": duplicate task id \(first used at tasks\[0\]\.id, line 11, column 9\)/],
    ['duplicate-parallel.yaml', /tasks\[1\]\.tasks\[3\]\.tasks\[0\]\.tasks\[0\]\.tasks\[0\]\.tasks\[0\]\.id "t3": duplicate task id/],
    ['empty.yaml', /tasks: a flow needs a non-empty list of tasks/],
    ['invalid.yaml', /id "my#flow": must match .*namespace "MY\$NAMESPACE": must match .*task of type "io\.kestra\.plugin\.core\.log\.Log" has no id/],
    ['invalid-parallel.yaml', /id "": must be a non-empty string.*namespace "": must be a non-empty string.*a Parallel task needs a non-empty list of tasks/],
    ['duplicate-inputs.yaml', /line 8, column 9: inputs\[1\]\.id "first_input": duplicate input id/],
    ['dag-notexist-task.yaml', /dependsOn\[0\] "taskX": task "task2" depends on a task that is not in this Dag/],
    ['dag-cyclicdependency.yaml', /cycle: task1 -> task2 -> task1/],
    ['system-labels.yaml', /labels\["system\.label"\] "system\.label": the "system\." label prefix is reserved/],
  ];
  const invalidFiles = fs.readdirSync(path.join(FIXTURES, 'invalid')).sort();

  test('every file of the invalid corpus has an expectation', () => {
    expect(cases.map(([file]) => file).sort()).toEqual(invalidFiles);
  });

  test.each(cases)('%s', (file, message) => {
    const source = read('invalid', file);
    let error: unknown;
    try {
      parseFlowSource(source, `flows/${file}`);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(FlowSourceError);
    expect((error as Error).message).toContain(`Invalid flow flows/${file}: `);
    expect((error as Error).message).toMatch(message);
  });

  test('duplicate.yaml reports listener, errors and trigger duplicates too', () => {
    const problems = (() => {
      try {
        parseFlowSource(read('invalid', 'duplicate.yaml'), 'duplicate.yaml');
      } catch (err) {
        return (err as FlowSourceError).problems.map((p) => `${p.path}: ${p.message.split(' (')[0]}`);
      }
      return [];
    })();
    expect(problems).toEqual([
      'listeners[0].tasks[0].id: duplicate task id',
      'tasks[2].tasks[0].id: duplicate task id',
      'tasks[2].errors[0].id: duplicate task id',
      'errors[0].id: duplicate task id',
      'triggers[1].id: duplicate trigger id',
    ]);
  });
});
