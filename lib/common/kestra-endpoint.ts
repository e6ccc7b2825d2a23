/**
 * Something that serves the Kestra REST API inside the cluster. The `Kestra`
 * construct implements it; the operator and other clients accept it so they can
 * be wired to a platform without knowing how that platform is built.
 */
export interface IKestraApiEndpoint {
  /** In-cluster base URL of the Kestra API, e.g. `http://kestra.kestra.svc.cluster.local:8080`. */
  readonly apiUrl: string;
}
