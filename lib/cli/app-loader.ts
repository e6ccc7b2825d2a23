// How the commands read their target: a cdk8s app module, loaded as `cdk8s synth` runs it, or a
// folder of flows, read as `KestraFlows` reads it. Shared so that every command sees the same app.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import type { CliIo } from './main';
import { KestraFlows } from '../resources/kestra-flows';

/** A command's target, resolved: an app module or a folder of flows. */
export interface CliTarget {
  readonly path: string;
  readonly kind: 'module' | 'folder';
}

/** Resolves the one target argument; fails naming it when it does not exist. */
export function resolveTarget(argument: string): CliTarget {
  const resolved = path.resolve(argument);
  if (!fs.existsSync(resolved)) throw new Error(`${argument} does not exist`);
  return { path: resolved, kind: fs.statSync(resolved).isDirectory() ? 'folder' : 'module' };
}

/** The flows of a folder, in a chart of their own. */
export function loadFlowsFolder(directory: string): { chart: Chart; flows: KestraFlows } {
  const chart = new Chart(new App(), 'report');
  return { chart, flows: new KestraFlows(chart, 'flows', { directory }) };
}

/**
 * Loads an app module (`main.ts` through the project's ts-node, or compiled `.js`) with its synth
 * output sent to a temporary folder that is removed afterwards. An error the module throws is
 * printed (first line) and returned: what the app built before it is still there to report.
 */
export function loadAppModule(file: string, io: CliIo): Error | undefined {
  if (/\.[cm]?ts$/.test(file) && !require.extensions['.ts']) registerTsNode(file);
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'kestra-report-'));
  const previousOutdir = process.env.CDK8S_OUTDIR;
  process.env.CDK8S_OUTDIR = outdir;
  try {
    delete require.cache[require.resolve(file)];
    // the user's app, loaded as `cdk8s synth` runs it
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require(file);
    return undefined;
  } catch (err) {
    io.err(`${path.basename(file)}: ${(err as Error).message.split('\n')[0]}\n`);
    return err as Error;
  } finally {
    if (previousOutdir === undefined) delete process.env.CDK8S_OUTDIR;
    else process.env.CDK8S_OUTDIR = previousOutdir;
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/**
 * Why an app module may have built nothing: the command imports it, so an app built only under
 * `if (require.main === module)` (as this package's examples do, to export their charts) is not built.
 */
export function mainGuardHint(file: string): string {
  const source = fs.readFileSync(file, 'utf8');
  return /require\.main\s*===?\s*module/.test(source)
    ? '; it builds its app only under `if (require.main === module)`, which is false when this command imports it: build the app when the module loads, or run the command on its folder of flows'
    : '';
}

function registerTsNode(file: string): void {
  let register: string;
  try {
    register = require.resolve('ts-node/register/transpile-only', { paths: [path.dirname(file), process.cwd()] });
  } catch {
    throw new Error(`${file} is TypeScript: install ts-node in the project, or pass the compiled .js file`);
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require(register);
}
