import * as crypto from 'crypto';
import * as pulumi from '@pulumi/pulumi';
import { confirmApiAnswers } from './api-probe';
import { KestraConnection, ResolvedConnection, resolveConnection } from './auth';
import { callKestra, isNotFound, KestraResponse } from './client';
import { connectionInput, KestraConnectionArgs, resourceOptions } from './connection-input';
import {
  checkFailure, commonFailures, connectionFingerprint, connectionForTenant, connectionReplaces, diffResult,
  existingDiffersError, isUnknown, splitImportId, withErrorMessages,
} from './provider-support';
import { validateNamespace } from '../../model/identifiers';
import { normalizeNamespaceFilePath } from '../../model/namespace-file-path';

/** Arguments of a {@link NamespaceFile}. */
export interface NamespaceFileArgs {
  /**
   * How to reach Kestra; another URL or tenant replaces the file (it is another object).
   * @default - the `KESTRA_*` environment variables, read when the provider runs
   */
  readonly connection?: pulumi.Input<KestraConnectionArgs>;
  /** Namespace of the file; changing it replaces the file. */
  readonly namespace: pulumi.Input<string>;
  /** Path of the file in the namespace, e.g. `scripts/etl.py`; changing it replaces the file. */
  readonly path: pulumi.Input<string>;
  /** The file's content (UTF-8 text); a change updates the file in place. */
  readonly content: pulumi.Input<string>;
  /**
   * When the file already exists in Kestra with other content, overwrite it and manage it from now on.
   * Without it, a file with the same content is adopted and one with other content fails the create.
   * @default false
   */
  readonly overwriteExisting?: pulumi.Input<boolean>;
}

/** The provider's view of a namespace file's inputs. */
export interface NamespaceFileInputs {
  readonly connection?: KestraConnection;
  readonly namespace: string;
  readonly path: string;
  readonly content: string;
  readonly overwriteExisting?: boolean;
}

/** A namespace file's state; `path` is normalized (`/scripts/etl.py`). */
export interface NamespaceFileOutputs extends NamespaceFileInputs {
  readonly tenant: string;
  /** The base URL the file was written through: another one is another Kestra. */
  readonly kestraUrl?: string;
  readonly sha256: string;
}

const ID_FORMAT = '<tenant>/<namespace>/<path>';
const ROUTE = 'namespaces/{namespace}/files';
// Kestra extracts an upload whose part *filename* ends in `.zip` at `/` and ignores `path`, answering 200
// (NamespaceFileController.innerCreateNamespaceFile in kestra-io/kestra webserver/.../controllers/api/):
// the filename is fixed, and only `path` names the file.
const PART_FILENAME = 'content.bin';

/** Reconciles a namespace file through `/api/v1/{tenant}/namespaces/{namespace}/files?path=`. */
export const namespaceFileProvider: pulumi.dynamic.ResourceProvider<NamespaceFileInputs, NamespaceFileOutputs> = withErrorMessages({
  async check(_olds: NamespaceFileInputs, news: NamespaceFileInputs) {
    let path = news.path;
    const failures = [
      checkFailure(() => { if (!isUnknown(news.namespace)) validateNamespace('namespace', news.namespace); }),
      checkFailure(() => { if (!isUnknown(news.path)) path = normalizeNamespaceFilePath('path', news.path); }),
      checkFailure(() => {
        if (!isUnknown(news.content) && typeof news.content !== 'string') throw new Error('content must be a string');
      }),
    ].filter((failure): failure is { property: string; reason: string } => failure !== undefined);
    return { inputs: { ...news, path }, failures: [...failures, ...commonFailures(news)] };
  },

  async diff(_id: string, olds: NamespaceFileOutputs, news: NamespaceFileInputs) {
    const replaces = connectionReplaces(olds, news);
    const changes: string[] = [];
    if (isUnknown(news.namespace) || news.namespace !== olds.namespace) replaces.push('namespace');
    if (isUnknown(news.path) || normalizeNamespaceFilePath('path', news.path) !== olds.path) replaces.push('path');
    if (isUnknown(news.content) || news.content !== olds.content) changes.push('content');
    if (isUnknown(news.overwriteExisting) || news.overwriteExisting !== olds.overwriteExisting) changes.push('overwriteExisting');
    if (isUnknown(news.connection) || connectionFingerprint(olds.connection) !== connectionFingerprint(news.connection)) changes.push('connection');
    return diffResult(replaces, changes);
  },

  async create(inputs: NamespaceFileInputs) {
    const conn = resolveConnection(inputs.connection);
    const path = normalizeNamespaceFilePath('path', inputs.path);
    const id = `${conn.tenant}/${inputs.namespace}${path}`;
    const content = Buffer.from(inputs.content, 'utf8');
    // the upload overwrites: look first, so a file Pulumi does not own is adopted only when it is equal
    const existing = await readFile(conn, inputs.namespace, path);
    if (existing !== undefined && existing.equals(content)) return { id, outs: outputs(inputs, conn, path, content) };
    if (existing !== undefined && !inputs.overwriteExisting) {
      throw existingDiffersError(`Namespace file ${path} in namespace ${inputs.namespace} (tenant ${conn.tenant})`,
        `its content differs (${existing.length} bytes there, ${content.length} bytes in the program)`);
    }
    return { id, outs: await upload(inputs) };
  },

  async read(id: string, props?: NamespaceFileOutputs): Promise<pulumi.dynamic.ReadResult<NamespaceFileOutputs>> {
    const { tenant, namespace, rest } = splitImportId('NamespaceFile', id, ID_FORMAT);
    const path = normalizeNamespaceFilePath('path', rest);
    const conn = resolveConnection(connectionForTenant(props?.connection, tenant));
    const bytes = await readFile(conn, namespace, path);
    if (bytes === undefined) {
      await confirmApiAnswers(conn, namespace);
      return {};
    }
    const inputs: NamespaceFileInputs = {
      ...(props?.connection ? { connection: props.connection } : {}),
      ...(props?.overwriteExisting !== undefined ? { overwriteExisting: props.overwriteExisting } : {}),
      namespace,
      path,
      content: bytes.toString('utf8'),
    };
    const state = { ...inputs, tenant, ...(props?.kestraUrl ? { kestraUrl: props.kestraUrl } : {}), sha256: sha256(bytes) };
    return { id, props: state, inputs: inputs as NamespaceFileOutputs }; // Pulumi types read inputs as outputs
  },

  async update(_id: string, olds: NamespaceFileOutputs, news: NamespaceFileInputs) {
    const conn = resolveConnection(news.connection);
    const path = normalizeNamespaceFilePath('path', news.path);
    // a change of credentials or flags only: nothing to write
    if (news.content === olds.content) return { outs: outputs(news, conn, path, Buffer.from(news.content, 'utf8')) };
    // Kestra's upload overwrites the file: an update in place, revision history kept
    return { outs: await upload(news) };
  },

  async delete(id: string, props: NamespaceFileOutputs) {
    const { tenant, namespace, rest } = splitImportId('NamespaceFile', id, ID_FORMAT);
    const conn = resolveConnection(connectionForTenant(props.connection, tenant));
    try {
      await callKestra(conn, {
        method: 'DELETE', route: ROUTE, segments: ['namespaces', namespace, 'files'], query: { path: normalizeNamespaceFilePath('path', rest) },
      });
    } catch (err) {
      if (!isNotFound(err)) throw err;
      await confirmApiAnswers(conn, namespace);
    }
  },
});

async function upload(inputs: NamespaceFileInputs): Promise<NamespaceFileOutputs> {
  const conn = resolveConnection(inputs.connection);
  const path = normalizeNamespaceFilePath('path', inputs.path);
  const content = Buffer.from(inputs.content, 'utf8');
  const boundary = `kestra-constructs-${crypto.randomBytes(12).toString('hex')}`;
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="fileContent"; filename="${PART_FILENAME}"\r\n`
      + 'Content-Type: application/octet-stream\r\n\r\n'),
    content,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  await callKestra(conn, {
    method: 'POST',
    route: ROUTE,
    segments: ['namespaces', inputs.namespace, 'files'],
    query: { path },
    body,
    contentType: `multipart/form-data; boundary=${boundary}`,
    confirm: async (): Promise<KestraResponse | undefined> => {
      const stored = await readFile(conn, inputs.namespace, path);
      return stored !== undefined && stored.equals(content) ? { status: 200, headers: {}, body: Buffer.alloc(0) } : undefined;
    },
  });
  return outputs(inputs, conn, path, content);
}

function outputs(inputs: NamespaceFileInputs, conn: ResolvedConnection, path: string, content: Buffer): NamespaceFileOutputs {
  return { ...inputs, path, tenant: conn.tenant, kestraUrl: conn.baseUrl, sha256: sha256(content) };
}

async function readFile(conn: ResolvedConnection, namespace: string, path: string): Promise<Buffer | undefined> {
  try {
    const response = await callKestra(conn, { method: 'GET', route: ROUTE, segments: ['namespaces', namespace, 'files'], query: { path } });
    return response.body;
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

function sha256(bytes: Buffer): string {
  return crypto.createHash('sha256').update(bytes).digest('hex');
}

/**
 * A file in a Kestra namespace's storage. The id is `<tenant>/<namespace>/<path>`
 * (e.g. `main/company.team/scripts/etl.py`). Content changes update in place. A file that already
 * exists with the same content is adopted on create; see {@link NamespaceFileArgs.overwriteExisting}.
 */
export class NamespaceFile extends pulumi.dynamic.Resource {
  // `declare`: the compiled ES2022 class fields would otherwise overwrite the outputs the base constructor set
  /** The file's namespace. */
  declare public readonly namespace: pulumi.Output<string>;
  /** The normalized path, e.g. `/scripts/etl.py`. */
  declare public readonly path: pulumi.Output<string>;
  /** The file's content. */
  declare public readonly content: pulumi.Output<string>;
  /** SHA-256 of the content, hex. */
  declare public readonly sha256: pulumi.Output<string>;
  /** The tenant the file lives in. */
  declare public readonly tenant: pulumi.Output<string>;

  constructor(name: string, args: NamespaceFileArgs, opts?: pulumi.CustomResourceOptions) {
    super(namespaceFileProvider, name, {
      connection: connectionInput(args.connection),
      namespace: args.namespace,
      path: args.path,
      content: args.content,
      overwriteExisting: args.overwriteExisting,
      tenant: undefined,
      kestraUrl: undefined,
      sha256: undefined,
    }, resourceOptions(opts), 'kestra', 'NamespaceFile');
  }
}
