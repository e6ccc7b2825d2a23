import { KestraValidationError } from './errors';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
// Kubernetes resource.Quantity: signed decimal number, optional binary/decimal SI suffix or exponent.
const QUANTITY = /^[+-]?(\d+(\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/;

/** Checks a name that becomes a Kubernetes label-style name (Service, namespace: at most 63 characters). */
export function validateDnsLabel(field: string, value: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 63 || !DNS1123_LABEL.test(value)) {
    throw new KestraValidationError(field, value,
      'must be a DNS-1123 label: at most 63 lower-case alphanumeric characters or "-", starting and ending with an alphanumeric character');
  }
  return value;
}

/** Checks a name that becomes a Kubernetes object name of subdomain form (at most 253 characters). */
export function validateDnsSubdomain(field: string, value: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 253 || !DNS1123_SUBDOMAIN.test(value)) {
    throw new KestraValidationError(field, value,
      'must be a DNS-1123 subdomain: at most 253 lower-case alphanumeric characters, "-" or ".", starting and ending with an alphanumeric character');
  }
  return value;
}

/** Checks a Kubernetes quantity string such as `500m`, `1.5`, `2Gi`. */
export function validateQuantity(field: string, value: string): string {
  if (typeof value !== 'string' || !QUANTITY.test(value.trim()) || value.trim() !== value) {
    throw new KestraValidationError(field, value, 'is not a Kubernetes quantity (examples: "500m", "2", "512Mi", "1Gi")');
  }
  return value;
}

/** Checks an integer count that must be at least `min` (replicas, threads). */
export function validatePositiveInteger(field: string, value: number, min = 1): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new KestraValidationError(field, value, `must be an integer greater than or equal to ${min}`);
  }
  return value;
}

/** Checks that a string is present and not blank. */
export function validateNonEmpty(field: string, value: string | undefined): string {
  if (typeof value !== 'string' || value.trim().length === 0) {
    throw new KestraValidationError(field, value, 'must be a non-empty string');
  }
  return value;
}
