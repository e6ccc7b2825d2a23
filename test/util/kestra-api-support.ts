import * as fs from 'fs';
import * as zlib from 'zlib';
import * as jsYaml from 'js-yaml';
import type { OpenAPIBackend } from 'openapi-backend';
import { parse as parseYaml } from 'yaml';

// Support for the loopback Kestra API (kestra-api-server.ts): loading the OpenAPI contract, and
// how Kestra reads what it receives (flow identity, validate verdicts, K/V typing, durations, multipart).

/** An initialized openapi-backend over the spec file, with the formats Kestra's spec uses. */
export async function loadContract(specPath: string): Promise<OpenAPIBackend> {
  const { OpenAPIBackend: Backend } = loadOpenApiBackend();
  const api = new Backend({
    definition: scalarExplodeDropped(parseYaml(fs.readFileSync(specPath, 'utf8'))),
    quick: true,
    validate: true,
    strict: true,
    customizeAjv: (ajv) => ajv
      .addFormat('date-time', (text: string) => /^\d{4}-\d{2}-\d{2}T/.test(text) && !Number.isNaN(Date.parse(text)))
      .addFormat('binary', true),
  });
  await api.init();
  api.validateDefinition(); // quick mode skips it
  // openapi-backend rebuilds its operation list (lodash over every path) on each match, twice a
  // request; the definition never changes here, so build it once. Keeps the server's own CPU out of
  // the providers' measured latency.
  const router = api.router as unknown as { getOperations(): unknown[] };
  const operations = router.getOperations();
  router.getOperations = () => operations;
  return api;
}

/**
 * openapi-backend 5.16+ imports @apidevtools/json-schema-ref-parser 16, built for Node 22: Jest's
 * module loader (before Node 24.9) cannot load it, and on plain Node 20 its `parse` of an object
 * does not return the document. The server never needs it: the spec is parsed here and
 * dereferenced with openapi-backend's synchronous `quick` path, so the import is replaced (Jest's
 * registry under Jest, the require cache elsewhere, e.g. in the benchmarks) by a stub whose `parse`
 * is the identity for an object and that fails loudly if anything else is ever called.
 */
function loadOpenApiBackend(): typeof import('openapi-backend') {
  const unused = (): never => { throw new Error('json-schema-ref-parser is not used by the loopback Kestra API'); };
  // openapi-backend always `parse`s its input; for an object that is the identity
  const parse = async (document: unknown): Promise<unknown> => (typeof document === 'object' ? document : unused());
  const stub = { __esModule: true, default: { dereference: unused, parse, resolve: unused } };
  if (typeof jest !== 'undefined') {
    jest.doMock('@apidevtools/json-schema-ref-parser', () => stub);
  } else {
    const resolved = require.resolve('@apidevtools/json-schema-ref-parser', { paths: [require.resolve('openapi-backend')] });
    require.cache[resolved] = { id: resolved, filename: resolved, loaded: true, exports: stub } as unknown as NodeJS.Module;
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('openapi-backend');
}

/**
 * `explode` means nothing for a scalar parameter (OpenAPI 3.0, Parameter Object), but Kestra's spec
 * sets `explode: false` on string query parameters and openapi-backend then splits the value on
 * commas into an array, rejecting `path=/a,b.txt` as "must be string". Drop it for scalars.
 */
function scalarExplodeDropped(definition: any): any {
  for (const pathItem of Object.values(definition.paths ?? {}) as any[]) {
    for (const operation of Object.values(pathItem) as any[]) {
      for (const parameter of operation.parameters ?? []) {
        if (parameter.explode === false && !['array', 'object'].includes(parameter.schema?.type)) delete parameter.explode;
      }
    }
  }
  return definition;
}


/**
 * The documents of a YAML text, or `undefined` when it does not parse (duplicate keys included).
 * js-yaml rather than the `yaml` library: the server is single-threaded, and its parsing time would
 * otherwise show up in the benchmarks as if it were the client's.
 */
function loadDocuments(text: string): unknown[] | undefined {
  try {
    return jsYaml.loadAll(text, undefined, { schema: jsYaml.CORE_SCHEMA });
  } catch {
    return undefined;
  }
}

/** The id and namespace of a flow source, or why Kestra would reject it. */
export function flowIdentity(source: string): { id: string; namespace: string } | { error: string } {
  const docs = loadDocuments(source);
  if (!docs || docs.length === 0) return { error: 'flow: invalid YAML' };
  const json = docs[0] as Record<string, unknown> | null;
  if (!json || typeof json.id !== 'string' || typeof json.namespace !== 'string') return { error: 'flow: id and namespace are required' };
  return { id: json.id, namespace: json.namespace };
}

/**
 * Kestra's validate endpoint: the body is cut on `\n+---\n*?` (FlowController.validateFlows in kestra-io/kestra
 * webserver/src/main/java/io/kestra/webserver/controllers/api/FlowController.java), not parsed as a YAML stream,
 * and each piece is validated as one flow: a piece with only comments is an empty flow, a constraint violation.
 */
export function validateFlows(text: string): Array<Record<string, unknown>> {
  return text.split(/\n+---\n*?/).map((piece, index) => {
    const docs = loadDocuments(piece);
    const doc = docs?.[0];
    const flow = (doc !== null && typeof doc === 'object' ? doc : null) as Record<string, unknown> | null;
    const tasks = flow?.tasks;
    // Kestra resolves every task type against its plugins; a bare class name never resolves
    const unknownType = Array.isArray(tasks) ? tasks.findIndex((t) => !String((t as { type?: unknown }).type).includes('.')) : -1;
    const constraints = docs === undefined ? 'flow: invalid YAML'
      : !flow ? 'flow: must not be empty'
        : !Array.isArray(tasks) || tasks.length === 0 ? 'tasks: must not be empty'
          : unknownType >= 0 ? `tasks[${unknownType}].type: Invalid type: ${String((tasks[unknownType] as { type?: unknown }).type)}` : undefined;
    const deprecated = Array.isArray(tasks)
      ? tasks.flatMap((t, i) => (String((t as { type?: unknown }).type).startsWith('io.kestra.core.tasks.') ? [`tasks[${i}].type`] : []))
      : [];
    return {
      index,
      flow: flow?.id,
      namespace: flow?.namespace,
      outdated: false,
      deprecationPaths: deprecated,
      warnings: deprecated.map((d) => `${d} uses a deprecated task type`),
      infos: [],
      ...(constraints ? { constraints } : {}),
    };
  });
}

/** Milliseconds of an ISO-8601 duration (days to seconds), or null when it is not one. */
export function durationMs(text: string): number | null {
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(text);
  if (!m || text === 'P' || text.endsWith('T')) return null;
  return ((Number(m[1] ?? 0) * 24 + Number(m[2] ?? 0)) * 60 + Number(m[3] ?? 0)) * 60_000 + Number(m[4] ?? 0) * 1000;
}

/** A part of a multipart body: its bytes, and the `filename` of its Content-Disposition when it has one. */
export type MultipartPart = Buffer & { readonly filename?: string };

/** A small multipart/form-data parser: part name → raw bytes (with the part's filename). */
export function parseMultipart(body: Buffer, contentType: string): Map<string, MultipartPart> {
  const parts = new Map<string, MultipartPart>();
  const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1];
  if (!boundary) return parts;
  const delimiter = Buffer.from(`--${boundary}`);
  let start = body.indexOf(delimiter);
  while (start >= 0) {
    const next = body.indexOf(delimiter, start + delimiter.length);
    if (next < 0) break;
    const part = body.subarray(start + delimiter.length + 2, next - 2); // skip CRLF after delimiter and before the next
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd >= 0) {
      const disposition = part.subarray(0, headerEnd).toString('latin1');
      const name = /\bname="([^"]*)"/i.exec(disposition)?.[1];
      const filename = /\bfilename="([^"]*)"/i.exec(disposition)?.[1];
      if (name !== undefined) parts.set(name, Object.assign(Buffer.from(part.subarray(headerEnd + 4)), filename !== undefined ? { filename } : {}));
    }
    start = next;
  }
  return parts;
}

/**
 * The files of a zip archive as java.util.zip.ZipInputStream reads them: local file headers in order,
 * stored or deflated, directories skipped; reading stops at the first thing that is not a local header
 * (for bytes that are not a zip at all, at once: no file).
 */
export function zipEntries(archive: Buffer): Array<{ name: string; content: Buffer }> {
  const entries: Array<{ name: string; content: Buffer }> = [];
  let at = 0;
  while (at + 30 <= archive.length && archive.readUInt32LE(at) === 0x04034b50) {
    const method = archive.readUInt16LE(at + 8);
    const size = archive.readUInt32LE(at + 18);
    const nameLength = archive.readUInt16LE(at + 26);
    const extraLength = archive.readUInt16LE(at + 28);
    const name = archive.subarray(at + 30, at + 30 + nameLength).toString('utf8');
    const start = at + 30 + nameLength + extraLength;
    const data = archive.subarray(start, start + size);
    if (!name.endsWith('/')) entries.push({ name, content: method === 8 ? zlib.inflateRawSync(data) : Buffer.from(data) });
    at = start + size;
  }
  return entries;
}
