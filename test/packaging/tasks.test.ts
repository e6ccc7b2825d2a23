import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

// `npm test` runs the projen task `test`; what it executes is in .projen/tasks.json (generated from .projenrc.ts).
const ROOT = path.join(__dirname, '..', '..');
const tasks: Record<string, { steps?: Array<{ exec?: string; execArgs?: string[]; spawn?: string }> }> =
  JSON.parse(fs.readFileSync(path.join(ROOT, '.projen', 'tasks.json'), 'utf8')).tasks;

/** Every command a task runs, following `spawn`s. */
function commandsOf(task: string, seen = new Set<string>()): string[][] {
  if (seen.has(task)) return [];
  seen.add(task);
  return (tasks[task]?.steps ?? []).flatMap((step) => {
    if (step.spawn) return commandsOf(step.spawn, seen);
    if (step.execArgs) return [step.execArgs];
    if (step.exec) return [step.exec.split(/\s+/)];
    return [];
  });
}

describe('npm test', () => {
  const commands = commandsOf('test');

  test('lints without rewriting sources', () => {
    const eslint = commands.filter((args) => args[0] === 'eslint');
    expect(eslint).toHaveLength(1);
    expect(eslint[0]).not.toContain('--fix');
    expect(eslint[0]).toEqual(expect.arrayContaining(['lib', 'test', 'examples', 'bench']));
  });

  test('writes no snapshots and no source file', () => {
    for (const args of commands) {
      expect(args).not.toContain('--fix');
      expect(args).not.toContain('-u');
      expect(args).not.toContain('--updateSnapshot');
    }
  });

  test('a separate task applies the lint fixes to the same folders', () => {
    const [fix] = commandsOf('eslint:fix');
    const [check] = commands.filter((args) => args[0] === 'eslint');
    expect(fix).toContain('--fix');
    for (const dir of check.filter((arg) => !arg.startsWith('-') && arg !== 'eslint' && arg !== '$@' && arg !== '.ts,.tsx')) {
      expect(fix).toContain(dir);
    }
  });

  test('the package script runs the checking task', () => {
    const scripts = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts;
    expect(scripts.test).toBe('projen test');
    expect(scripts['eslint:fix']).toBe('projen eslint:fix');
  });
});

describe('npm run synth and the examples write outside dist/ (the compiled package)', () => {
  test('the synth task writes to cdk8s.out/, and runs the example that imports kestra-constructs by name', () => {
    const synth = JSON.parse(fs.readFileSync(path.join(ROOT, '.projen', 'tasks.json'), 'utf8')).tasks.synth;
    expect(synth.env).toEqual({ CDK8S_OUTDIR: 'cdk8s.out' });
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'kestra-synth-'));
    try {
      // The task's command, with the output redirected the same way to a temporary folder.
      const [command, ...args] = synth.steps[0].exec.split(' ');
      execFileSync(path.join(ROOT, 'node_modules', '.bin', command), args, { cwd: ROOT, env: { ...process.env, CDK8S_OUTDIR: outdir }, stdio: 'pipe' });
      expect(fs.readdirSync(outdir)).toEqual(['kestra-standalone.k8s.yaml']);
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
    expect(fs.readFileSync(path.join(ROOT, 'examples', 'standalone', 'main.ts'), 'utf8')).toContain("from 'kestra-constructs'");
  });

  test('every example folder synthesizes with `cdk8s synth` into its own cdk8s.out/', () => {
    const examples = fs.readdirSync(path.join(ROOT, 'examples')).filter((dir) => fs.existsSync(path.join(ROOT, 'examples', dir, 'main.ts')));
    expect(examples.length).toBeGreaterThanOrEqual(4);
    for (const dir of examples) {
      const config = fs.readFileSync(path.join(ROOT, 'examples', dir, 'cdk8s.yaml'), 'utf8');
      expect(config).toMatch(/^output: cdk8s\.out$/m);
      expect(config).toMatch(/^app: npx ts-node -P \.\.\/\.\.\/tsconfig\.dev\.json main\.ts$/m);
      expect(fs.readFileSync(path.join(ROOT, 'examples', dir, 'main.ts'), 'utf8')).not.toMatch(/from '\.\.\/\.\.\/lib/);
    }
  });
});
