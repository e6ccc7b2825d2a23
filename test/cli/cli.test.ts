import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runCliCollecting } from './run-cli';

const FIXTURES = path.join(__dirname, 'fixtures');

const run = runCliCollecting;

test('report on an app module lists each flow, resolved, and leaves no synth output behind', async () => {
  const cwd = process.cwd();
  const before = fs.existsSync(path.join(cwd, 'dist')) ? fs.readdirSync(path.join(cwd, 'dist')).sort() : [];
  const { code, out } = await run('report', path.join(FIXTURES, 'app.ts'));
  expect(code).toBe(0);
  expect(out).toBe([
    'company.team.child  [child.yaml]',
    '  reads secrets:',
    '    API_TOKEN (not checked: no Secret keys declared)',
    '',
    'company.team.parent  [parent.yaml]',
    '  calls:',
    '    company.team.child from task call-child',
    '  reads K/V:',
    '    REGION → company',
    '  uses namespace files:',
    '    /scripts/missing.sql in company.team — UNRESOLVED',
    '',
    '2 flow(s), 1 unresolved reference(s), 0 cycle(s)',
    "warning: flow company.team.parent (parent.yaml): read('/scripts/missing.sql') at tasks[1].message resolves to nothing: no namespace file of company.team matches",
    '',
  ].join('\n').replace(/\[(child|parent)\.yaml\]/g, (_m, name) => `[${path.join(FIXTURES, 'app-flows', `${name}.yaml`)}]`)
    .replace(/\((parent)\.yaml\)/g, (_m, name) => `(${path.join(FIXTURES, 'app-flows', `${name}.yaml`)})`));
  const after = fs.existsSync(path.join(cwd, 'dist')) ? fs.readdirSync(path.join(cwd, 'dist')).sort() : [];
  expect(after).toEqual(before);
});

test('report on a folder of flows, as JSON; a missing subflow fails with exit code 1', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'report-'));
  fs.copyFileSync(path.join(FIXTURES, 'app-flows', 'parent.yaml'), path.join(dir, 'parent.yaml'));
  const { code, out } = await run('report', '--json', dir);
  expect(code).toBe(1);
  const report = JSON.parse(out);
  expect(report.flows).toHaveLength(1);
  expect(report.flows[0].calls).toEqual([expect.objectContaining({ namespace: 'company.team', flowId: 'child', resolved: 'missing' })]);
  expect(report.errors).toEqual([expect.stringContaining('calls flow company.team.child, which no flow of this app declares')]);
});

test('the dispatcher names unknown commands and shows usage', async () => {
  const unknown = await run('nope');
  expect(unknown.code).toBe(2);
  expect(unknown.err).toMatch(/unknown command "nope"\nusage:\n {2}kestra-constructs report /);
  const bad = await run('report');
  expect(bad.code).toBe(1);
  expect(bad.err).toMatch(/usage: kestra-constructs report/);
});

test('an app built only under require.main is named as such, with the way out', async () => {
  for (const command of ['report', 'rbac']) {
    const { code, err } = await run(command, path.join(FIXTURES, 'guarded-app.ts'));
    expect(code).toBe(1);
    expect(err).toMatch(/guarded-app\.ts (declared no Kestra flow|builds no KestraKubernetesAccess).*only under `if \(require\.main === module\)`.*run the command on its folder of flows/);
  }
});
