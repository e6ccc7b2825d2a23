import { ApiObjectMetadata } from 'cdk8s';
import { Construct } from 'constructs';
import { KestraValidationError } from '../common/errors';
import { validateDnsSubdomain } from '../common/validation';
import { KestraKeyValue as KestraKeyValueObject, KestraKeyValueSpecType } from '../imports/model.kestra.io';
import {
  checkKeyValue, KeyValueInput, KeyValueType, keyValueSpecText, validateIsoDuration, validateKvKey, validateNamespace, validateTenant,
} from '../model';
import { checkObjectSize, claimKestraIdentity } from './guards';
import { kubernetesObjectName } from './object-names';

/** Properties of a {@link KestraKeyValue}. */
export interface KestraKeyValueProps {
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
export class KestraKeyValue extends Construct {
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
  /** The Kubernetes name of the `KestraKeyValue` object. */
  public readonly name: string;
  /** The `KestraKeyValue` custom resource. */
  public readonly apiObject: KestraKeyValueObject;

  constructor(scope: Construct, id: string, props: KestraKeyValueProps) {
    super(scope, id);
    this.namespace = validateNamespace('namespace', props.namespace);
    this.key = validateKvKey('key', props.key);
    const checked = checkKeyValue('value', props.value, props.type);
    this.type = checked.type;
    this.valueText = keyValueSpecText(checked);
    if (props.ttl !== undefined) validateTtl(props.ttl);
    this.tenant = props.tenant === undefined ? undefined : validateTenant('tenant', props.tenant);
    if (props.metadata?.name !== undefined) validateDnsSubdomain('metadata.name', props.metadata.name);
    claimKestraIdentity(this, 'KestraKeyValue', { tenant: this.tenant, namespace: this.namespace, key: this.key });

    this.name = props.metadata?.name
      ?? kubernetesObjectName(this.tenant ? [this.tenant, this.namespace, this.key] : [this.namespace, this.key]);
    const body = {
      metadata: { ...props.metadata, name: this.name },
      spec: {
        namespace: this.namespace,
        key: this.key,
        value: this.valueText,
        type: this.type as KestraKeyValueSpecType,
        ttl: props.ttl,
        tenant: this.tenant,
      },
    };
    this.apiObject = new KestraKeyValueObject(this, 'Resource', body);
    checkObjectSize('value', this.apiObject, body, `key ${this.key}`);
  }
}

function validateTtl(ttl: string): void {
  validateIsoDuration('ttl', ttl);
  const digits = ttl.match(/[0-9]+/g) ?? [];
  if (ttl.includes('-') || digits.every((d) => Number(d) === 0)) {
    throw new KestraValidationError('ttl', ttl, 'must be a positive duration');
  }
}
