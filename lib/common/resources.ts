import { KestraValidationError } from './errors';
import { validateQuantity } from './validation';

/** CPU and memory as Kubernetes quantity strings, e.g. `{ cpu: '500m', memory: '1Gi' }`. */
export interface ResourceQuantities {
  /**
   * CPU quantity (`"500m"`, `"2"`).
   * @default - not set
   */
  readonly cpu?: string;
  /**
   * Memory quantity (`"512Mi"`, `"2Gi"`).
   * @default - not set
   */
  readonly memory?: string;
}

/** Container resources written the way Kubernetes (and Helm values) write them. */
export interface ResourceRequirements {
  /**
   * What the scheduler reserves for the container.
   * @default - not set
   */
  readonly requests?: ResourceQuantities;
  /**
   * The hard ceiling for the container.
   * @default - not set
   */
  readonly limits?: ResourceQuantities;
}

// Multipliers of Kubernetes resource.Quantity suffixes (k8s.io/apimachinery/pkg/api/resource/suffix.go).
const SUFFIXES: Record<string, number> = {
  '': 1,
  'n': 1e-9,
  'u': 1e-6,
  'm': 1e-3,
  'k': 1e3,
  'M': 1e6,
  'G': 1e9,
  'T': 1e12,
  'P': 1e15,
  'E': 1e18,
  'Ki': 2 ** 10,
  'Mi': 2 ** 20,
  'Gi': 2 ** 30,
  'Ti': 2 ** 40,
  'Pi': 2 ** 50,
  'Ei': 2 ** 60,
};

/** The numeric value of a quantity already validated by `validateQuantity` (cores for CPU, bytes for memory). */
export function quantityValue(quantity: string): number {
  const match = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))([eE][+-]?\d+|[a-zA-Z]*)$/.exec(quantity);
  if (!match) return NaN;
  const [, number, suffix] = match;
  if (/^[eE]/.test(suffix)) return Number(number + suffix);
  return Number(number) * (SUFFIXES[suffix] ?? NaN);
}

/**
 * Validates every quantity and returns the plain Kubernetes `resources` object. A request above its limit
 * is refused here: the API server would reject the pod ("must be less than or equal to ... limit").
 */
export function renderResources(field: string, resources: ResourceRequirements | undefined): Record<string, Record<string, string>> | undefined {
  if (!resources) return undefined;
  const out: Record<string, Record<string, string>> = {};
  for (const section of ['requests', 'limits'] as const) {
    const quantities = resources[section];
    if (!quantities) continue;
    const rendered: Record<string, string> = {};
    for (const kind of ['cpu', 'memory'] as const) {
      const value = quantities[kind];
      if (value === undefined) continue;
      rendered[kind] = validateQuantity(`${field}.${section}.${kind}`, value);
    }
    if (Object.keys(rendered).length > 0) out[section] = rendered;
  }
  for (const kind of ['cpu', 'memory'] as const) {
    const request = out.requests?.[kind];
    const limit = out.limits?.[kind];
    if (request !== undefined && limit !== undefined && quantityValue(request) > quantityValue(limit)) {
      throw new KestraValidationError(`${field}.requests.${kind}`, request, `is above the limit ${JSON.stringify(limit)} (${field}.limits.${kind}); Kubernetes refuses such a pod`);
    }
  }
  return Object.keys(out).length > 0 ? out : undefined;
}
