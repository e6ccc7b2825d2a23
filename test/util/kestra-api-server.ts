import * as fs from 'fs';
import * as http from 'http';
import { AddressInfo } from 'net';
import * as path from 'path';
import type { OpenAPIBackend, Operation } from 'openapi-backend';
import { kvReadBack } from './kestra-api-kv';
import { durationMs, flowIdentity, loadContract, MultipartPart, parseMultipart, validateFlows, zipEntries } from './kestra-api-support';

export { parseMultipart } from './kestra-api-support';

// An in-memory Kestra API on 127.0.0.1 for the Pulumi provider tests (and the benchmark): flows,
// K/V entries and namespace files with Kestra's answers, every request checked against the
// OpenAPI subset in test/fixtures/kestra-api, and configurable latency and faults.

// Found from the package root, so the server also runs compiled (the benchmarks run it from bench/out/).
const SPEC = path.join(packageRoot(__dirname), 'test', 'fixtures', 'kestra-api', 'openapi-subset.yml');

function packageRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

/** A fault for the next `times` requests of one operation (by operationId, e.g. `createFlow`). */
export interface FaultRule {
  /** The operation to disturb, e.g. `createFlow`, `setKeyValue`, `createNamespaceFile`. */
  readonly operationId: string;
  /** How many of the next matching requests are disturbed. */
  readonly times: number;
  /** Answer with this status (and a Kestra-style JSON `message`) instead of processing. */
  readonly status?: number;
  /** Kestra's `message` in the body sent with `status` (default: `Injected <status>`). */
  readonly message?: string;
  /** `Retry-After` header sent with `status`. */
  readonly retryAfter?: string;
  /** Destroy the connection without answering: `before` processing, or `after` the state changed. */
  readonly drop?: 'before' | 'after';
  /**
   * With `status`: process the request first (the write lands), then answer `status` — a gateway that
   * timed out (504) while Kestra went on.
   */
  readonly applied?: boolean;
  /**
   * With `applied`: the written object stays invisible to this many following reads (404), as a write
   * still on its way through Kestra's queue and repository is.
   */
  readonly hiddenFromReads?: number;
  /** Extra delay before handling. */
  readonly delayMs?: number;
}

/** Options of {@link KestraApiServer.start}. */
export interface KestraApiServerOptions {
  /** Delay added to every request, in ms (default 0). */
  readonly latencyMs?: number;
  /** Credentials the server demands (default: none). */
  readonly auth?: { readonly token?: string; readonly username?: string; readonly password?: string };
}

/** A flow revision as the server stores it. */
export interface StoredFlow { namespace: string; id: string; revision: number; source: string; deleted: boolean }
/** A K/V entry as the server stores it. */
export interface StoredKv { type: string; value: unknown; revision: number; updated: string; description?: string; expiresAt?: number }

type Store = { flows: Map<string, StoredFlow>; kv: Map<string, StoredKv>; files: Map<string, Buffer> };
type ParsedRequest = { method: string; path: string; query: Record<string, string>; headers: Record<string, string> };
type Reply = { status: number; body?: unknown; raw?: Buffer; contentType?: string; headers?: Record<string, string> };

/** The loopback Kestra API. */
export class KestraApiServer {
  /** Starts a server on 127.0.0.1 with a free port. */
  static async start(options: KestraApiServerOptions = {}): Promise<KestraApiServer> {
    const api = await loadContract(SPEC);
    const server = new KestraApiServer(api, options);
    await new Promise<void>((resolve) => server.server.listen(0, '127.0.0.1', resolve));
    return server;
  }

  /** Delay added to every request, in ms. */
  public latencyMs: number;
  /** Every request that broke the OpenAPI contract, described; tests assert it stays empty. */
  public readonly contractViolations: string[] = [];
  /**
   * Requests for a path no Kestra route serves (`METHOD /path`): answered 404 the way Micronaut answers an unknown
   * route (ErrorController.notFound in kestra-io/kestra webserver/.../controllers/ErrorController.java). A wrong URL
   * prefix, or a Kestra older than 0.23 (no `{tenant}` segment), sends everything here.
   */
  public readonly unrouted: string[] = [];
  /** Milliseconds added to the server's clock, which decides K/V expiry (see {@link advanceClock}). */
  private clockOffsetMs = 0;
  /** Object keys a write made invisible, with how many reads stay blind to them. */
  private readonly hidden = new Map<string, number>();
  private readonly server: http.Server;
  private readonly counts = new Map<string, number>();
  private readonly faults: Array<FaultRule & { left: number }> = [];
  private readonly tenants = new Map<string, Store>();
  private clock = 0;

  private constructor(private readonly api: OpenAPIBackend, private readonly options: KestraApiServerOptions) {
    this.latencyMs = options.latencyMs ?? 0;
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch((err) => {
        this.contractViolations.push(`server error: ${(err as Error).stack}`);
        if (!res.headersSent) res.writeHead(500).end();
      });
    });
  }

  /** Base URL, e.g. `http://127.0.0.1:43121`. */
  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Requests received per `METHOD /api/v1/{tenant}/...` route template (faulted ones included). */
  requestCounts(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }

  /** Forgets the request counts. */
  resetCounts(): void {
    this.counts.clear();
  }

  /** Disturbs the next `rule.times` requests of `rule.operationId`. */
  inject(rule: FaultRule): void {
    this.faults.push({ ...rule, left: rule.times });
  }

  /** Drops every fault not yet consumed. */
  clearFaults(): void {
    this.faults.length = 0;
  }

  /** Faults not yet consumed. */
  pendingFaults(): number {
    return this.faults.reduce((sum, f) => sum + f.left, 0);
  }

  /** Live (not deleted) flows of a tenant. */
  flows(tenant = 'main'): StoredFlow[] {
    return [...this.store(tenant).flows.values()].filter((f) => !f.deleted);
  }

  /** K/V entries of a tenant, by `namespace/key`. */
  keyValues(tenant = 'main'): Map<string, StoredKv> {
    return this.store(tenant).kv;
  }

  /** Namespace files of a tenant, by `namespace:/path`. */
  files(tenant = 'main'): Map<string, Buffer> {
    return this.store(tenant).files;
  }

  /** Moves the server's clock forward: K/V entries whose TTL has run out answer 410 Gone. */
  advanceClock(ms: number): void {
    this.clockOffsetMs += ms;
  }

  /** The server's current time, in ms. */
  now(): number {
    return Date.now() + this.clockOffsetMs;
  }

  /** Stops the server, cutting open connections. */
  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private store(tenant: string): Store {
    let store = this.tenants.get(tenant);
    if (!store) this.tenants.set(tenant, store = { flows: new Map(), kv: new Map(), files: new Map() });
    return store;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', 'http://localhost');
    const query = Object.fromEntries(url.searchParams);
    const request = { method: req.method ?? 'GET', path: url.pathname, query, headers: req.headers as Record<string, string> };
    const operation = this.api.matchOperation(request);
    const routeKey = `${request.method} ${operation?.path ?? '<unmatched>'}`;
    this.counts.set(routeKey, (this.counts.get(routeKey) ?? 0) + 1);
    if (this.latencyMs > 0) await sleep(this.latencyMs);
    if (!operation) {
      this.unrouted.push(`${request.method} ${url.pathname}`);
      return send(res, { status: 404, body: { message: 'Not Found', _links: { self: { href: req.url, templated: false } } } });
    }
    const contentType = String(req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    const parts = contentType === 'multipart/form-data' ? parseMultipart(body, String(req.headers['content-type'])) : undefined;
    const problems = this.contractProblems(operation, request, body, contentType, parts);
    if (problems.length > 0) {
      this.contractViolations.push(`${routeKey} (${req.url}): ${problems.join('; ')}`);
      return send(res, { status: 400, body: { message: `Bad request: ${problems.join('; ')}` } });
    }
    if (!this.authorized(req.headers.authorization)) return send(res, { status: 401, body: { message: 'Unauthorized' } });
    const fault = this.faults.find((f) => f.operationId === operation.operationId && f.left > 0);
    if (fault) fault.left--;
    if (fault?.delayMs) await sleep(fault.delayMs);
    if (fault?.drop === 'before') return void req.socket.destroy();
    if (fault?.status && !fault.applied) {
      const headers: Record<string, string> = fault.retryAfter !== undefined ? { 'Retry-After': fault.retryAfter } : {};
      return send(res, { status: fault.status, headers, body: { message: fault.message ?? `Injected ${fault.status}` } });
    }
    const params = this.pathParams(operation.path, url.pathname);
    const reply = this.dispatch(operation.operationId!, this.store(params.tenant), params, query, req.headers, body, parts);
    if (fault?.drop === 'after') return void req.socket.destroy();
    if (fault?.status && fault.applied) {
      if (fault.hiddenFromReads) this.hide(operation.operationId!, params, query, body, fault.hiddenFromReads);
      return send(res, { status: fault.status, body: { message: `Gateway Timeout (injected ${fault.status} after the write)` } });
    }
    if (reply.body !== undefined && reply.status < 300) {
      const check = this.api.validateResponse(reply.body, operation, reply.status);
      if (!check.valid) this.contractViolations.push(`${routeKey}: response breaks the schema: ${JSON.stringify(check.errors)}`);
    }
    send(res, reply);
  }

  private contractProblems(
    operation: Operation, request: ParsedRequest, body: Buffer, contentType: string, parts: Map<string, Buffer> | undefined,
  ): string[] {
    const problems: string[] = [];
    const declared = Object.keys((operation.requestBody as { content?: object } | undefined)?.content ?? {});
    if (declared.length > 0) {
      if (!declared.includes(contentType)) problems.push(`content type "${contentType}" is not one of ${declared.join(', ')}`);
      if ((operation.requestBody as { required?: boolean }).required && body.length === 0) problems.push('the request body is required');
      if (contentType === 'multipart/form-data' && operation.operationId === 'createNamespaceFile' && !parts?.has('fileContent')) {
        problems.push('multipart body has no "fileContent" part');
      }
    } else if (body.length > 0) {
      problems.push('this operation takes no request body');
    }
    const requestBody = parts ? Object.fromEntries([...parts].map(([k, v]) => [k, v.toString('latin1')])) : undefined;
    const validation = this.api.validateRequest({ ...request, body: requestBody }, operation);
    // openapi-backend checks only JSON and form bodies; a YAML or text body's presence is checked above
    const errors = (validation.errors ?? []).filter((e) => parts !== undefined || e.params?.missingProperty !== 'requestBody');
    problems.push(...errors.map((e) => `${e.instancePath || e.schemaPath} ${e.message}`));
    return problems;
  }

  private authorized(header: string | undefined): boolean {
    const auth = this.options.auth;
    if (!auth) return true;
    if (auth.token !== undefined) return header === `Bearer ${auth.token}`;
    return header === `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
  }

  private hide(operationId: string, p: Record<string, string>, query: Record<string, string>, body: Buffer, reads: number): void {
    const identity = operationId === 'createFlow' ? flowIdentity(body.toString('utf8')) : undefined;
    const key = identity && !('error' in identity) ? `flow:${p.tenant}/${identity.namespace}/${identity.id}`
      : operationId === 'setKeyValue' ? `kv:${p.tenant}/${p.namespace}/${p.key}` : `file:${p.tenant}/${p.namespace}:${query.path}`;
    this.hidden.set(key, reads);
  }

  /** True (and one read fewer) while a write is still invisible to reads. */
  private stillHidden(key: string): boolean {
    const left = this.hidden.get(key) ?? 0;
    if (left <= 0) return false;
    this.hidden.set(key, left - 1);
    return true;
  }

  private pathParams(template: string, pathname: string): Record<string, string> {
    const names = template.split('/');
    const values = pathname.split('/');
    const params: Record<string, string> = {};
    names.forEach((name, i) => { if (name.startsWith('{')) params[name.slice(1, -1)] = decodeURIComponent(values[i]); });
    return params;
  }

  private dispatch(operationId: string, store: Store, p: Record<string, string>, query: Record<string, string>,
    headers: http.IncomingHttpHeaders, body: Buffer, parts: Map<string, MultipartPart> | undefined): Reply {
    const flowKey = `${p.namespace}/${p.id}`;
    const kvKey = `${p.namespace}/${p.key}`;
    const fileKey = `${p.namespace}:${query.path}`;
    switch (operationId) {
      case 'createFlow': return this.createFlow(store, body.toString('utf8'));
      case 'updateFlow': return this.updateFlow(store, p, body.toString('utf8'));
      case 'listFlowsByNamespace': {
        const live = [...store.flows.values()].filter((f) => !f.deleted && f.namespace === p.namespace);
        return { status: 200, body: live.map((f) => flowJson(f, false)) };
      }
      case 'getFlow': {
        if (this.stillHidden(`flow:${p.tenant}/${flowKey}`)) return notFound(`Flow ${flowKey} not found`);
        const flow = store.flows.get(flowKey);
        return flow && !flow.deleted ? { status: 200, body: flowJson(flow, query.source === 'true') } : notFound(`Flow ${flowKey} not found`);
      }
      case 'deleteFlow': {
        const flow = store.flows.get(flowKey);
        if (!flow || flow.deleted) return notFound(`Flow ${flowKey} not found`);
        flow.deleted = true;
        return { status: 204 };
      }
      case 'validateFlows': return { status: 200, body: validateFlows(body.toString('utf8')) };
      case 'setKeyValue': return this.setKeyValue(store, kvKey, body.toString('utf8'), headers);
      case 'getKeyValue': {
        const entry = store.kv.get(kvKey);
        if (!entry || this.stillHidden(`kv:${p.tenant}/${kvKey}`)) return notFound(`No value found for key '${p.key}' in namespace '${p.namespace}'`);
        // InternalKVStore.getRaw (kestra-io/kestra core/.../storages/kv/InternalKVStore.java): an expired entry is deleted
        // and ResourceExpiredException thrown, 410 Gone through ErrorController; the next read finds nothing (404)
        if (entry.expiresAt !== undefined && this.now() > entry.expiresAt) {
          store.kv.delete(kvKey);
          return { status: 410, body: { message: 'Resource has expired: The requested value has expired' } };
        }
        return { status: 200, body: { type: entry.type, value: entry.value, revision: entry.revision, updated: entry.updated } };
      }
      case 'deleteKeyValue': return { status: 200, body: store.kv.delete(kvKey) };
      case 'createNamespaceFile': {
        if (!query.path.startsWith('/')) return { status: 422, body: { message: `Invalid path '${query.path}'` } };
        const upload = parts!.get('fileContent')!;
        // NamespaceFileController.innerCreateNamespaceFile (kestra-io/kestra webserver/.../controllers/api/): a part whose
        // *filename* ends in .zip is extracted at `/`, `path` ignored, 200 either way
        if (upload.filename?.toLowerCase().endsWith('.zip')) {
          for (const entry of zipEntries(upload)) store.files.set(`${p.namespace}:/${entry.name}`, entry.content);
          return { status: 200 };
        }
        store.files.set(fileKey, Buffer.from(upload));
        return { status: 200 };
      }
      case 'getFileContent': {
        if (this.stillHidden(`file:${p.tenant}/${fileKey}`)) return notFound(`File '${query.path}' not found`);
        const file = store.files.get(fileKey);
        return file ? { status: 200, raw: file, contentType: 'application/octet-stream' } : notFound(`File '${query.path}' not found`);
      }
      case 'deleteFileDirectory':
        return store.files.delete(fileKey) ? { status: 200 } : notFound(`File '${query.path}' not found`);
      default:
        return { status: 501, body: { message: `${operationId} is not implemented by the test server` } };
    }
  }

  private createFlow(store: Store, source: string): Reply {
    const parsed = flowIdentity(source);
    if ('error' in parsed) return invalid(parsed.error);
    const key = `${parsed.namespace}/${parsed.id}`;
    const existing = store.flows.get(key);
    if (existing && !existing.deleted) return invalid('flow.id: Flow id already exists');
    // Kestra keeps a deleted flow's revisions: re-creating it continues the numbering
    const flow = { ...parsed, source, revision: (existing?.revision ?? 0) + 1, deleted: false };
    store.flows.set(key, flow);
    return { status: 200, body: flowJson(flow, true) };
  }

  private updateFlow(store: Store, p: Record<string, string>, source: string): Reply {
    const flow = store.flows.get(`${p.namespace}/${p.id}`);
    if (!flow || flow.deleted) return notFound(`Flow ${p.namespace}/${p.id} not found`);
    const parsed = flowIdentity(source);
    if ('error' in parsed) return invalid(parsed.error);
    if (parsed.namespace !== p.namespace || parsed.id !== p.id) return invalid('flow: Illegal flow id or namespace update');
    if (flow.source !== source) {
      flow.source = source;
      flow.revision++;
    }
    return { status: 200, body: flowJson(flow, true) };
  }

  private setKeyValue(store: Store, key: string, text: string, headers: http.IncomingHttpHeaders): Reply {
    const typed = kvReadBack(text);
    // KVController.setKeyValue: an unreadable body is IllegalArgumentException("Invalid JSON value for: " + value),
    // 422 "Illegal argument: …" through ErrorController, the body echoed in the message
    if ('error' in typed) return { status: 422, body: { message: typed.error } };
    const ttl = headers.ttl as string | undefined;
    const ttlMs = ttl === undefined ? undefined : durationMs(ttl);
    if (ttlMs === null) return invalid(`ttl: "${ttl}" is not an ISO-8601 duration`);
    const previous = store.kv.get(key);
    store.kv.set(key, {
      ...typed,
      revision: (previous?.revision ?? 0) + 1,
      updated: new Date(this.now() + this.clock++).toISOString(),
      description: headers.description as string | undefined,
      expiresAt: ttlMs === undefined ? undefined : this.now() + ttlMs,
    });
    return { status: 200 };
  }
}

function send(res: http.ServerResponse, reply: Reply): void {
  const body = reply.raw ?? (reply.body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(reply.body)));
  const type = reply.contentType ?? (reply.body === undefined ? undefined : 'application/json');
  res.writeHead(reply.status, { ...reply.headers, ...(type ? { 'Content-Type': type } : {}), 'Content-Length': body.length });
  res.end(body);
}

function notFound(message: string): Reply {
  return { status: 404, body: { message } };
}

function invalid(message: string): Reply {
  return { status: 422, body: { message: `Invalid entity: ${message}`, _embedded: { errors: [{ message }] } } };
}

function flowJson(flow: StoredFlow, withSource: boolean): Record<string, unknown> {
  return {
    id: flow.id,
    namespace: flow.namespace,
    revision: flow.revision,
    deleted: false,
    disabled: false,
    draft: false,
    ...(withSource ? { source: flow.source } : {}),
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
