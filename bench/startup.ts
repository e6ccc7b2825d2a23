/**
 * Suite 2, start-up: a fresh `node -e "require('kestra-constructs')"` against
 * `require('cdk8s-plus-27')` alone, resolved as a user's program resolves them (the
 * package's own `exports`, compiled `dist/`).
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { median, ms, table, verdict } from './stats';

const ROOT = path.resolve(__dirname, '..', '..', '..');

function timeRequire(moduleName: string): number {
  const start = performance.now();
  const result = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(moduleName)})`], { cwd: ROOT, encoding: 'utf8' });
  const elapsed = performance.now() - start;
  if (result.status !== 0) throw new Error(`require('${moduleName}') failed: ${result.stderr}`);
  return elapsed;
}

/** Names of @pulumi modules that requiring the root entry loads (must be none). */
function pulumiModulesLoadedByRoot(): string[] {
  const script = "require('kestra-constructs'); console.log(JSON.stringify(Object.keys(require.cache).filter((f) => f.includes('@pulumi'))))";
  const result = spawnSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(result.stderr);
  return JSON.parse(result.stdout);
}

export interface StartupResult {
  readonly baselineMs: number;
  readonly packageMs: number;
  readonly nodeMs: number;
  readonly runs: number;
  readonly pulumiModules: string[];
}

export function measureStartup(runs: number): StartupResult {
  const baseline: number[] = [];
  const pkg: number[] = [];
  const bare: number[] = [];
  // Interleaved, so a noisy neighbour hits both sides alike.
  for (let i = 0; i < runs; i++) {
    bare.push(timeRequire('path'));
    baseline.push(timeRequire('cdk8s-plus-27'));
    pkg.push(timeRequire('kestra-constructs'));
  }
  return { baselineMs: median(baseline), packageMs: median(pkg), nodeMs: median(bare), runs, pulumiModules: pulumiModulesLoadedByRoot() };
}

export const STARTUP_TARGET_EXTRA_MS = 30;

export function startupTable(result: StartupResult): { markdown: string; verdicts: string[] } {
  const extra = result.packageMs - result.baselineMs;
  const markdown = table([
    ['process', 'median wall time', 'runs'],
    ["node -e \"require('path')\" (node alone)", ms(result.nodeMs), String(result.runs)],
    ["node -e \"require('cdk8s-plus-27')\"", ms(result.baselineMs), String(result.runs)],
    ["node -e \"require('kestra-constructs')\"", ms(result.packageMs), String(result.runs)],
  ]);
  return {
    markdown,
    verdicts: [
      `kestra-constructs at most ${STARTUP_TARGET_EXTRA_MS} ms more than cdk8s-plus-27: +${ms(extra)} — ${verdict(extra <= STARTUP_TARGET_EXTRA_MS)}`,
      ...(extra > STARTUP_TARGET_EXTRA_MS
        ? ['Why: the package\'s own ~50 compiled modules load with it; the YAML libraries (~35 ms together) are already loaded lazily, on first use.']
        : []),
      `root entry loads no @pulumi/* module: ${result.pulumiModules.length === 0 ? 'none loaded — met' : `**missed**: ${result.pulumiModules.length} loaded`}`,
    ],
  };
}
