import { FlowSourceError, parseFlowSource } from '../../lib/model';

const HEAD = 'id: f\nnamespace: company.team\n';
const log = (id: string, indent = '  ') => `${indent}- id: ${id}\n${indent}  type: io.kestra.plugin.core.log.Log\n${indent}  message: hi\n`;

function problemsOf(source: string): string[] {
  try {
    parseFlowSource(source, 'f.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(FlowSourceError);
    return (err as FlowSourceError).problems.map((p) => `${p.path}: ${p.message}`);
  }
  return [];
}

describe('parseFlowSource rules', () => {
  test('returns id, namespace and document of a valid flow', () => {
    const flow = parseFlowSource(`${HEAD}tasks:\n${log('a')}`);
    expect(flow).toMatchObject({ id: 'f', namespace: 'company.team' });
    expect(flow.document.tasks).toHaveLength(1);
  });

  test('rejects sources that are empty, not a map, or several documents', () => {
    expect(() => parseFlowSource('  \n', 'x.yaml')).toThrow('Invalid flow x.yaml: the flow source is empty');
    expect(problemsOf('- a\n- b\n')).toEqual([': a flow must be a YAML map with id, namespace and tasks']);
    expect(() => parseFlowSource(`${HEAD}tasks:\n${log('a')}---\n${HEAD}`, 'x.yaml')).toThrow(/Invalid flow x\.yaml: line 7, column 1: Source contains multiple documents/);
    expect(() => parseFlowSource(`${HEAD}tasks: [\n`, 'x.yaml')).toThrow(/Invalid flow x\.yaml: line \d+, column \d+: /);
    expect(() => parseFlowSource(42 as unknown as string)).toThrow('Invalid source: 42: must be the YAML text of a Kestra flow');
  });

  test('rejects a missing id, a too long id and a missing namespace', () => {
    expect(problemsOf(`namespace: a\ntasks:\n${log('a')}`)).toEqual([expect.stringMatching(/^id: must be a non-empty string/)]);
    expect(problemsOf(`id: ${'x'.repeat(101)}\nnamespace: a\ntasks:\n${log('a')}`)).toEqual([expect.stringMatching(/^id: must be at most 100 characters long, got 101/)]);
    expect(problemsOf(`id: f\ntasks:\n${log('a')}`)).toEqual([expect.stringMatching(/^namespace: must be a non-empty string/)]);
  });

  test('finds duplicate task ids in If, Switch, Dag, finally and afterExecution branches', () => {
    const source = `${HEAD}tasks:
  - id: if
    type: io.kestra.plugin.core.flow.If
    condition: "{{ true }}"
    then:
${log('a', '      ')}    else:
${log('b', '      ')}  - id: switch
    type: io.kestra.plugin.core.flow.Switch
    value: x
    cases:
      x:
${log('a', '        ')}    defaults:
${log('b', '      ')}  - id: dag
    type: io.kestra.plugin.core.flow.Dag
    tasks:
      - task:
          id: if
          type: io.kestra.plugin.core.log.Log
finally:
${log('c')}afterExecution:
${log('c')}`;
    expect(problemsOf(source)).toEqual([
      'tasks[1].cases.x[0].id: duplicate task id (first used at tasks[0].then[0].id, line 8, column 13)',
      'tasks[1].defaults[0].id: duplicate task id (first used at tasks[0].else[0].id, line 12, column 13)',
      'tasks[2].tasks[0].task.id: duplicate task id (first used at tasks[0].id, line 4, column 9)',
      'afterExecution[0].id: duplicate task id (first used at finally[0].id, line 34, column 9)',
    ]);
  });

  test('reports tasks without type, with an invalid id, and task lists that are not lists of tasks', () => {
    const source = `${HEAD}tasks:\n  - id: a.b\n    type: io.kestra.plugin.core.log.Log\n  - id: c\n  - just a string\nerrors: nope\n`;
    expect(problemsOf(source)).toEqual([
      expect.stringMatching(/^tasks\[0\]\.id: must match \^\[a-zA-Z0-9\]\[a-zA-Z0-9_-\]\*\$/),
      'tasks[1]: task has no type',
      'tasks[2]: must be a task: a map with an id and a type',
      'errors: must be a list of tasks',
    ]);
  });

  test('ignores lists of plain values under task keys that plugins use for other data', () => {
    const source = `${HEAD}tasks:\n  - id: a\n    type: io.kestra.plugin.scripts.shell.Commands\n    tasks: [one, two]\n    then: []\n`;
    expect(problemsOf(source)).toEqual([]);
  });

  test('checks triggers: id, type and unique ids', () => {
    const source = `${HEAD}tasks:\n${log('a')}triggers:\n  - type: io.kestra.plugin.core.trigger.Schedule\n  - id: a\n  - 3\n`;
    expect(problemsOf(source)).toEqual([
      'triggers[0]: trigger has no id',
      'triggers[1]: trigger has no type',
      'triggers[2]: must be a trigger: a map with an id and a type',
    ]);
    expect(problemsOf(`${HEAD}tasks:\n${log('a')}triggers: {}\n`)).toEqual(['triggers: must be a list of triggers']);
  });

  test('checks outputs and legacy input names for duplicates', () => {
    const source = `${HEAD}inputs:\n  - name: x\n    type: STRING\n  - name: x\n    type: STRING\n  - type: STRING\ntasks:\n${log('a')}outputs:\n  - id: o\n    type: STRING\n  - id: o\n    type: STRING\n`;
    expect(problemsOf(source)).toEqual([
      'inputs[1].name: duplicate input id (first used at inputs[0].name, line 4, column 11)',
      'inputs[2]: input has no id',
      'outputs[1].id: duplicate output id (first used at outputs[0].id, line 14, column 9)',
    ]);
  });

  test('checks labels given as a list of {key, value}', () => {
    const source = `${HEAD}labels:\n  - key: system.username\n    value: me\n  - key: system.readOnly\n    value: "true"\n  - nope\ntasks:\n${log('a')}`;
    expect(problemsOf(source)).toEqual([
      'labels[0].key: the "system." label prefix is reserved to Kestra; only system.readOnly may be set in a flow',
      'labels[2]: a label in a list must be a map with a key and a value',
    ]);
    expect(problemsOf(`${HEAD}labels: 3\ntasks:\n${log('a')}`)).toEqual(['labels: labels must be a map or a list of {key, value}']);
  });

  test('checks Dag dependsOn shape', () => {
    const source = `${HEAD}tasks:\n  - id: dag\n    type: io.kestra.plugin.core.flow.Dag\n    tasks:\n      - task:\n          id: t\n          type: io.kestra.plugin.core.log.Log\n        dependsOn: t2\n`;
    expect(problemsOf(source)).toEqual(['tasks[0].tasks[0].dependsOn: dependsOn must be a list of task ids']);
  });

  test('reads anchors and aliases (Kestra accepts them)', () => {
    const source = `${HEAD}tasks:\n  - &t\n    id: a\n    type: io.kestra.plugin.core.log.Log\n  - <<: *t\n    id: b\n`;
    expect(parseFlowSource(source).document.tasks).toEqual([
      { id: 'a', type: 'io.kestra.plugin.core.log.Log' },
      { id: 'b', type: 'io.kestra.plugin.core.log.Log' },
    ]);
  });
});
