import { flowReferences, namespaceFileMatcher, parseFlowSource, pebbleCalls } from '../../lib/model';

const refs = (source: string) => flowReferences(parseFlowSource(source).document);

test('Subflow, ForEachItem and their legacy type names are calls, wherever the task sits', () => {
  const found = refs(`
id: parent
namespace: company.team
tasks:
  - id: seq
    type: io.kestra.plugin.core.flow.Sequential
    tasks:
      - id: child
        type: io.kestra.plugin.core.flow.Subflow
        namespace: company.team
        flowId: child
  - id: legacy
    type: io.kestra.core.tasks.flows.Flow
    namespace: company.other
    flowId: old
  - id: each
    type: io.kestra.core.tasks.flows.ForEachItem
    items: "{{ inputs.file }}"
    batch: { rows: 4 }
    namespace: company.team
    flowId: per-row
errors:
  - id: on-error
    type: io.kestra.core.tasks.flows.Subflow
    namespace: company.alerts
    flowId: page
`);
  expect(found.calls.map((c) => [c.task, c.path, `${c.namespace}.${c.flowId}`])).toEqual([
    ['child', 'tasks[0].tasks[0]', 'company.team.child'],
    ['legacy', 'tasks[1]', 'company.other.old'],
    ['each', 'tasks[2]', 'company.team.per-row'],
    ['on-error', 'errors[0]', 'company.alerts.page'],
  ]);
});

test('a called flow given by an expression is listed as dynamic, never guessed', () => {
  const found = refs(`
id: parent
namespace: company.team
tasks:
  - id: call
    type: io.kestra.plugin.core.flow.Subflow
    namespace: company.team
    flowId: "{{ inputs.target }}"
`);
  expect(found.calls).toEqual([]);
  expect(found.dynamic).toEqual([{ kind: 'flow', path: 'tasks[0]', expression: 'company.team.{{ inputs.target }}' }]);
});

test('Flow triggers: ExecutionFlow conditions (nested in MultipleCondition too) and preconditions', () => {
  const found = refs(`
id: listener
namespace: company.team
tasks: [{ id: log, type: io.kestra.plugin.core.log.Log, message: hi }]
triggers:
  - id: legacy
    type: io.kestra.core.models.triggers.types.Flow
    conditions:
      - type: io.kestra.core.models.conditions.types.ExecutionFlowCondition
        namespace: company.team
        flowId: upstream
      - type: io.kestra.plugin.core.condition.MultipleCondition
        window: PT1H
        conditions:
          a:
            type: io.kestra.plugin.core.condition.ExecutionFlow
            namespace: company.other
            flowId: a
      - type: io.kestra.plugin.core.condition.Or
        conditions:
          - type: io.kestra.plugin.core.condition.Not
            conditions:
              - type: io.kestra.plugin.core.condition.ExecutionFlow
                namespace: company.other
                flowId: not-this
  - id: pre
    type: io.kestra.plugin.core.trigger.Flow
    preconditions:
      id: both
      flows:
        - namespace: company.team
          flowId: b
        - namespace: company.any
`);
  expect(found.triggeredBy).toEqual([
    { trigger: 'legacy', path: 'triggers[0].conditions[0]', namespace: 'company.team', flowId: 'upstream' },
    { trigger: 'legacy', path: 'triggers[0].conditions[1].conditions.a', namespace: 'company.other', flowId: 'a' },
    { trigger: 'legacy', path: 'triggers[0].conditions[2].conditions[0].conditions[0]', namespace: 'company.other', flowId: 'not-this' },
    { trigger: 'pre', path: 'triggers[1].preconditions.flows[0]', namespace: 'company.team', flowId: 'b' },
    { trigger: 'pre', path: 'triggers[1].preconditions.flows[1]', namespace: 'company.any' },
  ]);
});

test('kv(), read() and secret() calls with literal arguments, positional or named', () => {
  const found = refs(`
id: reader
namespace: company.team
variables:
  url: "{{ kv('API_URL') }}"
tasks:
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: >
      {{ kv("TOKEN", 'company.shared') }} {{ kv(key='LIMIT', errorOnMissing=false) }}
      {{ read('scripts/./query.sql') }} {{ read('/conf.yml', namespace='company.shared') }}
      {{ read('nsfile://company.other/a/b.txt') }} {{ secret('db_password') }}
      {{ read(outputs.download.uri) }} {{ read('kestra:///company/team/x/executions/1/tasks/t/2/f.ion') }}
`);
  expect(found.keyValues).toEqual([
    { key: 'API_URL', optional: false, path: 'variables.url' },
    { key: 'TOKEN', namespace: 'company.shared', optional: false, path: 'tasks[0].message' },
    { key: 'LIMIT', optional: true, path: 'tasks[0].message' },
  ]);
  expect(found.namespaceFiles.map((f) => [f.path, f.namespaces])).toEqual([
    ['/scripts/query.sql', ['company.team']],
    ['/conf.yml', ['company.shared']],
    ['/a/b.txt', ['company.other']],
  ]);
  expect(found.secrets).toEqual([{ name: 'db_password', path: 'tasks[0].message' }]);
  expect(found.dynamic).toEqual([{ kind: 'file', path: 'tasks[0].message', expression: 'read(outputs.download.uri)' }]);
});

test('text outside template blocks and inside raw blocks is not an expression', () => {
  const found = refs(`
id: script
namespace: company.team
tasks:
  - id: py
    type: io.kestra.plugin.scripts.python.Script
    script: |
      data = open("input.csv").read()
      secret("NOT_A_KESTRA_CALL")
      print("{% raw %}{{ kv('RAW') }}{% endraw %}")
`);
  expect(found.keyValues).toEqual([]);
  expect(found.namespaceFiles).toEqual([]);
  expect(found.secrets).toEqual([]);
});

test('namespaceFiles includes (unless disabled) and kv.Set writes', () => {
  const found = refs(`
id: files
namespace: company.team
tasks:
  - id: py
    type: io.kestra.plugin.scripts.python.Commands
    namespaceFiles:
      enabled: true
      include: [scripts/*.py, "{{ inputs.glob }}"]
    commands: [python scripts/main.py]
  - id: off
    type: io.kestra.plugin.scripts.shell.Commands
    namespaceFiles: { enabled: false, include: [nothing.sh] }
    commands: [ls]
  - id: set
    type: io.kestra.plugin.core.kv.Set
    key: LAST_RUN
    value: "{{ execution.startDate }}"
  - id: set-elsewhere
    type: io.kestra.plugin.core.kv.Set
    key: SHARED
    namespace: company
    value: x
`);
  expect(found.namespaceFiles).toEqual([{ via: 'include', path: 'scripts/*.py', namespaces: ['company.team'], location: 'tasks[0].namespaceFiles.include' }]);
  expect(found.dynamic).toEqual([{ kind: 'file', path: 'tasks[0].namespaceFiles.include', expression: '{{ inputs.glob }}' }]);
  expect(found.keyValueWrites).toEqual([
    { key: 'LAST_RUN', namespace: 'company.team', task: 'set' },
    { key: 'SHARED', namespace: 'company', task: 'set-elsewhere' },
  ]);
});

test('include patterns follow Kestra: a bare pattern matches at any depth, * stays in one folder, ** crosses', () => {
  expect(namespaceFileMatcher('main.py')('/scripts/main.py')).toBe(true);
  expect(namespaceFileMatcher('main.py')('/main.py')).toBe(true);
  expect(namespaceFileMatcher('/scripts/*.py')('/scripts/a/b.py')).toBe(false);
  expect(namespaceFileMatcher('/scripts/**.py')('/scripts/a/b.py')).toBe(true);
  expect(namespaceFileMatcher('glob:/sql/{a,b}.sql')('/sql/b.sql')).toBe(true);
  expect(namespaceFileMatcher('regex:/data/[0-9]+\\.csv')('/data/12.csv')).toBe(true);
  expect(namespaceFileMatcher('regex:/data/[0-9]+\\.csv')('/data/x.csv')).toBe(false);
});

test('a method called read on a value is not the read function', () => {
  expect(pebbleCalls("{{ outputs.x.read('a') }} {{ read('b') }}", new Set(['read'])).map((c) => c.positional)).toEqual([['b']]);
});

test('kv.Set: the default namespace written out is the flow namespace, a computed key or namespace is dynamic', () => {
  const found = refs(`
id: writer
namespace: company.team
tasks:
  - id: explicit-default
    type: io.kestra.plugin.core.kv.Set
    key: A
    namespace: "{{ flow.namespace }}"
    value: x
  - id: computed-key
    type: io.kestra.plugin.core.kv.Set
    key: "{{ inputs.key }}"
    value: x
  - id: computed-namespace
    type: io.kestra.plugin.core.kv.Set
    key: B
    namespace: "{{ inputs.ns }}"
    value: x
`);
  expect(found.keyValueWrites).toEqual([{ key: 'A', namespace: 'company.team', task: 'explicit-default' }]);
  expect(found.dynamic.map((d) => [d.kind, d.path])).toEqual([['kv-write', 'tasks[1]'], ['kv-write', 'tasks[2]']]);
});

test('namespaceFiles.namespaces (Kestra 1.x) replaces the flow namespace; a computed one makes the includes dynamic', () => {
  const found = refs(`
id: files
namespace: company.team
tasks:
  - id: shared
    type: io.kestra.plugin.scripts.shell.Commands
    namespaceFiles: { include: [lib.sh], namespaces: [company.shared, company.team] }
    commands: [sh lib.sh]
  - id: computed
    type: io.kestra.plugin.scripts.shell.Commands
    namespaceFiles: { include: [lib.sh], namespaces: ["{{ inputs.ns }}"] }
    commands: [sh lib.sh]
`);
  expect(found.namespaceFiles).toEqual([{ via: 'include', path: 'lib.sh', namespaces: ['company.shared', 'company.team'], location: 'tasks[0].namespaceFiles.include' }]);
  expect(found.dynamic).toEqual([{ kind: 'file', path: 'tasks[1].namespaceFiles.namespaces', expression: '["{{ inputs.ns }}"]' }]);
});

test('a Flow trigger condition naming its upstream with an expression is dynamic', () => {
  const found = refs(`
id: listener
namespace: company.team
tasks: [{ id: log, type: io.kestra.plugin.core.log.Log, message: hi }]
triggers:
  - id: on
    type: io.kestra.plugin.core.trigger.Flow
    preconditions:
      id: p
      flows:
        - namespace: "{{ vars.ns }}"
          flowId: a
`);
  expect(found.triggeredBy).toEqual([]);
  expect(found.dynamic).toEqual([{ kind: 'trigger', path: 'triggers[0].preconditions.flows[0]', expression: '{{ vars.ns }}.a' }]);
});

test('glob character classes, negated or not', () => {
  expect(namespaceFileMatcher('/data/file[0-9].csv')('/data/file7.csv')).toBe(true);
  expect(namespaceFileMatcher('/data/file[!0-9].csv')('/data/file7.csv')).toBe(false);
  expect(namespaceFileMatcher('/data/file[!0-9].csv')('/data/fileX.csv')).toBe(true);
  expect(namespaceFileMatcher('/data/a?c')('/data/a/c')).toBe(false);
});
