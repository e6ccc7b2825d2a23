import * as pulumi from '@pulumi/pulumi';
import { confirmApiAnswers } from './api-probe';
import { KestraConnection, ResolvedConnection, resolveConnection } from './auth';
import { callKestra, isKestraApiError, isNotFound, jsonBody, KestraResponse } from './client';
import { connectionInput, KestraConnectionArgs, resourceOptions } from './connection-input';
import {
  checkFailure, commonFailures, connectionFingerprint, connectionForTenant, connectionReplaces, diffResult,
  existingDiffersError, isUnknown, splitImportId, withErrorMessages,
} from './provider-support';
import { flowSourcesEquivalent } from '../../model/flow-canonical';
import { parseFlowSource } from '../../model/flow-source';

/** Arguments of a {@link Flow}. */
export interface FlowArgs {
  /**
   * How to reach Kestra; another URL or tenant replaces the flow (it is another object).
   * @default - the `KESTRA_*` environment variables, read when the provider runs
   */
  readonly connection?: pulumi.Input<KestraConnectionArgs>;
  /**
   * The flow's YAML source; its `id` and `namespace` identify the flow. Kestra keeps and shows the text
   * verbatim, so any change of text, comments included, is an update (a new revision).
   */
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
  /**
   * When the flow already exists in Kestra with another definition, overwrite it (a new revision) and
   * manage it from now on. Without it, a flow with the same definition is adopted and another fails the create.
   * @default false
   */
  readonly overwriteExisting?: pulumi.Input<boolean>;
}

/** The provider's view of a flow's inputs (plain values). */
export interface FlowInputs {
  readonly connection?: KestraConnection;
  readonly source: string;
  readonly namespace?: string;
  readonly flowId?: string;
  readonly overwriteExisting?: boolean;
}

/** A flow's state. */
export interface FlowOutputs extends FlowInputs {
  readonly tenant: string;
  /** The base URL the flow was written through: another one is another Kestra. */
  readonly kestraUrl?: string;
  readonly namespace: string;
  readonly flowId: string;
  readonly revision: number;
}

const ID_FORMAT = '<tenant>/<namespace>/<flowId>';
const FLOW_ROUTE = 'flows/{namespace}/{id}';
/** Longest wait for Kestra's validation at preview: it only adds to what the local checks found. */
const VALIDATION_TIMEOUT_MS = 5_000;

interface FlowWithSource { id: string; namespace: string; revision?: number; source?: string }
interface ValidateViolation { constraints?: string; warnings?: string[]; deprecationPaths?: string[]; infos?: string[] }

/**
 * Reconciles a Kestra flow through `/api/v1/{tenant}/flows`. Exported so it can be driven
 * directly; it holds no state and captures nothing but code, so it serializes safely.
 */
export const flowProvider: pulumi.dynamic.ResourceProvider<FlowInputs, FlowOutputs> = withErrorMessages({
  async check(_olds: FlowInputs, news: FlowInputs) {
    if (isUnknown(news.source)) return { inputs: news, failures: commonFailures(news) };
    let parsed: { id: string; namespace: string } | undefined;
    const failures = [
      checkFailure(() => { parsed = parseFlowSource(news.source, 'source'); }),
    ].filter((failure) => failure !== undefined);
    failures.push(...commonFailures(news));
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
    const replaces = connectionReplaces(olds, news);
    const changes: string[] = [];
    // undefined while the source is unknown (check could not read it): an update until proven otherwise
    for (const field of ['namespace', 'flowId'] as const) {
      if (news[field] !== undefined && (isUnknown(news[field]) || news[field] !== olds[field])) replaces.push(field);
    }
    // Kestra stores and shows the text verbatim: a comment or a reindent is a change worth a revision
    if (isUnknown(news.source) || news.source !== olds.source) changes.push('source');
    if (isUnknown(news.overwriteExisting) || news.overwriteExisting !== olds.overwriteExisting) changes.push('overwriteExisting');
    if (isUnknown(news.connection) || connectionFingerprint(olds.connection) !== connectionFingerprint(news.connection)) changes.push('connection');
    return diffResult(replaces, changes);
  },

  async create(inputs: FlowInputs) {
    return createFlow(inputs);
  },

  async read(id: string, props?: FlowOutputs): Promise<pulumi.dynamic.ReadResult<FlowOutputs>> {
    const { tenant, namespace, rest: flowId } = splitImportId('Flow', id, ID_FORMAT);
    const conn = resolveConnection(connectionForTenant(props?.connection, tenant));
    const flow = await readFlow(conn, namespace, flowId);
    if (flow === undefined) {
      await confirmApiAnswers(conn, namespace);
      return {};
    }
    // Kestra's copy differing in form only (a server that reformats) is no drift; any other difference is
    const source = props?.source !== undefined && flowSourcesEquivalent(props.source, flow.source ?? '') ? props.source : flow.source ?? '';
    const inputs: FlowInputs = {
      ...(props?.connection ? { connection: props.connection } : {}),
      ...(props?.overwriteExisting !== undefined ? { overwriteExisting: props.overwriteExisting } : {}),
      source,
      namespace,
      flowId,
    };
    const state = { ...inputs, tenant, ...(props?.kestraUrl ? { kestraUrl: props.kestraUrl } : {}), namespace, flowId, revision: flow.revision ?? 1 };
    return { id, props: state, inputs: inputs as FlowOutputs }; // Pulumi types read inputs as outputs
  },

  async update(_id: string, olds: FlowOutputs, news: FlowInputs) {
    const conn = resolveConnection(news.connection);
    const namespace = news.namespace ?? olds.namespace;
    const flowId = news.flowId ?? olds.flowId;
    // a change of credentials or flags only: nothing to write
    if (news.source === olds.source) return { outs: outputs(news, conn, namespace, flowId, olds.revision) };
    try {
      return { outs: outputs(news, conn, namespace, flowId, await putFlow(conn, news, namespace, flowId) ?? olds.revision) };
    } catch (err) {
      if (!isNotFound(err)) throw err;
      // deleted behind Pulumi's back since the last refresh: bring it back
      return { outs: (await createFlow(news)).outs };
    }
  },

  async delete(id: string, props: FlowOutputs) {
    const { tenant, namespace, rest: flowId } = splitImportId('Flow', id, ID_FORMAT);
    const conn = resolveConnection(connectionForTenant(props.connection, tenant));
    try {
      await callKestra(conn, { method: 'DELETE', route: FLOW_ROUTE, segments: ['flows', namespace, flowId] });
    } catch (err) {
      if (!isNotFound(err)) throw err;
      await confirmApiAnswers(conn, namespace);
    }
  },
});

/**
 * Creates a flow. Kestra refuses a POST for a flow id that exists (a 422 constraint violation; a 409, which
 * ErrorController gives an IllegalStateException, is read the same way): the flow
 * found there is adopted when it has the same definition — also the case of this create's own first POST,
 * applied behind a timeout or a 5xx and invisible to the read that followed — and overwritten only on opt-in.
 */
async function createFlow(inputs: FlowInputs): Promise<{ id: string; outs: FlowOutputs }> {
  const conn = resolveConnection(inputs.connection);
  const { id: flowId, namespace } = parseFlowSource(inputs.source, 'source');
  const id = `${conn.tenant}/${namespace}/${flowId}`;
  let response: KestraResponse;
  try {
    response = await callKestra(conn, {
      method: 'POST',
      route: 'flows',
      segments: ['flows'],
      body: inputs.source,
      contentType: 'application/x-yaml',
      confirm: () => confirmFlow(conn, inputs, namespace, flowId),
    });
  } catch (err) {
    if (!isKestraApiError(err) || (err.status !== 409 && err.status !== 422)) throw err;
    const existing = await readFlow(conn, namespace, flowId);
    if (existing === undefined) throw err; // not a conflict: Kestra rejects the flow itself
    if (existing.source !== undefined && flowSourcesEquivalent(existing.source, inputs.source)) {
      return { id, outs: outputs(inputs, conn, namespace, flowId, existing.revision ?? 1) };
    }
    if (!inputs.overwriteExisting) {
      throw existingDiffersError(`Flow ${namespace}.${flowId} (tenant ${conn.tenant})`, `its definition differs (revision ${existing.revision ?? '?'} there)`);
    }
    return { id, outs: outputs(inputs, conn, namespace, flowId, await putFlow(conn, inputs, namespace, flowId) ?? (existing.revision ?? 0) + 1) };
  }
  return { id, outs: outputs(inputs, conn, namespace, flowId, jsonBody<FlowWithSource>(response, 'flow').revision ?? 1) };
}

/** PUTs a flow's source; returns Kestra's new revision. */
async function putFlow(conn: ResolvedConnection, inputs: FlowInputs, namespace: string, flowId: string): Promise<number | undefined> {
  const response = await callKestra(conn, {
    method: 'PUT',
    route: FLOW_ROUTE,
    segments: ['flows', namespace, flowId],
    body: inputs.source,
    contentType: 'application/x-yaml',
    confirm: () => confirmFlow(conn, inputs, namespace, flowId),
  });
  return jsonBody<FlowWithSource>(response, 'flow').revision;
}

function outputs(inputs: FlowInputs, conn: ResolvedConnection, namespace: string, flowId: string, revision: number): FlowOutputs {
  return { ...inputs, tenant: conn.tenant, kestraUrl: conn.baseUrl, namespace, flowId, revision };
}

async function readFlow(conn: ResolvedConnection, namespace: string, flowId: string): Promise<FlowWithSource | undefined> {
  try {
    const response = await callKestra(conn, {
      method: 'GET', route: FLOW_ROUTE, segments: ['flows', namespace, flowId], query: { source: 'true' },
    });
    return jsonBody<FlowWithSource>(response, 'flow');
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/** After an unknown outcome: the write took effect when Kestra now holds this source. */
async function confirmFlow(conn: ResolvedConnection, inputs: FlowInputs, namespace: string, flowId: string): Promise<KestraResponse | undefined> {
  const flow = await readFlow(conn, namespace, flowId);
  if (flow?.source === undefined || flow.source !== inputs.source) return undefined;
  return { status: 200, headers: {}, body: Buffer.from(JSON.stringify(flow)) };
}

/**
 * What Kestra's validate endpoint would see as this one flow. It splits the body on `\n+---\n*?`
 * (FlowController.validateFlows in kestra-io/kestra webserver/.../controllers/api/), so a leading comment
 * followed by `---` would be validated as an empty flow of its own: chunks with nothing but comments are
 * dropped. Undefined when the source holds `---` lines inside its content (a block scalar), which the
 * endpoint would cut in pieces that are not flows.
 */
export function validationBody(source: string): string | undefined {
  const chunks = source.split(/\n+---\n*?/).filter((chunk) => chunk.split('\n').some((line) => line.trim() !== '' && !line.trim().startsWith('#')));
  return chunks.length === 1 ? chunks[0] : undefined;
}

/**
 * Kestra's own validation (`POST /flows/validate`) when the API answers: constraint violations are check
 * failures, warnings go to the engine log. It waits a few seconds at most, once; when it cannot run
 * (unreachable, 401/403, any other error) the preview goes on and one log line says why.
 */
async function remoteValidation(inputs: FlowInputs): Promise<Array<{ property: string; reason: string }>> {
  const skipped = (why: string): [] => {
    console.warn(`kestra flow validation skipped: ${why.replace(/\s+/g, ' ')}`);
    return [];
  };
  const body = validationBody(inputs.source);
  if (body === undefined) return skipped('the source has a "---" line inside its content, which Kestra\'s validate endpoint splits on');
  let violations: ValidateViolation[];
  try {
    const conn = resolveConnection(inputs.connection);
    const quick = { ...conn, timeoutMs: Math.min(conn.timeoutMs, VALIDATION_TIMEOUT_MS), retry: { ...conn.retry, maxAttempts: 1 } };
    const response = await callKestra(quick, {
      method: 'POST', route: 'flows/validate', segments: ['flows', 'validate'], body, contentType: 'application/x-yaml',
    });
    violations = jsonBody<ValidateViolation[]>(response, 'validation result');
  } catch (err) {
    const status = (err as { status?: number }).status;
    const reason = status === 401 || status === 403 ? `Kestra refused the credentials (HTTP ${status})`
      : status === 0 || status === undefined ? `Kestra did not answer (${(err as Error).message})` : (err as Error).message;
    return skipped(reason);
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
 * A Kestra flow managed through the Kestra API. The id is `<tenant>/<namespace>/<flowId>`. A flow that
 * already exists with the same definition is adopted on create; see {@link FlowArgs.overwriteExisting}.
 */
export class Flow extends pulumi.dynamic.Resource {
  // `declare`: the compiled ES2022 class fields would otherwise overwrite the outputs the base constructor set
  /** The flow's YAML source as last applied (or as read from Kestra after drift). */
  declare public readonly source: pulumi.Output<string>;
  /** The flow's namespace. */
  declare public readonly namespace: pulumi.Output<string>;
  /** The flow's id. */
  declare public readonly flowId: pulumi.Output<string>;
  /** The tenant the flow lives in. */
  declare public readonly tenant: pulumi.Output<string>;
  /** Kestra's revision number of the flow. */
  declare public readonly revision: pulumi.Output<number>;

  constructor(name: string, args: FlowArgs, opts?: pulumi.CustomResourceOptions) {
    super(flowProvider, name, {
      connection: connectionInput(args.connection),
      source: args.source,
      namespace: args.namespace,
      flowId: args.flowId,
      overwriteExisting: args.overwriteExisting,
      tenant: undefined,
      kestraUrl: undefined,
      revision: undefined,
    }, resourceOptions(opts), 'kestra', 'Flow');
  }
}
