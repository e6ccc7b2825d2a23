import * as pulumi from '@pulumi/pulumi';
import { KestraConnection, resolveConnection, resolveTenant } from './auth';
import { callKestra, isNotFound, jsonBody } from './client';
import { CONNECTION_SECRET_OUTPUTS, connectionInput, KestraConnectionArgs } from './connection-input';
import {
  alreadyExistsError, checkFailure, withErrorMessages, connectionFingerprint, connectionForTenant, diffResult, isUnknown, splitImportId,
} from './provider-support';
import { validateIsoDuration } from '../../model/duration';
import { canonicalJson } from '../../model/flow-canonical';
import { validateKvKey, validateNamespace } from '../../model/identifiers';
import { checkKeyValue, encodeKeyValueBody, KeyValueType } from '../../model/key-value';

/** A value of Kestra's key/value store: strings, numbers, booleans, JSON objects and arrays. */
export type KeyValueValue = string | number | boolean | Record<string, unknown> | unknown[];

/** Arguments of a {@link KeyValue}. */
export interface KeyValueArgs {
  /**
   * How to reach Kestra.
   * @default - the `KESTRA_*` environment variables, read when the provider runs
   */
  readonly connection?: KestraConnectionArgs;
  /** Namespace of the entry; changing it replaces the entry. */
  readonly namespace: pulumi.Input<string>;
  /** Key of the entry; changing it replaces the entry. */
  readonly key: pulumi.Input<string>;
  /** The value; always stored as a Pulumi secret. */
  readonly value: pulumi.Input<KeyValueValue>;
  /**
   * Kestra type of the value; give it for DATETIME, DATE and DURATION, which are written as strings.
   * @default - inferred from the value (string → STRING, number → NUMBER, boolean → BOOLEAN, object/array → JSON)
   */
  readonly type?: pulumi.Input<KeyValueType>;
  /**
   * Time to live as an ISO-8601 duration, e.g. `P30D`; Kestra drops the entry after it.
   * @default - no expiry
   */
  readonly ttl?: pulumi.Input<string>;
  /**
   * Description shown in Kestra's UI.
   * @default - none
   */
  readonly description?: pulumi.Input<string>;
}

/** The provider's view of a K/V entry's inputs. */
export interface KeyValueInputs {
  readonly connection?: KestraConnection;
  readonly namespace: string;
  readonly key: string;
  readonly value: KeyValueValue;
  readonly type?: KeyValueType;
  readonly ttl?: string;
  readonly description?: string;
}

/**
 * A K/V entry's state. No revision: Kestra's PUT answers without one, and reading it back would
 * double the requests of every write for a number nothing depends on.
 */
export interface KeyValueOutputs extends KeyValueInputs {
  readonly tenant: string;
  readonly type: KeyValueType;
}

interface KvDetail { type: KeyValueType; value: unknown; revision?: number; updated?: string }

const IMPORT_FORMAT = '<tenant>/<namespace>/<key>';

/** Reconciles one entry of Kestra's key/value store through `/api/v1/{tenant}/namespaces/{namespace}/kv/{key}`. */
export const keyValueProvider: pulumi.dynamic.ResourceProvider<KeyValueInputs, KeyValueOutputs> = withErrorMessages({
  async check(_olds: KeyValueInputs, news: KeyValueInputs) {
    const failures = [
      checkFailure(() => { if (!isUnknown(news.namespace)) validateNamespace('namespace', news.namespace); }),
      checkFailure(() => { if (!isUnknown(news.key)) validateKvKey('key', news.key); }),
      checkFailure(() => { if (!isUnknown(news.value) && !isUnknown(news.type)) checkKeyValue('value', news.value, news.type); }, 'value'),
      checkFailure(() => { if (news.ttl !== undefined && !isUnknown(news.ttl)) validateIsoDuration('ttl', news.ttl); }),
      checkFailure(() => { if (!isUnknown(news.connection?.tenant)) resolveTenant(news.connection); }),
    ].filter((failure): failure is { property: string; reason: string } => failure !== undefined);
    return { inputs: news, failures };
  },

  async diff(_id: string, olds: KeyValueOutputs, news: KeyValueInputs) {
    const replaces: string[] = [];
    const changes: string[] = [];
    const oldTenant = olds.tenant ?? resolveTenant(olds.connection);
    if (isUnknown(news.connection?.tenant) || resolveTenant(news.connection) !== oldTenant) replaces.push('connection.tenant');
    for (const field of ['namespace', 'key'] as const) {
      if (isUnknown(news[field]) || news[field] !== olds[field]) replaces.push(field);
    }
    if (isUnknown(news.value) || isUnknown(news.type) || !sameEntry(olds, news)) changes.push('value');
    for (const field of ['ttl', 'description'] as const) {
      if (isUnknown(news[field]) || news[field] !== olds[field]) changes.push(field);
    }
    if (isUnknown(news.connection) || connectionFingerprint(olds.connection) !== connectionFingerprint(news.connection)) changes.push('connection');
    return diffResult(replaces, changes);
  },

  async create(inputs: KeyValueInputs) {
    const conn = resolveConnection(inputs.connection);
    const importId = `${conn.tenant}/${inputs.namespace}/${inputs.key}`;
    // PUT is an upsert: look first, so an existing entry is never silently overwritten
    if (await readEntry(inputs.connection, conn.tenant, inputs.namespace, inputs.key) !== undefined) {
      throw alreadyExistsError(`K/V entry ${inputs.key} in namespace ${inputs.namespace} (tenant ${conn.tenant})`, importId, 'kestra KeyValue');
    }
    return { id: importId, outs: await writeEntry(inputs) };
  },

  async read(id: string, props?: KeyValueOutputs): Promise<pulumi.dynamic.ReadResult<KeyValueOutputs>> {
    const { tenant, namespace, rest: key } = splitImportId('KeyValue', id, IMPORT_FORMAT);
    const entry = await readEntry(props?.connection, tenant, namespace, key);
    if (entry === undefined) return {};
    const local = props?.value !== undefined ? { value: props.value, type: props.type } : undefined;
    const remote = { value: entry.value as KeyValueValue, type: entry.type };
    const current = local !== undefined && sameEntry(local, remote) ? local : remote;
    const inputs: KeyValueInputs = {
      ...(props?.connection ? { connection: props.connection } : {}),
      namespace,
      key,
      value: current.value,
      type: current.type ?? entry.type,
      ...(props?.ttl !== undefined ? { ttl: props.ttl } : {}),
      ...(props?.description !== undefined ? { description: props.description } : {}),
    };
    return { id, props: { ...inputs, tenant, type: current.type ?? entry.type }, inputs: inputs as KeyValueOutputs }; // Pulumi types read inputs as outputs
  },

  async update(_id: string, _olds: KeyValueOutputs, news: KeyValueInputs) {
    return { outs: await writeEntry(news) };
  },

  async delete(id: string, props: KeyValueOutputs) {
    const { tenant, namespace, rest: key } = splitImportId('KeyValue', id, IMPORT_FORMAT);
    const conn = resolveConnection(connectionForTenant(props.connection, tenant));
    try {
      // Kestra answers `false` for a key that is already gone: nothing to do either way
      await callKestra(conn, { method: 'DELETE', route: 'namespaces/{namespace}/kv/{key}', segments: ['namespaces', namespace, 'kv', key] });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  },
});

/** Writes an entry: one idempotent PUT. */
async function writeEntry(inputs: KeyValueInputs): Promise<KeyValueOutputs> {
  const conn = resolveConnection(inputs.connection);
  const checked = checkKeyValue('value', inputs.value, inputs.type);
  const headers: Record<string, string> = {};
  if (inputs.ttl !== undefined) headers.ttl = validateIsoDuration('ttl', inputs.ttl);
  if (inputs.description !== undefined) headers.description = inputs.description;
  await callKestra(conn, {
    method: 'PUT',
    route: 'namespaces/{namespace}/kv/{key}',
    segments: ['namespaces', inputs.namespace, 'kv', inputs.key],
    body: encodeKeyValueBody(checked.value, checked.type),
    contentType: 'text/plain',
    headers,
  });
  return { ...inputs, tenant: conn.tenant, type: checked.type };
}

async function readEntry(connection: KestraConnection | undefined, tenant: string, namespace: string, key: string): Promise<KvDetail | undefined> {
  const conn = resolveConnection(connectionForTenant(connection, tenant));
  try {
    const response = await callKestra(conn, {
      method: 'GET', route: 'namespaces/{namespace}/kv/{key}', segments: ['namespaces', namespace, 'kv', key],
    });
    return jsonBody<KvDetail>(response, 'K/V entry');
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/** Whether two entries store the same typed value (dates compared as instants, objects by content). */
function sameEntry(a: { value: unknown; type?: KeyValueType }, b: { value: unknown; type?: KeyValueType }): boolean {
  let left: { type: KeyValueType; value: unknown };
  let right: { type: KeyValueType; value: unknown };
  try {
    left = checkKeyValue('value', a.value, a.type);
    right = checkKeyValue('value', b.value, b.type);
  } catch {
    return false;
  }
  if (left.type !== right.type) return false;
  if (left.type === 'DATETIME') return Date.parse(String(left.value)) === Date.parse(String(right.value));
  return canonicalJson(left.value) === canonicalJson(right.value);
}

/**
 * An entry of Kestra's key/value store. The id is `<tenant>/<namespace>/<key>`, also the
 * import id. The value is a Pulumi secret, in the state and in the outputs.
 */
export class KeyValue extends pulumi.dynamic.Resource {
  /** The entry's namespace. */
  public readonly namespace!: pulumi.Output<string>;
  /** The entry's key. */
  public readonly key!: pulumi.Output<string>;
  /** The value (secret). */
  public readonly value!: pulumi.Output<KeyValueValue>;
  /** The Kestra type of the value. */
  public readonly type!: pulumi.Output<KeyValueType>;
  /** The tenant the entry lives in. */
  public readonly tenant!: pulumi.Output<string>;

  constructor(name: string, args: KeyValueArgs, opts?: pulumi.CustomResourceOptions) {
    super(keyValueProvider, name, {
      connection: connectionInput(args.connection),
      namespace: args.namespace,
      key: args.key,
      value: pulumi.secret(args.value),
      type: args.type,
      ttl: args.ttl,
      description: args.description,
      tenant: undefined,
    }, {
      ...opts, additionalSecretOutputs: [...opts?.additionalSecretOutputs ?? [], ...CONNECTION_SECRET_OUTPUTS, 'value'],
    }, 'kestra', 'KeyValue');
  }
}
