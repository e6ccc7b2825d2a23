import { KestraValidationError } from './errors';

// Kubernetes apimachinery `IsQualifiedName` and `IsValidLabelValue`
// (kubernetes/kubernetes staging/src/k8s.io/apimachinery/pkg/util/validation/validation.go).
const NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Checks a label or annotation key: `[prefix/]name`, the prefix a DNS subdomain, the name at most 63 characters. */
export function validateQualifiedName(field: string, key: unknown): string {
  const reason = 'is not a valid Kubernetes label/annotation key: an optional DNS-subdomain prefix and "/", then at most 63 '
    + 'alphanumeric characters, "-", "_" or ".", starting and ending with an alphanumeric character (e.g. "kubernetes.io/os")';
  if (typeof key !== 'string') throw new KestraValidationError(field, key, reason);
  const slash = key.indexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (name.length > 63 || !NAME_PART.test(name)) throw new KestraValidationError(field, key, reason);
  if (prefix !== undefined && (prefix.length > 253 || !DNS1123_SUBDOMAIN.test(prefix))) throw new KestraValidationError(field, key, reason);
  return key;
}

/** Checks a label map (keys qualified names, values at most 63 characters of the label alphabet, or empty). */
export function validateLabels(field: string, labels: unknown): Record<string, string> {
  const map = stringMap(field, labels);
  for (const [key, value] of Object.entries(map)) {
    validateQualifiedName(`${field}[${JSON.stringify(key)}]`, key);
    if (value.length > 63 || (value !== '' && !NAME_PART.test(value))) {
      throw new KestraValidationError(`${field}[${JSON.stringify(key)}]`, value,
        'is not a valid label value: at most 63 alphanumeric characters, "-", "_" or ".", starting and ending with an alphanumeric character, or empty');
    }
  }
  return map;
}

/** Checks an annotation map (keys qualified names, values strings). */
export function validateAnnotations(field: string, annotations: unknown): Record<string, string> {
  const map = stringMap(field, annotations);
  for (const key of Object.keys(map)) validateQualifiedName(`${field}[${JSON.stringify(key)}]`, key);
  return map;
}

function stringMap(field: string, value: unknown): Record<string, string> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new KestraValidationError(field, value, 'must be an object of string keys and string values');
  }
  for (const [key, item] of Object.entries(value)) {
    if (typeof item !== 'string') throw new KestraValidationError(`${field}[${JSON.stringify(key)}]`, item, 'must be a string');
  }
  return value as Record<string, string>;
}
