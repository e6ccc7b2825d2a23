import * as pulumi from '@pulumi/pulumi';
import { confirmApiAnswers } from './api-probe';
import { checkHeaderValue, KestraConnection, ResolvedConnection, resolveConnection } from './auth';
import { callKestra, isKestraApiError, isNotFound, jsonBody } from './client';
import { connectionInput, KestraConnectionArgs, resourceOptions } from './connection-input';
import {
  checkFailure, commonFailures, connectionFingerprint, connectionForTenant, connectionReplaces, diffResult,
  existingDiffersError, isUnknown, splitImportId, withErrorMessages,
} from './provider-support';
import { validateIsoDuration } from '../../model/duration';
import { validateKvKey, validateNamespace } from '../../model/identifiers';
import { encodeKeyValueBody, KeyValueType } from '../../model/key-value';
import { checkStorableKeyValue, sameKeyValueMeaning } from '../../model/key-value-round-trip';

/** A value of Kestra's key/value store: strings, numbers, booleans, JSON objects and arrays. */
export type KeyValueValue = string | number | boolean | Record<string, unknown> | unknown[];

/** Arguments of a {@link KeyValue}. */
export interface KeyValueArgs {
  /**
   * How to reach Kestra; another URL or tenant replaces the entry (it is another object).
   * @default - the `KESTRA_*` environment variables, read when the provider runs
   */
  readonly connection?: pulumi.Input<KestraConnectionArgs>;
  /** Namespace of the entry; changing it replaces the entry. */
  readonly namespace: pulumi.Input<string>;
  /** Key of the entry; changing it replaces the entry. */
  readonly key: pulumi.Input<string>;
  /** The value; always stored as a Pulumi secret. */
  readonly value: pulumi.Input<KeyValueValue>;
  /**
   * Kestra type of the value; give it for DATETIME, DATE and DURATION, which are written as strings.
   * A string shaped like a duration (`PT5M`) must be a DURATION: Kestra reads it back as one.
   * @default - inferred from the value (string → STRING, number → NUMBER, boolean → BOOLEAN, object/array → JSON)
   */
  readonly type?: pulumi.Input<KeyValueType>;
  /**
   * Time to live as an ISO-8601 duration, e.g. `P30D`; Kestra drops the entry after it.
   * @default - no expiry
   */
  readonly ttl?: pulumi.Input<string>;
  /**
   * Description shown in Kestra's UI. It travels as an HTTP header: Latin-1 text without line breaks.
   * @default - none
   */
  readonly description?: pulumi.Input<string>;
  /**
   * When the key already exists in Kestra with another value, overwrite it and manage it from now on.
   * Without it, an entry with the same value (by meaning: `P1D` is `PT24H`) is adopted and one with
   * another value fails the create.
   * @default false
   */
  readonly overwriteExisting?: pulumi.Input<boolean>;
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
  readonly overwriteExisting?: boolean;
}

/**
 * A K/V entry's state. No revision: Kestra's PUT answers without one, and reading it back would
 * double the requests of every write for a number nothing depends on.
 */
export interface KeyValueOutputs extends KeyValueInputs {
  readonly tenant: string;
  /** The base URL the entry was written through: another one is another Kestra. */
  readonly kestraUrl?: string;
  readonly type: KeyValueType;
}

interface KvDetail { type: KeyValueType; value: unknown }

const ID_FORMAT = '<tenant>/<namespace>/<key>';
const ROUTE = 'namespaces/{namespace}/kv/{key}';

/** Reconciles one entry of Kestra's key/value store through `/api/v1/{tenant}/namespaces/{namespace}/kv/{key}`. */
export const keyValueProvider: pulumi.dynamic.ResourceProvider<KeyValueInputs, KeyValueOutputs> = withErrorMessages({
  async check(_olds: KeyValueInputs, news: KeyValueInputs) {
    const failures = [
      checkFailure(() => { if (!isUnknown(news.namespace)) validateNamespace('namespace', news.namespace); }),
      checkFailure(() => { if (!isUnknown(news.key)) validateKvKey('key', news.key); }),
      checkFailure(() => { if (!isUnknown(news.value) && !isUnknown(news.type)) checkStorableKeyValue('value', news.value, news.type); }, 'value'),
      checkFailure(() => { if (news.ttl !== undefined && !isUnknown(news.ttl)) validateIsoDuration('ttl', news.ttl); }),
      checkFailure(() => { if (news.description !== undefined && !isUnknown(news.description)) checkHeaderValue('description', news.description); }),
    ].filter((failure): failure is { property: string; reason: string } => failure !== undefined);
    return { inputs: news, failures: [...failures, ...commonFailures(news)] };
  },

  async diff(_id: string, olds: KeyValueOutputs, news: KeyValueInputs) {
    const replaces = connectionReplaces(olds, news);
    const changes: string[] = [];
    for (const field of ['namespace', 'key'] as const) {
      if (isUnknown(news[field]) || news[field] !== olds[field]) replaces.push(field);
    }
    if (isUnknown(news.value) || isUnknown(news.type) || !sameKeyValueMeaning(olds, news)) changes.push('value');
    for (const field of ['ttl', 'description', 'overwriteExisting'] as const) {
      if (isUnknown(news[field]) || news[field] !== olds[field]) changes.push(field);
    }
    if (isUnknown(news.connection) || connectionFingerprint(olds.connection) !== connectionFingerprint(news.connection)) changes.push('connection');
    return diffResult(replaces, changes);
  },

  async create(inputs: KeyValueInputs) {
    const conn = resolveConnection(inputs.connection);
    const id = `${conn.tenant}/${inputs.namespace}/${inputs.key}`;
    const checked = checkStorableKeyValue('value', inputs.value, inputs.type);
    // PUT is an upsert: look first, so an entry Pulumi does not own is adopted only when it is equal
    const existing = await readEntry(conn, inputs.namespace, inputs.key);
    if (existing !== undefined && sameKeyValueMeaning(existing, checked)) {
      // the value is there; a PUT only to set the expiry or description the program asks for
      if (inputs.ttl === undefined && inputs.description === undefined) return { id, outs: outputs(inputs, conn, checked.type) };
    } else if (existing !== undefined && !inputs.overwriteExisting) {
      const types = existing.type === checked.type ? `type ${checked.type}` : `type ${existing.type} there, ${checked.type} in the program`;
      throw existingDiffersError(`K/V entry ${inputs.key} in namespace ${inputs.namespace} (tenant ${conn.tenant})`, `its value differs (${types})`);
    }
    return { id, outs: await writeEntry(inputs) };
  },

  async read(id: string, props?: KeyValueOutputs): Promise<pulumi.dynamic.ReadResult<KeyValueOutputs>> {
    const { tenant, namespace, rest: key } = splitImportId('KeyValue', id, ID_FORMAT);
    const conn = resolveConnection(connectionForTenant(props?.connection, tenant));
    const entry = await readEntry(conn, namespace, key, true);
    if (entry === 'expired') return {};
    if (entry === undefined) {
      await confirmApiAnswers(conn, namespace);
      return {};
    }
    const local = props?.value !== undefined ? { value: props.value, type: props.type } : undefined;
    const remote = { value: entry.value as KeyValueValue, type: entry.type };
    // Kestra's form of the same value (`PT24H` for `P1D`, a DATE for a midnight DATETIME) is no drift
    const current = local !== undefined && sameKeyValueMeaning(local, remote) ? local : remote;
    const inputs: KeyValueInputs = {
      ...(props?.connection ? { connection: props.connection } : {}),
      namespace,
      key,
      value: current.value,
      type: current.type ?? entry.type,
      ...(props?.ttl !== undefined ? { ttl: props.ttl } : {}),
      ...(props?.description !== undefined ? { description: props.description } : {}),
      ...(props?.overwriteExisting !== undefined ? { overwriteExisting: props.overwriteExisting } : {}),
    };
    const state = { ...inputs, tenant, ...(props?.kestraUrl ? { kestraUrl: props.kestraUrl } : {}), type: current.type ?? entry.type };
    return { id, props: state, inputs: inputs as KeyValueOutputs }; // Pulumi types read inputs as outputs
  },

  async update(_id: string, olds: KeyValueOutputs, news: KeyValueInputs) {
    const unchanged = sameKeyValueMeaning(olds, news) && olds.ttl === news.ttl && olds.description === news.description;
    // a change of credentials or flags only: nothing to write
    if (unchanged) return { outs: outputs(news, resolveConnection(news.connection), checkStorableKeyValue('value', news.value, news.type).type) };
    return { outs: await writeEntry(news) };
  },

  async delete(id: string, props: KeyValueOutputs) {
    const { tenant, namespace, rest: key } = splitImportId('KeyValue', id, ID_FORMAT);
    const conn = resolveConnection(connectionForTenant(props.connection, tenant));
    try {
      // Kestra answers `false` for a key that is already gone: nothing to do either way
      await callKestra(conn, { method: 'DELETE', route: ROUTE, segments: ['namespaces', namespace, 'kv', key] });
    } catch (err) {
      if (!isNotFound(err)) throw err;
      await confirmApiAnswers(conn, namespace);
    }
  },
});

/** Writes an entry: one idempotent PUT. The value is redacted from any error, Kestra's echo of it included. */
async function writeEntry(inputs: KeyValueInputs): Promise<KeyValueOutputs> {
  const conn = resolveConnection(inputs.connection);
  const checked = checkStorableKeyValue('value', inputs.value, inputs.type);
  const headers: Record<string, string> = {};
  if (inputs.ttl !== undefined) headers.ttl = validateIsoDuration('ttl', inputs.ttl);
  if (inputs.description !== undefined) headers.description = checkHeaderValue('description', inputs.description);
  const body = encodeKeyValueBody(checked.value, checked.type);
  await callKestra(conn, {
    method: 'PUT',
    route: ROUTE,
    segments: ['namespaces', inputs.namespace, 'kv', inputs.key],
    body,
    contentType: 'text/plain',
    headers,
    secrets: [body, typeof inputs.value === 'string' ? inputs.value : JSON.stringify(inputs.value)],
  });
  return outputs(inputs, conn, checked.type);
}

function outputs(inputs: KeyValueInputs, conn: ResolvedConnection, type: KeyValueType): KeyValueOutputs {
  return { ...inputs, tenant: conn.tenant, kestraUrl: conn.baseUrl, type };
}

/**
 * The entry, or undefined when Kestra answers 404. An expired entry answers 410 Gone once (InternalKVStore.getRaw
 * deletes it and throws ResourceExpiredException, which ErrorController maps to 410, in kestra-io/kestra):
 * absent too, or `'expired'` when the caller wants to know that Kestra itself said so.
 */
async function readEntry(conn: ResolvedConnection, namespace: string, key: string): Promise<KvDetail | undefined>;
async function readEntry(conn: ResolvedConnection, namespace: string, key: string, tellExpired: true): Promise<KvDetail | undefined | 'expired'>;
async function readEntry(conn: ResolvedConnection, namespace: string, key: string, tellExpired = false): Promise<KvDetail | undefined | 'expired'> {
  try {
    const response = await callKestra(conn, { method: 'GET', route: ROUTE, segments: ['namespaces', namespace, 'kv', key] });
    return jsonBody<KvDetail>(response, 'K/V entry');
  } catch (err) {
    if (isKestraApiError(err) && err.status === 410) return tellExpired ? 'expired' : undefined;
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/**
 * An entry of Kestra's key/value store. The id is `<tenant>/<namespace>/<key>`. The value is a
 * Pulumi secret, in the state and in the outputs. An entry that already exists with the same value
 * is adopted on create; see {@link KeyValueArgs.overwriteExisting}.
 */
export class KeyValue extends pulumi.dynamic.Resource {
  // `declare`: the compiled ES2022 class fields would otherwise overwrite the outputs the base constructor set
  /** The entry's namespace. */
  declare public readonly namespace: pulumi.Output<string>;
  /** The entry's key. */
  declare public readonly key: pulumi.Output<string>;
  /** The value (secret). */
  declare public readonly value: pulumi.Output<KeyValueValue>;
  /** The Kestra type of the value. */
  declare public readonly type: pulumi.Output<KeyValueType>;
  /** The tenant the entry lives in. */
  declare public readonly tenant: pulumi.Output<string>;

  constructor(name: string, args: KeyValueArgs, opts?: pulumi.CustomResourceOptions) {
    super(keyValueProvider, name, {
      connection: connectionInput(args.connection),
      namespace: args.namespace,
      key: args.key,
      value: pulumi.secret(args.value),
      type: args.type,
      ttl: args.ttl,
      description: args.description,
      overwriteExisting: args.overwriteExisting,
      tenant: undefined,
      kestraUrl: undefined,
    }, resourceOptions(opts, 'value'), 'kestra', 'KeyValue');
  }
}
