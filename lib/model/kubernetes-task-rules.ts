// The Kubernetes API calls each task of Kestra's Kubernetes plugin makes, as RBAC permissions.
// Pure functions over plain data: no cdk8s imports. Upstream sources, read for every rule:
//   kestra-io/plugin-kubernetes src/main/java/io/kestra/plugin/kubernetes/{AbstractConnection,AbstractPod}.java,
//   core/PodCreate.java, kubectl/{Apply,Patch,Get,Restart,Delete}.java, services/ResourceWaitService.java;
//   kestra-io/plugin-kubernetes-lib, package io.kestra.plugin.kubernetes.shared: PodService, PodLogService, Connection;
//   fabric8io/kubernetes-client HasMetadataOperation.java, OperationContext.java, RollingUpdater.java.
import { isExpression } from './expression-functions';
import { isPlainMapping } from './flow-rules';
import { formatPath } from './flow-source';
import { FlowTask, flowTasks } from './flow-tasks';
import { apiGroupOf, builtInKind, builtInResource, pluralizeKind } from './kubernetes-kinds';
import { KestraValidationError } from '../common/errors';
import { yamlLibrary } from '../common/lazy-modules';

/** An RBAC verb this package may grant (never `*`). */
export type KubernetesVerb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

/** One permission a task needs, on one resource of one namespace (or of the cluster). */
export interface KubernetesPermission {
  /** Namespace the permission applies in; absent for a cluster-scoped resource. */
  readonly namespace?: string;
  /** API group; `''` is the core group. */
  readonly apiGroup: string;
  /** Resource, possibly with a subresource (`pods/log`). */
  readonly resource: string;
  /** Verbs needed. */
  readonly verbs: readonly KubernetesVerb[];
  /** Object names the permission is limited to; absent when any name is needed. */
  readonly resourceNames?: readonly string[];
  /** Why the task needs it, for the audit report. */
  readonly reason: string;
}

/** A flow as the derivation reads it. */
export interface KubernetesFlowInput {
  /** Kestra namespace of the flow. */
  readonly namespace: string;
  /** Flow id. */
  readonly id: string;
  /** The parsed flow document (`parseFlowSource(...).document`). */
  readonly document: Readonly<Record<string, unknown>>;
}

/** Which cluster a task talks to. */
export interface KubernetesTaskConnection {
  /** `in-cluster`: the ServiceAccount of the Kestra pod running it; `connection`: its own `connection`. */
  readonly kind: 'in-cluster' | 'connection';
  /** Kestra secrets its `connection` reads (`{{ secret('NAME') }}`). */
  readonly secrets: readonly string[];
  /** Its `connection.masterUrl`, when literal. */
  readonly masterUrl?: string;
}

/** A Kubernetes task of a flow. */
export interface KubernetesTaskRef {
  /** `<namespace>/<flow id>` of its flow. */
  readonly flow: string;
  /** Task id. */
  readonly taskId: string;
  /** Task type as written. */
  readonly type: string;
  /** Where it sits in the flow, e.g. `tasks[0].then[1]`. */
  readonly path: string;
  /** The cluster it talks to. */
  readonly connection: KubernetesTaskConnection;
}

/** A Kubernetes task and the permissions derived for it. */
export interface KubernetesTaskAccess extends KubernetesTaskRef {
  /** Permissions derived from its properties. */
  readonly permissions: readonly KubernetesPermission[];
}

/** Thrown when a task's permissions cannot be derived before it runs (an expression, an unknown kind...). */
export class KubernetesTaskDerivationError extends KestraValidationError {
  constructor(public readonly task: KubernetesTaskRef, field: string, value: unknown, reason: string) {
    super(`flows["${task.flow}"].${task.path}.${field}`, value,
      `${reason} (task "${task.taskId}" of flow ${task.flow}); grant it explicitly with the \`grants\` option`);
    this.name = 'KubernetesTaskDerivationError';
  }
}

// Task types (and the alias kept by core/PodCreate.java's @Plugin(aliases)).
const POD_CREATE = ['io.kestra.plugin.kubernetes.core.PodCreate', 'io.kestra.plugin.kubernetes.PodCreate'];
const KUBECTL = 'io.kestra.plugin.kubernetes.kubectl.';
const KUBECTL_TASKS = ['Apply', 'Patch', 'Get', 'Restart', 'Delete'];

/** Whether a task type is one of the Kubernetes plugin's tasks that call the Kubernetes API. */
export function isKubernetesTaskType(type: string): boolean {
  return POD_CREATE.includes(type) || KUBECTL_TASKS.some((name) => type === KUBECTL + name);
}

/** The Kubernetes tasks of a flow, their flow-level plugin defaults applied. */
export function kubernetesTasks(flow: KubernetesFlowInput): Array<{ ref: KubernetesTaskRef; properties: Readonly<Record<string, unknown>> }> {
  // A disabled task never runs (kestra-io/kestra core/.../models/tasks/Task.java `disabled`).
  return flowTasks(flow.document).filter((task) => isKubernetesTaskType(task.type) && task.properties.disabled !== true).map((task) => {
    const properties = withPluginDefaults(flow.document, task);
    return {
      ref: { flow: `${flow.namespace}/${flow.id}`, taskId: task.id, type: task.type, path: formatPath(task.path), connection: taskConnection(properties) },
      properties,
    };
  });
}

// A flow's `pluginDefaults` fill (or, when `forced`, override) the properties of tasks whose type
// equals or starts with the default's `type` (kestra-io/kestra core/.../services/PluginDefaultService.java,
// `defaults`). Defaults from the server configuration cannot be seen here.
function withPluginDefaults(document: Readonly<Record<string, unknown>>, task: FlowTask): Readonly<Record<string, unknown>> {
  const defaults = Array.isArray(document.pluginDefaults) ? document.pluginDefaults.filter(isPlainMapping) : [];
  // Defaults written for either PodCreate name apply to both (PluginDefaultService.addAliases).
  const types = POD_CREATE.includes(task.type) ? POD_CREATE : [task.type];
  const matching = defaults.filter((d) => typeof d.type === 'string' && isPlainMapping(d.values)
    && types.some((type) => type === d.type || type.startsWith(d.type as string)));
  let result: Record<string, unknown> = { ...task.properties };
  for (const forced of [false, true]) {
    for (const d of matching.filter((m) => (m.forced === true) === forced)) {
      result = forced ? deepMerge(result, d.values as Record<string, unknown>) : deepMerge(d.values as Record<string, unknown>, result);
    }
  }
  return result;
}

function deepMerge(base: Record<string, unknown>, override: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    merged[key] = isPlainMapping(merged[key]) && isPlainMapping(value) ? deepMerge(merged[key] as Record<string, unknown>, value) : value;
  }
  return merged;
}

// Without `connection` the fabric8 client auto-configures, in-cluster from the pod's ServiceAccount
// token (AbstractConnection.java, PodService.client). A connection that only tunes the client and
// inherits the ambient config (`inheritClusterConfig: true`) still uses that token.
const CREDENTIAL_KEYS = ['masterUrl', 'oauthToken', 'oauthTokenProvider', 'username', 'password', 'clientCertData', 'clientCertFile',
  'clientKeyData', 'clientKeyFile', 'keyStoreFile', 'trustStoreFile', 'caCertData', 'caCertFile'];

function taskConnection(properties: Readonly<Record<string, unknown>>): KubernetesTaskConnection {
  const connection = properties.connection;
  if (!isPlainMapping(connection)) return { kind: 'in-cluster', secrets: [] };
  const secrets = [...new Set(secretNames(connection))].sort();
  const masterUrl = typeof connection.masterUrl === 'string' && !isExpression(connection.masterUrl) ? connection.masterUrl : undefined;
  const ownCredentials = CREDENTIAL_KEYS.some((key) => connection[key] !== undefined);
  if (properties.inheritClusterConfig === true && !ownCredentials) return { kind: 'in-cluster', secrets };
  return { kind: 'connection', secrets, masterUrl };
}

function secretNames(value: unknown): string[] {
  if (typeof value === 'string') return [...value.matchAll(/secret\(\s*['"]([^'"]+)['"]/g)].map((m) => m[1]);
  if (Array.isArray(value)) return value.flatMap(secretNames);
  if (isPlainMapping(value)) return Object.values(value).flatMap(secretNames);
  return [];
}

/** The permissions one Kubernetes task needs, from its properties (plugin defaults applied). */
export function deriveKubernetesPermissions(ref: KubernetesTaskRef, properties: Readonly<Record<string, unknown>>): KubernetesPermission[] {
  // Every task renders `namespace`, default "default" (AbstractPod.java).
  const namespace = namespaceName(ref, literal(ref, properties, 'namespace', 'default'), 'namespace');
  const name = ref.type.slice(ref.type.lastIndexOf('.') + 1);
  switch (name) {
    case 'PodCreate': return podCreate(namespace, properties);
    case 'Apply': return apply(ref, namespace, properties);
    case 'Patch': return patch(ref, namespace, properties);
    case 'Get': return get(ref, namespace, properties);
    case 'Restart': return restart(ref, namespace, properties);
    default: return remove(ref, namespace, properties);
  }
}

function podCreate(namespace: string, properties: Readonly<Record<string, unknown>>): KubernetesPermission[] {
  const permissions: KubernetesPermission[] = [
    // findOrCreatePod lists pods by taskrun label to resume, then creates one; PodService waits with
    // fabric8 waitUntilCondition (list + watch) and reads it back (get); the pod is deleted after
    // the run unless `delete: false`, and always when the task is killed (PodCreate.kill).
    { namespace, apiGroup: '', resource: 'pods', verbs: ['create', 'delete', 'get', 'list', 'watch'], reason: 'creates, resumes, watches and deletes the task pod' },
    // PodLogService.watch / fetchFinalLogs stream and fetch the containers' logs.
    { namespace, apiGroup: '', resource: 'pods/log', verbs: ['get'], reason: 'streams the pod logs' },
    // PodService.logPodEvents / PodLogService.fetchPodEvents list the pod's events when it fails.
    { namespace, apiGroup: '', resource: 'events', verbs: ['list'], reason: 'reports the events of a failed pod' },
  ];
  // inputFiles/outputFiles are copied through exec into the init-files/out-files containers
  // (AbstractPod.uploadInputFiles/downloadOutputFiles, PodService.uploadMarker). A WebSocket exec is
  // a GET, authorized as `get`, and since Kubernetes 1.35 also as `create` (kubernetes/kubernetes#134577,
  // AuthorizePodWebsocketUpgradeCreatePermission); a SPDY exec is a POST, authorized as `create`.
  if (properties.inputFiles !== undefined || properties.outputFiles !== undefined) {
    permissions.push({ namespace, apiGroup: '', resource: 'pods/exec', verbs: ['create', 'get'], reason: 'copies inputFiles/outputFiles through exec' });
  }
  return permissions;
}

function apply(ref: KubernetesTaskRef, namespace: string, properties: Readonly<Record<string, unknown>>): KubernetesPermission[] {
  const spec = properties.spec;
  if (typeof spec !== 'string' || (isExpression(spec) && !/^\s*(apiVersion|kind)\s*:/m.test(spec))) {
    throw new KubernetesTaskDerivationError(ref, 'spec', spec, 'the manifests are not written in the flow, so their kinds cannot be known before the task runs');
  }
  const waits = waitsUntilReady(properties);
  return manifests(ref, spec).flatMap((object, index) => {
    const field = (key: string): string => `spec[${index}].${key}`;
    const apiVersion = literal(ref, object, 'apiVersion', undefined, field('apiVersion'));
    const kind = literal(ref, object, 'kind', undefined, field('kind'));
    const metadata = isPlainMapping(object.metadata) ? object.metadata : {};
    const target = resolveApplyTarget(ref, apiVersion, kind, field('kind'));
    const objectNamespace = metadata.namespace === undefined
      ? namespace
      : namespaceName(ref, literal(ref, metadata, 'namespace', undefined, field('metadata.namespace')), field('metadata.namespace'));
    const name = typeof metadata.name === 'string' && !isExpression(metadata.name) ? [metadata.name] : undefined;
    const scope = target.namespaced ? { namespace: objectNamespace } : {};
    const base = { ...scope, apiGroup: target.group, resource: target.resource };
    // Apply sends one server-side apply PATCH per object (client.resource(...).serverSideApply()); the
    // API server authorizes it as `create` too when the object does not exist yet
    // (kubernetes.io/docs/reference/using-api/api-concepts/#patch-and-apply). `create` cannot be
    // limited by name: the name is not part of the request URL.
    const result: KubernetesPermission[] = [
      { ...base, verbs: ['create'], reason: `server-side applies ${kind} objects that may not exist yet` },
      { ...base, verbs: ['patch'], resourceNames: name, reason: `server-side applies ${kind} ${name?.[0] ?? 'objects'}` },
    ];
    if (waits) result.push({ ...base, verbs: ['get', 'list', 'watch'], resourceNames: name, reason: `waits until ${kind} ${name?.[0] ?? 'objects'} is Ready` });
    return result;
  });
}

function manifests(ref: KubernetesTaskRef, spec: string): Array<Record<string, unknown>> {
  let documents: unknown[];
  try {
    documents = yamlLibrary().parseAllDocuments(spec).flatMap((doc) => {
      if ('errors' in doc && doc.errors.length > 0) throw doc.errors[0];
      return [doc.toJS()];
    });
  } catch (err) {
    throw new KubernetesTaskDerivationError(ref, 'spec', spec.slice(0, 80), `is not YAML this package can read before Kestra renders it (${(err as Error).message.split('\n')[0]})`);
  }
  // fabric8 unmarshals a single object, a List, or several documents (AbstractPod.parseSpec).
  const objects = documents.filter((d) => d !== null && d !== undefined)
    .flatMap((d) => (isPlainMapping(d) && Array.isArray(d.items) && typeof d.kind === 'string' && d.kind.endsWith('List') ? d.items : [d]));
  if (objects.length === 0) throw new KubernetesTaskDerivationError(ref, 'spec', spec, 'holds no manifest');
  return objects.map((object, i) => {
    if (!isPlainMapping(object)) throw new KubernetesTaskDerivationError(ref, `spec[${i}]`, object, 'is not a Kubernetes object');
    return object;
  });
}

function resolveApplyTarget(ref: KubernetesTaskRef, apiVersion: string, kind: string, field: string) {
  const group = apiGroupOf(apiVersion);
  const known = builtInKind(kind);
  if (known && known.group === group) return known;
  if (known || group === '') {
    throw new KubernetesTaskDerivationError(ref, field, kind, `is not a kind of apiVersion "${apiVersion}"`);
  }
  // A custom resource: its conventional plural, assumed namespaced (a cluster-scoped custom
  // resource or an irregular plural needs an explicit grant).
  return { group, resource: pluralizeKind(kind), namespaced: true };
}

// Patch, Get and Delete address `resourceType` in the group `apiGroup` (default core) as a
// namespaced generic resource (ResourceDefinitionContext...withNamespaced(true)); fabric8
// pluralizes the type (ResourceDefinitionContext.validate → Pluralize).
function genericTarget(ref: KubernetesTaskRef, properties: Readonly<Record<string, unknown>>): { apiGroup: string; resource: string } {
  const resourceType = literal(ref, properties, 'resourceType');
  const apiGroup = properties.apiGroup === undefined ? '' : literal(ref, properties, 'apiGroup');
  const resource = pluralizeKind(resourceType);
  const known = builtInResource(resource);
  if (known && !known.namespaced) {
    throw new KubernetesTaskDerivationError(ref, 'resourceType', resourceType,
      `is cluster-scoped, but ${ref.type.slice(ref.type.lastIndexOf('.') + 1)} only addresses namespaced resources (it builds its request with withNamespaced(true))`);
  }
  if (known && apiGroup === '' && known.group !== '') {
    throw new KubernetesTaskDerivationError(ref, 'apiGroup', properties.apiGroup,
      `is missing: ${resource} live in API group "${known.group}", and without apiGroup the plugin calls the core group (/api/v1), which has no ${resource}; set apiGroup: ${known.group}`);
  }
  if (typeof properties.apiVersion === 'string' && properties.apiVersion.includes('/') && properties.apiGroup === undefined) {
    throw new KubernetesTaskDerivationError(ref, 'apiVersion', properties.apiVersion,
      'names a group, but the plugin reads the group from apiGroup only; set apiGroup and keep apiVersion to the version');
  }
  return { apiGroup, resource };
}

function patch(ref: KubernetesTaskRef, namespace: string, properties: Readonly<Record<string, unknown>>): KubernetesPermission[] {
  const target = genericTarget(ref, properties);
  const names = namesOf(properties.resourceName);
  // fabric8 patch(PatchContext, String) reads the object first (getItemOrRequireFromServer), then PATCHes.
  const result: KubernetesPermission[] = [{ namespace, ...target, verbs: ['get', 'patch'], resourceNames: names, reason: `patches ${target.resource} ${names?.join(', ') ?? '(name set at run time)'}` }];
  if (waitsUntilReady(properties)) {
    // ResourceWaitService.waitForReady: waitUntilCondition lists and watches with metadata.name=<name>
    // (OperationContext.getFieldQueryParam), which RBAC resourceNames can limit.
    result.push({ namespace, ...target, verbs: ['list', 'watch'], resourceNames: names, reason: `waits until ${names?.join(', ') ?? 'the object'} is Ready` });
  }
  return result;
}

function get(ref: KubernetesTaskRef, namespace: string, properties: Readonly<Record<string, unknown>>): KubernetesPermission[] {
  const target = genericTarget(ref, properties);
  const listed = properties.resourcesNames;
  if (listed === undefined || Array.isArray(listed) && listed.length === 0) {
    // No names: the task lists every object of the kind in the namespace.
    return [{ namespace, ...target, verbs: ['list'], reason: `lists ${target.resource}` }];
  }
  const names = namesOf(listed);
  const result: KubernetesPermission[] = [{ namespace, ...target, verbs: ['get'], resourceNames: names, reason: `reads ${target.resource} ${names?.join(', ') ?? '(names set at run time)'}` }];
  if (waitsUntilReady(properties)) {
    result.push({ namespace, ...target, verbs: ['list', 'watch'], resourceNames: names, reason: `waits until ${names?.join(', ') ?? 'the objects'} are Ready` });
  }
  return result;
}

function restart(ref: KubernetesTaskRef, namespace: string, properties: Readonly<Record<string, unknown>>): KubernetesPermission[] {
  const type = literal(ref, properties, 'resourceType');
  // Restart.ResourceType is Deployment or StatefulSet; rolling().restart() is a strategic merge
  // patch of the restartedAt annotation (RollingUpdater.restart), which fabric8 sends after a GET.
  const resource = { Deployment: 'deployments', StatefulSet: 'statefulsets' }[type];
  if (!resource) throw new KubernetesTaskDerivationError(ref, 'resourceType', type, 'must be Deployment or StatefulSet');
  const names = namesOf(properties.resourcesNames);
  return [{ namespace, apiGroup: 'apps', resource, verbs: ['get', 'patch'], resourceNames: names, reason: `restarts ${resource} ${names?.join(', ') ?? '(names set at run time)'}` }];
}

function remove(ref: KubernetesTaskRef, namespace: string, properties: Readonly<Record<string, unknown>>): KubernetesPermission[] {
  const target = genericTarget(ref, properties);
  const names = namesOf(properties.resourcesNames);
  // One DELETE per name, no read before (Delete.java).
  return [{ namespace, ...target, verbs: ['delete'], resourceNames: names, reason: `deletes ${target.resource} ${names?.join(', ') ?? '(names set at run time)'}` }];
}

// Literal names limit the grant to them; a name rendered at run time cannot.
function namesOf(value: unknown): string[] | undefined {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0 || list.some((name) => typeof name !== 'string' || isExpression(name) || name === '')) return undefined;
  return [...new Set(list as string[])].sort();
}

// `waitUntilReady` defaults to PT0S, no wait (AbstractPod.java); an expression may wait.
function waitsUntilReady(properties: Readonly<Record<string, unknown>>): boolean {
  const value = properties.waitUntilReady;
  if (value === undefined || value === null) return false;
  if (isExpression(value)) return true;
  return !(typeof value === 'string' && /^P/i.test(value) && !/[1-9]/.test(value));
}

function literal(ref: KubernetesTaskRef, properties: Readonly<Record<string, unknown>>, key: string, fallback?: string, field = key): string {
  const value = properties[key];
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== 'string' || value === '') throw new KubernetesTaskDerivationError(ref, field, value, 'must be a non-empty string');
  if (isExpression(value)) throw new KubernetesTaskDerivationError(ref, field, value, 'is an expression rendered at run time, so the permission cannot be derived at synth');
  return value;
}

// A Role can only live in a namespace whose name is a DNS label.
function namespaceName(ref: KubernetesTaskRef, value: string, field: string): string {
  if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(value)) {
    throw new KubernetesTaskDerivationError(ref, field, value, 'is not a Kubernetes namespace name (lower-case letters, digits and "-", at most 63)');
  }
  return value;
}
