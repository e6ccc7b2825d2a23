import * as pulumi from '@pulumi/pulumi';
import { RetryPolicy } from './retry';

/** The `connection` input of {@link Flow}, {@link KeyValue} and {@link NamespaceFile}; see {@link KestraConnection}. */
export interface KestraConnectionArgs {
  /**
   * Base URL of the Kestra server, e.g. `https://kestra.example.com`; changing it replaces the resource
   * (the object is created through the new URL before it is deleted through the old one).
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
   * @default - `KESTRA_TENANT`, else `KESTRA_TENANT_ID`, else `main`
   */
  readonly tenant?: pulumi.Input<string>;
  /**
   * Extra headers sent with every request; stored as a Pulumi secret and redacted from errors.
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
  readonly retry?: pulumi.Input<RetryPolicyArgs>;
}

/** {@link RetryPolicy} as a resource input: every field optional, each one may be an output of another resource. */
export type RetryPolicyArgs = { readonly [K in keyof RetryPolicy]?: pulumi.Input<RetryPolicy[K]> };

/**
 * The connection as a resource input: credentials and headers wrapped in `pulumi.secret` so that they
 * are encrypted in the state and masked in diffs, whether or not the caller made them secret. A
 * connection given as a whole output (not a plain object) is made secret as a whole.
 */
export function connectionInput(connection: pulumi.Input<KestraConnectionArgs> | undefined): pulumi.Input<Record<string, unknown>> | undefined {
  if (connection === undefined) return undefined;
  if (pulumi.Output.isInstance(connection) || isPromiseLike(connection)) {
    return pulumi.secret(pulumi.output(connection) as pulumi.Output<Record<string, unknown>>);
  }
  const { apiToken, password, headers, ...plain } = connection as KestraConnectionArgs;
  return {
    ...plain,
    ...(apiToken !== undefined ? { apiToken: pulumi.secret(apiToken) } : {}),
    ...(password !== undefined ? { password: pulumi.secret(password) } : {}),
    ...(headers !== undefined ? { headers: pulumi.secret(headers) } : {}),
  };
}

/** The options of a Kestra resource: the caller's, plus the outputs that hold secrets (`connection`, and `extra`). */
export function resourceOptions(opts: pulumi.CustomResourceOptions | undefined, ...extra: string[]): pulumi.CustomResourceOptions {
  return { ...opts, additionalSecretOutputs: [...opts?.additionalSecretOutputs ?? [], 'connection', ...extra] };
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | undefined)?.then === 'function';
}
