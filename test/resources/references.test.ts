import * as fs from 'fs';
import * as path from 'path';
import { App, Chart, Testing } from 'cdk8s';
import {
  flowReferences, formatReferenceReport, KestraFlow, KestraFlows, KestraKeyValue, KestraNamespaceFile, KestraReferenceChecks, parseFlowSource,
} from '../../lib';

const VALID = path.join(__dirname, '..', 'fixtures', 'flows', 'valid');
const corpus = fs.readdirSync(VALID).filter((f) => /\.ya?ml$/.test(f)).sort();

function newChart(): { app: App; chart: Chart } {
  const app = Testing.app();
  return { app, chart: new Chart(app, 'test') };
}

function flow(id: string, namespace: string, tasks: string, extra = ''): string {
  return `id: ${id}\nnamespace: ${namespace}\n${extra}tasks:\n${tasks}`;
}

const subflow = (task: string, namespace: string, flowId: string) =>
  `  - id: ${task}\n    type: io.kestra.plugin.core.flow.Subflow\n    namespace: ${namespace}\n    flowId: ${flowId}\n`;
const log = (message: string) => `  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: "${message}"\n`;

/** Synthesizes, returning the warnings printed; throws on errors. */
function synth(app: App): { yaml: string; warnings: string[] } {
  const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  try {
    const yaml = app.synthYaml();
    return { yaml, warnings: warn.mock.calls.map((call) => String(call[0])) };
  } finally {
    warn.mockRestore();
  }
}

describe("Kestra's valid flow corpus", () => {
  test('loaded together, no flow gets a false error', () => {
    const { app, chart } = newChart();
    new KestraFlows(chart, 'corpus', { directory: VALID });
    expect(() => synth(app)).not.toThrow();
  });

  test.each(corpus)('%s alone, with the flows it calls declared external, synthesizes', (file) => {
    const { app, chart } = newChart();
    const source = fs.readFileSync(path.join(VALID, file), 'utf8');
    const calls = flowReferences(parseFlowSource(source, file).document).calls;
    const self = parseFlowSource(source, file);
    if (calls.some((c) => c.namespace === self.namespace && c.flowId === self.id)) return; // none in the corpus; see the recursion test
    new KestraReferenceChecks(chart, 'checks', { external: { flows: calls.map((c) => `${c.namespace}.${c.flowId}`) } });
    new KestraFlow(chart, 'flow', { source, sourceName: file });
    expect(() => synth(app)).not.toThrow();
  });
});

test('a call to a flow the app does not hold fails the synth, naming the caller, the task and the missing flow', () => {
  const { app, chart } = newChart();
  new KestraFlow(chart, 'parent', { source: flow('parent', 'company.team', subflow('call-child', 'company.team', 'child')), sourceName: 'flows/parent.yaml' });
  expect(() => synth(app)).toThrow(
    /flow company\.team\.parent \(flows\/parent\.yaml\), task "call-child" at tasks\[0\] \(io\.kestra\.plugin\.core\.flow\.Subflow\) calls flow company\.team\.child, which no flow of this app declares/);
});

test('flows declared managed elsewhere by pattern satisfy a call', () => {
  const { app, chart } = newChart();
  new KestraReferenceChecks(chart, 'checks', { external: { flows: ['company.shared.*'] } });
  new KestraFlow(chart, 'parent', { source: flow('parent', 'company.team', subflow('notify', 'company.shared', 'slack')) });
  expect(() => synth(app)).not.toThrow();
  expect(KestraReferenceChecks.report(chart).flows[0].calls[0].resolved).toBe('external');
});

test('a callee is emitted before its caller, whatever the declaration order', () => {
  const { app, chart } = newChart();
  new KestraFlow(chart, 'a-parent', { source: flow('parent', 'company.team', subflow('call', 'company.team', 'child')) });
  new KestraFlow(chart, 'b-unrelated', { source: flow('other', 'company.team', log('x')) });
  new KestraFlow(chart, 'c-child', { source: flow('child', 'company.team', subflow('call', 'company.team', 'grandchild')) });
  new KestraFlow(chart, 'd-grandchild', { source: flow('grandchild', 'company.team', log('y')) });
  const ids = chart.toJson().map((o: any) => o.spec.id);
  expect(ids.indexOf('grandchild')).toBeLessThan(ids.indexOf('child'));
  expect(ids.indexOf('child')).toBeLessThan(ids.indexOf('parent'));
  synth(app);
});

test('across charts, the chart holding the called flow is emitted first', () => {
  const app = Testing.app();
  const first = new Chart(app, 'a-parents');
  const second = new Chart(app, 'b-children');
  new KestraFlow(first, 'parent', { source: flow('parent', 'company.team', subflow('call', 'company.team', 'child')) });
  new KestraFlow(second, 'child', { source: flow('child', 'company.team', log('x')) });
  const ids = [...synth(app).yaml.matchAll(/^ {2}id: (\S+)$/gm)].map((m) => m[1]);
  expect(ids).toEqual(['child', 'parent']);
});

test('a cycle of calls is an error naming it; a flow calling itself is one too', () => {
  const { app, chart } = newChart();
  new KestraFlow(chart, 'a', { source: flow('a', 'company.team', subflow('to-b', 'company.team', 'b')) });
  new KestraFlow(chart, 'b', { source: flow('b', 'company.team', subflow('to-c', 'company.team', 'c')) });
  new KestraFlow(chart, 'c', { source: flow('c', 'company.team', subflow('to-a', 'company.team', 'a')) });
  expect(KestraReferenceChecks.report(chart).cycles).toEqual([['company.team.a', 'company.team.b', 'company.team.c', 'company.team.a']]);
  expect(() => synth(app)).toThrow(/cycle: company\.team\.a → company\.team\.b → company\.team\.c → company\.team\.a/);

  const second = newChart();
  new KestraFlow(second.chart, 'self', { source: flow('self', 'company.team', subflow('again', 'company.team', 'self')) });
  expect(() => synth(second.app)).toThrow(/task "again" .* calls its own flow; Kestra rejects a recursive call/);
});

test('dynamic targets are never an error', () => {
  const { app, chart } = newChart();
  new KestraFlow(chart, 'p', { source: flow('p', 'company.team', subflow('call', 'company.team', '"{{ inputs.target }}"')) });
  const { warnings } = synth(app);
  expect(warnings).toEqual([]);
  expect(KestraReferenceChecks.report(chart).flows[0].dynamic).toHaveLength(1);
});

describe('K/V reads', () => {
  const reader = (expression: string) => flow('reader', 'company.team.etl', log(`{{ ${expression.replace(/"/g, "'")} }}`));

  test("follow Kestra's namespace inheritance when no namespace is given", () => {
    const { app, chart } = newChart();
    new KestraKeyValue(chart, 'kv', { namespace: 'company', key: 'API_URL', value: 'https://x' });
    new KestraFlow(chart, 'f', { source: reader("kv('API_URL')") });
    expect(synth(app).warnings).toEqual([]);
    expect(KestraReferenceChecks.report(chart).flows[0].keyValues[0]).toMatchObject({ resolved: 'app', foundIn: 'company' });
  });

  test('with an explicit namespace, look only there, and report a miss (an error when strict)', () => {
    const { app, chart } = newChart();
    new KestraKeyValue(chart, 'kv', { namespace: 'company', key: 'API_URL', value: 'https://x' });
    new KestraFlow(chart, 'f', { source: reader("kv('API_URL', 'company.team')") });
    expect(synth(app).warnings).toEqual([
      expect.stringMatching(/kv\('API_URL'\) at tasks\[0\]\.message resolves to nothing: no K\/V entry "API_URL" in company\.team,/),
    ]);

    const strict = newChart();
    new KestraReferenceChecks(strict.chart, 'checks', { strict: true });
    new KestraFlow(strict.chart, 'f', { source: reader("kv('MISSING')") });
    expect(() => synth(strict.app)).toThrow(/no K\/V entry "MISSING" in company\.team\.etl, company\.team, company \(the namespace and its parents\)/);
  });

  test('a key written by a kv.Set task of the app, an optional read and an external key count as present', () => {
    const { app, chart } = newChart();
    new KestraReferenceChecks(chart, 'checks', { strict: true, external: { keyValues: ['*/FROM_VAULT'] } });
    new KestraFlow(chart, 'writer', {
      source: flow('writer', 'company', '  - id: set\n    type: io.kestra.plugin.core.kv.Set\n    key: LAST_RUN\n    value: "{{ execution.startDate }}"\n'),
    });
    new KestraFlow(chart, 'f', { source: reader("kv('LAST_RUN') ~ kv('FROM_VAULT') ~ kv('NEW', errorOnMissing=false)") });
    expect(() => synth(app)).not.toThrow();
    expect(KestraReferenceChecks.report(chart).flows[1].keyValues.map((k) => k.resolved)).toEqual(['written', 'external', 'optional']);
  });
});

test('namespace files: read() needs that exact file, an include pattern any matching file', () => {
  const { app, chart } = newChart();
  new KestraNamespaceFile(chart, 'file', { namespace: 'company.team', filename: 'scripts/etl.py', content: 'print(1)' });
  new KestraFlow(chart, 'f', {
    source: flow('f', 'company.team', `${log("{{ read('scripts/etl.py') }} {{ read('scripts/missing.py') }}")}` +
      '  - id: py\n    type: io.kestra.plugin.scripts.python.Commands\n    namespaceFiles:\n      include: ["scripts/*.py", "sql/**"]\n    commands: [python scripts/etl.py]\n'),
  });
  const { warnings } = synth(app);
  expect(KestraReferenceChecks.report(chart).flows[0].namespaceFiles.map((f) => [f.path, f.resolved])).toEqual([
    ['scripts/*.py', 'app'], ['sql/**', 'missing'], ['/scripts/etl.py', 'app'], ['/scripts/missing.py', 'missing'],
  ]);
  expect(warnings).toHaveLength(2);
  expect(warnings.join('\n')).toMatch(/read\('\/scripts\/missing\.py'\) at tasks\[0\]\.message resolves to nothing/);
});

test('a Flow trigger waiting for a flow the app does not hold is reported', () => {
  const { app, chart } = newChart();
  new KestraFlow(chart, 'f', { source: fs.readFileSync(path.join(VALID, 'trigger-flow-listener.yaml'), 'utf8'), sourceName: 'listener.yaml' });
  expect(synth(app).warnings).toEqual([expect.stringMatching(/trigger "listen-flow" at triggers\[0\]\.conditions\[1\], waits for flow io\.kestra\.tests\.trigger\.trigger-flow/)]);
});

test('flows of different tenants do not satisfy each other', () => {
  const { app, chart } = newChart();
  new KestraFlow(chart, 'child', { tenant: 'a', source: flow('child', 'company.team', log('x')) });
  new KestraFlow(chart, 'parent', { tenant: 'b', source: flow('parent', 'company.team', subflow('call', 'company.team', 'child')) });
  expect(() => synth(app)).toThrow(/flow b\/company\.team\.parent/);
});

test('the report lists each flow with what it calls, reads and is triggered by, as text or JSON', () => {
  const { chart } = newChart();
  new KestraKeyValue(chart, 'kv', { namespace: 'company', key: 'API_URL', value: 'https://x' });
  new KestraFlow(chart, 'child', { source: flow('child', 'company.team', log("{{ kv('API_URL') }} {{ secret('TOKEN') }}")), sourceName: 'child.yaml' });
  new KestraFlow(chart, 'parent', { source: flow('parent', 'company.team', subflow('call', 'company.team', 'child')), sourceName: 'parent.yaml' });
  const report = KestraReferenceChecks.report(chart);
  expect(formatReferenceReport(report)).toBe([
    'company.team.child  [child.yaml]',
    '  reads K/V:',
    '    API_URL → company',
    '  reads secrets:',
    '    TOKEN (not checked: no Secret keys declared)',
    '',
    'company.team.parent  [parent.yaml]',
    '  calls:',
    '    company.team.child from task call',
    '',
    '2 flow(s), 0 unresolved reference(s), 0 cycle(s)',
    '',
  ].join('\n'));
  const json = JSON.parse(formatReferenceReport(report, 'json'));
  expect(json.flows[1]).toMatchObject({ namespace: 'company.team', flowId: 'parent', calls: [{ task: 'call', resolved: 'app' }] });
});

test('one KestraReferenceChecks per app', () => {
  const { chart } = newChart();
  new KestraReferenceChecks(chart, 'one');
  expect(() => new KestraReferenceChecks(chart, 'two')).toThrow(/already has one \(test\/one\)/);
});

test('a precondition on any flow of a namespace resolves when the app holds one; external files and secrets resolve by pattern', () => {
  const { app, chart } = newChart();
  new KestraReferenceChecks(chart, 'checks', { strict: true, external: { namespaceFiles: ['company.team/sql/*'], secrets: ['aws_*'] } });
  new KestraFlow(chart, 'upstream', { source: flow('upstream', 'company.etl', log('x')) });
  new KestraFlow(chart, 'f', {
    source: flow('f', 'company.team', log("{{ read('sql/q.sql') }} {{ secret('AWS_KEY') }}"),
      'triggers:\n  - id: after\n    type: io.kestra.plugin.core.trigger.Flow\n    preconditions:\n      id: p\n      flows:\n        - namespace: company.etl\n'),
  });
  expect(() => synth(app)).not.toThrow();
  const report = KestraReferenceChecks.report(chart).flows[1];
  expect([report.triggeredBy[0].resolved, report.namespaceFiles[0].resolved, report.secrets[0].resolved]).toEqual(['app', 'external', 'external']);
});
