import { KestraConfigMapKeyRef } from './props';
import { KestraValidationError, optionKeys, rejectUnknownOptions, validateDnsSubdomain } from '../common';

const REF_KEYS = optionKeys<KestraConfigMapKeyRef>()('configMapName', 'key');
const CONFIG_MAP_KEY = /^[-._a-zA-Z0-9]+$/;
/** Where the extra configuration files from ConfigMaps are mounted (one folder per file). */
export const CONFIG_MAP_FILES_DIR = '/app/configmaps';

/** Validates `configMapConfiguration`. */
export function resolveConfigMapFiles(refs: KestraConfigMapKeyRef[] | undefined): KestraConfigMapKeyRef[] {
  if (refs === undefined) return [];
  if (!Array.isArray(refs)) throw new KestraValidationError('configMapConfiguration', refs, 'must be a list of { configMapName, key }');
  return refs.map((ref, i) => {
    const field = `configMapConfiguration[${i}]`;
    rejectUnknownOptions(field, ref ?? null, REF_KEYS);
    validateDnsSubdomain(`${field}.configMapName`, ref.configMapName);
    if (typeof ref.key !== 'string' || !CONFIG_MAP_KEY.test(ref.key) || ref.key.length > 253) {
      throw new KestraValidationError(`${field}.key`, ref.key, 'must be a ConfigMap data key (alphanumeric characters, "-", "_" or ".")');
    }
    return ref;
  });
}

/**
 * Mounts each file and lists it in `MICRONAUT_CONFIG_FILES` right after the generated file and before the files from
 * Secrets, the order of the Helm chart's `configurations.configmaps` (kestra-io/helm-charts charts/kestra/templates/
 * _helpers.tpl, `kestra.micronautConfigFiles`); Micronaut lets a later file override an earlier one.
 */
export function applyConfigMapFiles(template: { spec: any }, files: readonly KestraConfigMapKeyRef[]): void {
  if (files.length === 0) return;
  const spec = template.spec;
  const kestra = spec.containers.find((c: any) => c.name === 'kestra');
  const paths = files.map((file, i) => `${CONFIG_MAP_FILES_DIR}/${i}/${file.key}`);
  spec.volumes = [...(spec.volumes ?? []), ...files.map((file, i) => ({
    name: `config-map-${i}`, configMap: { name: file.configMapName, items: [{ key: file.key, path: file.key }] },
  }))];
  kestra.volumeMounts = [...(kestra.volumeMounts ?? []), ...files.map((_file, i) => ({ name: `config-map-${i}`, mountPath: `${CONFIG_MAP_FILES_DIR}/${i}`, readOnly: true }))];
  const env = kestra.env.find((e: any) => e.name === 'MICRONAUT_CONFIG_FILES');
  const [generated, ...fromSecrets] = String(env.value).split(',');
  env.value = [generated, ...paths, ...fromSecrets].join(',');
}
