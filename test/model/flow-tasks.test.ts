import * as fs from 'fs';
import * as path from 'path';
import { flowTasks, flowTriggers, parseFlowSource } from '../../lib/model';

const VALID = path.join(__dirname, '..', 'fixtures', 'flows', 'valid');
const corpus = fs.readdirSync(VALID).filter((f) => /\.ya?ml$/.test(f)).sort();
const documentOf = (file: string) => parseFlowSource(fs.readFileSync(path.join(VALID, file), 'utf8'), file).document;

function at(document: unknown, steps: readonly (string | number)[]): unknown {
  return steps.reduce<unknown>((node, step) => (node as Record<string | number, unknown>)[step], document);
}

test('walks every branch of nested flowable tasks in document order', () => {
  const { document } = parseFlowSource(`
id: nested
namespace: company.team
tasks:
  - id: branch
    type: io.kestra.plugin.core.flow.If
    condition: "{{ true }}"
    then:
      - id: yes
        type: io.kestra.plugin.core.log.Log
        message: y
    else:
      - id: choose
        type: io.kestra.plugin.core.flow.Switch
        value: a
        cases:
          a:
            - id: in-case
              type: io.kestra.plugin.core.log.Log
              message: a
        defaults:
          - id: in-default
            type: io.kestra.plugin.core.log.Log
            message: d
  - id: dag
    type: io.kestra.plugin.core.flow.Dag
    tasks:
      - task:
          id: in-dag
          type: io.kestra.plugin.core.log.Log
          message: t
errors:
  - id: on-error
    type: io.kestra.plugin.core.log.Log
    message: e
finally:
  - id: at-last
    type: io.kestra.plugin.core.log.Log
    message: f
afterExecution:
  - id: after
    type: io.kestra.plugin.core.log.Log
    message: a
listeners:
  - tasks:
      - id: listening
        type: io.kestra.plugin.core.log.Log
        message: l
triggers:
  - id: daily
    type: io.kestra.plugin.core.trigger.Schedule
    cron: "0 0 * * *"
`);
  expect(flowTasks(document).map((t) => `${t.id}@${t.path.join('.')}`)).toEqual([
    'branch@tasks.0', 'yes@tasks.0.then.0', 'choose@tasks.0.else.0', 'in-default@tasks.0.else.0.defaults.0',
    'in-case@tasks.0.else.0.cases.a.0', 'dag@tasks.1', 'in-dag@tasks.1.tasks.0.task', 'on-error@errors.0',
    'at-last@finally.0', 'after@afterExecution.0', 'listening@listeners.0.tasks.0',
  ]);
  expect(flowTriggers(document).map((t) => [t.id, t.type, t.path])).toEqual([['daily', 'io.kestra.plugin.core.trigger.Schedule', ['triggers', 0]]]);
});

test('passes over lists that are not task lists', () => {
  const { document } = parseFlowSource(`
id: plain
namespace: company.team
tasks:
  - id: cmd
    type: io.kestra.plugin.scripts.shell.Commands
    tasks: [a, b]
    errors: not-a-list
`);
  expect(flowTasks(document).map((t) => t.id)).toEqual(['cmd']);
});

describe('over Kestra\'s valid flow corpus', () => {
  test.each(corpus)('%s: each task is found once, at its path, with unique ids', (file) => {
    const document = documentOf(file);
    const tasks = flowTasks(document);
    expect(tasks.length).toBeGreaterThanOrEqual((document.tasks as unknown[]).length);
    for (const task of tasks) expect(at(document, task.path)).toBe(task.properties);
    // Kestra requires task ids to be unique across the whole tree, which parseFlowSource checked.
    expect(new Set(tasks.map((t) => t.id)).size).toBe(tasks.length);
  });

  test('finds every task of all-flowable.yaml: each `id:` line but the flow\'s own', () => {
    const idLines = fs.readFileSync(path.join(VALID, 'all-flowable.yaml'), 'utf8').split('\n').filter((l) => /^\s*(- )?id:/.test(l));
    expect(idLines).toHaveLength(23);
    expect(flowTasks(documentOf('all-flowable.yaml'))).toHaveLength(idLines.length - 1);
  });
});
