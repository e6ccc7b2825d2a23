import { SecretKeyRef, validateSecretKeyRef } from '../common';

/**
 * How the operator authenticates to the Kestra API. The credential always comes
 * from a Kubernetes Secret through `secretKeyRef`, so it never appears in the
 * manifest.
 */
export class OperatorCredentials {
  /**
   * An API token (Enterprise Edition), read from a Secret into `KESTRA_API_API_KEY`.
   * @param secretKeyRef the Secret key holding the token
   */
  public static apiToken(secretKeyRef: SecretKeyRef): OperatorCredentials {
    return new OperatorCredentials('KESTRA_API_API_KEY', validateSecretKeyRef('credentials', secretKeyRef));
  }

  /**
   * Basic authentication (a service account or user), read from a Secret into
   * `KESTRA_API_BASIC_AUTH`. The Secret value must be `user:password`.
   * @param secretKeyRef the Secret key holding `user:password`
   */
  public static basicAuth(secretKeyRef: SecretKeyRef): OperatorCredentials {
    return new OperatorCredentials('KESTRA_API_BASIC_AUTH', validateSecretKeyRef('credentials', secretKeyRef));
  }

  private constructor(
    /** The environment variable the operator reads the credential from. */
    public readonly envName: string,
    /** Where the credential is read from. */
    public readonly secretKeyRef: SecretKeyRef,
  ) {}
}
