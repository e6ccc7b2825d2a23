import * as yaml from 'js-yaml';

/**
 * A model of which environment variables of the Kestra container a flow can read.
 *
 * - kestra-io/kestra core/src/main/java/io/kestra/core/runners/RunContextCache.java: variables whose name starts with
 *   `kestra.variables.env-vars-prefix` and is not listed in `kestra.variables.redacted-env-vars` become
 *   `{{ envs.<name without the prefix, lower-cased> }}`. The prefix defaults to `KESTRA_`
 *   (cli/src/main/resources/application.yml); the list defaults to
 *   KESTRA_PLUGINS_PATH, KESTRA_CONFIGURATION_PATH, KESTRA_CONFIGURATION and a configured list replaces it.
 * - Micronaut maps environment variables onto properties (`KESTRA_VARIABLES_ENV_VARS_PREFIX` sets
 *   `kestra.variables.env-vars-prefix`), and they win over configuration files.
 * - kestra-io/kestra core/src/main/java/io/kestra/core/secret/SecretService.java: variables starting with `SECRET_` are
 *   readable with `{{ secret('NAME') }}`.
 * - kestra-io/kestra gradle/jar/selfrun.sh exports KESTRA_PLUGINS_PATH before starting the JVM.
 */
export interface EnvExposure {
  /** Variables readable as `envs.*`, by variable name. */
  readonly envs: Map<string, any>;
  /** Variables readable with `secret()`, by variable name. */
  readonly secrets: Map<string, any>;
}

const DEFAULT_PREFIX = 'KESTRA_';
const DEFAULT_REDACTED = ['KESTRA_PLUGINS_PATH', 'KESTRA_CONFIGURATION_PATH', 'KESTRA_CONFIGURATION'];

function list(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) return value.map(String);
  return String(value).split(',').map((s) => s.trim()).filter(Boolean);
}

/** @param applicationYml the configuration files in MICRONAUT_CONFIG_FILES order (later ones win) */
export function envExposure(container: any, applicationYml: string[]): EnvExposure {
  let prefix: string = DEFAULT_PREFIX;
  let redacted: string[] = DEFAULT_REDACTED;
  for (const text of applicationYml) {
    const variables = (yaml.load(text) as any)?.kestra?.variables ?? {};
    if (variables['env-vars-prefix'] !== undefined) prefix = String(variables['env-vars-prefix'] ?? '');
    redacted = list(variables['redacted-env-vars']) ?? redacted;
  }
  const env = new Map<string, any>([['KESTRA_PLUGINS_PATH', { name: 'KESTRA_PLUGINS_PATH', value: '/app/plugins' }]]);
  for (const entry of container.env ?? []) env.set(entry.name, entry);
  if (env.has('KESTRA_VARIABLES_ENV_VARS_PREFIX')) prefix = env.get('KESTRA_VARIABLES_ENV_VARS_PREFIX').value ?? '';
  if (env.has('KESTRA_VARIABLES_REDACTED_ENV_VARS')) redacted = list(env.get('KESTRA_VARIABLES_REDACTED_ENV_VARS').value) ?? [];
  const envs = new Map([...env].filter(([name]) => name.startsWith(prefix) && !redacted.includes(name)));
  const secrets = new Map([...env].filter(([name]) => name.startsWith('SECRET_')));
  return { envs, secrets };
}
