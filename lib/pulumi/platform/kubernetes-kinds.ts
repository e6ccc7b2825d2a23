import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';

/** A Kubernetes object as cdk8s synthesizes it. */
export interface KubernetesManifest {
  /** `group/version`, or `v1` for the core group. */
  readonly apiVersion: string;
  /** The object's kind, e.g. `Deployment`. */
  readonly kind: string;
  /** Standard object metadata; cdk8s always sets `name`. */
  readonly metadata?: { readonly name?: string; readonly namespace?: string; readonly [key: string]: unknown };
  /** Every other top-level field (`spec`, `data`, `rules`...). */
  readonly [field: string]: unknown;
}

/** What a typed `@pulumi/kubernetes` resource class looks like from the outside. */
type TypedResourceClass = (new (name: string, args: any, opts?: pulumi.CustomResourceOptions) => pulumi.CustomResource)
& { readonly __pulumiType?: string };

// Kinds the API server stores without a namespace. Used only to keep such objects'
// logical names free of the chart's default namespace, which cdk8s stamps on everything.
const CLUSTER_SCOPED_KINDS = new Set([
  'v1/Namespace', 'v1/Node', 'v1/PersistentVolume',
  'apiextensions.k8s.io/v1/CustomResourceDefinition',
  'rbac.authorization.k8s.io/v1/ClusterRole', 'rbac.authorization.k8s.io/v1/ClusterRoleBinding',
  'storage.k8s.io/v1/StorageClass', 'storage.k8s.io/v1/CSIDriver', 'storage.k8s.io/v1/VolumeAttachment',
  'scheduling.k8s.io/v1/PriorityClass', 'networking.k8s.io/v1/IngressClass', 'node.k8s.io/v1/RuntimeClass',
  'admissionregistration.k8s.io/v1/ValidatingWebhookConfiguration',
  'admissionregistration.k8s.io/v1/MutatingWebhookConfiguration',
  'apiregistration.k8s.io/v1/APIService',
]);

/** Splits `apps/v1` into `['apps', 'v1']` and `v1` into `['', 'v1']`. */
export function splitApiVersion(apiVersion: string): [group: string, version: string] {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? ['', apiVersion] : [apiVersion.slice(0, slash), apiVersion.slice(slash + 1)];
}

/** Whether a built-in kind is cluster-scoped (custom kinds are answered from their CRD by the caller). */
export function isBuiltInClusterScoped(apiVersion: string, kind: string): boolean {
  return CLUSTER_SCOPED_KINDS.has(`${apiVersion}/${kind}`);
}

/**
 * The typed `@pulumi/kubernetes` class for a built-in kind, or `undefined` for a
 * custom kind. Typed classes carry the provider's await logic (a Deployment is
 * done when it has rolled out), its aliases and its secret handling; the class
 * is found by the SDK's own module layout and accepted only when its type token
 * is exactly the one the provider uses for this apiVersion/kind, so a CRD group
 * such as `apps.example.com` can never be mistaken for `apps`.
 */
export function typedResourceClass(apiVersion: string, kind: string): TypedResourceClass | undefined {
  const [group, version] = splitApiVersion(apiVersion);
  const moduleName = group === '' ? 'core' : group.split('.')[0];
  const sdk = k8s as unknown as Record<string, Record<string, Record<string, unknown>> | undefined>;
  const candidate = sdk[moduleName]?.[version]?.[kind] as TypedResourceClass | undefined;
  const expectedToken = `kubernetes:${group === '' ? 'core' : group}/${version}:${kind}`;
  return typeof candidate === 'function' && candidate.__pulumiType === expectedToken ? candidate : undefined;
}

/** Creates the resource that manages one object: typed for built-in kinds, generic for custom ones. */
export function newKubernetesResource(name: string, manifest: KubernetesManifest, opts: pulumi.CustomResourceOptions): pulumi.CustomResource {
  const Typed = typedResourceClass(manifest.apiVersion, manifest.kind);
  if (Typed) return new Typed(name, manifest, opts);
  return new k8s.apiextensions.CustomResource(name, manifest as k8s.apiextensions.CustomResourceArgs, opts);
}
