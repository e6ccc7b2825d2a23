/**
 * Suite 3, provider efficiency: the dynamic providers against the loopback Kestra API test
 * server with a fixed latency on every request. Counts HTTP requests per operation and times
 * each phase at a fixed concurrency, against the ideal `requests × latency ÷ concurrency`.
 */
import { ChildProcess, fork } from 'child_process';
import * as path from 'path';
import { performance } from 'perf_hooks';
import type { ServerRequest, ServerState } from './api-server-process';
import { ms, ratio, table, verdict } from './stats';
import { flowSource, keyValue, namespaceFile } from './workload';
import type * as Provider from '../lib/pulumi/provider';

// The compiled package, as the Pulumi engine loads it; types come from the sources.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const provider: typeof Provider = require('../../../dist/pulumi/provider/index.js');

export interface ProviderOptions {
  readonly perKind: number;
  readonly latencyMs: number;
  readonly concurrency: number;
}

interface PhaseResult {
  readonly phase: string;
  readonly operations: number;
  readonly requests: number;
  readonly byRoute: Record<string, number>;
  readonly wallMs: number;
  readonly idealMs: number;
}

export interface ProviderResult {
  readonly options: ProviderOptions;
  readonly phases: PhaseResult[];
}

/** Runs `tasks` with at most `concurrency` in flight, as the Pulumi engine does with `--parallel`. */
async function pool<T>(tasks: readonly (() => Promise<T>)[], concurrency: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const index = next++;
      results[index] = await tasks[index]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, tasks.length) }, worker));
  return results;
}

/** The methods the engine calls, all present on the package's providers. */
interface DynamicProvider {
  check(olds: unknown, news: unknown): Promise<{ inputs: any; failures?: unknown[] }>;
  create(inputs: unknown): Promise<{ id: string; outs: any }>;
  read(id: string, props: unknown): Promise<{ id?: string; props?: any }>;
  diff(id: string, olds: unknown, news: unknown): Promise<{ changes?: boolean; replaces?: string[] }>;
  update(id: string, olds: unknown, news: unknown): Promise<{ outs: any }>;
  delete(id: string, props: unknown): Promise<void>;
}

interface Managed {
  readonly kind: 'flow' | 'kv' | 'file';
  readonly provider: DynamicProvider;
  inputs: any;
  id?: string;
  outs?: any;
}

/** The test server's process, asked one thing at a time. */
class RemoteServer {
  static async start(latencyMs: number): Promise<RemoteServer> {
    const child = fork(path.join(__dirname, 'api-server-process.js'), [String(latencyMs)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const remote = new RemoteServer(child);
    const { url } = await remote.next<{ url: string }>();
    remote.url = url;
    return remote;
  }

  public url = '';
  private constructor(private readonly child: ChildProcess) {}

  async ask<T>(request: ServerRequest): Promise<T> {
    const answer = this.next<T>();
    this.child.send(request);
    return answer;
  }

  private next<T>(): Promise<T> {
    return new Promise((resolve, reject) => {
      const onExit = (code: number) => reject(new Error(`the test server exited with ${code}`));
      this.child.once('exit', onExit);
      this.child.once('message', (message) => {
        this.child.off('exit', onExit);
        resolve(message as T);
      });
    });
  }
}

export async function measureProvider(options: ProviderOptions): Promise<ProviderResult> {
  const server = await RemoteServer.start(options.latencyMs);
  const connection = { url: server.url };
  const managed: Managed[] = [];
  for (let i = 0; i < options.perKind; i++) {
    managed.push({ kind: 'flow', provider: provider.flowProvider as unknown as DynamicProvider, inputs: { connection, source: flowSource(i) } });
    const entry = keyValue(i);
    managed.push({
      kind: 'kv',
      provider: provider.keyValueProvider as unknown as DynamicProvider,
      inputs: { connection, namespace: 'company.data.partners', key: entry.key, value: entry.value },
    });
    const file = namespaceFile(i);
    managed.push({ kind: 'file', provider: provider.namespaceFileProvider as unknown as DynamicProvider, inputs: { connection, namespace: 'company.data.partners', path: file.filename, content: file.content } });
  }
  const phases: PhaseResult[] = [];
  const phase = async (name: string, work: (m: Managed) => Promise<void>) => {
    await server.ask('reset');
    const start = performance.now();
    await pool(managed.map((m) => () => work(m)), options.concurrency);
    const wallMs = performance.now() - start;
    const byRoute = await server.ask<Record<string, number>>('counts');
    const requests = Object.values(byRoute).reduce((a, b) => a + b, 0);
    const idealMs = (requests * options.latencyMs) / options.concurrency;
    phases.push({ phase: name, operations: managed.length, requests, byRoute, wallMs, idealMs });
  };

  try {
    // What `pulumi preview` runs: local checks, plus Kestra's own validation of each flow.
    await phase('check (preview)', async (m) => {
      const result = await m.provider.check({}, m.inputs);
      if (result.failures?.length) throw new Error(`check failed: ${JSON.stringify(result.failures)}`);
      m.inputs = result.inputs;
    });
    await phase('create', async (m) => {
      const created = await m.provider.create(m.inputs);
      m.id = created.id;
      m.outs = created.outs;
    });
    await phase('read (refresh)', async (m) => {
      const read = await m.provider.read(m.id!, m.outs);
      if (read.id !== m.id) throw new Error(`refresh lost ${m.id}`);
    });
    // No-op update: the engine calls diff and, with no change, never calls update. (A reformatted flow is a
    // change: Kestra keeps and shows the text verbatim.)
    await phase('no-op update', async (m) => {
      const diff = await m.provider.diff(m.id!, m.outs, m.inputs);
      if (diff.changes) throw new Error(`${m.id} reported a change: ${JSON.stringify(diff)}`);
    });
    // Rotated credentials: diff reports a change of `connection` (the state must hold the new ones), the
    // engine calls update, and update has nothing to write to Kestra.
    await phase('credential rotation', async (m) => {
      const news = { ...m.inputs, connection: { ...m.inputs.connection, apiToken: 'rotated-token' } };
      const diff = await m.provider.diff(m.id!, m.outs, news);
      if (!diff.changes || diff.replaces?.length) throw new Error(`${m.id}: expected an in-place update, got ${JSON.stringify(diff)}`);
      m.outs = (await m.provider.update(m.id!, m.outs, news)).outs;
      m.inputs = news;
    });
    await phase('update', async (m) => {
      const news = m.kind === 'flow'
        ? { ...m.inputs, source: m.inputs.source.replace('Pulls partner', 'Fetches partner') }
        : m.kind === 'kv' ? { ...m.inputs, value: typeof m.inputs.value === 'number' ? m.inputs.value + 1 : `${JSON.stringify(m.inputs.value)}-v2` }
          : { ...m.inputs, content: `${m.inputs.content}# v2\n` };
      const diff = await m.provider.diff(m.id!, m.outs, news);
      if (!diff.changes || diff.replaces?.length) throw new Error(`${m.id}: expected an in-place update, got ${JSON.stringify(diff)}`);
      m.outs = (await m.provider.update(m.id!, m.outs, news)).outs;
      m.inputs = news;
    });
    await phase('delete', async (m) => {
      await m.provider.delete(m.id!, m.outs);
    });
    const state = await server.ask<ServerState>('state');
    if (state.contractViolations.length > 0) throw new Error(`contract violations: ${state.contractViolations.slice(0, 3).join('; ')}`);
    if (state.unrouted.length > 0) throw new Error(`requests no Kestra route serves: ${state.unrouted.slice(0, 3).join('; ')}`);
    if (state.resources !== 0) throw new Error(`delete left ${state.resources} resources behind`);
  } finally {
    await server.ask('close');
  }
  return { options, phases };
}

const TARGET_WALL_RATIO = 1.3;

export function providerTable(result: ProviderResult): { preamble: string; markdown: string; verdicts: string[] } {
  const { perKind, latencyMs, concurrency } = result.options;
  const preamble = `${perKind} flows + ${perKind} K/V entries + ${perKind} namespace files (${3 * perKind} resources), ` +
    `loopback Kestra API test server with ${latencyMs} ms added to every request, ${concurrency} operations in flight ` +
    '(as `pulumi up --parallel ' + concurrency + '`), providers called directly as the engine calls them. ' +
    `Ideal wall time = requests × ${latencyMs} ms ÷ ${concurrency}.`;
  const rows = [['phase', 'operations', 'HTTP requests', 'requests / resource', 'by route', 'wall time', 'ideal', 'wall / ideal']];
  for (const p of result.phases) {
    const byRoute = Object.entries(p.byRoute).map(([route, count]) => `${route}: ${count}`).join('<br>') || '—';
    rows.push([p.phase, String(p.operations), String(p.requests), (p.requests / p.operations).toFixed(2), byRoute, ms(p.wallMs),
      p.requests > 0 ? ms(p.idealMs) : '—', p.requests > 0 ? ratio(p.wallMs / p.idealMs) : '—']);
  }
  const get = (name: string) => result.phases.find((p) => p.phase.startsWith(name))!;
  const creates = get('create');
  const writes = Object.entries(creates.byRoute).filter(([route]) => !route.startsWith('GET')).reduce((a, [, c]) => a + c, 0);
  const verdicts = [
    `no-op update makes 0 requests: ${get('no-op').requests} — ${verdict(get('no-op').requests === 0)}`,
    `credential rotation writes nothing: ${get('credential').requests} requests — ${verdict(get('credential').requests === 0)}`,
    `refresh makes 1 request per resource: ${(get('read').requests / get('read').operations).toFixed(2)} — ${verdict(get('read').requests === get('read').operations)}`,
    `create makes 1 write per resource: ${(writes / creates.operations).toFixed(2)} writes per resource — ${verdict(writes === creates.operations)}; ` +
      'plus one read per K/V entry and namespace file (their writes are upserts: the read is what lets create adopt an equal ' +
      `object and refuse to overwrite a different one), and at preview one validate per flow (${get('check').requests} for ${perKind} flows)`,
  ];
  for (const p of result.phases.filter((x) => x.requests > 0)) {
    verdicts.push(`${p.phase} within ${TARGET_WALL_RATIO}× of ideal: ${ratio(p.wallMs / p.idealMs)} — ${verdict(p.wallMs / p.idealMs <= TARGET_WALL_RATIO)}`);
  }
  return { preamble, markdown: table(rows), verdicts };
}
