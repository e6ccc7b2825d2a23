import { KestraValidationError } from './errors';
import { rejectUnknownOptions } from './known-keys';
import { validateDnsSubdomain } from './validation';

/**
 * A reference to one key of an existing Kubernetes Secret. Every credential the
 * package handles is passed this way so that no secret value is ever written
 * into a manifest, a ConfigMap or a literal environment variable.
 */
export interface SecretKeyRef {
  /** Name of the Secret, in the namespace of the workload that reads it. */
  readonly secretName: string;
  /** Key inside the Secret's `data`. */
  readonly key: string;
}

const SECRET_KEY_REF_KEYS = ['secretName', 'key'];
const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;

/** Validates a SecretKeyRef; `field` names the property for the error message. */
export function validateSecretKeyRef(field: string, ref: SecretKeyRef | undefined): SecretKeyRef {
  if (ref === undefined || ref === null || typeof ref !== 'object') {
    throw new KestraValidationError(field, ref, 'must be a secret reference { secretName, key }');
  }
  rejectUnknownOptions(field, ref, SECRET_KEY_REF_KEYS);
  validateDnsSubdomain(`${field}.secretName`, ref.secretName);
  if (typeof ref.key !== 'string' || ref.key.length === 0 || ref.key.length > 253 || !SECRET_KEY.test(ref.key)) {
    throw new KestraValidationError(`${field}.key`, ref.key,
      'must be a non-empty Secret data key made of alphanumeric characters, "-", "_" or "."');
  }
  return ref;
}
