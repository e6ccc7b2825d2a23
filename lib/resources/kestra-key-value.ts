import { ApiObjectMetadata } from 'cdk8s';
import { Construct } from 'constructs';
import { KestraValidationError, inConstruct } from '../common/errors';
import { rejectUnknownOptions } from '../common/known-keys';
import { validateDnsSubdomain } from '../common/validation';
import { KestraKeyValue as KestraKeyValueObject, KestraKeyValueSpecType } from '../imports/model.kestra.io';
import {
  checkKeyValue, KeyValueInput, KeyValueType, keyValueSpecText, validateIsoDuration, validateKvKey, validateNamespace, validateTenant,
} from '../model';
import { checkObjectSize, renderWireForm } from './guards';
import { KestraResourceTarget, claimKestraIdentity, kubernetesNamespaceOf } from './kestra-identities';
import { kubernetesObjectName } from './object-names';
import { KEY_VALUE_PROPS_KEYS } from './option-keys';
import { ReferenceGraph } from './reference-graph';

/** Properties of a {@link KestraKeyValue}. */
export interface KestraKeyValueProps extends KestraResourceTarget {
  /** Kestra namespace of the entry (not a Kubernetes namespace), e.g. `company.team`. */
  readonly namespace: string;
  /** Key of the entry: letters, digits, `.`, `_`, `-`. */
  readonly key: string;
  /**
   * The value: a string, a finite number, a boolean, a `Date` (DATETIME), or a plain object or
   * array (JSON). Entries are plain text in the manifest: keep secrets in Kestra secrets instead.
   */
  readonly value: KeyValueInput;
  /**
   * How Kestra types the value; checked against `value` when given (e.g. DATE needs "YYYY-MM-DD",
   * DURATION an ISO-8601 duration).
   * @default - inferred from `value`: STRING, NUMBER, BOOLEAN, DATETIME (Date) or JSON
   */
  readonly type?: KeyValueType;
  /**
   * Time to live, an ISO-8601 duration of days, hours, minutes and seconds (`PT30M`, `P7D`).
   * @default - the entry does not expire
   */
  readonly ttl?: string;
  /**
   * Kestra tenant of the entry (Enterprise Edition).
   * @default - the operator's default tenant
   */
  readonly tenant?: string;
  /**
   * Metadata of the `KestraKeyValue` object (Kubernetes namespace, labels, a fixed name).
   * @default - a name derived from tenant, namespace and key
   */
  readonly metadata?: ApiObjectMetadata;
}

/**
 * An entry of Kestra's key/value store, written by the Kestra operator from a `KestraKeyValue`
 * custom resource. The value's type is inferred or checked at synth, and always written to the
 * spec so that the operator stores "42" given as a string as a STRING, not a NUMBER.
 */
export class KestraKeyValue extends KestraKeyValueObject {
  /** The Kestra namespace of the entry. */
  public readonly namespace: string;
  /** The key. */
  public readonly key: string;
  /** The type Kestra stores the value as. */
  public readonly type: KeyValueType;
  /** The value as written to `spec.value` (JSON text for numbers, booleans and JSON). */
  public readonly valueText: string;
  /** The Kestra tenant, when one was given. */
  public readonly tenant?: string;
  /** The `KestraKeyValue` custom resource: this construct itself (see `KestraFlow.apiObject`). */
  public get apiObject(): KestraKeyValueObject {
    return this;
  }

  constructor(scope: Construct, id: string, props: KestraKeyValueProps) {
    const { namespace, key, checked, valueText, tenant, body } = inConstruct(scope, id, () => prepareKeyValue(scope, id, props));
    super(scope, id, body);
    this.namespace = namespace;
    this.key = key;
    this.type = checked.type;
    this.valueText = valueText;
    this.tenant = tenant;
    inConstruct(scope, id, () => checkObjectSize('value', this, body, `key ${key}`));
    ReferenceGraph.of(this).addKeyValue(this, tenant ?? '', namespace, key);
  }

  /** Renders the object; its body is already in wire form (see `renderWireForm`). */
  public override toJson(): any {
    return renderWireForm(this);
  }
}

function validateTtl(ttl: string): void {
  validateIsoDuration('ttl', ttl);
  const digits = ttl.match(/[0-9]+/g) ?? [];
  if (ttl.includes('-') || digits.every((d) => Number(d) === 0)) {
    throw new KestraValidationError('ttl', ttl, 'must be a positive duration');
  }
}

/** Validates the props of a K/V entry and builds its body; throws before the construct exists. */
function prepareKeyValue(scope: Construct, id: string, props: KestraKeyValueProps) {
  rejectUnknownOptions('', props ?? null, KEY_VALUE_PROPS_KEYS);
  const namespace = validateNamespace('namespace', props.namespace);
  const key = validateKvKey('key', props.key);
  const checked = checkKeyValue('value', props.value, props.type);
  const valueText = keyValueSpecText(checked);
  if (props.ttl !== undefined) validateTtl(props.ttl);
  const tenant = props.tenant === undefined ? undefined : validateTenant('tenant', props.tenant);
  if (props.metadata?.name !== undefined) validateDnsSubdomain('metadata.name', props.metadata.name);
  const name = props.metadata?.name ?? kubernetesObjectName(tenant ? [tenant, namespace, key] : [namespace, key]);
  const body = {
    metadata: { ...props.metadata, name },
    spec: { namespace, key, value: valueText, type: checked.type as KestraKeyValueSpecType, ttl: props.ttl, tenant },
  };
  claimKestraIdentity(scope, id, 'KestraKeyValue', { tenant, namespace, key },
    { kubernetesNamespace: kubernetesNamespaceOf(scope, props.metadata?.namespace), operator: props.operator });
  return { namespace, key, checked, valueText, tenant, body };
}
