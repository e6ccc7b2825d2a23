import * as path from 'path';
import { ApiObjectMetadata } from 'cdk8s';
import { Construct } from 'constructs';
import { KestraValidationError, inConstruct } from '../common/errors';
import { rejectUnknownOptions } from '../common/known-keys';
import { validateDnsSubdomain } from '../common/validation';
import { KestraFlow as KestraFlowObject } from '../imports/model.kestra.io';
import { FlowReferences, flowReferences, parseFlowSource, validateTenant, withReadOnlyLabel } from '../model';
import { decodeUtf8, readFileBytes } from './files';
import { checkObjectSize, renderWireForm } from './guards';
import { KestraResourceTarget, claimKestraIdentity, kubernetesNamespaceOf } from './kestra-identities';
import { kubernetesObjectName } from './object-names';
import { FLOW_PROPS_KEYS } from './option-keys';
import { ReferenceGraph } from './reference-graph';

/** Options shared by every way of declaring a flow (inline, from a file, from a folder). */
export interface KestraFlowOptions extends KestraResourceTarget {
  /**
   * Kestra tenant of the flow (Enterprise Edition).
   * @default - the operator's default tenant
   */
  readonly tenant?: string;
  /**
   * Add the label `system.readOnly: "true"` to the source, which disables the Kestra UI editor
   * for this flow so that the code stays the only source of truth. Comments and formatting of
   * the source are kept; a source that already has the label is left as it is.
   * @default true
   */
  readonly readOnly?: boolean;
  /**
   * Metadata of the `KestraFlow` object: its Kubernetes namespace (one the operator watches),
   * labels, annotations, or a fixed name.
   * @default - a name derived from tenant, namespace and id; no Kubernetes namespace (the chart's)
   */
  readonly metadata?: ApiObjectMetadata;
}

/** Properties of a {@link KestraFlow}. */
export interface KestraFlowProps extends KestraFlowOptions {
  /** The flow's YAML source, as Kestra reads it; it must carry `id`, `namespace` and `tasks`. */
  readonly source: string;
  /**
   * The flow id; when given it must equal the `id` in the source (a mismatch would make the
   * operator silently ignore updates).
   * @default - the `id` of the source
   */
  readonly id?: string;
  /**
   * The Kestra namespace; when given it must equal the `namespace` in the source.
   * @default - the `namespace` of the source
   */
  readonly namespace?: string;
  /**
   * Where the source comes from, named in error messages (the file path for `fromFile`).
   * @default "source" (errors start with the construct path)
   */
  readonly sourceName?: string;
}

/**
 * A Kestra flow deployed by the Kestra operator: a `KestraFlow` custom resource whose source is
 * validated at synth (YAML, id, namespace, tasks, unique task ids...) and, by default, marked
 * read-only in the Kestra UI.
 */
export class KestraFlow extends KestraFlowObject {
  /** Declares a flow from a YAML file; errors name the file. */
  public static fromFile(scope: Construct, id: string, filePath: string, options: KestraFlowOptions = {}): KestraFlow {
    const source = inConstruct(scope, id, () => decodeUtf8('path', readFileBytes('path', filePath), filePath));
    return new KestraFlow(scope, id, { ...options, source, sourceName: path.normalize(filePath) });
  }

  /** The flow id (from the source). */
  public readonly flowId: string;
  /** The Kestra namespace (from the source). */
  public readonly namespace: string;
  /** The Kestra tenant, when one was given. */
  public readonly tenant?: string;
  /** The source as deployed (with the read-only label unless `readOnly: false`). */
  public readonly source: string;
  /**
   * What the flow refers to outside itself (flows it calls, flows that trigger it, K/V keys,
   * namespace files and secrets it reads), taken from the same parse that validated it.
   */
  public readonly references: FlowReferences;
  /**
   * The `KestraFlow` custom resource: this construct itself. The typed resource extends the L1
   * class generated from the CRD instead of wrapping it, which halves the constructs cdk8s walks
   * at synth (a wrapper cost ~15% of synth time with thousands of resources).
   */
  public get apiObject(): KestraFlowObject {
    return this;
  }

  constructor(scope: Construct, id: string, props: KestraFlowProps) {
    const { parsed, source, body } = inConstruct(scope, id, () => prepareFlow(scope, id, props));
    super(scope, id, body);
    this.flowId = parsed.id;
    this.namespace = parsed.namespace;
    this.tenant = props.tenant;
    this.source = source;
    inConstruct(scope, id, () => checkObjectSize('source', this, body, props.sourceName ?? 'source'));
    this.references = flowReferences(parsed.document);
    ReferenceGraph.of(this).addFlow(this, {
      tenant: props.tenant ?? '', namespace: parsed.namespace, flowId: parsed.id, origin: props.sourceName ?? 'source', references: this.references,
    });
  }

  /** Renders the object; its body is already in wire form (see `renderWireForm`). */
  public override toJson(): any {
    return renderWireForm(this);
  }
}

/** Validates the props of a flow and builds its body; throws before the construct exists. */
function prepareFlow(scope: Construct, id: string, props: KestraFlowProps) {
  rejectUnknownOptions('', props ?? null, FLOW_PROPS_KEYS);
  const origin = props.sourceName ?? 'source';
  const where = props.sourceName ?? 'the source';
  if (typeof props.source !== 'string') {
    throw new KestraValidationError('source', props.source, 'must be the YAML text of a Kestra flow');
  }
  const parsed = parseFlowSource(props.source, origin);
  if (props.id !== undefined && props.id !== parsed.id) {
    throw new KestraValidationError('id', props.id, `differs from the id "${parsed.id}" in ${where}; the operator would ignore the flow's updates`);
  }
  if (props.namespace !== undefined && props.namespace !== parsed.namespace) {
    throw new KestraValidationError('namespace', props.namespace,
      `differs from the namespace "${parsed.namespace}" in ${where}; the operator would ignore the flow's updates`);
  }
  if (props.tenant !== undefined) validateTenant('tenant', props.tenant);
  if (props.metadata?.name !== undefined) validateDnsSubdomain('metadata.name', props.metadata.name);
  const source = props.readOnly === false ? props.source : withReadOnlyLabel(props.source, origin, parsed.document);
  const name = props.metadata?.name
    ?? kubernetesObjectName(props.tenant ? [props.tenant, parsed.namespace, parsed.id] : [parsed.namespace, parsed.id]);
  const body = {
    metadata: { ...props.metadata, name },
    spec: { id: parsed.id, namespace: parsed.namespace, source, tenant: props.tenant },
  };
  claimKestraIdentity(scope, id, 'KestraFlow', { tenant: props.tenant, namespace: parsed.namespace, id: parsed.id },
    { kubernetesNamespace: kubernetesNamespaceOf(scope, props.metadata?.namespace), operator: props.operator });
  return { parsed, source, body };
}
