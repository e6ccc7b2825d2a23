import { KestraValidationError, optionKeys, rejectUnknownOptions, validateDnsSubdomain } from '../common';

/**
 * The prefix Kestra OSS reads secrets from: `secret('NAME')` returns the base64-decoded value of
 * the environment variable `SECRET_NAME` (names compared upper-cased).
 * Upstream: kestra-io/kestra core/src/main/java/io/kestra/core/secret/SecretService.java.
 */
export const FLOW_SECRET_ENV_PREFIX = 'SECRET_';

const FLOW_SECRETS_KEYS = optionKeys<KestraFlowSecrets>()('secretName', 'keys');

/**
 * A Kubernetes Secret whose every key reaches the Kestra pods as an environment variable
 * `SECRET_<key>`, which flows read with `secret('<key>')` (Kestra OSS). Kestra base64-decodes
 * these values, so the Secret must hold base64-encoded values (encoded once more than usual).
 */
export interface KestraFlowSecrets {
  /** Name of the Secret, in the Kestra namespace. */
  readonly secretName: string;
  /**
   * The Secret's keys. When every Secret declares them, the flows' `secret()` names are checked
   * against them at synth.
   * @default - unknown: `secret()` references are not checked
   */
  readonly keys?: string[];
}

// The env var must be a C identifier for every kubelet to pass it (older ones skip other names).
const ENV_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Validates the `secrets` prop; returns the Secrets in order, each with its keys when declared. */
export function resolveFlowSecrets(value: KestraFlowSecrets | KestraFlowSecrets[] | undefined): KestraFlowSecrets[] {
  if (value === undefined) return [];
  const list = Array.isArray(value) ? value : [value];
  const names = new Set<string>();
  const keys = new Map<string, string>();
  return list.map((secret, i) => {
    const field = Array.isArray(value) ? `secrets[${i}]` : 'secrets';
    rejectUnknownOptions(field, secret ?? null, FLOW_SECRETS_KEYS);
    const secretName = validateDnsSubdomain(`${field}.secretName`, secret.secretName);
    if (names.has(secretName)) throw new KestraValidationError(`${field}.secretName`, secretName, 'is listed twice');
    names.add(secretName);
    if (secret.keys === undefined) return { secretName };
    if (!Array.isArray(secret.keys)) throw new KestraValidationError(`${field}.keys`, secret.keys, 'must be a list of key names');
    secret.keys.forEach((key, k) => {
      if (typeof key !== 'string' || !ENV_KEY.test(key)) {
        throw new KestraValidationError(`${field}.keys[${k}]`, key,
          `must be a valid environment variable name (letters, digits, _) since it becomes ${FLOW_SECRET_ENV_PREFIX}<key>`);
      }
      const upper = key.toUpperCase();
      const other = keys.get(upper);
      if (other !== undefined) {
        throw new KestraValidationError(`${field}.keys[${k}]`, key,
          `is the same secret as "${other}" for Kestra, which upper-cases names; one of them would hide the other`);
      }
      keys.set(upper, `${secretName}/${key}`);
    });
    return { secretName, keys: [...secret.keys] };
  });
}
