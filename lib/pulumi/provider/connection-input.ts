import * as pulumi from '@pulumi/pulumi';
import { RetryPolicy } from './retry';

/** The `connection` input of {@link Flow}, {@link KeyValue} and {@link NamespaceFile}; see {@link KestraConnection}. */
export interface KestraConnectionArgs {
  /**
   * Base URL of the Kestra server, e.g. `https://kestra.example.com`.
   * @default - `KESTRA_URL`, read when the provider runs
   */
  readonly url?: pulumi.Input<string>;
  /**
   * API token (`Authorization: Bearer`); stored as a Pulumi secret.
   * @default - `KESTRA_API_TOKEN`, read when the provider runs
   */
  readonly apiToken?: pulumi.Input<string>;
  /**
   * User name for HTTP Basic authentication.
   * @default - `KESTRA_USERNAME`, read when the provider runs
   */
  readonly username?: pulumi.Input<string>;
  /**
   * Password for HTTP Basic authentication; stored as a Pulumi secret.
   * @default - `KESTRA_PASSWORD`, read when the provider runs
   */
  readonly password?: pulumi.Input<string>;
  /**
   * Kestra tenant; changing it replaces the resource.
   * @default - `KESTRA_TENANT`, else `main`
   */
  readonly tenant?: pulumi.Input<string>;
  /**
   * Extra headers sent with every request.
   * @default - none
   */
  readonly headers?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /**
   * Timeout of one HTTP attempt, in milliseconds.
   * @default 30000
   */
  readonly timeoutMs?: pulumi.Input<number>;
  /**
   * Retry policy for transient failures.
   * @default - 5 attempts, 250 ms base backoff doubling up to 8 s, `Retry-After` capped at 30 s
   */
  readonly retry?: pulumi.Input<Partial<RetryPolicy>>;
}

/**
 * The connection as a resource input: credentials wrapped in `pulumi.secret` so that they are
 * encrypted in the state and masked in diffs, whether or not the caller made them secret.
 */
export function connectionInput(connection: KestraConnectionArgs | undefined): pulumi.Input<Record<string, unknown>> | undefined {
  if (connection === undefined) return undefined;
  const { apiToken, password, ...plain } = connection;
  return {
    ...plain,
    ...(apiToken !== undefined ? { apiToken: pulumi.secret(apiToken) } : {}),
    ...(password !== undefined ? { password: pulumi.secret(password) } : {}),
  };
}

/** Output properties that hold credentials; the connection carries the token or password. */
export const CONNECTION_SECRET_OUTPUTS = ['connection'];
