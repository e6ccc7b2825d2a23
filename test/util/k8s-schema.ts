import * as path from 'path';
import { Chart, Testing } from 'cdk8s';

/**
 * Validates Kubernetes objects against the OpenAPI schemas shipped by
 * `kubernetes-models` (one generated validator per kind). Objects of groups the
 * package does not know (our CRs) are returned for the caller to check.
 */
export interface ManifestObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata?: { name?: string; namespace?: string; [key: string]: unknown };
  readonly [key: string]: unknown;
}

const KESTRA_GROUP = 'model.kestra.io/';

function modelModule(apiVersion: string, kind: string): string {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  return path.posix.join('kubernetes-models', group, version, kind);
}

/** Throws with every schema violation of one object, naming the object. */
export function validateObject(obj: ManifestObject): void {
  if (!obj || typeof obj.apiVersion !== 'string' || typeof obj.kind !== 'string') {
    throw new Error(`not a Kubernetes object: ${JSON.stringify(obj).slice(0, 200)}`);
  }
  if (obj.apiVersion.startsWith(KESTRA_GROUP)) return;
  let model: any;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    model = require(modelModule(obj.apiVersion, obj.kind));
  } catch {
    throw new Error(`${obj.apiVersion} ${obj.kind} is not a kind known to the Kubernetes schemas`);
  }
  const Model = model[obj.kind];
  try {
    new Model(obj).validate();
  } catch (err) {
    throw new Error(`${obj.kind}/${obj.metadata?.name}: ${(err as Error).message}`);
  }
}

/** Validates every object and checks that names are unique per kind and namespace. */
export function validateManifest(objects: readonly ManifestObject[]): ManifestObject[] {
  const seen = new Set<string>();
  for (const obj of objects) {
    validateObject(obj);
    const id = `${obj.apiVersion}/${obj.kind}/${obj.metadata?.namespace ?? ''}/${obj.metadata?.name}`;
    if (seen.has(id)) throw new Error(`duplicate object ${id}`);
    seen.add(id);
  }
  return [...objects];
}

/** Synthesizes a chart to JSON and validates every object in it. */
export function synthValid(chart: Chart): ManifestObject[] {
  return validateManifest(Testing.synth(chart) as ManifestObject[]);
}

/** The objects of one kind, optionally by name. */
export function ofKind(objects: readonly ManifestObject[], kind: string, name?: string): any[] {
  return objects.filter((o) => o.kind === kind && (name === undefined || o.metadata?.name === name));
}
