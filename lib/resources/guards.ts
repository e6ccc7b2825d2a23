import { ApiObject } from 'cdk8s';
import { KestraValidationError } from '../common/errors';

/**
 * The largest serialized object (JSON, UTF-8 bytes) the resources accept: 1 MiB.
 * The API server and etcd take requests up to 1.5 MiB (etcd `--max-request-bytes`); the
 * margin leaves room for what the cluster adds (`managedFields`, status, annotations).
 * Client-side `kubectl apply` copies the object into the `last-applied-configuration`
 * annotation, whose total is capped at 256 KiB: apply large objects with
 * `kubectl apply --server-side` (or Argo CD / Flux, which do).
 */
export const MAX_OBJECT_BYTES = 1024 * 1024;

// What rendering may add to the body a resource was given (apiVersion, kind, chart labels...).
// Bodies this far below the limit skip the exact, costlier check on the rendered object.
const RENDERING_MARGIN_BYTES = 64 * 1024;

/**
 * Throws, removing the object from the tree, when the rendered object would be too large for the Kubernetes API ({@link MAX_OBJECT_BYTES}).
 * `body` is what the resource passed to its ApiObject; only a body near the limit is rendered to be measured exactly.
 */
export function checkObjectSize(field: string, apiObject: ApiObject, body: object, what: string): void {
  if (jsonUpperBound(body) < MAX_OBJECT_BYTES - RENDERING_MARGIN_BYTES) return;
  const bytes = Buffer.byteLength(JSON.stringify(apiObject.toJson()), 'utf8');
  if (bytes > MAX_OBJECT_BYTES) {
    // Only a rendered object can be measured exactly; take it out again so no oversized object is synthesized.
    apiObject.node.scope?.node.tryRemoveChild(apiObject.node.id);
    throw new KestraValidationError(field, `${what} (${bytes} bytes serialized)`,
      `is larger than ${MAX_OBJECT_BYTES} bytes (1 MiB), the most a Kubernetes object can safely hold; split it or ship it another way`);
  }
}

/**
 * An upper bound of the UTF-8 JSON size of a value, without serializing it: a UTF-16 code unit
 * takes at most 6 bytes in JSON (`\u001f`), and keys, quotes and separators a few more.
 */
function jsonUpperBound(value: unknown): number {
  if (typeof value === 'string') return 6 * value.length + 2;
  if (Array.isArray(value)) return value.reduce((sum: number, item) => sum + jsonUpperBound(item) + 1, 2);
  if (value !== null && typeof value === 'object') {
    let sum = 2;
    for (const key in value) sum += jsonUpperBound(key) + jsonUpperBound((value as Record<string, unknown>)[key]) + 2;
    return sum;
  }
  return 32;
}

/**
 * The object as cdk8s renders any `ApiObject`. The typed resources build their body in wire form
 * (the CRDs' field names), so the generated L1 class's key-by-key copy in its own `toJson` is
 * redundant: skipping it cut a fifth of synth time with thousands of resources.
 */
export function renderWireForm(apiObject: ApiObject): any {
  return ApiObject.prototype.toJson.call(apiObject);
}
