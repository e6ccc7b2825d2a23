/**
 * One synth measurement, run in a fresh process by synth-scale.ts so that every run starts
 * cold and peak memory belongs to this run alone. Prints one JSON line.
 *
 * Usage: node synth-worker.js <N> <library-first|floor-first|library-only>
 */
import { performance } from 'perf_hooks';
import { ApiObject, App, Chart } from 'cdk8s';
import * as jsYaml from 'js-yaml';
import type * as KestraConstructs from '../lib';
import { flowSource, keyValue, namespaceFile } from './workload';

// The compiled package, as users load it; types come from the sources.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const lib: typeof KestraConstructs = require('../../../dist/index.js');

const WARM_UP_N = 100;

interface Workload {
  readonly flows: string[];
  readonly keyValues: ReturnType<typeof keyValue>[];
  readonly files: ReturnType<typeof namespaceFile>[];
}

/** The inputs, generated before any clock starts: only the package's work is timed. */
function workload(n: number, withReferences = true): Workload {
  return {
    flows: Array.from({ length: n }, (_, i) => flowSource(i, withReferences)),
    keyValues: Array.from({ length: n }, (_, i) => keyValue(i)),
    files: Array.from({ length: n }, (_, i) => namespaceFile(i)),
  };
}

function buildLibraryApp(input: Workload): { app: App; chart: Chart } {
  const app = new App();
  const chart = new Chart(app, 'gitops', { namespace: 'kestra' });
  const kestra = new lib.Kestra(chart, 'kestra');
  new lib.KestraOperator(chart, 'operator', {
    kestra,
    credentials: lib.OperatorCredentials.apiToken({ secretName: 'kestra-operator', key: 'api-token' }),
  });
  for (let i = 0; i < input.flows.length; i++) {
    new lib.KestraFlow(chart, `flow-${i}`, { source: input.flows[i] });
    new lib.KestraKeyValue(chart, `kv-${i}`, { namespace: 'company.data.partners', ...input.keyValues[i] });
    new lib.KestraNamespaceFile(chart, `file-${i}`, { namespace: 'company.data.partners', ...input.files[i] });
  }
  return { app, chart };
}

function timeLibrary(input: Workload): { ms: number; yaml: string; bodies: any[]; references: number; referenceMs: number } {
  const start = performance.now();
  const { app, chart } = buildLibraryApp(input);
  const yaml = app.synthYaml();
  const ms = performance.now() - start;
  // Untimed: the synth checks ran inside synthYaml; make sure they had something to resolve.
  const report = lib.KestraReferenceChecks.report(chart);
  const resolved = report.flows.flatMap((f) => [...f.calls, ...f.keyValues, ...f.namespaceFiles]);
  if (report.errors.length > 0 || report.warnings.length > 0 || resolved.some((r) => r.resolved !== 'app')) {
    throw new Error(`the workload's references do not all resolve: ${[...report.errors, ...report.warnings].slice(0, 3).join('; ')}`);
  }
  return { ms, yaml, bodies: chart.toJson(), references: resolved.length, referenceMs: timeReferenceChecks(input, chart) };
}

/**
 * What the reference checks cost inside that synth, measured again on their own: extracting the
 * references of every parsed flow, and resolving the whole graph once more (the graph caches its
 * report, so its version is bumped to force the work).
 */
function timeReferenceChecks(input: Workload, chart: Chart): number {
  const documents = input.flows.map((source) => lib.parseFlowSource(source).document);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const graph = require('../../../dist/resources/reference-graph.js').ReferenceGraph.of(chart);
  const start = performance.now();
  for (const document of documents) lib.flowReferences(document);
  graph.version++;
  graph.report();
  return performance.now() - start;
}

function timeFloor(bodies: readonly any[]): number {
  const start = performance.now();
  const app = new App();
  const chart = new Chart(app, 'floor');
  bodies.forEach((body, i) => new ApiObject(chart, `o${i}`, body));
  app.synthYaml();
  return performance.now() - start;
}

/**
 * What validating the flows cannot avoid: parsing every source once with the parser the package
 * uses for valid flows (js-yaml, core schema). Reported so the library's overhead over the floor
 * can be split into that parse and the rest.
 */
function timeFlowParse(input: Workload): number {
  const start = performance.now();
  for (const source of input.flows) jsYaml.load(source, { schema: jsYaml.CORE_SCHEMA });
  return performance.now() - start;
}

/**
 * The control: the same synth of flows of the same size whose references are neutralised, so the
 * checks resolve nothing and order nothing. Its ratio to the floor is what the package costs
 * without the cross-references, on the same machine in the same state.
 */
function timeUnreferenced(n: number): number {
  const input = workload(n, false);
  const start = performance.now();
  const { app } = buildLibraryApp(input);
  app.synthYaml();
  return performance.now() - start;
}

const collectGarbage: () => void = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

function main(): void {
  const n = Number(process.argv[2]);
  const order = process.argv[3] ?? 'library-first';
  if (!Number.isInteger(n) || n < 0) throw new Error(`bad N: ${process.argv[2]}`);
  // Warm both code paths first, so neither side pays the JIT's start-up for the other:
  // at scale, steady-state cost is what users wait for.
  timeFloor(timeLibrary(workload(WARM_UP_N)).bodies);
  collectGarbage();
  let floorMs: number | undefined;
  if (order === 'floor-first') {
    // The floor needs the bodies first: build them once untimed, then start clean.
    const bodies = buildLibraryApp(workload(n)).chart.toJson();
    collectGarbage();
    floorMs = timeFloor(bodies);
    collectGarbage();
  }
  const input = workload(n);
  collectGarbage();
  const library = timeLibrary(input);
  // High-water mark taken before the floor runs, so it is the library's own.
  const maxRssBytes = process.resourceUsage().maxRSS * 1024;
  if (order === 'library-first') {
    collectGarbage();
    floorMs = timeFloor(library.bodies);
  }
  collectGarbage();
  const flowParseMs = timeFlowParse(input);
  collectGarbage();
  const unreferencedMs = timeUnreferenced(n);
  process.stdout.write(JSON.stringify({
    n,
    order,
    libraryMs: library.ms,
    floorMs,
    flowParseMs,
    maxRssBytes,
    objects: library.bodies.length,
    references: library.references,
    referenceMs: library.referenceMs,
    unreferencedMs,
    yamlBytes: Buffer.byteLength(library.yaml),
  }) + '\n');
}

main();
