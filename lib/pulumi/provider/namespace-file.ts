import * as crypto from 'crypto';
import * as pulumi from '@pulumi/pulumi';
import { KestraConnection, resolveConnection, resolveTenant } from './auth';
import { callKestra, isNotFound, KestraResponse } from './client';
import { CONNECTION_SECRET_OUTPUTS, connectionInput, KestraConnectionArgs } from './connection-input';
import {
  alreadyExistsError, checkFailure, withErrorMessages, connectionFingerprint, connectionForTenant, diffResult, isUnknown, splitImportId,
} from './provider-support';
import { validateNamespace } from '../../model/identifiers';
import { normalizeNamespaceFilePath } from '../../model/namespace-file-path';

/** Arguments of a {@link NamespaceFile}. */
export interface NamespaceFileArgs {
  /**
   * How to reach Kestra.
   * @default - the `KESTRA_*` environment variables, read when the provider runs
   */
  readonly connection?: KestraConnectionArgs;
  /** Namespace of the file; changing it replaces the file. */
  readonly namespace: pulumi.Input<string>;
  /** Path of the file in the namespace, e.g. `scripts/etl.py`; changing it replaces the file. */
  readonly path: pulumi.Input<string>;
  /** The file's content (UTF-8 text); a change updates the file in place. */
  readonly content: pulumi.Input<string>;
}

/** The provider's view of a namespace file's inputs. */
export interface NamespaceFileInputs {
  readonly connection?: KestraConnection;
  readonly namespace: string;
  readonly path: string;
  readonly content: string;
}

/** A namespace file's state; `path` is normalized (`/scripts/etl.py`). */
export interface NamespaceFileOutputs extends NamespaceFileInputs {
  readonly tenant: string;
  readonly sha256: string;
}

const IMPORT_FORMAT = '<tenant>/<namespace>/<path>';
const ROUTE = 'namespaces/{namespace}/files';

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
      checkFailure(() => { if (!isUnknown(news.connection?.tenant)) resolveTenant(news.connection); }),
    ].filter((failure): failure is { property: string; reason: string } => failure !== undefined);
    return { inputs: { ...news, path }, failures };
  },

  async diff(_id: string, olds: NamespaceFileOutputs, news: NamespaceFileInputs) {
    const replaces: string[] = [];
    const changes: string[] = [];
    const oldTenant = olds.tenant ?? resolveTenant(olds.connection);
    if (isUnknown(news.connection?.tenant) || resolveTenant(news.connection) !== oldTenant) replaces.push('connection.tenant');
    if (isUnknown(news.namespace) || news.namespace !== olds.namespace) replaces.push('namespace');
    if (isUnknown(news.path) || normalizeNamespaceFilePath('path', news.path) !== olds.path) replaces.push('path');
    if (isUnknown(news.content) || news.content !== olds.content) changes.push('content');
    if (isUnknown(news.connection) || connectionFingerprint(olds.connection) !== connectionFingerprint(news.connection)) changes.push('connection');
    return diffResult(replaces, changes);
  },

  async create(inputs: NamespaceFileInputs) {
    const conn = resolveConnection(inputs.connection);
    const path = normalizeNamespaceFilePath('path', inputs.path);
    const importId = `${conn.tenant}/${inputs.namespace}${path}`;
    // the upload overwrites: look first, so an existing file is never silently replaced
    if (await readFile(inputs.connection, conn.tenant, inputs.namespace, path) !== undefined) {
      throw alreadyExistsError(`Namespace file ${path} in namespace ${inputs.namespace} (tenant ${conn.tenant})`, importId, 'kestra NamespaceFile');
    }
    return { id: importId, outs: await upload(inputs) };
  },

  async read(id: string, props?: NamespaceFileOutputs): Promise<pulumi.dynamic.ReadResult<NamespaceFileOutputs>> {
    const { tenant, namespace, rest } = splitImportId('NamespaceFile', id, IMPORT_FORMAT);
    const path = normalizeNamespaceFilePath('path', rest);
    const bytes = await readFile(props?.connection, tenant, namespace, path);
    if (bytes === undefined) return {};
    const content = bytes.toString('utf8');
    const inputs: NamespaceFileInputs = { ...(props?.connection ? { connection: props.connection } : {}), namespace, path, content };
    return { id, props: { ...inputs, tenant, sha256: sha256(bytes) }, inputs: inputs as NamespaceFileOutputs }; // Pulumi types read inputs as outputs
  },

  async update(_id: string, _olds: NamespaceFileOutputs, news: NamespaceFileInputs) {
    // Kestra's upload overwrites the file: an update in place, revision history kept
    return { outs: await upload(news) };
  },

  async delete(id: string, props: NamespaceFileOutputs) {
    const { tenant, namespace, rest } = splitImportId('NamespaceFile', id, IMPORT_FORMAT);
    const conn = resolveConnection(connectionForTenant(props.connection, tenant));
    try {
      await callKestra(conn, {
        method: 'DELETE', route: ROUTE, segments: ['namespaces', namespace, 'files'], query: { path: normalizeNamespaceFilePath('path', rest) },
      });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  },
});

async function upload(inputs: NamespaceFileInputs): Promise<NamespaceFileOutputs> {
  const conn = resolveConnection(inputs.connection);
  const path = normalizeNamespaceFilePath('path', inputs.path);
  const content = Buffer.from(inputs.content, 'utf8');
  const boundary = `kestra-constructs-${crypto.randomBytes(12).toString('hex')}`;
  const fileName = path.slice(path.lastIndexOf('/') + 1).replace(/["\r\n]/g, '_');
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="fileContent"; filename="${fileName}"\r\n`
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
      const stored = await readFile(inputs.connection, conn.tenant, inputs.namespace, path);
      return stored !== undefined && stored.equals(content) ? { status: 200, headers: {}, body: Buffer.alloc(0) } : undefined;
    },
  });
  return { ...inputs, path, tenant: conn.tenant, sha256: sha256(content) };
}

async function readFile(connection: KestraConnection | undefined, tenant: string, namespace: string, path: string): Promise<Buffer | undefined> {
  const conn = resolveConnection(connectionForTenant(connection, tenant));
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
 * (e.g. `main/company.team/scripts/etl.py`), also the import id. Content changes update in place.
 */
export class NamespaceFile extends pulumi.dynamic.Resource {
  /** The file's namespace. */
  public readonly namespace!: pulumi.Output<string>;
  /** The normalized path, e.g. `/scripts/etl.py`. */
  public readonly path!: pulumi.Output<string>;
  /** The file's content. */
  public readonly content!: pulumi.Output<string>;
  /** SHA-256 of the content, hex. */
  public readonly sha256!: pulumi.Output<string>;
  /** The tenant the file lives in. */
  public readonly tenant!: pulumi.Output<string>;

  constructor(name: string, args: NamespaceFileArgs, opts?: pulumi.CustomResourceOptions) {
    super(namespaceFileProvider, name, {
      connection: connectionInput(args.connection),
      namespace: args.namespace,
      path: args.path,
      content: args.content,
      tenant: undefined,
      sha256: undefined,
    }, { ...opts, additionalSecretOutputs: [...opts?.additionalSecretOutputs ?? [], ...CONNECTION_SECRET_OUTPUTS] }, 'kestra', 'NamespaceFile');
  }
}
