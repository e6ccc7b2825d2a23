// The audit trail of the RBAC derived for flows' Kubernetes tasks: per ServiceAccount and namespace,
// every rule granted and the flow/task that needs it. Pure: the CLI and the constructs share it.
import { parseFlowSource } from './flow-source';
import {
  KubernetesAccessPlan, KubernetesClusterSelector, KubernetesPolicyRule, KubernetesTaskGrant, connectsTo, planKubernetesAccess,
} from './kubernetes-access-plan';
import { kubernetesTasks } from './kubernetes-task-rules';
import { KestraValidationError } from '../common/errors';

/** Output format of {@link kubernetesPolicyReport}. */
export type KubernetesPolicyReportFormat = 'text' | 'json';

/** JSON form of the report (`format: 'json'`), stable for tooling. */
export interface KubernetesPolicyReportJson {
  /** Report schema version. */
  readonly version: 1;
  /** One entry per plan (ServiceAccount). */
  readonly serviceAccounts: ReadonlyArray<{
    readonly cluster: string;
    readonly name: string;
    readonly namespace: string;
    readonly scopes: ReadonlyArray<{
      /** Namespace of the Role, or `null` for the cluster-wide ClusterRole. */
      readonly namespace: string | null;
      readonly rules: ReadonlyArray<KubernetesPolicyRule & {
        readonly neededBy: ReadonlyArray<{
          readonly flow: string; readonly task: string; readonly type: string; readonly verbs: string[]; readonly reason: string;
        }>;
      }>;
    }>;
    readonly explicitGrants: ReadonlyArray<{ readonly flow: string; readonly task: string }>;
    readonly otherClusters: ReadonlyArray<{
      readonly flow: string; readonly task: string; readonly secrets: readonly string[]; readonly masterUrl?: string;
    }>;
  }>;
}

/**
 * Lists, per ServiceAccount and namespace, every rule granted and the flow/task that needs it.
 * `text` is for people (a code review, a ticket); `json` for tools.
 */
export function kubernetesPolicyReport(plans: KubernetesAccessPlan | readonly KubernetesAccessPlan[], format: KubernetesPolicyReportFormat = 'text'): string {
  const list: readonly KubernetesAccessPlan[] = Array.isArray(plans) ? plans : [plans as KubernetesAccessPlan];
  if (format === 'json') return `${JSON.stringify(kubernetesPolicyReportJson(list), null, 2)}\n`;
  if (format !== 'text') throw new Error(`Invalid format: ${JSON.stringify(format)}: must be "text" or "json"`);
  return list.map(renderText).join('\n');
}

/** The report as data (what `format: 'json'` prints). */
export function kubernetesPolicyReportJson(plans: readonly KubernetesAccessPlan[]): KubernetesPolicyReportJson {
  return {
    version: 1,
    serviceAccounts: plans.map((plan) => ({
      cluster: plan.cluster,
      name: plan.serviceAccount.name,
      namespace: plan.serviceAccount.namespace,
      scopes: plan.roles.map((role) => ({
        namespace: role.namespace ?? null,
        rules: role.rules.map(({ rule, neededBy }) => ({
          ...rule,
          neededBy: neededBy.map((n) => ({ flow: n.flow, task: n.taskId, type: n.type, verbs: [...n.verbs], reason: n.reason })),
        })),
      })),
      explicitGrants: plan.tasks.filter((t) => t.granted === 'explicit').map((t) => ({ flow: t.flow, task: t.taskId })),
      otherClusters: plan.elsewhere.map((t) => ({
        flow: t.flow, task: t.taskId, secrets: t.connection.secrets, ...(t.connection.masterUrl ? { masterUrl: t.connection.masterUrl } : {}),
      })),
    })),
  };
}

function renderText(plan: KubernetesAccessPlan): string {
  const lines = [`ServiceAccount ${plan.serviceAccount.namespace}/${plan.serviceAccount.name} (cluster: ${plan.cluster})`];
  if (plan.roles.length === 0) lines.push('  no Kubernetes task of the flows needs this cluster: nothing granted');
  for (const role of plan.roles) {
    lines.push(role.namespace === undefined ? '  cluster-wide (ClusterRole)' : `  namespace ${role.namespace} (Role)`);
    for (const { rule, neededBy } of role.rules) {
      const group = rule.apiGroups[0] === '' ? 'core' : rule.apiGroups[0];
      const names = rule.resourceNames ? ` names=${rule.resourceNames.join(',')}` : '';
      lines.push(`    ${rule.resources[0]} (${group}) ${rule.verbs.join(',')}${names}`);
      for (const need of neededBy) {
        const explicit = plan.tasks.some((t) => t.flow === need.flow && t.taskId === need.taskId && t.granted === 'explicit');
        lines.push(`      ${need.flow} ${need.taskId} [${shortType(need.type)}] ${need.verbs.join(',')}: ${need.reason}${explicit ? ' (grants option)' : ''}`);
      }
    }
  }
  if (plan.elsewhere.length > 0) {
    lines.push('  not granted here (the task talks to another cluster):');
    for (const task of plan.elsewhere) {
      const via = [...task.connection.secrets.map((s) => `secret ${s}`), ...(task.connection.masterUrl ? [task.connection.masterUrl] : [])];
      const target = task.connection.kind === 'in-cluster' ? " Kestra's own cluster" : via.length ? ` connection via ${via.join(', ')}` : ' its own connection';
      lines.push(`    ${task.flow} ${task.taskId} [${shortType(task.type)}]:${target}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

function shortType(type: string): string {
  return type.replace(/^io\.kestra\.plugin\.kubernetes\./, '');
}

/** Input of {@link kubernetesPolicyReportForSources}: what the `report` command reads. */
export interface KubernetesPolicyReportSources {
  /** Flow sources (YAML) and where they come from (named in errors). */
  readonly flows: ReadonlyArray<{ readonly source: string; readonly origin?: string }>;
  /** The ServiceAccount of Kestra's task-running pods. */
  readonly serviceAccount: { readonly name: string; readonly namespace: string };
  /**
   * Other clusters, each with the ServiceAccount its chart creates (default `kestra-flow-tasks` in `kestra`).
   * @default - none
   */
  readonly clusters?: ReadonlyArray<KubernetesClusterSelector & { readonly serviceAccount?: { readonly name: string; readonly namespace: string } }>;
  /**
   * Explicit grants, as given to the constructs.
   * @default - none
   */
  readonly grants?: readonly KubernetesTaskGrant[];
}

/**
 * The report straight from flow files, without a cdk8s app: Kestra's own cluster first, then each
 * other cluster. What `npx kestra-constructs report` prints for the Kubernetes tasks.
 */
export function kubernetesPolicyReportForSources(input: KubernetesPolicyReportSources, format: KubernetesPolicyReportFormat = 'text'): string {
  const flows = input.flows.map(({ source, origin }) => {
    const parsed = parseFlowSource(source, origin);
    return { namespace: parsed.namespace, id: parsed.id, document: parsed.document };
  });
  // Each grant goes to the plan of the cluster its task talks to.
  const refs = flows.flatMap((flow) => kubernetesTasks(flow).map((task) => task.ref));
  const grantsFor = (cluster?: KubernetesClusterSelector) => (input.grants ?? []).filter((grant) =>
    refs.some((ref) => ref.flow === grant.flow && ref.taskId === grant.taskId && connectsTo(ref.connection, cluster)));
  (input.grants ?? []).forEach((grant, i) => {
    if (!refs.some((ref) => ref.flow === grant.flow && ref.taskId === grant.taskId)) {
      throw new KestraValidationError(`grants[${i}]`, `${grant.flow} ${grant.taskId}`, 'names no Kubernetes task of the flows');
    }
  });
  const plans = [planKubernetesAccess({ flows, serviceAccount: input.serviceAccount, grants: grantsFor(undefined) })];
  for (const cluster of input.clusters ?? []) {
    plans.push(planKubernetesAccess({
      flows, cluster, grants: grantsFor(cluster), serviceAccount: cluster.serviceAccount ?? { name: 'kestra-flow-tasks', namespace: 'kestra' },
    }));
  }
  return kubernetesPolicyReport(plans, format);
}
