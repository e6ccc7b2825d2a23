import { KestraConfiguration, SecretEnv } from './configuration';
import { isPlainMapping } from '../model/flow-rules';

/**
 * Which environment variables flows can read, as Kestra decides it.
 *
 * kestra-io/kestra core/src/main/java/io/kestra/core/runners/RunContextCache.java: every environment variable (and
 * system property) whose name starts with `kestra.variables.env-vars-prefix` (default `KESTRA_`,
 * cli/src/main/resources/application.yml) is handed to flows as `{{ envs.<rest of the name, lower-cased> }}`, except
 * the names listed in `kestra.variables.redacted-env-vars`. That list defaults to the three names below, and a
 * configured list replaces the default rather than adding to it.
 *
 * The construct therefore (1) names every credential it injects outside the prefix (`CREDENTIALS_*`), and (2) lists
 * every Secret-backed variable, its own and `extraEnv`'s, in `redacted-env-vars` next to the three defaults, so that
 * even a configuration that changes or empties the prefix exposes none of them.
 */
export const KESTRA_DEFAULT_REDACTED_ENV_VARS = ['KESTRA_PLUGINS_PATH', 'KESTRA_CONFIGURATION_PATH', 'KESTRA_CONFIGURATION'];

/** Prefix of the variables that carry credentials into the Kestra container; outside Kestra's `KESTRA_` prefix. */
export const CREDENTIAL_ENV_PREFIX = 'CREDENTIALS_';

/** The name of a credential variable, e.g. `credentialEnv('DATABASE_PASSWORD')` is `CREDENTIALS_DATABASE_PASSWORD`. */
export function credentialEnv(name: string): string {
  return `${CREDENTIAL_ENV_PREFIX}${name}`;
}

/**
 * The `kestra.variables.redacted-env-vars` to render: Kestra's defaults, every Secret-backed variable, and whatever
 * the user's configuration already lists (kept, since a list in the overlay would otherwise replace ours).
 */
export function redactedEnvConfiguration(secretEnv: readonly SecretEnv[], overlay: KestraConfiguration): KestraConfiguration {
  const variables = isPlainMapping(overlay.kestra) && isPlainMapping((overlay.kestra as KestraConfiguration).variables)
    ? (overlay.kestra as any).variables as KestraConfiguration : {};
  const listed = variables['redacted-env-vars'];
  const userList = Array.isArray(listed) ? listed.map(String)
    : typeof listed === 'string' ? listed.split(',').map((name) => name.trim()).filter(Boolean) : [];
  const names = [...new Set([...KESTRA_DEFAULT_REDACTED_ENV_VARS, ...secretEnv.map((env) => env.name), ...userList])];
  return { kestra: { variables: { 'redacted-env-vars': names } } };
}
