import type { KestraOperatorProps } from './kestra-operator';
import { IKestraApiEndpoint, KestraValidationError, optionKeys, validateDnsLabel, validateDnsSubdomain, validateNonEmpty } from '../common';

/** Every key of {@link KestraOperatorProps}; the operator refuses any other. */
export const OPERATOR_PROPS_KEYS = optionKeys<KestraOperatorProps>()(
  'kestra', 'apiUrl', 'credentials', 'watchNamespaces', 'namespace', 'name', 'imageRepository', 'imageTag', 'imagePullSecrets', 'replicas',
  'resources', 'installCrds',
);

// Docker reference grammar, simplified: lower-case registry/path components and an optional registry port.
const IMAGE_REPOSITORY = /^[a-z0-9]([a-z0-9._-]*[a-z0-9])?(:[0-9]+)?(\/[a-z0-9]([a-z0-9._-]*[a-z0-9])?)*$/;
const IMAGE_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

/** Checks that exactly one of `kestra` and `apiUrl` is given and returns the http(s) URL to use. */
export function validateOperatorConnection(props: { kestra?: IKestraApiEndpoint; apiUrl?: string }): string {
  if (props.kestra !== undefined && props.apiUrl !== undefined) {
    throw new KestraValidationError('apiUrl', props.apiUrl, 'give either kestra or apiUrl, not both');
  }
  if (props.kestra !== undefined) return validateHttpUrl('kestra.apiUrl', props.kestra?.apiUrl);
  if (props.apiUrl !== undefined) return validateHttpUrl('apiUrl', props.apiUrl);
  throw new KestraValidationError('apiUrl', undefined, 'the operator needs the Kestra API: give kestra (a Kestra construct) or apiUrl');
}

/** Checks an absolute http(s) URL without embedded credentials (they would sit in the manifest in plain text). */
export function validateHttpUrl(field: string, value: unknown): string {
  const reason = 'must be an absolute http:// or https:// URL, e.g. "http://kestra.kestra.svc.cluster.local:8080"';
  if (typeof value !== 'string') throw new KestraValidationError(field, value, reason);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new KestraValidationError(field, value, reason);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '' || value.trim() !== value) {
    throw new KestraValidationError(field, value, reason);
  }
  if (url.username !== '' || url.password !== '') {
    throw new KestraValidationError(field, `${url.protocol}//***@${url.host}`,
      'must not embed credentials; use credentials: OperatorCredentials.basicAuth(secretKeyRef)');
  }
  return value;
}

/** Checks a watch list: non-empty, DNS-1123 labels, no duplicates. Returns a copy. */
export function validateWatchNamespaces(field: string, namespaces: string[] | undefined): string[] | undefined {
  if (namespaces === undefined) return undefined;
  if (!Array.isArray(namespaces) || namespaces.length === 0) {
    throw new KestraValidationError(field, namespaces,
      'must list at least one Kubernetes namespace; leave it out to watch every namespace');
  }
  const seen = new Set<string>();
  namespaces.forEach((namespace, index) => {
    validateDnsLabel(`${field}[${index}]`, namespace);
    if (seen.has(namespace)) {
      throw new KestraValidationError(`${field}[${index}]`, namespace, 'is listed twice');
    }
    seen.add(namespace);
  });
  return [...namespaces];
}

/** Checks the image repository and tag and returns `repository:tag`. */
export function validateOperatorImage(repository: string, tag: string): string {
  validateNonEmpty('imageRepository', repository);
  if (!IMAGE_REPOSITORY.test(repository)) {
    throw new KestraValidationError('imageRepository', repository,
      'must be an image repository without tag, e.g. "registry.kestra.io/docker/kestra-operator"');
  }
  validateNonEmpty('imageTag', tag);
  if (!IMAGE_TAG.test(tag)) {
    throw new KestraValidationError('imageTag', tag,
      'must be an image tag: up to 128 letters, digits, "_", "." or "-", not starting with "." or "-"');
  }
  return `${repository}:${tag}`;
}

/** Resolves and checks the operator's name, namespace and image pull secrets. */
export function validateOperatorNames(
  props: { name?: string; namespace?: string; imagePullSecrets?: string[] },
  chartNamespace: string | undefined,
  defaultName: () => string,
): { name: string; namespace: string } {
  const name = validateDnsLabel('name', props.name ?? defaultName());
  const namespace = props.namespace ?? chartNamespace;
  if (namespace === undefined) {
    throw new KestraValidationError('namespace', undefined,
      'the operator\'s namespace must be known to bind its ServiceAccount: set namespace, or the namespace of the chart');
  }
  validateDnsLabel('namespace', namespace);
  props.imagePullSecrets?.forEach((secret, index) => validateDnsSubdomain(`imagePullSecrets[${index}]`, secret));
  return { name, namespace };
}

/** What two operators of one app must not share. */
export interface OperatorIdentity {
  /** Construct path, to name the other operator in errors. */
  readonly node: { readonly path: string };
  /** Deployment name. */
  readonly name: string;
  /** Namespace it runs in. */
  readonly namespace: string;
  /** Watched namespaces, undefined for all. */
  readonly watchNamespaces?: string[];
}

/**
 * Two operators of one cluster must have distinct names (their cluster-wide RBAC
 * names derive from namespace and name) and must not watch the same namespace:
 * both would push the same resources, each to its own Kestra, and fight over their status.
 */
export function checkOperatorsApart(operator: OperatorIdentity, other: OperatorIdentity): void {
  if (operator.name === other.name && operator.namespace === other.namespace) {
    throw new KestraValidationError('name', operator.name,
      `another operator (${other.node.path}) already uses this name in namespace "${operator.namespace}"`);
  }
  if (operator.watchNamespaces === undefined || other.watchNamespaces === undefined) {
    throw new KestraValidationError('watchNamespaces', operator.watchNamespaces,
      `another operator (${other.node.path}) is in this app; when several operators share a cluster, each needs its own watchNamespaces list, without overlap`);
  }
  const shared = operator.watchNamespaces.find((namespace) => other.watchNamespaces!.includes(namespace));
  if (shared !== undefined) {
    throw new KestraValidationError('watchNamespaces', operator.watchNamespaces,
      `namespace "${shared}" is already watched by another operator (${other.node.path})`);
  }
}
