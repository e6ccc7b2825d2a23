import { createHash } from 'crypto';
import { KestraValidationError, SecretKeyRef } from '../common';
import { jsYamlLibrary } from '../common/lazy-modules';
import { isPlainMapping } from '../model/flow-rules';

/** Kestra configuration as a YAML-shaped object (what `application.yml` holds). */
export type KestraConfiguration = { [key: string]: unknown };

/**
 * A secret value handed to Kestra as an environment variable read from a Secret.
 * The configuration only holds the `${NAME}` placeholder, which Micronaut
 * resolves at startup, so the ConfigMap never contains the value.
 */
export interface SecretEnv {
  /** Environment variable name. */
  readonly name: string;
  /** Where the value lives. */
  readonly ref: SecretKeyRef;
}

/** The Micronaut placeholder that reads an environment variable. */
export function placeholder(envName: string): string {
  return '${' + envName + '}';
}

/** Merges `override` over `base`: objects merge key by key, anything else (arrays included) replaces. */
export function deepMerge(base: KestraConfiguration, override: KestraConfiguration): KestraConfiguration {
  const out: KestraConfiguration = { ...base };
  for (const [key, value] of Object.entries(override)) {
    const current = out[key];
    out[key] = isPlainMapping(current) && isPlainMapping(value) ? deepMerge(current, value) : value;
  }
  return out;
}

/** Checks the user's configuration overlay is a YAML-serialisable object. */
export function validateConfiguration(field: string, configuration: KestraConfiguration | undefined): KestraConfiguration {
  if (configuration === undefined) return {};
  if (!isPlainMapping(configuration)) {
    throw new KestraValidationError(field, configuration, 'must be an object shaped like Kestra\'s application.yml');
  }
  try {
    jsYamlLibrary().dump(configuration, { noRefs: true });
  } catch (err) {
    throw new KestraValidationError(field, '<object>', `cannot be rendered as YAML: ${(err as Error).message}`);
  }
  return configuration;
}

/** The rendered configuration file and the checksum that rolls pods when it changes. */
export interface RenderedConfiguration {
  /** YAML text of the configuration file. */
  readonly yaml: string;
  /** SHA-256 of everything that changes what the pods read at startup. */
  readonly checksum: string;
}

/**
 * Renders the configuration once. The checksum also covers the names of the
 * secret references, so re-pointing a credential rolls the pods too.
 */
export function renderConfiguration(config: KestraConfiguration, secretEnv: readonly SecretEnv[],
  extra: readonly string[] = []): RenderedConfiguration {
  const text = jsYamlLibrary().dump(config, { noRefs: true, sortKeys: true, lineWidth: -1 });
  const hash = createHash('sha256').update(text);
  for (const env of secretEnv) hash.update(`\0${env.name}=${env.ref.secretName}/${env.ref.key}`);
  for (const item of extra) hash.update(`\0${item}`);
  return { yaml: text, checksum: hash.digest('hex') };
}
