import { createRequire } from 'module';
import * as path from 'path';
import * as vm from 'vm';
import * as pulumi from '@pulumi/pulumi';
import { KestraApiServer } from '../util/kestra-api-server';

/** A provider as the engine runs it: loaded from its serialized text, plain JSON in and out. */
export interface SerializedProvider {
  /** The serialized module text (what Pulumi stores in `__provider`). */
  readonly text: string;
  check(olds: unknown, news: unknown): Promise<any>;
  diff(id: string, olds: unknown, news: unknown): Promise<any>;
  create(inputs: unknown): Promise<any>;
  read(id: string, props?: unknown): Promise<any>;
  update(id: string, olds: unknown, news: unknown): Promise<any>;
  delete(id: string, props: unknown): Promise<void>;
}

/**
 * Serializes `() => provider` exactly as `pulumi.dynamic.Resource` does and loads the text in a
 * fresh V8 context whose only links to this process are `require`, `process` and Node's globals,
 * the way the dynamic-provider host evaluates `__provider`. Arguments and results cross the
 * boundary as JSON, as they do over the engine's gRPC.
 */
export async function serializeAndLoad(provider: pulumi.dynamic.ResourceProvider): Promise<SerializedProvider> {
  const { text } = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: false });
  const root = path.join(__dirname, '..', '..');
  const module = { exports: {} as Record<string, unknown> };
  const context = vm.createContext({
    module,
    exports: module.exports,
    require: createRequire(path.join(root, 'package.json')),
    process,
    Buffer,
    URL,
    URLSearchParams,
    TextEncoder,
    TextDecoder,
    console,
    setTimeout,
    clearTimeout,
    setImmediate,
    queueMicrotask,
  });
  vm.runInContext('globalThis.global = globalThis;', context);
  vm.runInContext(text, context, { filename: 'serialized-provider.js' });
  vm.runInContext(`
    const provider = module.exports.handler();
    globalThis.__call = async (method, argsJson) => {
      try {
        const result = await provider[method](...JSON.parse(argsJson));
        return JSON.stringify({ ok: result === undefined ? null : result });
      } catch (err) {
        return JSON.stringify({ error: String(err && err.message), name: err && err.name });
      }
    };`, context);
  const call = async (method: string, ...args: unknown[]): Promise<any> => {
    const reply = JSON.parse(await (context.__call as (m: string, a: string) => Promise<string>)(method, JSON.stringify(args)));
    if ('error' in reply) throw Object.assign(new Error(reply.error), { name: reply.name });
    return reply.ok ?? undefined;
  };
  return {
    text,
    check: (olds, news) => call('check', olds, news),
    diff: (id, olds, news) => call('diff', id, olds, news),
    create: (inputs) => call('create', inputs),
    read: (id, props) => call('read', id, props),
    update: (id, olds, news) => call('update', id, olds, news),
    delete: async (id, props) => { await call('delete', id, props); },
  };
}

/** What a provider test works with: the serialized provider and this test's loopback Kestra API. */
export interface ProviderHarness {
  provider: SerializedProvider;
  server: KestraApiServer;
  connection: { url: string; retry: { baseDelayMs: number } };
}

/**
 * Registers the jest hooks every provider suite needs: `provider` serialized once, a fresh
 * loopback Kestra API per test (fast retries), and after each test a check that no request
 * broke the OpenAPI contract. `bind` receives the harness whenever it changes.
 */
export function useSerializedProvider(provider: pulumi.dynamic.ResourceProvider, bind: (harness: ProviderHarness) => void): void {
  const harness = {} as ProviderHarness;
  beforeAll(async () => {
    harness.provider = await serializeAndLoad(provider);
    bind(harness);
  });
  beforeEach(async () => {
    harness.server = await KestraApiServer.start();
    harness.connection = { url: harness.server.url, retry: { baseDelayMs: 1 } };
    bind(harness);
  });
  afterEach(async () => {
    expect(harness.server.contractViolations).toEqual([]);
    expect(harness.server.unrouted).toEqual([]);
    await harness.server.close();
  });
}
