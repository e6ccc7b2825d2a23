/* eslint-disable import/order */
// The mocks must be installed before any module that creates resources is loaded.
import { installRecordingMocks, settle } from '../pulumi-platform/mock-runtime';
const monitor = installRecordingMocks();

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { KestraFlowSet } from '../../lib/pulumi';

const subflow = (flowId: string) => `  - id: call-${flowId}\n    type: io.kestra.plugin.core.flow.Subflow\n    namespace: company.team\n    flowId: ${flowId}\n`;
const leaf = '  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n';

function folder(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flow-set-'));
  for (const [name, tasks] of Object.entries(files)) {
    const id = path.basename(name).replace(/\.ya?ml$/, '');
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), `id: ${id}\nnamespace: company.team\ntasks:\n${tasks}`);
  }
  return dir;
}

test('each flow depends on the flows it calls: called flows are registered first and parents wait for them', async () => {
  // file order (a, b, c, d) is the reverse of the call order: a → b → c, a → d
  const dir = folder({ 'a.yaml': subflow('b') + subflow('d'), 'b.yaml': subflow('c'), 'sub/c.yaml': leaf, 'd.yml': leaf });
  const set = new KestraFlowSet('gitops', { directory: dir });
  await settle(monitor);
  const flows = monitor.registrations.filter((r) => r.type === 'kestra:index:Flow' || r.type.endsWith(':Flow'));
  const byName = new Map(flows.map((r) => [r.name, r]));
  const urn = (key: string) => byName.get(`gitops-company.team.${key}`)!.urn;
  expect([...byName.keys()].sort()).toEqual(['gitops-company.team.a', 'gitops-company.team.b', 'gitops-company.team.c', 'gitops-company.team.d']);
  expect(byName.get('gitops-company.team.a')!.dependencies.sort()).toEqual([urn('b'), urn('d')].sort());
  expect(byName.get('gitops-company.team.b')!.dependencies).toEqual([urn('c')]);
  expect(byName.get('gitops-company.team.c')!.dependencies).toEqual([]);
  const registered = flows.map((r) => r.name);
  expect(registered.indexOf('gitops-company.team.c')).toBeLessThan(registered.indexOf('gitops-company.team.b'));
  expect(registered.indexOf('gitops-company.team.b')).toBeLessThan(registered.indexOf('gitops-company.team.a'));
  expect(set.creationOrder).toEqual(['company.team.d', 'company.team.c', 'company.team.b', 'company.team.a']);
  // the flows are the component's children, and carry the file's source
  const component = monitor.registrations.find((r) => r.type === 'kestra:index:KestraFlowSet' && r.name === 'gitops')!;
  for (const flow of flows.filter((r) => r.name.startsWith('gitops-'))) expect(flow.parent).toBe(component.urn);
  expect(byName.get('gitops-company.team.d')!.inputs.source).toBe(fs.readFileSync(path.join(dir, 'd.yml'), 'utf8'));
});

test('a cycle is an error naming it, before any flow is registered', () => {
  const dir = folder({ 'x.yaml': subflow('y'), 'y.yaml': subflow('z'), 'z.yaml': subflow('x') });
  const before = monitor.registrations.length;
  expect(() => new KestraFlowSet('cyclic', { directory: dir }))
    .toThrow(/cycle: company\.team\.x \(x\.yaml\) → company\.team\.y \(y\.yaml\) → company\.team\.z \(z\.yaml\) → company\.team\.x \(x\.yaml\)/);
  expect(monitor.registrations.slice(before).filter((r) => r.name.startsWith('cyclic-'))).toEqual([]);
});

test('a call to a flow outside the folder is an error unless declared external', () => {
  const dir = folder({ 'p.yaml': subflow('elsewhere') });
  expect(() => new KestraFlowSet('missing', { directory: dir }))
    .toThrow(/"p\.yaml": task "call-elsewhere" at tasks\[0\] calls flow company\.team\.elsewhere, which is not in the folder/);
  expect(() => new KestraFlowSet('declared', { directory: dir, externalFlows: ['company.team.else*'] })).not.toThrow();
});

test('a flow calling itself and a flow declared twice are errors', () => {
  expect(() => new KestraFlowSet('self', { directory: folder({ 's.yaml': subflow('s') }) })).toThrow(/calls its own flow/);
  expect(() => new KestraFlowSet('twice', { directory: folder({ 'a/t.yaml': leaf, 'b/t.yaml': leaf }) }))
    .toThrow(/b\/t\.yaml.*declares flow company\.team\.t, as a\/t\.yaml does/);
});

test('overwriteExisting reaches every flow, and a misspelt arg is refused before anything is registered', async () => {
  const dir = folder({ 'solo.yaml': leaf });
  new KestraFlowSet('adopting', { directory: dir, overwriteExisting: true });
  await settle(monitor);
  expect(monitor.registrations.find((r) => r.name === 'adopting-company.team.solo')!.inputs.overwriteExisting).toBe(true);
  const before = monitor.registrations.length;
  expect(() => new KestraFlowSet('typo', { directory: dir, externalFlow: ['x.*'] } as any))
    .toThrow(/externalFlow: .*unknown option \(did you mean "externalFlows"\?\)/);
  await settle(monitor);
  expect(monitor.registrations.length).toBe(before);
});
