import { loadAppModule, loadFlowsFolder, mainGuardHint, resolveTarget } from './app-loader';
import type { CliCommand, CliIo } from './main';
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
    const target = resolveTarget(targets[0]);
    const reports = target.kind === 'folder' ? [ReferenceGraph.of(loadFlowsFolder(target.path).chart).report()] : reportModule(target.path, io);
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

function reportModule(file: string, io: CliIo): ReferenceReport[] {
  // a failing synth check still leaves the graph to report
  const graphs = capturedReferenceGraphs(() => loadAppModule(file, io));
  if (graphs.length === 0) throw new Error(`${file} declared no Kestra flow, K/V entry or namespace file${mainGuardHint(file)}`);
  return graphs.map((graph) => graph.report());
}
