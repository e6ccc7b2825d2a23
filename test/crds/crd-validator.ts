import * as fs from 'fs';
import * as path from 'path';
import Ajv, { ValidateFunction } from 'ajv';
import * as yaml from 'js-yaml';

/** Root of the package: the CRD files live in `<root>/crds`. */
export const CRD_DIR = path.join(__dirname, '..', '..', 'crds');

/** The CRD files of the package, by the kind they define. */
export const CRD_FILES: Record<string, string> = {
  KestraFlow: 'kestraflow.yaml',
  KestraKeyValue: 'kestrakeyvalue.yaml',
  KestraNamespaceFile: 'kestranamespacefile.yaml',
};

/** Parses one CRD file of `crds/`. */
export function loadCrd(kind: string): any {
  const file = CRD_FILES[kind];
  if (!file) throw new Error(`no CRD for kind ${kind}`);
  return yaml.load(fs.readFileSync(path.join(CRD_DIR, file), 'utf8'));
}

/** The `openAPIV3Schema` of the served version of a kind. */
export function schemaOf(kind: string): any {
  return loadCrd(kind).spec.versions[0].schema.openAPIV3Schema;
}

const ajv = new Ajv({ allErrors: true });
const validators = new Map<string, ValidateFunction>();

/**
 * Validates a custom resource of one of our kinds against its CRD's
 * `openAPIV3Schema`, the way the API server would; returns the error messages
 * (empty when the object is accepted).
 */
export function crErrors(obj: any): string[] {
  const kind = obj?.kind;
  if (obj?.apiVersion !== 'model.kestra.io/v1alpha1' || !CRD_FILES[kind]) {
    return [`not a model.kestra.io/v1alpha1 custom resource: ${obj?.apiVersion} ${kind}`];
  }
  let validate = validators.get(kind);
  if (!validate) {
    validate = ajv.compile(schemaOf(kind));
    validators.set(kind, validate);
  }
  if (validate(obj)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`.replace(/^\/ /, ''));
}

/** Throws, naming the object, when a custom resource does not satisfy its CRD. */
export function validateCustomResource(obj: any): void {
  const errors = crErrors(obj);
  if (errors.length > 0) throw new Error(`${obj?.kind}/${obj?.metadata?.name}: ${errors.join('; ')}`);
}
