// Turns the permissions of a set of flows' Kubernetes tasks into one Role per namespace (and a
// ClusterRole when a task targets cluster-scoped kinds), remembering which task needs each rule.
// Pure data; the constructs in lib/kubernetes-access render it, the policy report prints it.
import { isExpression } from './expression-functions';
import {
  KubernetesFlowInput, KubernetesPermission, KubernetesTaskAccess, KubernetesTaskConnection, KubernetesTaskRef,
  KubernetesVerb, deriveKubernetesPermissions, kubernetesTasks,
} from './kubernetes-task-rules';
import { KestraValidationError } from '../common/errors';
import { optionKeys, rejectUnknownOptions } from '../common/known-keys';

const VERBS: readonly KubernetesVerb[] = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'];
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** Tells which tasks' `connection` points at a cluster other than Kestra's own. */
export interface KubernetesClusterSelector {
  /** A name for the cluster, used in the report. */
  readonly name: string;
  /**
   * Kestra secrets whose use in a task's `connection` marks the task as targeting this cluster,
   * e.g. `['GPU_K8S_TOKEN']` for `oauthToken: "{{ secret('GPU_K8S_TOKEN') }}"`.
   * @default - none
   */
  readonly secrets?: string[];
  /**
   * API server URLs of this cluster, as written in tasks' `connection.masterUrl`.
   * @default - none
   */
  readonly masterUrls?: string[];
}

/** A permission granted by hand for a task whose permissions cannot be derived. */
export interface KubernetesGrantRule {
  /**
   * Namespace the rule applies in. Required unless `clusterScoped`.
   * @default - none
   */
  readonly namespace?: string;
  /**
   * A cluster-scoped resource (rendered into a ClusterRole); `namespace` must then be absent.
   * @default false
   */
  readonly clusterScoped?: boolean;
  /**
   * API group of the resource (`''` is the core group).
   * @default ''
   */
  readonly apiGroup?: string;
  /** Resource name as RBAC spells it, e.g. `deployments` or `pods/log`. */
  readonly resource: string;
  /** Verbs; never `*`. */
  readonly verbs: KubernetesVerb[];
  /**
   * Limit the rule to these object names.
   * @default - any name
   */
  readonly resourceNames?: string[];
}

/** Explicit permissions for one task; they replace what would be derived from it. */
export interface KubernetesTaskGrant {
  /** The task's flow, as `<namespace>/<flow id>`, e.g. `company.ops/rotate-secrets`. */
  readonly flow: string;
  /** The task id. */
  readonly taskId: string;
  /** The permissions the task needs. */
  readonly rules: KubernetesGrantRule[];
}

/** What a plan is built from. */
export interface KubernetesAccessPlanInput {
  /** The flows. */
  readonly flows: readonly KubernetesFlowInput[];
  /** The ServiceAccount the Roles are bound to. */
  readonly serviceAccount: { readonly name: string; readonly namespace: string };
  /**
   * The cluster the plan is for: absent for Kestra's own cluster (tasks without `connection`),
   * else the tasks whose `connection` the selector matches.
   * @default - Kestra's own cluster
   */
  readonly cluster?: KubernetesClusterSelector;
  /**
   * Explicit permissions for tasks that cannot be derived.
   * @default - none
   */
  readonly grants?: readonly KubernetesTaskGrant[];
}

/** An RBAC PolicyRule, as rendered. */
export interface KubernetesPolicyRule {
  readonly apiGroups: string[];
  readonly resources: string[];
  readonly verbs: KubernetesVerb[];
  readonly resourceNames?: string[];
}

/** A task that needs (some verbs of) a rule. */
export interface KubernetesRuleNeed {
  /** `<namespace>/<flow id>`. */
  readonly flow: string;
  /** Task id. */
  readonly taskId: string;
  /** Task type. */
  readonly type: string;
  /** The verbs of the rule this task needs. */
  readonly verbs: KubernetesVerb[];
  /** Why. */
  readonly reason: string;
}

/** The rules of one Role (or of the ClusterRole when `namespace` is absent). */
export interface KubernetesRolePlan {
  /** Namespace of the Role; absent for the ClusterRole. */
  readonly namespace?: string;
  /** Its rules and the tasks that need each. */
  readonly rules: ReadonlyArray<{ readonly rule: KubernetesPolicyRule; readonly neededBy: readonly KubernetesRuleNeed[] }>;
}

/** Everything one ServiceAccount is granted, and why. */
export interface KubernetesAccessPlan {
  /** `in-cluster`, or the selector's name. */
  readonly cluster: string;
  /** The ServiceAccount bound to the roles. */
  readonly serviceAccount: { readonly name: string; readonly namespace: string };
  /** One entry per namespace (sorted), then the cluster-wide one if any. */
  readonly roles: readonly KubernetesRolePlan[];
  /** The tasks covered, with their permissions. */
  readonly tasks: ReadonlyArray<KubernetesTaskAccess & { readonly granted: 'derived' | 'explicit' }>;
  /** Kubernetes tasks of the flows that talk to another cluster (not granted by this plan). */
  readonly elsewhere: readonly KubernetesTaskRef[];
}

/** Whether a task talks to the cluster the selector describes (or to Kestra's own, without one). */
export function connectsTo(connection: KubernetesTaskConnection, cluster: KubernetesClusterSelector | undefined): boolean {
  if (!cluster) return connection.kind === 'in-cluster';
  if (connection.kind !== 'connection') return false;
  return connection.secrets.some((s) => (cluster.secrets ?? []).includes(s))
    || (connection.masterUrl !== undefined && (cluster.masterUrls ?? []).includes(connection.masterUrl));
}

/** Derives the least-privilege RBAC of the flows' Kubernetes tasks for one cluster. */
export function planKubernetesAccess(input: KubernetesAccessPlanInput): KubernetesAccessPlan {
  if (input.cluster) validateSelector(input.cluster);
  const grants = (input.grants ?? []).map((grant, i) => validateGrant(`grants[${i}]`, grant));
  const used = new Set<number>();
  const tasks: Array<KubernetesTaskAccess & { granted: 'derived' | 'explicit' }> = [];
  const elsewhere: KubernetesTaskRef[] = [];
  for (const flow of input.flows) {
    for (const { ref, properties } of kubernetesTasks(flow)) {
      if (!connectsTo(ref.connection, input.cluster)) {
        elsewhere.push(ref);
        continue;
      }
      const index = grants.findIndex((g) => g.flow === ref.flow && g.taskId === ref.taskId);
      if (index >= 0) {
        used.add(index);
        tasks.push({ ...ref, granted: 'explicit', permissions: grants[index].permissions });
      } else {
        tasks.push({ ...ref, granted: 'derived', permissions: deriveKubernetesPermissions(ref, properties) });
      }
    }
  }
  grants.forEach((grant, i) => {
    if (!used.has(i)) {
      throw new KestraValidationError(`grants[${i}]`, `${grant.flow} ${grant.taskId}`,
        `names no Kubernetes task of the flows that talks to ${input.cluster ? `cluster "${input.cluster.name}"` : "Kestra's own cluster"}`);
    }
  });
  return { cluster: input.cluster?.name ?? 'in-cluster', serviceAccount: input.serviceAccount, roles: mergeRoles(tasks), tasks, elsewhere };
}

interface VerbEntry { names: Set<string> | 'any'; needs: KubernetesRuleNeed[] }

function mergeRoles(tasks: ReadonlyArray<KubernetesTaskAccess>): KubernetesRolePlan[] {
  // scope ('' = cluster) → "group\0resource" → verb → names and needs
  const scopes = new Map<string, Map<string, Map<KubernetesVerb, VerbEntry>>>();
  for (const task of tasks) {
    for (const p of task.permissions) {
      const scope = p.namespace === undefined ? '' : `ns:${p.namespace}`;
      const resources = getOrSet(scopes, scope, () => new Map<string, Map<KubernetesVerb, VerbEntry>>());
      const verbs = getOrSet(resources, `${p.apiGroup}\0${p.resource}`, () => new Map<KubernetesVerb, VerbEntry>());
      for (const verb of p.verbs) {
        const entry = getOrSet(verbs, verb, (): VerbEntry => ({ names: new Set(), needs: [] }));
        if (p.resourceNames === undefined) entry.names = 'any';
        else if (entry.names !== 'any') p.resourceNames.forEach((n) => (entry.names as Set<string>).add(n));
        const need = entry.needs.find((n) => n.flow === task.flow && n.taskId === task.taskId && n.reason === p.reason);
        if (!need) entry.needs.push({ flow: task.flow, taskId: task.taskId, type: task.type, verbs: [verb], reason: p.reason });
      }
    }
  }
  const ordered = [...scopes.keys()].sort((a, b) => (a === '' ? 1 : b === '' ? -1 : a.localeCompare(b)));
  return ordered.map((scope) => {
    const rules: Array<{ rule: KubernetesPolicyRule; neededBy: KubernetesRuleNeed[] }> = [];
    const resources = scopes.get(scope)!;
    for (const key of [...resources.keys()].sort()) {
      const [apiGroup, resource] = key.split('\0');
      // Verbs needing the same names share a rule.
      const bySignature = new Map<string, KubernetesVerb[]>();
      for (const [verb, entry] of resources.get(key)!) {
        const signature = entry.names === 'any' ? '' : [...entry.names].sort().join('\0');
        getOrSet(bySignature, signature, () => []).push(verb);
      }
      for (const signature of [...bySignature.keys()].sort()) {
        const verbs = sortVerbs(bySignature.get(signature)!);
        const neededBy = mergeNeeds(verbs.flatMap((verb) => resources.get(key)!.get(verb)!.needs));
        rules.push({
          rule: { apiGroups: [apiGroup], resources: [resource], verbs, ...(signature ? { resourceNames: signature.split('\0') } : {}) },
          neededBy,
        });
      }
    }
    return { ...(scope ? { namespace: scope.slice(3) } : {}), rules };
  });
}

function mergeNeeds(needs: KubernetesRuleNeed[]): KubernetesRuleNeed[] {
  const merged: KubernetesRuleNeed[] = [];
  for (const need of needs) {
    const existing = merged.find((m) => m.flow === need.flow && m.taskId === need.taskId && m.reason === need.reason);
    if (existing) existing.verbs.push(...need.verbs.filter((v) => !existing.verbs.includes(v)));
    else merged.push({ ...need, verbs: [...need.verbs] });
  }
  merged.forEach((m) => m.verbs.splice(0, m.verbs.length, ...sortVerbs(m.verbs)));
  return merged.sort((a, b) => `${a.flow}\0${a.taskId}`.localeCompare(`${b.flow}\0${b.taskId}`));
}

function sortVerbs(verbs: readonly KubernetesVerb[]): KubernetesVerb[] {
  return [...new Set(verbs)].sort();
}

function getOrSet<K, V>(map: Map<K, V>, key: K, create: () => V): V {
  if (!map.has(key)) map.set(key, create());
  return map.get(key)!;
}

function validateSelector(cluster: KubernetesClusterSelector): void {
  if (typeof cluster.name !== 'string' || cluster.name === '') throw new KestraValidationError('cluster.name', cluster.name, 'must be a non-empty string');
  if ((cluster.secrets ?? []).length === 0 && (cluster.masterUrls ?? []).length === 0) {
    throw new KestraValidationError('cluster', cluster.name, 'must list the `secrets` or `masterUrls` that mark a task\'s connection as this cluster');
  }
}

const GRANT_KEYS = optionKeys<KubernetesTaskGrant>()('flow', 'taskId', 'rules');
const GRANT_RULE_KEYS = optionKeys<KubernetesGrantRule>()('namespace', 'clusterScoped', 'apiGroup', 'resource', 'verbs', 'resourceNames');

function validateGrant(field: string, grant: KubernetesTaskGrant): { flow: string; taskId: string; permissions: KubernetesPermission[] } {
  rejectUnknownOptions(field, grant ?? null, GRANT_KEYS);
  if (typeof grant?.flow !== 'string' || !/^[^/]+\/[^/]+$/.test(grant.flow)) throw new KestraValidationError(`${field}.flow`, grant?.flow, 'must be "<namespace>/<flow id>"');
  if (typeof grant.taskId !== 'string' || grant.taskId === '') throw new KestraValidationError(`${field}.taskId`, grant.taskId, 'must be the task id');
  if (!Array.isArray(grant.rules) || grant.rules.length === 0) throw new KestraValidationError(`${field}.rules`, grant.rules, 'must list at least one rule');
  const permissions = grant.rules.map((rule, i): KubernetesPermission => {
    const at = `${field}.rules[${i}]`;
    rejectUnknownOptions(at, rule ?? null, GRANT_RULE_KEYS);
    if (rule.clusterScoped === true && rule.namespace !== undefined) throw new KestraValidationError(`${at}.namespace`, rule.namespace, 'must be absent on a clusterScoped rule');
    if (rule.clusterScoped !== true && (typeof rule.namespace !== 'string' || !DNS_LABEL.test(rule.namespace))) {
      throw new KestraValidationError(`${at}.namespace`, rule.namespace, 'must be a Kubernetes namespace name (or set clusterScoped: true)');
    }
    const apiGroup = rule.apiGroup ?? '';
    if (typeof apiGroup !== 'string' || /[*\s]/.test(apiGroup) || isExpression(apiGroup)) throw new KestraValidationError(`${at}.apiGroup`, apiGroup, 'must be an API group name, no wildcard');
    if (typeof rule.resource !== 'string' || !/^[a-z0-9][a-z0-9.-]*(\/[a-z0-9]+)?$/.test(rule.resource)) {
      throw new KestraValidationError(`${at}.resource`, rule.resource, 'must be a resource name such as "deployments" or "pods/log", no wildcard');
    }
    if (!Array.isArray(rule.verbs) || rule.verbs.length === 0 || rule.verbs.some((v) => !VERBS.includes(v))) {
      throw new KestraValidationError(`${at}.verbs`, rule.verbs, `must list verbs among ${VERBS.join(', ')} (no "*")`);
    }
    if (rule.resourceNames !== undefined && (!Array.isArray(rule.resourceNames) || rule.resourceNames.length === 0
      || rule.resourceNames.some((n) => typeof n !== 'string' || n === '' || n.includes('*')))) {
      throw new KestraValidationError(`${at}.resourceNames`, rule.resourceNames, 'must be a non-empty list of object names');
    }
    return {
      ...(rule.clusterScoped === true ? {} : { namespace: rule.namespace }),
      apiGroup,
      resource: rule.resource,
      verbs: sortVerbs(rule.verbs),
      ...(rule.resourceNames ? { resourceNames: [...new Set(rule.resourceNames)].sort() } : {}),
      reason: 'granted explicitly',
    };
  });
  return { flow: grant.flow, taskId: grant.taskId, permissions };
}
