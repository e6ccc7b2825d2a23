// What the RBAC derivation needs to know about Kubernetes kinds: their API group, resource
// (plural) name and scope. Pure data; no cdk8s imports.

/** Where a built-in kind lives in the Kubernetes API. */
export interface KubernetesKindInfo {
  /** API group; `''` is the core group. */
  readonly group: string;
  /** Resource name as RBAC rules spell it (lower-case plural). */
  readonly resource: string;
  /** Whether objects of the kind live in a namespace. */
  readonly namespaced: boolean;
}

// Built-in kinds of the Kubernetes API (kubernetes.io/docs/reference/kubernetes-api), by kind.
// Kinds not listed here (custom resources) are resolved from their manifest's apiVersion.
const BUILT_IN: Record<string, readonly [group: string, resource: string, namespaced: boolean]> = {
  Pod: ['', 'pods', true],
  Service: ['', 'services', true],
  ConfigMap: ['', 'configmaps', true],
  Secret: ['', 'secrets', true],
  ServiceAccount: ['', 'serviceaccounts', true],
  PersistentVolumeClaim: ['', 'persistentvolumeclaims', true],
  Endpoints: ['', 'endpoints', true],
  Event: ['', 'events', true],
  LimitRange: ['', 'limitranges', true],
  ResourceQuota: ['', 'resourcequotas', true],
  ReplicationController: ['', 'replicationcontrollers', true],
  PodTemplate: ['', 'podtemplates', true],
  Namespace: ['', 'namespaces', false],
  Node: ['', 'nodes', false],
  PersistentVolume: ['', 'persistentvolumes', false],
  Deployment: ['apps', 'deployments', true],
  StatefulSet: ['apps', 'statefulsets', true],
  DaemonSet: ['apps', 'daemonsets', true],
  ReplicaSet: ['apps', 'replicasets', true],
  ControllerRevision: ['apps', 'controllerrevisions', true],
  Job: ['batch', 'jobs', true],
  CronJob: ['batch', 'cronjobs', true],
  Ingress: ['networking.k8s.io', 'ingresses', true],
  NetworkPolicy: ['networking.k8s.io', 'networkpolicies', true],
  IngressClass: ['networking.k8s.io', 'ingressclasses', false],
  PodDisruptionBudget: ['policy', 'poddisruptionbudgets', true],
  HorizontalPodAutoscaler: ['autoscaling', 'horizontalpodautoscalers', true],
  Role: ['rbac.authorization.k8s.io', 'roles', true],
  RoleBinding: ['rbac.authorization.k8s.io', 'rolebindings', true],
  ClusterRole: ['rbac.authorization.k8s.io', 'clusterroles', false],
  ClusterRoleBinding: ['rbac.authorization.k8s.io', 'clusterrolebindings', false],
  StorageClass: ['storage.k8s.io', 'storageclasses', false],
  CustomResourceDefinition: ['apiextensions.k8s.io', 'customresourcedefinitions', false],
  PriorityClass: ['scheduling.k8s.io', 'priorityclasses', false],
  ValidatingWebhookConfiguration: ['admissionregistration.k8s.io', 'validatingwebhookconfigurations', false],
  MutatingWebhookConfiguration: ['admissionregistration.k8s.io', 'mutatingwebhookconfigurations', false],
  Lease: ['coordination.k8s.io', 'leases', true],
  EndpointSlice: ['discovery.k8s.io', 'endpointslices', true],
};

const BY_RESOURCE = new Map(Object.values(BUILT_IN).map(([group, resource, namespaced]) => [resource, { group, resource, namespaced }]));

/** The built-in kind named `kind` (exact spelling, e.g. `Deployment`), if there is one. */
export function builtInKind(kind: string): KubernetesKindInfo | undefined {
  const entry = Object.prototype.hasOwnProperty.call(BUILT_IN, kind) ? BUILT_IN[kind] : undefined;
  return entry ? { group: entry[0], resource: entry[1], namespaced: entry[2] } : undefined;
}

/** The built-in kind whose resource name is `resource` (e.g. `deployments`), if there is one. */
export function builtInResource(resource: string): KubernetesKindInfo | undefined {
  return BY_RESOURCE.get(resource);
}

// fabric8's Pluralize (kubernetes-model-core/.../io/fabric8/kubernetes/api/Pluralize.java) turns the
// kubectl tasks' `resourceType` into the URL's resource name: lower-cased, then the first matching
// rule below, else the word itself when it already ends in "s" (but not "ss"), else word + "s".
const UNCOUNTABLE = new Set(['equipment', 'fish', 'information', 'money', 'rice', 'series', 'sheep', 'species', 'news']);
const IRREGULAR: Record<string, string> = { person: 'people', man: 'men', child: 'children', ox: 'oxen', die: 'dice' };
const RULES: ReadonlyArray<readonly [RegExp, string]> = [
  [/([^aeiouy]|qu)y$/i, '$1ies'],
  [/(x|ch|ss|sh)$/i, '$1es'],
  [/(s)?ex$/i, '$1exes'],
  [/(bus)$/i, '$1es'],
  [/(quiz)$/i, '$1zes'],
  [/(matr)ix$/i, '$1ices'],
  [/(vert|ind)ex$/i, '$1ices'],
  [/(alias|status)$/i, '$1es'],
  [/(octop|vir)us$/i, '$1us'],
  [/(cris|ax|test)is$/i, '$1es'],
  [/(o)$/i, '$1es'],
  [/([m|l])ouse$/i, '$1ice'],
  [/([lr])f$/i, '$1ves'],
  [/([^f])fe$/i, '$1ves'],
  [/(^analy)sis$/i, '$1sis'],
  [/((a)naly|(b)a|(d)iagno|(p)arenthe|(p)rogno|(s)ynop|(t)he)ses$/i, '$1$2sis'],
  [/([ti])um$/i, '$1a'],
  [/(s|si|u)s$/i, '$1s'],
];

/**
 * The resource name fabric8 derives from a kind or resource type, as the kubectl tasks send it:
 * `Deployment` → `deployments`, `networkpolicy` → `networkpolicies`, `pods` → `pods`.
 */
export function pluralizeKind(kind: string): string {
  const word = kind.toLowerCase();
  if (word === '' || UNCOUNTABLE.has(word)) return word;
  if (Object.prototype.hasOwnProperty.call(IRREGULAR, word)) return IRREGULAR[word];
  for (const [pattern, replacement] of RULES) {
    if (pattern.test(word)) return word.replace(pattern, replacement);
  }
  return word.endsWith('s') && !word.endsWith('ss') ? word : `${word}s`;
}

/** The API group of an `apiVersion` (`apps/v1` → `apps`, `v1` → `''`). */
export function apiGroupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}
