// The audit trail of the RBAC derived for flows' Kubernetes tasks: per ServiceAccount and namespace,
// every rule granted and the flow/task that needs it. Pure: the CLI and the constructs share it.
import { KubernetesAccessPlan, KubernetesPolicyRule } from './kubernetes-access-plan';

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
        readonly neededBy: ReadonlyArray<{ readonly flow: string; readonly task: string; readonly type: string; readonly verbs: string[]; readonly reason: string }>;
      }>;
    }>;
    readonly explicitGrants: ReadonlyArray<{ readonly flow: string; readonly task: string }>;
    readonly otherClusters: ReadonlyArray<{ readonly flow: string; readonly task: string; readonly secrets: readonly string[]; readonly masterUrl?: string }>;
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
    lines.push('  not granted here (their connection targets another cluster):');
    for (const task of plan.elsewhere) {
      const via = [...task.connection.secrets.map((s) => `secret ${s}`), ...(task.connection.masterUrl ? [task.connection.masterUrl] : [])];
      lines.push(`    ${task.flow} ${task.taskId} [${shortType(task.type)}]${via.length ? ` via ${via.join(', ')}` : ''}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

function shortType(type: string): string {
  return type.replace(/^io\.kestra\.plugin\.kubernetes\./, '');
}
