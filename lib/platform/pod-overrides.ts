import { ApiObject } from 'cdk8s';
import * as k8s from 'cdk8s-plus-27/lib/imports/k8s';
import { KestraToleration, KestraTopologySpreadOptions } from './props';
import {
  KestraValidationError, optionKeys, rejectUnknownOptions, validateAnnotations, validateDnsLabel, validateDnsSubdomain, validateLabels,
  validatePositiveInteger,
} from '../common';

/**
 * Overrides of one of the Kestra container's probes, merged over the construct's defaults (HTTP GET on the
 * management port: `/health` at startup, `/health/liveness`, `/health/readiness`).
 */
export interface KestraProbeOverrides {
  /**
   * HTTP path on the management port (8081).
   * @default - the probe's Kestra health endpoint
   */
  readonly path?: string;
  /**
   * Seconds before the first probe.
   * @default - the construct's default (5 for startup, 0 otherwise)
   */
  readonly initialDelaySeconds?: number;
  /**
   * Seconds between probes.
   * @default - 2 (startup), 10 (liveness), 5 (readiness)
   */
  readonly periodSeconds?: number;
  /**
   * Seconds before a probe times out.
   * @default 3
   */
  readonly timeoutSeconds?: number;
  /**
   * Consecutive failures that fail the probe.
   * @default - 90 (startup: 3 minutes), 3 otherwise
   */
  readonly failureThreshold?: number;
  /**
   * Consecutive successes that pass it again (readiness only may use more than 1).
   * @default 1
   */
  readonly successThreshold?: number;
}

/** Probe overrides of the Kestra container. */
export interface KestraProbesOptions {
  /**
   * The startup probe.
   * @default - no override
   */
  readonly startup?: KestraProbeOverrides;
  /**
   * The liveness probe.
   * @default - no override
   */
  readonly liveness?: KestraProbeOverrides;
  /**
   * The readiness probe.
   * @default - no override
   */
  readonly readiness?: KestraProbeOverrides;
}

/** Environment variables of the Kestra container taken from every key of a Secret or a ConfigMap. Give exactly one. */
export interface KestraEnvFromSource {
  /**
   * A Secret whose keys become variables. Flows can read every variable whose name starts with `KESTRA_`:
   * keep credentials under other names, or use `prefix`.
   * @default - none
   */
  readonly secretName?: string;
  /**
   * A ConfigMap whose keys become variables.
   * @default - none
   */
  readonly configMapName?: string;
  /**
   * Prefix added to every variable name.
   * @default - none
   */
  readonly prefix?: string;
  /**
   * Whether the pod starts when the Secret or ConfigMap is missing.
   * @default false
   */
  readonly optional?: boolean;
}

/** Pod settings of the Kestra components, global (`pods`) or for one component (`pods.components.<name>`). */
export interface KestraPodOptions {
  /**
   * PriorityClass of the pods.
   * @default - the cluster's default priority
   */
  readonly priorityClassName?: string;
  /**
   * Extra pod annotations (for example for a service mesh or log shipping).
   * @default - none
   */
  readonly annotations?: Record<string, string>;
  /**
   * Extra pod labels; the construct's own `app.kubernetes.io/*` labels cannot be changed.
   * @default - none
   */
  readonly labels?: Record<string, string>;
  /**
   * Arguments appended to the Kestra command (e.g. `--verbose`).
   * @default - none
   */
  readonly extraArgs?: string[];
  /**
   * Overrides of the Kestra container's probes.
   * @default - the construct's probes
   */
  readonly probes?: KestraProbesOptions;
  /**
   * Fields merged over the pod's security context (restricted profile, uid/gid 1000).
   * @default - no override
   */
  readonly podSecurityContext?: k8s.PodSecurityContext;
  /**
   * Fields merged over the Kestra container's security context (restricted profile).
   * @default - no override
   */
  readonly securityContext?: k8s.SecurityContext;
  /**
   * Extra volumes of the pod.
   * @default - none
   */
  readonly extraVolumes?: k8s.Volume[];
  /**
   * Extra mounts of the Kestra container.
   * @default - none
   */
  readonly extraVolumeMounts?: k8s.VolumeMount[];
  /**
   * Init containers run before Kestra starts (after the plugin installer, if any).
   * @default - none
   */
  readonly initContainers?: k8s.Container[];
  /**
   * Sidecar containers next to Kestra.
   * @default - none
   */
  readonly extraContainers?: k8s.Container[];
  /**
   * Environment variables of the Kestra container from whole Secrets or ConfigMaps.
   * @default - none
   */
  readonly envFrom?: KestraEnvFromSource[];
}

/** Pod settings of one component; its scheduling fields replace the top-level ones for that component. */
export interface KestraComponentPodOptions extends KestraPodOptions {
  /**
   * Node labels the component's pods must match.
   * @default - the top-level `nodeSelector`
   */
  readonly nodeSelector?: Record<string, string>;
  /**
   * Tolerations of the component's pods.
   * @default - the top-level `tolerations`
   */
  readonly tolerations?: KestraToleration[];
  /**
   * A Kubernetes `Affinity` object for the component's pods.
   * @default - the top-level `affinity`
   */
  readonly affinity?: Record<string, unknown>;
  /**
   * Topology spread of the component's pods.
   * @default - the top-level `topologySpread`
   */
  readonly topologySpread?: KestraTopologySpreadOptions;
}

/** Pod settings of every Kestra component, with per-component overrides. */
export interface KestraPodsOptions extends KestraPodOptions {
  /**
   * Grace period of every component that does not set `terminationGracePeriodSeconds` in its `mode` options.
   * @default - 360 for components that run tasks, Kubernetes' 30 for the others
   */
  readonly terminationGracePeriodSeconds?: number;
  /**
   * Per-component settings keyed by component name (standalone, webserver, executor, scheduler, worker, indexer,
   * worker-<group>). Scalars and probe fields replace the global ones, maps merge (the component's keys win), and
   * lists add to the global ones (an entry with the same name replaces the global one).
   * @default - none
   */
  readonly components?: Record<string, KestraComponentPodOptions>;
}

const POD_KEYS = [
  'priorityClassName', 'annotations', 'labels', 'extraArgs', 'probes', 'podSecurityContext', 'securityContext', 'extraVolumes',
  'extraVolumeMounts', 'initContainers', 'extraContainers', 'envFrom',
] as const;
export const PODS_KEYS = optionKeys<KestraPodsOptions>()(...POD_KEYS, 'terminationGracePeriodSeconds', 'components');
export const COMPONENT_POD_KEYS = optionKeys<KestraComponentPodOptions>()(...POD_KEYS, 'nodeSelector', 'tolerations', 'affinity', 'topologySpread');
const PROBES_KEYS = optionKeys<KestraProbesOptions>()('startup', 'liveness', 'readiness');
const PROBE_KEYS = optionKeys<KestraProbeOverrides>()('path', 'initialDelaySeconds', 'periodSeconds', 'timeoutSeconds', 'failureThreshold', 'successThreshold');
const ENV_FROM_KEYS = optionKeys<KestraEnvFromSource>()('secretName', 'configMapName', 'prefix', 'optional');
const PROBE_FIELDS: Record<keyof KestraProbesOptions, string> = { startup: 'startupProbe', liveness: 'livenessProbe', readiness: 'readinessProbe' };
const RESERVED_LABELS = /^app\.kubernetes\.io\//;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Names of the volumes and containers the construct itself puts in a Kestra pod. */
export const CONSTRUCT_VOLUMES = ['config', 'tmp', 'home', 'working-dir', 'storage', 'dind-socket', 'dind-data', 'plugins', 'plugins-tmp'];
export const CONSTRUCT_CONTAINERS = ['kestra', 'dind', 'install-plugins'];

/** Validated, wire-form pod overrides of one component. */
export interface ResolvedPodOverrides {
  readonly priorityClassName?: string;
  readonly annotations: Record<string, string>;
  readonly labels: Record<string, string>;
  readonly extraArgs: string[];
  readonly probes: Partial<Record<keyof KestraProbesOptions, Record<string, unknown>>>;
  readonly podSecurityContext: Record<string, unknown>;
  readonly securityContext: Record<string, unknown>;
  readonly extraVolumes: Array<Record<string, any>>;
  readonly extraVolumeMounts: Array<Record<string, any>>;
  readonly initContainers: Array<Record<string, any>>;
  readonly extraContainers: Array<Record<string, any>>;
  readonly envFrom: Array<Record<string, unknown>>;
  readonly terminationGracePeriodSeconds?: number;
}

function list<T>(field: string, value: T[] | undefined): T[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new KestraValidationError(field, value, 'must be a list');
  return value;
}

function wireList<T>(field: string, value: T[] | undefined, toJson: (item: T) => Record<string, any> | undefined): Array<Record<string, any>> {
  return list(field, value).map((item, i) => {
    if (item === null || typeof item !== 'object') throw new KestraValidationError(`${field}[${i}]`, item, 'must be an object');
    const json = toJson(item) ?? {};
    if (typeof json.name !== 'string') throw new KestraValidationError(`${field}[${i}].name`, json.name, 'is required');
    return json;
  });
}

function probeOverrides(field: string, probes: KestraProbesOptions | undefined): ResolvedPodOverrides['probes'] {
  rejectUnknownOptions(field, probes, PROBES_KEYS);
  const out: ResolvedPodOverrides['probes'] = {};
  for (const name of PROBES_KEYS as ReadonlyArray<keyof KestraProbesOptions>) {
    const probe = probes?.[name];
    if (probe === undefined) continue;
    rejectUnknownOptions(`${field}.${name}`, probe ?? null, PROBE_KEYS);
    const fields: Record<string, unknown> = {};
    for (const key of PROBE_KEYS) {
      const value = (probe as Record<string, unknown>)[key];
      if (value === undefined) continue;
      if (key === 'path') {
        if (typeof value !== 'string' || !value.startsWith('/')) throw new KestraValidationError(`${field}.${name}.path`, value, 'must be an absolute HTTP path');
        fields.path = value;
      } else {
        fields[key] = validatePositiveInteger(`${field}.${name}.${key}`, value as number, key === 'initialDelaySeconds' ? 0 : 1);
      }
    }
    if (name !== 'readiness' && fields.successThreshold !== undefined && fields.successThreshold !== 1) {
      throw new KestraValidationError(`${field}.${name}.successThreshold`, fields.successThreshold, 'must be 1 for liveness and startup probes (Kubernetes refuses other values)');
    }
    out[name] = fields;
  }
  return out;
}

function envFromSources(field: string, sources: KestraEnvFromSource[] | undefined): Array<Record<string, unknown>> {
  return list(field, sources).map((source, i) => {
    const at = `${field}[${i}]`;
    rejectUnknownOptions(at, source ?? null, ENV_FROM_KEYS);
    if ((source.secretName === undefined) === (source.configMapName === undefined)) {
      throw new KestraValidationError(at, source, 'must give exactly one of secretName and configMapName');
    }
    if (source.prefix !== undefined && (typeof source.prefix !== 'string' || !ENV_NAME.test(source.prefix))) {
      throw new KestraValidationError(`${at}.prefix`, source.prefix, 'must start an environment variable name (letters, digits, "_")');
    }
    const ref = source.secretName !== undefined
      ? { secretRef: { name: validateDnsSubdomain(`${at}.secretName`, source.secretName), optional: source.optional } }
      : { configMapRef: { name: validateDnsSubdomain(`${at}.configMapName`, source.configMapName!), optional: source.optional } };
    return { prefix: source.prefix, ...ref };
  });
}

/** Validates one level (global or one component) of pod options. */
function resolveLevel(field: string, options: KestraPodOptions | undefined): Omit<ResolvedPodOverrides, 'terminationGracePeriodSeconds'> {
  const labels = options?.labels === undefined ? {} : validateLabels(`${field}.labels`, options.labels);
  for (const key of Object.keys(labels)) {
    if (RESERVED_LABELS.test(key)) throw new KestraValidationError(`${field}.labels[${JSON.stringify(key)}]`, key, 'is set by the construct (the selectors use the app.kubernetes.io labels)');
  }
  const extraArgs = list(`${field}.extraArgs`, options?.extraArgs);
  extraArgs.forEach((arg, i) => {
    if (typeof arg !== 'string' || arg.length === 0) throw new KestraValidationError(`${field}.extraArgs[${i}]`, arg, 'must be a non-empty string');
  });
  const securityContext = (name: 'podSecurityContext' | 'securityContext', convert: (v: any) => Record<string, any> | undefined) => {
    const value = options?.[name];
    if (value === undefined) return {};
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new KestraValidationError(`${field}.${name}`, value, 'must be an object');
    return convert(value) ?? {};
  };
  return {
    priorityClassName: options?.priorityClassName === undefined ? undefined : validateDnsSubdomain(`${field}.priorityClassName`, options.priorityClassName),
    annotations: options?.annotations === undefined ? {} : validateAnnotations(`${field}.annotations`, options.annotations),
    labels,
    extraArgs,
    probes: probeOverrides(`${field}.probes`, options?.probes),
    podSecurityContext: securityContext('podSecurityContext', k8s.toJson_PodSecurityContext),
    securityContext: securityContext('securityContext', k8s.toJson_SecurityContext),
    extraVolumes: wireList(`${field}.extraVolumes`, options?.extraVolumes, k8s.toJson_Volume),
    extraVolumeMounts: wireList(`${field}.extraVolumeMounts`, options?.extraVolumeMounts, k8s.toJson_VolumeMount),
    initContainers: wireList(`${field}.initContainers`, options?.initContainers, k8s.toJson_Container),
    extraContainers: wireList(`${field}.extraContainers`, options?.extraContainers, k8s.toJson_Container),
    envFrom: envFromSources(`${field}.envFrom`, options?.envFrom),
  };
}

// Entries of a component replace global entries of the same key; the others are added after them.
function byKey(global: Array<Record<string, any>>, local: Array<Record<string, any>>, key: string): Array<Record<string, any>> {
  const replaced = new Set(local.map((item) => item[key]));
  return [...global.filter((item) => !replaced.has(item[key])), ...local];
}

function mergeProbes(global: ResolvedPodOverrides['probes'], local: ResolvedPodOverrides['probes']): ResolvedPodOverrides['probes'] {
  const out: ResolvedPodOverrides['probes'] = { ...global };
  for (const [name, fields] of Object.entries(local) as Array<[keyof KestraProbesOptions, Record<string, unknown>]>) {
    out[name] = { ...global[name], ...fields };
  }
  return out;
}

/**
 * Validates the `pods` prop against the components that exist and returns the merged overrides of each
 * component (global, then the component's own).
 */
export function resolvePodOverrides(pods: KestraPodsOptions | undefined, components: readonly string[]): Map<string, ResolvedPodOverrides> {
  rejectUnknownOptions('pods', pods, PODS_KEYS);
  const global = resolveLevel('pods', pods);
  const grace = pods?.terminationGracePeriodSeconds === undefined ? undefined
    : validatePositiveInteger('pods.terminationGracePeriodSeconds', pods.terminationGracePeriodSeconds, 0);
  const perComponent = pods?.components ?? {};
  rejectUnknownOptions('pods.components', perComponent ?? null, components);
  const out = new Map<string, ResolvedPodOverrides>();
  for (const name of components) {
    const field = `pods.components.${name}`;
    rejectUnknownOptions(field, perComponent[name], COMPONENT_POD_KEYS);
    const local = resolveLevel(field, perComponent[name]);
    const merged: ResolvedPodOverrides = {
      priorityClassName: local.priorityClassName ?? global.priorityClassName,
      annotations: { ...global.annotations, ...local.annotations },
      labels: { ...global.labels, ...local.labels },
      extraArgs: local.extraArgs.length > 0 ? local.extraArgs : global.extraArgs,
      probes: mergeProbes(global.probes, local.probes),
      podSecurityContext: { ...global.podSecurityContext, ...local.podSecurityContext },
      securityContext: { ...global.securityContext, ...local.securityContext },
      extraVolumes: byKey(global.extraVolumes, local.extraVolumes, 'name'),
      extraVolumeMounts: byKey(global.extraVolumeMounts, local.extraVolumeMounts, 'mountPath'),
      initContainers: byKey(global.initContainers, local.initContainers, 'name'),
      extraContainers: byKey(global.extraContainers, local.extraContainers, 'name'),
      envFrom: [...global.envFrom, ...local.envFrom],
      terminationGracePeriodSeconds: grace,
    };
    checkNames(field, merged);
    out.set(name, merged);
  }
  return out;
}

function checkNames(field: string, overrides: ResolvedPodOverrides): void {
  const volumes = new Set<string>();
  overrides.extraVolumes.forEach((volume) => {
    validateDnsLabel(`${field}.extraVolumes[${JSON.stringify(volume.name)}].name`, volume.name);
    if (CONSTRUCT_VOLUMES.includes(volume.name)) {
      throw new KestraValidationError(`${field}.extraVolumes`, volume.name, `is the name of a volume the construct creates (${CONSTRUCT_VOLUMES.join(', ')})`);
    }
    volumes.add(volume.name);
  });
  overrides.extraVolumeMounts.forEach((mount, i) => {
    if (!volumes.has(mount.name) && !CONSTRUCT_VOLUMES.includes(mount.name)) {
      throw new KestraValidationError(`${field}.extraVolumeMounts[${i}].name`, mount.name, 'names no volume of the pod; add it to extraVolumes');
    }
    if (typeof mount.mountPath !== 'string' || !mount.mountPath.startsWith('/')) {
      throw new KestraValidationError(`${field}.extraVolumeMounts[${i}].mountPath`, mount.mountPath, 'must be an absolute path');
    }
  });
  const containers = new Set<string>();
  [...overrides.initContainers, ...overrides.extraContainers].forEach((container) => {
    validateDnsLabel(`${field} container name`, container.name);
    if (CONSTRUCT_CONTAINERS.includes(container.name) || containers.has(container.name)) {
      throw new KestraValidationError(`${field} container name`, container.name, `is used twice or by the construct (${CONSTRUCT_CONTAINERS.join(', ')})`);
    }
    containers.add(container.name);
  });
}

/**
 * Rewrites the pod template of a rendered workload. Runs after cdk8s-plus has converted the pod (its Kubernetes
 * 1.27 converters would drop newer fields) and after the construct's own patches.
 */
export function transformPodTemplate(api: ApiObject, transform: (template: { metadata: any; spec: any }) => void): void {
  const toJson = api.toJson.bind(api);
  api.toJson = () => {
    const json = toJson();
    transform(json.spec.template);
    return json;
  };
}

/** Applies the merged overrides of one component to its rendered pod template. */
export function applyPodOverrides(template: { metadata: any; spec: any }, overrides: ResolvedPodOverrides, graceFromMode: boolean): void {
  const spec = template.spec;
  const kestra = spec.containers.find((c: any) => c.name === 'kestra');
  template.metadata.labels = { ...overrides.labels, ...template.metadata.labels };
  template.metadata.annotations = { ...template.metadata.annotations, ...overrides.annotations };
  if (overrides.priorityClassName !== undefined) spec.priorityClassName = overrides.priorityClassName;
  if (overrides.terminationGracePeriodSeconds !== undefined && !graceFromMode) {
    spec.terminationGracePeriodSeconds = overrides.terminationGracePeriodSeconds;
  }
  if (overrides.extraArgs.length > 0) kestra.args = [...(kestra.args ?? []), ...overrides.extraArgs];
  for (const [name, fields] of Object.entries(overrides.probes) as Array<[keyof KestraProbesOptions, Record<string, unknown>]>) {
    const probe = kestra[PROBE_FIELDS[name]];
    const { path, ...timing } = fields;
    kestra[PROBE_FIELDS[name]] = { ...probe, ...timing, ...(path === undefined ? {} : { httpGet: { ...probe.httpGet, path } }) };
  }
  spec.securityContext = { ...spec.securityContext, ...overrides.podSecurityContext };
  kestra.securityContext = { ...kestra.securityContext, ...overrides.securityContext };
  if (overrides.envFrom.length > 0) kestra.envFrom = [...(kestra.envFrom ?? []), ...overrides.envFrom];
  if (overrides.extraVolumes.length > 0) spec.volumes = [...(spec.volumes ?? []), ...overrides.extraVolumes];
  for (const mount of overrides.extraVolumeMounts) {
    const taken = (kestra.volumeMounts ?? []).find((m: any) => m.mountPath === mount.mountPath);
    if (taken) {
      throw new KestraValidationError('pods.extraVolumeMounts', mount.mountPath, `is where the construct mounts the volume "${taken.name}"; Kubernetes refuses two mounts on one path`);
    }
  }
  if (overrides.extraVolumeMounts.length > 0) kestra.volumeMounts = [...(kestra.volumeMounts ?? []), ...overrides.extraVolumeMounts];
  if (overrides.initContainers.length > 0) spec.initContainers = [...(spec.initContainers ?? []), ...overrides.initContainers];
  if (overrides.extraContainers.length > 0) spec.containers = [...spec.containers, ...overrides.extraContainers];
}

/** Where the bundled database's pods go: the Kestra pods' top-level scheduling and image pull secrets. */
export interface PodPlacement {
  /** `nodeSelector`, `tolerations` and `affinity`, in wire form. */
  readonly scheduling: Record<string, unknown>;
  /** Names of image pull Secrets. */
  readonly imagePullSecrets: readonly string[];
}

/** The pod spec fields of a placement. */
export function placementFields(placement: PodPlacement | undefined): Record<string, unknown> {
  if (!placement) return {};
  return {
    ...placement.scheduling,
    ...(placement.imagePullSecrets.length > 0 ? { imagePullSecrets: placement.imagePullSecrets.map((name) => ({ name })) } : {}),
  };
}

/** Whether the overrides bring containers, volumes or security settings the construct did not write. */
export function hasOwnPodSecurity(overrides: ResolvedPodOverrides): boolean {
  return overrides.initContainers.length > 0 || overrides.extraContainers.length > 0 || overrides.extraVolumes.length > 0
    || Object.keys(overrides.podSecurityContext).length > 0 || Object.keys(overrides.securityContext).length > 0;
}
