import { optionKeys, rejectUnknownOptions } from './known-keys';
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

const REQUIREMENT_KEYS = optionKeys<ResourceRequirements>()('requests', 'limits');
const QUANTITY_KEYS = optionKeys<ResourceQuantities>()('cpu', 'memory');

/** Validates every quantity and returns the plain Kubernetes `resources` object. */
export function renderResources(field: string, resources: ResourceRequirements | undefined): Record<string, Record<string, string>> | undefined {
  if (resources === undefined) return undefined;
  rejectUnknownOptions(field, resources, REQUIREMENT_KEYS);
  const out: Record<string, Record<string, string>> = {};
  for (const section of ['requests', 'limits'] as const) {
    const quantities = resources[section];
    if (quantities === undefined) continue;
    rejectUnknownOptions(`${field}.${section}`, quantities, QUANTITY_KEYS);
    const rendered: Record<string, string> = {};
    for (const kind of ['cpu', 'memory'] as const) {
      const value = quantities[kind];
      if (value === undefined) continue;
      rendered[kind] = validateQuantity(`${field}.${section}.${kind}`, value);
    }
    if (Object.keys(rendered).length > 0) out[section] = rendered;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}
