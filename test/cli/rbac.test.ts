import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runCliCollecting } from './run-cli';

const FIXTURES = path.join(__dirname, 'fixtures');
const APP = path.join(FIXTURES, 'rbac-app.ts');
const FLOWS = path.join(FIXTURES, 'rbac-flows');
const FAILING_FLOWS = path.join(FIXTURES, 'rbac-failing-flows');

// Jest keeps its own module registry (the loader's `require.cache` reset does not reach it): start
// each test with a fresh one so the app module runs again, with its own copy of the package, which
// the global capture must still see.
beforeEach(() => jest.resetModules());

const run = runCliCollecting;

// What the flows' tasks call, per kestra-io/plugin-kubernetes (see lib/model/kubernetes-task-rules.ts):
// Patch reads then patches, Restart patches the Deployment's template, PodCreate creates/watches/deletes
// its pod, reads its log and events, and execs for outputFiles.
const IN_CLUSTER = [
  'ServiceAccount kestra/kestra (cluster: in-cluster)',
  '  namespace payments (Role)',
  '    secrets (core) get,patch names=payments-api-key',
  '      company.ops/rotate-api-key write_key [kubectl.Patch] get,patch: patches secrets payments-api-key',
  '    deployments (apps) get,patch names=payments-api',
  '      company.ops/rotate-api-key check_api [kubectl.Get] get: reads deployments payments-api',
  '      company.ops/rotate-api-key restart_api [kubectl.Restart] get,patch: restarts deployments payments-api',
  '  not granted here (the task talks to another cluster):',
  '    company.ml/train-model train [core.PodCreate]: connection via secret GPU_K8S_CA, secret GPU_K8S_TOKEN, https://gpu.k8s.example.com:6443',
  '',
].join('\n');
const GPU = [
  'ServiceAccount kestra-remote/kestra-flow-tasks (cluster: gpu)',
  '  namespace gpu-jobs (Role)',
  '    events (core) list',
  '      company.ml/train-model train [core.PodCreate] list: reports the events of a failed pod',
  '    pods (core) create,delete,get,list,watch',
  '      company.ml/train-model train [core.PodCreate] create,delete,get,list,watch: creates, resumes, watches and deletes the task pod',
  '    pods/exec (core) create,get',
  '      company.ml/train-model train [core.PodCreate] create,get: copies inputFiles/outputFiles through exec',
  '    pods/log (core) get',
  '      company.ml/train-model train [core.PodCreate] get: streams the pod logs',
  '  not granted here (the task talks to another cluster):',
  "    company.ops/rotate-api-key write_key [kubectl.Patch]: Kestra's own cluster",
  "    company.ops/rotate-api-key restart_api [kubectl.Restart]: Kestra's own cluster",
  "    company.ops/rotate-api-key check_api [kubectl.Get]: Kestra's own cluster",
  '',
].join('\n');

test('rbac on an app module prints the plan of every access construct the app builds', async () => {
  const { code, out, err } = await run('rbac', APP);
  expect(err).toBe('');
  expect(code).toBe(0);
  expect(out).toBe(`${IN_CLUSTER}\n${GPU}`);
});

test('rbac on a folder derives the same plans as the app, as JSON, for the account and clusters given', async () => {
  const fromApp = await run('rbac', '--json', APP);
  expect(fromApp.code).toBe(0);
  const fromFolder = await run('rbac', FLOWS, '--json', '--service-account', 'kestra/kestra', '--cluster=gpu@kestra-remote/kestra-flow-tasks=GPU_K8S_TOKEN');
  expect(fromFolder.code).toBe(0);
  expect(JSON.parse(fromFolder.out)).toEqual(JSON.parse(fromApp.out));
  const report = JSON.parse(fromFolder.out);
  expect(report.serviceAccounts.map((a: any) => [a.cluster, `${a.namespace}/${a.name}`, a.scopes.map((s: any) => s.namespace)]))
    .toEqual([['in-cluster', 'kestra/kestra', ['payments']], ['gpu', 'kestra-remote/kestra-flow-tasks', ['gpu-jobs']]]);
  expect(report.serviceAccounts[0].scopes[0].rules[0]).toEqual({
    apiGroups: [''],
    resources: ['secrets'],
    verbs: ['get', 'patch'],
    resourceNames: ['payments-api-key'],
    neededBy: [{ flow: 'company.ops/rotate-api-key', task: 'write_key', type: 'io.kestra.plugin.kubernetes.kubectl.Patch', verbs: ['get', 'patch'], reason: 'patches secrets payments-api-key' }],
  });

  // The defaults: Kestra's account `kestra/kestra`; a cluster matched by its API server URL gets `kestra/kestra-flow-tasks`.
  const byUrl = await run('rbac', FLOWS, '--cluster', 'gpu=https://gpu.k8s.example.com:6443');
  expect(byUrl.code).toBe(0);
  expect(byUrl.out).toBe(`${IN_CLUSTER}\n${GPU.replace('kestra-remote/kestra-flow-tasks', 'kestra/kestra-flow-tasks')}`);
  // Without --cluster, the GPU task is only listed as going elsewhere.
  expect((await run('rbac', FLOWS)).out).toBe(IN_CLUSTER);
});

test('a task whose namespace is an expression fails with exit code 1, naming flow and task, until --grants covers it', async () => {
  const folder = await run('rbac', FAILING_FLOWS);
  expect(folder.code).toBe(1);
  expect(folder.out).toBe('');
  expect(folder.err).toBe('kestra-constructs rbac: Invalid flows["company.ops/cleanup"].tasks[0].namespace: "{{ inputs.team }}": is an expression rendered at run time, '
    + 'so the permission cannot be derived at synth (task "delete_job" of flow company.ops/cleanup); grant it explicitly with the `grants` option (here: --grants <file>)\n');

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rbac-'));
  const grants = path.join(dir, 'grants.yaml');
  fs.writeFileSync(grants, [
    '- flow: company.ops/cleanup',
    '  taskId: delete_job',
    '  rules:',
    '    - { namespace: batch, apiGroup: batch, resource: jobs, verbs: [delete], resourceNames: [nightly] }',
    '',
  ].join('\n'));
  const granted = await run('rbac', FAILING_FLOWS, '--grants', grants, '--service-account', 'ops/runner');
  expect(granted.code).toBe(0);
  expect(granted.out).toBe([
    'ServiceAccount ops/runner (cluster: in-cluster)',
    '  namespace batch (Role)',
    '    jobs (batch) delete names=nightly',
    '      company.ops/cleanup delete_job [kubectl.Delete] delete: granted explicitly (grants option)',
    '',
  ].join('\n'));

  // A grant is checked as the constructs check it.
  fs.writeFileSync(grants, JSON.stringify([{ flow: 'company.ops/cleanup', taskId: 'delete_job', rules: [{ namespace: 'batch', resource: 'jobs', verbs: ['*'] }] }]));
  const wildcard = await run('rbac', FAILING_FLOWS, '--grants', grants);
  expect(wildcard.code).toBe(1);
  expect(wildcard.err).toMatch(/Invalid grants\[0\]\.rules\[0\]\.verbs: \["\*"\]: must list verbs/);
  fs.writeFileSync(grants, '{ flow: [');
  expect((await run('rbac', FAILING_FLOWS, '--grants', grants)).err).toMatch(/--grants .*grants\.yaml is not YAML or JSON: /);
  fs.writeFileSync(grants, 'flow: company.ops/cleanup\n');
  expect((await run('rbac', FAILING_FLOWS, '--grants', grants)).err).toMatch(/--grants .*grants\.yaml must hold a list of grants/);
});

test('an app whose access cannot be derived exits 1 with the error naming flow and task', async () => {
  process.env.RBAC_FLOWS = FAILING_FLOWS;
  try {
    const { code, out, err } = await run('rbac', APP);
    expect(code).toBe(1);
    expect(out).toBe('');
    expect(err).toMatch(/^rbac-app\.ts: Invalid flows\["company\.ops\/cleanup"\]\.tasks\[0\]\.namespace: .*\(task "delete_job" of flow company\.ops\/cleanup\)/);
  } finally {
    delete process.env.RBAC_FLOWS;
  }
});

test('rbac refuses what it cannot honour, naming the option', async () => {
  const folderOnly = await run('rbac', APP, '--cluster', 'gpu=GPU_K8S_TOKEN');
  expect(folderOnly.code).toBe(1);
  expect(folderOnly.err).toMatch(/--cluster applies only to a folder of flows/);
  const noAccess = await run('rbac', path.join(FIXTURES, 'app.ts'));
  expect(noAccess.code).toBe(1);
  expect(noAccess.err).toMatch(/app\.ts builds no KestraKubernetesAccess or KestraRemoteKubernetesAccess/);
  for (const [args, message] of [
    [[FLOWS, '--cluster', 'gpu'], /--cluster "gpu": must be <name>/],
    [[FLOWS, '--service-account', 'kestra'], /--service-account "kestra": must be <namespace>\/<service account name>/],
    [[FLOWS, '--grants', path.join(FIXTURES, 'missing.yaml')], /--grants .*missing\.yaml does not exist/],
    [[FLOWS, '--namespace', 'x'], /unknown option --namespace/],
    [[FLOWS, '--cluster'], /--cluster needs a value/],
    [[], /usage: kestra-constructs rbac \[--json\]/],
  ] as Array<[string[], RegExp]>) {
    const result = await run('rbac', ...args);
    expect([result.code, result.err]).toEqual([1, expect.stringMatching(message)]);
  }
  expect((await run('--help')).err).toMatch(/kestra-constructs rbac \[--json\] <app module/);
});

test("the README's rbac output is what the command prints for examples/kubernetes-tasks", async () => {
  const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
  const shown = /For the flows of `examples\/kubernetes-tasks`:\n\n```\n([\s\S]*?)```/.exec(readme)?.[1];
  const { code, out } = await run('rbac', path.join(__dirname, '..', '..', 'examples', 'kubernetes-tasks', 'flows'));
  expect(code).toBe(0);
  expect(shown).toBe(out);
  expect(out).toBe(IN_CLUSTER);
});
