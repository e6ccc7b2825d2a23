import { execFileSync, execSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';
import { parseAllDocuments } from 'yaml';

/**
 * The package as a user gets it: `npm pack` (which compiles first), installed from the tarball into a fresh
 * project without network (`npm install --offline`; the peers are linked from this repository's node_modules, as
 * a user's own `npm install` would provide them), then the README's Quick start run there verbatim, both entry
 * points type-checked under every `moduleResolution` users meet, and a Pulumi program run under mocks.
 */
const ROOT = path.resolve(__dirname, '..', '..');
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
// What the README's install lines bring; linked, not downloaded.
const LINKED = ['cdk8s', 'cdk8s-plus-27', 'constructs', '@pulumi/pulumi', '@pulumi/kubernetes', 'typescript', 'ts-node', '@types/node'];

let work: string;
let app: string;
let packed: { filename: string; files: Array<{ path: string }> };

function run(command: string, args: string[], cwd: string): string {
  return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, npm_config_update_notifier: 'false' } });
}

/** The fenced blocks of a README section, in order. */
function blocks(heading: string): Array<{ lang: string; text: string }> {
  const start = README.indexOf(heading);
  expect(start).toBeGreaterThanOrEqual(0);
  const end = README.indexOf('\n## ', start + heading.length);
  const section = README.slice(start, end < 0 ? undefined : end);
  return [...section.matchAll(/```(\w+)\n([\s\S]*?)```/g)].map((m) => ({ lang: m[1], text: m[2] }));
}

/**
 * The project depends on the tarball. Its lock file pins the package's own dependencies to the versions (and
 * integrity hashes) of this repository's lock file, whose tarballs `npm ci` left in the npm cache, so that
 * `npm ci --offline` installs them without the registry.
 */
function writeProject(tarball: string): void {
  const { dependencies, bin } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const repoLock = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')).packages;
  const manifest = { name: 'my-kestra', version: '1.0.0', private: true, dependencies: { 'kestra-constructs': tarball } };
  const packages: Record<string, unknown> = {
    '': { name: manifest.name, version: manifest.version, dependencies: manifest.dependencies },
    // `bin` as npm records it in a lock file: `npm ci` links the bins the lock lists.
    'node_modules/kestra-constructs': { version: '0.0.0', resolved: tarball, dependencies, bin },
  };
  const pending = Object.keys(dependencies);
  while (pending.length > 0) {
    const key = `node_modules/${pending.pop()}`;
    if (packages[key]) continue;
    const { version, resolved, integrity, dependencies: next } = repoLock[key];
    packages[key] = { version, resolved, integrity, dependencies: next };
    pending.push(...Object.keys(next ?? {}));
  }
  fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify(manifest, undefined, 2));
  fs.writeFileSync(path.join(app, 'package-lock.json'), JSON.stringify({ ...manifest, lockfileVersion: 3, requires: true, packages }, undefined, 2));
}

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'kestra-constructs-pack-'));
  // `--json` prints the tarball's name and file list; the prepack compile writes to stderr.
  [packed] = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', work], ROOT));
  app = path.join(work, 'my-kestra');
  fs.mkdirSync(app);
  writeProject(`file:../${packed.filename}`);
  run('npm', ['ci', '--offline', '--no-audit', '--no-fund', '--legacy-peer-deps', '--ignore-scripts'], app);
  for (const name of LINKED) {
    const target = path.join(app, 'node_modules', name);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.symlinkSync(path.join(ROOT, 'node_modules', name), target, 'dir');
  }
  fs.mkdirSync(path.join(app, 'node_modules', '.bin'), { recursive: true });
  fs.symlinkSync(path.join('..', 'ts-node', 'dist', 'bin.js'), path.join(app, 'node_modules', '.bin', 'ts-node'));
}, 120_000);

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

test('the tarball holds the compiled library, the CRDs and the docs, nothing else', () => {
  const files = packed.files.map((f) => f.path).sort();
  const unexpected = files.filter((f) => !/^dist\/.+\.(js|d\.ts)$/.test(f) && !/^crds\/[\w-]+\.yaml$/.test(f)
    && !['package.json', 'README.md', 'LICENSE'].includes(f));
  expect(unexpected).toEqual([]);
  expect(files).toEqual(expect.arrayContaining(['dist/index.js', 'dist/index.d.ts', 'dist/pulumi/index.js', 'dist/pulumi/index.d.ts',
    'crds/kestraflow.yaml', 'crds/kestrakeyvalue.yaml', 'crds/kestranamespacefile.yaml']));
  // No synth output, tests, examples, benches, CI scripts, sources or test configs.
  expect(files.filter((f) => /k8s\.yaml$|^(test|examples|bench|\.ci|lib|cdk8s\.out)\/|tsconfig|\.tsbuildinfo$/.test(f))).toEqual([]);
});

test('the install lines of the README bring every peer the package declares', () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(app, 'node_modules', 'kestra-constructs', 'package.json'), 'utf8'));
  const optional = Object.keys(manifest.peerDependenciesMeta ?? {});
  const installLine = (heading: string) => blocks(heading).filter((b) => b.lang === 'sh')
    .flatMap((b) => b.text.split('\n')).find((line) => line.startsWith('npm install kestra-constructs'))!;
  const names = (line: string) => line.split(/\s+/).slice(2).map((spec) => spec.replace(/(?<=.)@.*$/, '').replace(/"/g, ''));
  const cdk8sLine = names(installLine('### In your own cdk8s app'));
  const pulumiLine = names(installLine('## Pulumi: the `KestraPlatform` component'));
  for (const peer of Object.keys(manifest.peerDependencies)) {
    if (!optional.includes(peer)) expect(cdk8sLine).toContain(peer);
    expect(pulumiLine).toContain(peer);
  }
});

test('the README Quick start runs verbatim in the fresh project', () => {
  const quickStart = blocks('### In your own cdk8s app');
  const tsconfig = quickStart.find((b) => b.lang === 'json')!.text;
  const main = quickStart.find((b) => b.lang === 'ts')!.text;
  const command = quickStart.filter((b) => b.lang === 'sh').pop()!.text.split('#')[0].trim();
  expect(command).toBe('npx ts-node main.ts');
  fs.writeFileSync(path.join(app, 'tsconfig.json'), tsconfig);
  fs.writeFileSync(path.join(app, 'main.ts'), main);
  execSync(command, { cwd: app, stdio: 'pipe', env: { ...process.env, npm_config_offline: 'true' } });
  const objects = parseAllDocuments(fs.readFileSync(path.join(app, 'dist', 'kestra.k8s.yaml'), 'utf8')).map((d) => d.toJS());
  expect(objects.filter((o) => o.kind === 'Deployment').map((o) => `${o.metadata.namespace}/${o.metadata.name}`)).toEqual(['kestra/kestra-standalone']);
});

test('the installed bin runs the CLI: npx kestra-constructs rbac and report on a folder of flows', () => {
  const flows = path.join(app, 'flows');
  fs.mkdirSync(flows, { recursive: true });
  fs.copyFileSync(path.join(ROOT, 'examples', 'kubernetes-tasks', 'flows', 'rotate-api-key.yml'), path.join(flows, 'rotate-api-key.yml'));
  const npx = (...args: string[]) => execFileSync('npx', ['kestra-constructs', ...args], {
    cwd: app, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, npm_config_offline: 'true', npm_config_update_notifier: 'false' },
  });
  expect(npx('rbac', 'flows')).toContain('      company.ops/rotate-api-key restart_api [kubectl.Restart] get,patch: restarts deployments payments-api\n');
  expect(JSON.parse(npx('report', '--json', 'flows')).flows).toHaveLength(1);
});

describe('both entry points type-check in the installed project', () => {
  const consumer = [
    "import { Kestra, KestraFlow } from 'kestra-constructs';",
    "import { KestraPlatform, Flow } from 'kestra-constructs/pulumi';",
    'export const used = [Kestra, KestraFlow, KestraPlatform, Flow];',
  ].join('\n');

  test.each<[string, ts.CompilerOptions]>([
    // What `pulumi new typescript` writes (no skipLibCheck either).
    ['node (pulumi new typescript)', { module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10, target: ts.ScriptTarget.ES2020, strict: true }],
    ['node16', { module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16, target: ts.ScriptTarget.ES2022, strict: true, skipLibCheck: true }],
    ['bundler', { module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, target: ts.ScriptTarget.ES2022, strict: true, skipLibCheck: true }],
  ])('moduleResolution %s', (_name, options) => {
    const file = path.join(app, `consumer-${options.moduleResolution}.ts`);
    fs.writeFileSync(file, consumer);
    const program = ts.createProgram([file], { ...options, noEmit: true, types: ['node'] });
    const resolved = ['kestra-constructs', 'kestra-constructs/pulumi'].map((name) =>
      ts.resolveModuleName(name, file, options, ts.sys).resolvedModule?.resolvedFileName);
    expect(resolved).toEqual([
      path.join(app, 'node_modules', 'kestra-constructs', 'dist', 'index.d.ts'),
      path.join(app, 'node_modules', 'kestra-constructs', 'dist', 'pulumi', 'index.d.ts'),
    ]);
    // Our declarations and the consumer, fully checked (no skipLibCheck for `node`); the peers' own
    // declarations are checked only as far as ours use them.
    const ours = program.getSourceFiles().filter((sf) => sf.fileName === file || sf.fileName.includes('/node_modules/kestra-constructs/'));
    expect(ours.length).toBeGreaterThan(20);
    const diagnostics = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics(),
      ...ours.flatMap((sf) => [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)])];
    const errors = diagnostics.map((d) => `${d.file?.fileName ?? ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
    expect(errors).toEqual([]);
  });
});

test('a Pulumi program compiled in the project registers the platform under mocks', () => {
  fs.writeFileSync(path.join(app, 'index.ts'), [
    "import { KestraPlatform } from 'kestra-constructs/pulumi';",
    "const platform = new KestraPlatform('kestra', { namespace: 'kestra' });",
    'export const apiUrl = platform.apiUrl;',
  ].join('\n'));
  const js = ts.transpileModule(fs.readFileSync(path.join(app, 'index.ts'), 'utf8'), { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020 } });
  fs.writeFileSync(path.join(app, 'index.js'), js.outputText);
  // The mocks go in before the program loads, as `pulumi.runtime.setMocks` requires.
  fs.writeFileSync(path.join(app, 'run-mocked.js'), [
    "const pulumi = require('@pulumi/pulumi');",
    'const kinds = [];',
    'pulumi.runtime.setMocks({',
    '  newResource: (args) => { kinds.push(args.inputs.kind ?? args.type); return { id: `${args.name}-id`, state: args.inputs }; },',
    '  call: (args) => args.inputs,',
    "}, 'my-kestra', 'dev', false);",
    "const program = require('./index.js');",
    'program.apiUrl.apply((url) => setTimeout(() => console.log(JSON.stringify({ url, kinds })), 100));',
  ].join('\n'));
  const result = JSON.parse(run(process.execPath, ['run-mocked.js'], app).trim().split('\n').pop()!);
  expect(result.url).toBe('http://kestra.kestra.svc.cluster.local:8080');
  expect(result.kinds).toEqual(expect.arrayContaining(['Namespace', 'Deployment', 'StatefulSet', 'Service', 'ConfigMap']));
});
