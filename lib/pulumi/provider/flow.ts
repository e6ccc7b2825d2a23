import * as pulumi from '@pulumi/pulumi';
import { KestraConnection, resolveConnection, resolveTenant } from './auth';
import { callKestra, isKestraApiError, isNotFound, jsonBody, KestraResponse } from './client';
import { CONNECTION_SECRET_OUTPUTS, connectionInput, KestraConnectionArgs } from './connection-input';
import {
  alreadyExistsError, checkFailure, withErrorMessages, connectionFingerprint, connectionForTenant, diffResult, isUnknown, splitImportId,
} from './provider-support';
import { flowSourcesEquivalent } from '../../model/flow-canonical';
import { parseFlowSource } from '../../model/flow-source';

/** Arguments of a {@link Flow}. */
export interface FlowArgs {
  /**
   * How to reach Kestra.
   * @default - the `KESTRA_*` environment variables, read when the provider runs
   */
  readonly connection?: KestraConnectionArgs;
  /** The flow's YAML source; its `id` and `namespace` identify the flow. */
  readonly source: pulumi.Input<string>;
  /**
   * Expected namespace; an error if the source says otherwise.
   * @default - the source's `namespace`
   */
  readonly namespace?: pulumi.Input<string>;
  /**
   * Expected flow id; an error if the source says otherwise.
   * @default - the source's `id`
   */
  readonly flowId?: pulumi.Input<string>;
}

/** The provider's view of a flow's inputs (plain values). */
export interface FlowInputs {
  readonly connection?: KestraConnection;
  readonly source: string;
  readonly namespace?: string;
  readonly flowId?: string;
}

/** A flow's state. */
export interface FlowOutputs extends FlowInputs {
  readonly tenant: string;
  readonly namespace: string;
  readonly flowId: string;
  readonly revision: number;
}

const IMPORT_FORMAT = '<tenant>/<namespace>/<flowId>';

interface FlowWithSource { id: string; namespace: string; revision?: number; source?: string }
interface ValidateViolation { constraints?: string; warnings?: string[]; deprecationPaths?: string[]; infos?: string[] }

/**
 * Reconciles a Kestra flow through `/api/v1/{tenant}/flows`. Exported so it can be driven
 * directly; it holds no state and captures nothing but code, so it serializes safely.
 */
export const flowProvider: pulumi.dynamic.ResourceProvider<FlowInputs, FlowOutputs> = withErrorMessages({
  async check(_olds: FlowInputs, news: FlowInputs) {
    if (isUnknown(news.source)) return { inputs: news };
    let parsed: { id: string; namespace: string } | undefined;
    const failures = [
      checkFailure(() => { parsed = parseFlowSource(news.source, 'source'); }),
      checkFailure(() => { if (!isUnknown(news.connection?.tenant)) resolveTenant(news.connection); }),
    ].filter((failure) => failure !== undefined);
    if (!parsed) return { inputs: news, failures };
    for (const [field, given, actual] of [['namespace', news.namespace, parsed.namespace], ['flowId', news.flowId, parsed.id]]) {
      if (given !== undefined && !isUnknown(given) && given !== actual) {
        failures.push({ property: field!, reason: `${field} is "${given}" but the flow source says "${actual}": they must match` });
      }
    }
    if (failures.length === 0 && !isUnknown(news.connection)) failures.push(...await remoteValidation(news));
    return { inputs: { ...news, namespace: parsed.namespace, flowId: parsed.id }, failures };
  },

  async diff(_id: string, olds: FlowOutputs, news: FlowInputs) {
    const replaces: string[] = [];
    const changes: string[] = [];
    const oldTenant = olds.tenant ?? resolveTenant(olds.connection);
    if (isUnknown(news.connection?.tenant) || resolveTenant(news.connection) !== oldTenant) replaces.push('connection.tenant');
    // undefined while the source is unknown (check could not read it): an update until proven otherwise
    for (const field of ['namespace', 'flowId'] as const) {
      if (news[field] !== undefined && (isUnknown(news[field]) || news[field] !== olds[field])) replaces.push(field);
    }
    if (isUnknown(news.source) || !flowSourcesEquivalent(olds.source, news.source)) changes.push('source');
    if (isUnknown(news.connection) || connectionFingerprint(olds.connection) !== connectionFingerprint(news.connection)) changes.push('connection');
    return diffResult(replaces, changes);
  },

  async create(inputs: FlowInputs) {
    return createFlow(inputs);
  },

  async read(id: string, props?: FlowOutputs): Promise<pulumi.dynamic.ReadResult<FlowOutputs>> {
    const { tenant, namespace, rest: flowId } = splitImportId('Flow', id, IMPORT_FORMAT);
    const flow = await readFlow(props?.connection, tenant, namespace, flowId);
    if (flow === undefined) return {};
    const source = props?.source !== undefined && flowSourcesEquivalent(props.source, flow.source ?? '') ? props.source : flow.source ?? '';
    const inputs: FlowInputs = { ...(props?.connection ? { connection: props.connection } : {}), source, namespace, flowId };
    return { id, props: { ...inputs, tenant, namespace, flowId, revision: flow.revision ?? 1 }, inputs: inputs as FlowOutputs }; // Pulumi types read inputs as outputs
  },

  async update(_id: string, olds: FlowOutputs, news: FlowInputs) {
    const conn = resolveConnection(news.connection);
    const namespace = news.namespace ?? olds.namespace;
    const flowId = news.flowId ?? olds.flowId;
    const outs = { ...news, tenant: conn.tenant, namespace, flowId };
    if (flowSourcesEquivalent(olds.source, news.source)) return { outs: { ...outs, revision: olds.revision } };
    let response: KestraResponse;
    try {
      response = await callKestra(conn, {
        method: 'PUT',
        route: 'flows/{namespace}/{id}',
        segments: ['flows', namespace, flowId],
        body: news.source,
        contentType: 'application/x-yaml',
        confirm: () => confirmFlow(news, conn.tenant, namespace, flowId),
      });
    } catch (err) {
      if (!isNotFound(err)) throw err;
      // deleted behind Pulumi's back since the last refresh: bring it back
      return { outs: { ...outs, revision: (await createFlow(news)).outs.revision } };
    }
    return { outs: { ...outs, revision: jsonBody<FlowWithSource>(response, 'flow').revision ?? olds.revision } };
  },

  async delete(id: string, props: FlowOutputs) {
    const { tenant, namespace, rest: flowId } = splitImportId('Flow', id, IMPORT_FORMAT);
    const conn = resolveConnection(connectionForTenant(props.connection, tenant));
    try {
      await callKestra(conn, { method: 'DELETE', route: 'flows/{namespace}/{id}', segments: ['flows', namespace, flowId] });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  },
});

async function createFlow(inputs: FlowInputs): Promise<{ id: string; outs: FlowOutputs }> {
  const conn = resolveConnection(inputs.connection);
  const { id, namespace } = parseFlowSource(inputs.source, 'source');
  const importId = `${conn.tenant}/${namespace}/${id}`;
  let response: KestraResponse;
  try {
    response = await callKestra(conn, {
      method: 'POST',
      route: 'flows',
      segments: ['flows'],
      body: inputs.source,
      contentType: 'application/x-yaml',
      confirm: () => confirmFlow(inputs, conn.tenant, namespace, id),
    });
  } catch (err) {
    if (isKestraApiError(err) && (err.status === 409 || err.status === 422)
      && await readFlow(inputs.connection, conn.tenant, namespace, id) !== undefined) {
      throw alreadyExistsError(`Flow ${namespace}.${id} (tenant ${conn.tenant})`, importId, 'kestra Flow');
    }
    throw err;
  }
  const flow = jsonBody<FlowWithSource>(response, 'flow');
  return { id: importId, outs: { ...inputs, tenant: conn.tenant, namespace, flowId: id, revision: flow.revision ?? 1 } };
}

async function readFlow(
  connection: KestraConnection | undefined, tenant: string, namespace: string, flowId: string,
): Promise<FlowWithSource | undefined> {
  const conn = resolveConnection(connectionForTenant(connection, tenant));
  try {
    const response = await callKestra(conn, {
      method: 'GET', route: 'flows/{namespace}/{id}', segments: ['flows', namespace, flowId], query: { source: 'true' },
    });
    return jsonBody<FlowWithSource>(response, 'flow');
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/** After an unknown outcome: the write took effect when Kestra now holds an equivalent source. */
async function confirmFlow(inputs: FlowInputs, tenant: string, namespace: string, flowId: string): Promise<KestraResponse | undefined> {
  const flow = await readFlow(inputs.connection, tenant, namespace, flowId);
  if (flow?.source === undefined || !flowSourcesEquivalent(flow.source, inputs.source)) return undefined;
  return { status: 200, headers: {}, body: Buffer.from(JSON.stringify(flow)) };
}

/**
 * Kestra's own validation (`POST /flows/validate`) when the API answers: constraint violations
 * are check failures, warnings go to the engine log. An unreachable API is not an error at preview.
 */
async function remoteValidation(inputs: FlowInputs): Promise<Array<{ property: string; reason: string }>> {
  let violations: ValidateViolation[];
  try {
    const conn = resolveConnection(inputs.connection);
    const response = await callKestra({ ...conn, retry: { ...conn.retry, maxAttempts: Math.min(conn.retry.maxAttempts ?? 2, 2) } }, {
      method: 'POST', route: 'flows/validate', segments: ['flows', 'validate'], body: inputs.source, contentType: 'application/x-yaml',
    });
    violations = jsonBody<ValidateViolation[]>(response, 'validation result');
  } catch {
    return [];
  }
  const failures: Array<{ property: string; reason: string }> = [];
  for (const violation of Array.isArray(violations) ? violations : []) {
    if (violation.constraints) failures.push({ property: 'source', reason: `Kestra rejects the flow: ${violation.constraints}` });
    const warnings = [...violation.warnings ?? [], ...(violation.deprecationPaths ?? []).map((path) => `deprecated: ${path}`)];
    for (const warning of warnings) console.warn(`kestra flow validation warning: ${warning}`);
  }
  return failures;
}

/**
 * A Kestra flow managed through the Kestra API. The id is `<tenant>/<namespace>/<flowId>`,
 * which is also the id to import an existing flow with.
 */
export class Flow extends pulumi.dynamic.Resource {
  /** The flow's YAML source as last applied (or as read from Kestra after drift). */
  public readonly source!: pulumi.Output<string>;
  /** The flow's namespace. */
  public readonly namespace!: pulumi.Output<string>;
  /** The flow's id. */
  public readonly flowId!: pulumi.Output<string>;
  /** The tenant the flow lives in. */
  public readonly tenant!: pulumi.Output<string>;
  /** Kestra's revision number of the flow. */
  public readonly revision!: pulumi.Output<number>;

  constructor(name: string, args: FlowArgs, opts?: pulumi.CustomResourceOptions) {
    super(flowProvider, name, {
      connection: connectionInput(args.connection),
      source: args.source,
      namespace: args.namespace,
      flowId: args.flowId,
      tenant: undefined,
      revision: undefined,
    }, { ...opts, additionalSecretOutputs: [...opts?.additionalSecretOutputs ?? [], ...CONNECTION_SECRET_OUTPUTS] }, 'kestra', 'Flow');
  }
}
