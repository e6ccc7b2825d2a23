import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import type { CliCommand, CliIo } from './main';
import { KestraFlows } from '../resources/kestra-flows';
import { ReferenceReport } from '../resources/reference-analysis';
import { capturedReferenceGraphs, ReferenceGraph } from '../resources/reference-graph';
import { formatReferenceReport } from '../resources/reference-report';

/**
 * `report [--json] <app module | flows folder>`: each flow of the app with what it calls, reads
 * and is triggered by, and what does not resolve. A module (`main.ts` or compiled `.js`) is loaded
 * as `cdk8s synth` would run it, with its output sent to a temporary folder; every app it builds is
 * reported. A folder is read as `KestraFlows` would. Exit code 1 when the synth checks fail.
 */
export const reportCommand: CliCommand = {
  usage: 'report [--json] <app module (main.ts, main.js) | folder of flows>',
  run(args: readonly string[], io: CliIo): number {
    const json = args.includes('--json');
    const targets = args.filter((a) => !a.startsWith('--'));
    const unknown = args.filter((a) => a.startsWith('--') && a !== '--json');
    if (targets.length !== 1 || unknown.length > 0) throw new Error(`usage: kestra-constructs ${reportCommand.usage}`);
    const target = path.resolve(targets[0]);
    if (!fs.existsSync(target)) throw new Error(`${targets[0]} does not exist`);
    const reports = fs.statSync(target).isDirectory() ? [reportFolder(target)] : reportModule(target, io);
    const merged: ReferenceReport = {
      strict: reports.some((r) => r.strict),
      flows: reports.flatMap((r) => r.flows),
      cycles: reports.flatMap((r) => r.cycles),
      errors: reports.flatMap((r) => r.errors),
      warnings: reports.flatMap((r) => r.warnings),
    };
    io.out(formatReferenceReport(merged, json ? 'json' : 'text'));
    return merged.errors.length > 0 || (merged.strict && merged.warnings.length > 0) ? 1 : 0;
  },
};

function reportFolder(directory: string): ReferenceReport {
  const chart = new Chart(new App(), 'report');
  new KestraFlows(chart, 'flows', { directory });
  return ReferenceGraph.of(chart).report();
}

function reportModule(file: string, io: CliIo): ReferenceReport[] {
  if (/\.[cm]?ts$/.test(file) && !require.extensions['.ts']) registerTsNode(file);
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'kestra-report-'));
  const previousOutdir = process.env.CDK8S_OUTDIR;
  process.env.CDK8S_OUTDIR = outdir;
  const graphs = capturedReferenceGraphs(() => {
    try {
      delete require.cache[require.resolve(file)];
      // the user's app, loaded as `cdk8s synth` runs it
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require(file);
    } catch (err) {
      // a failing synth check still leaves the graph to report
      io.err(`${path.basename(file)}: ${(err as Error).message.split('\n')[0]}\n`);
    }
  });
  if (previousOutdir === undefined) delete process.env.CDK8S_OUTDIR;
  else process.env.CDK8S_OUTDIR = previousOutdir;
  fs.rmSync(outdir, { recursive: true, force: true });
  if (graphs.length === 0) throw new Error(`${file} declared no Kestra flow, K/V entry or namespace file`);
  return graphs.map((graph) => graph.report());
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
