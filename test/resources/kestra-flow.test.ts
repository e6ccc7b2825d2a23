import * as path from 'path';
import { Construct } from 'constructs';
import { parse } from 'yaml';
import { newChart, synthChecked } from './helpers';
import { KestraValidationError } from '../../lib/common';
import { KestraFlow, KestraFlows } from '../../lib/resources';
import { ofKind } from '../util/k8s-schema';

const FIXTURES = path.join(__dirname, '..', 'fixtures');
const SOURCE = '# hello flow\nid: hello\nnamespace: company.team\ntasks:\n  - id: log # greet\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n';

describe('KestraFlow', () => {
  test('renders a KestraFlow with id and namespace from the source and the read-only label', () => {
    const chart = newChart();
    const flow = new KestraFlow(chart, 'hello', { source: SOURCE });
    const [cr] = ofKind(synthChecked(chart), 'KestraFlow');
    expect(cr.apiVersion).toBe('model.kestra.io/v1alpha1');
    expect(cr.metadata.name).toBe(flow.name);
    expect(cr.metadata.name).toMatch(/^company-team-hello-[0-9a-f]{8}$/);
    expect(cr.spec).toEqual({ id: 'hello', namespace: 'company.team', source: `${SOURCE}labels:\n  system.readOnly: "true"\n` });
    expect(flow.flowId).toBe('hello');
    expect(flow.namespace).toBe('company.team');
    expect(flow.apiObject.kind).toBe('KestraFlow');
  });

  test('readOnly: false keeps the source byte for byte; tenant and metadata are passed on', () => {
    const chart = newChart();
    new KestraFlow(chart, 'hello', { source: SOURCE, readOnly: false, tenant: 'main', id: 'hello', namespace: 'company.team', metadata: { namespace: 'kestra', labels: { team: 'data' } } });
    const [cr] = ofKind(synthChecked(chart), 'KestraFlow');
    expect(cr.spec.source).toBe(SOURCE);
    expect(cr.spec.tenant).toBe('main');
    expect(cr.metadata).toMatchObject({ namespace: 'kestra', labels: { team: 'data' } });
    expect(cr.metadata.name).toMatch(/^main-company-team-hello-[0-9a-f]{8}$/);
  });

  test('id or namespace that differ from the source fail naming both values', () => {
    expect(() => new KestraFlow(newChart(), 'f', { source: SOURCE, id: 'other' }))
      .toThrow('Invalid id: "other": differs from the id "hello" in the source; the operator would ignore the flow\'s updates');
    expect(() => new KestraFlow(newChart(), 'f', { source: SOURCE, namespace: 'company.other' }))
      .toThrow('Invalid namespace: "company.other": differs from the namespace "company.team" in the source');
  });

  test('an inline source error names the construct path, the line and the column, once each', () => {
    const chart = newChart();
    const flows = new Construct(chart, 'prod');
    const source = 'id: hello\nnamespace: company.team\ntasks:\n  - id: a\n    type: x\n  - id: a\n    type: y\n';
    let error: KestraValidationError | undefined;
    try {
      new KestraFlow(flows, 'hello', { source });
    } catch (e) {
      error = e as KestraValidationError;
    }
    expect(error).toBeInstanceOf(KestraValidationError);
    expect(error!.constructPath).toBe('test/prod/hello');
    expect(error!.message).toBe('test/prod/hello: Invalid flow source: line 6, column 9: tasks[1].id "a": duplicate task id (first used at tasks[0].id, line 4, column 9)');
    expect(error!.stack).toContain('test/prod/hello: Invalid flow source: line 6');
    // A file names itself after the construct, and nothing is said twice.
    expect(() => new KestraFlow(chart, 'file', { source: 'id: a\nnamespace: b\n', sourceName: 'flows/a.yaml' }))
      .toThrow(/^test\/file: Invalid flow flows\/a\.yaml: tasks: a flow needs/);
    expect(chart.node.tryFindChild('file')).toBeUndefined();
  });

  test('rejects invalid sources, tenants and names', () => {
    expect(() => new KestraFlow(newChart(), 'f', { source: 'id: a\nnamespace: b\n', sourceName: 'a.yaml' }))
      .toThrow('Invalid flow a.yaml: tasks: a flow needs a non-empty list of tasks');
    expect(() => new KestraFlow(newChart(), 'f', { source: undefined as unknown as string }))
      .toThrow('Invalid source: undefined: must be the YAML text of a Kestra flow');
    expect(() => new KestraFlow(newChart(), 'f', { source: SOURCE, tenant: 'Main' })).toThrow(/^test\/[\w/.-]+: Invalid tenant: "Main": must match/);
    expect(() => new KestraFlow(newChart(), 'f', { source: SOURCE, metadata: { name: 'Not_Valid' } })).toThrow(/^test\/[\w/.-]+: Invalid metadata.name: "Not_Valid": must be a DNS-1123 subdomain/);
  });

  test('two flows with the same tenant/namespace/id in one app fail naming both constructs', () => {
    const chart = newChart();
    new KestraFlow(chart, 'first', { source: SOURCE });
    expect(() => new KestraFlow(chart, 'second', { source: SOURCE.replace('message: hi', 'message: ho') }))
      .toThrow('test/second: Invalid identity: "tenant=(default), namespace=company.team, id=hello": another KestraFlow (test/first) already manages this Kestra object');
    // a different tenant is a different Kestra object
    expect(() => new KestraFlow(chart, 'third', { source: SOURCE, tenant: 'other' })).not.toThrow();
  });

  test('fails clearly above 1 MiB', () => {
    const big = `${SOURCE}    description: "${'x'.repeat(1024 * 1024)}"\n`;
    expect(() => new KestraFlow(newChart(), 'big', { source: big, sourceName: 'big.yaml' }))
      .toThrow(/^test\/[\w/.-]+: Invalid source: "big\.yaml \(\d+ bytes serialized\)": is larger than 1048576 bytes \(1 MiB\)/);
  });

  test('a refused flow leaves nothing behind: the chart still synthesizes without it', () => {
    const chart = newChart();
    new KestraFlow(chart, 'first', { source: SOURCE });
    expect(() => new KestraFlow(chart, 'again', { source: SOURCE })).toThrow(/already manages/);
    const big = `${SOURCE}    description: "${'x'.repeat(1024 * 1024)}"\n`;
    expect(() => new KestraFlow(chart, 'big', { source: big.replace('id: hello', 'id: big') })).toThrow(/larger than/);
    expect(chart.node.children.map((c) => c.node.id)).toEqual(['first']);
    expect(synthChecked(chart).filter((o) => o.kind === 'KestraFlow')).toHaveLength(1);
  });

  test('fromFile names the file in errors and loads valid files', () => {
    const chart = newChart();
    const flow = KestraFlow.fromFile(chart, 'minimal', path.join(FIXTURES, 'flows', 'valid', 'minimal.yaml'));
    expect(flow.flowId).toBe('minimal');
    const bad = path.join(FIXTURES, 'flows', 'invalid', 'duplicate-key.yaml');
    expect(() => KestraFlow.fromFile(newChart(), 'bad', bad)).toThrow(`Invalid flow ${bad}: line 10, column 7: duplicated YAML key "variables.tf"`);
    expect(() => KestraFlow.fromFile(newChart(), 'missing', '/nope/flow.yaml')).toThrow(/^test\/[\w/.-]+: Invalid path: "\/nope\/flow\.yaml": cannot be read/);
    expect(() => KestraFlow.fromFile(newChart(), 'png', path.join(FIXTURES, 'resources', 'binary.png'))).toThrow(/is not valid UTF-8 text/);
    synthChecked(chart);
  });
});

describe('KestraFlows', () => {
  test('loads every *.yml/*.yaml recursively in a deterministic order', () => {
    const chart = newChart();
    const flows = new KestraFlows(chart, 'flows', { directory: path.join(FIXTURES, 'resources', 'flows-tree'), tenant: 'main' });
    expect(flows.flows.map((f) => f.flowId)).toEqual(['minimal', 'full', 'switch']);
    expect(flows.find('io.kestra.tests', 'full')).toBe(flows.flows[1]);
    const crs = ofKind(synthChecked(chart), 'KestraFlow');
    expect(crs.map((cr) => cr.spec.id)).toEqual(['minimal', 'full', 'switch']);
    for (const cr of crs) {
      expect(parse(cr.spec.source).labels['system.readOnly']).toBe('true');
      expect(cr.spec.tenant).toBe('main');
    }
    expect(new Set(crs.map((cr) => cr.metadata.name)).size).toBe(3);
  });

  test('loads the whole valid corpus (181 flows) into one app', () => {
    const chart = newChart();
    const flows = new KestraFlows(chart, 'flows', { directory: path.join(FIXTURES, 'flows', 'valid') });
    expect(flows.flows).toHaveLength(181);
    const crs = ofKind(synthChecked(chart), 'KestraFlow');
    expect(new Set(crs.map((cr) => cr.metadata.name)).size).toBe(181);
  });

  test('errors name the file; duplicates across files and empty folders fail', () => {
    const bad = path.join(FIXTURES, 'resources', 'bad-flows');
    expect(() => new KestraFlows(newChart(), 'flows', { directory: bad })).toThrow(`Invalid flow ${path.join(bad, 'b.yaml')}: `);
    expect(() => new KestraFlows(newChart(), 'flows', { directory: path.join(FIXTURES, 'resources', 'dup-flows') }))
      .toThrow(/^test\/flows\/two\.yaml: Invalid identity: .*another KestraFlow \(test\/flows\/one\.yaml\) already manages this Kestra object/);
    const empty = path.join(FIXTURES, 'resources', 'empty-dir');
    expect(() => new KestraFlows(newChart(), 'flows', { directory: empty })).toThrow(`Invalid directory: "${empty}": contains no *.yml or *.yaml file`);
    expect(new KestraFlows(newChart(), 'flows', { directory: empty, allowEmpty: true }).flows).toEqual([]);
    expect(() => new KestraFlows(newChart(), 'flows', { directory: '/does/not/exist' })).toThrow(/^test\/[\w/.-]+: Invalid directory: "\/does\/not\/exist": must be an existing directory/);
  });

  test('YAML syntax errors are KestraValidationErrors too', () => {
    expect(() => new KestraFlow(newChart(), 'f', { source: 'id: [' })).toThrow(KestraValidationError);
  });
});
