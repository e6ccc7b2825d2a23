import { ApiObject, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { recordKubernetesAccessPlan } from './captured-plans';
import { KubernetesAccessFlows, flowInputs } from './flow-inputs';
import { PlanRbacObjects, renderPlanRbac } from './rbac-objects';
import { KestraValidationError } from '../common/errors';
import { optionKeys, rejectUnknownOptions } from '../common/known-keys';
import { validateDnsLabel } from '../common/validation';
import {
  KubernetesAccessPlan, KubernetesPolicyReportFormat, KubernetesTaskGrant, kubernetesPolicyReport, planKubernetesAccess,
} from '../model';
import { Kestra } from '../platform/kestra';

/** Properties of {@link KestraKubernetesAccess}. */
export interface KestraKubernetesAccessProps {
  /** The Kestra whose task-running pods (standalone or workers) get the access. */
  readonly kestra: Kestra;
  /** The flows whose Kubernetes tasks (PodCreate, kubectl Apply/Patch/Get/Restart/Delete) need the access. */
  readonly flows: KubernetesAccessFlows;
  /**
   * Explicit permissions for tasks whose namespace or kind is an expression; each replaces what
   * would be derived for its task.
   * @default - none: such a task fails the synth
   */
  readonly grants?: KubernetesTaskGrant[];
  /**
   * Name of the Roles and RoleBindings (one per namespace); the ClusterRole, if any, is
   * `<namespace of Kestra>-<name>`.
   * @default - `<kestra name>-flow-tasks`
   */
  readonly name?: string;
}

/**
 * Least-privilege RBAC for the Kubernetes tasks of flows that run in Kestra's own cluster (tasks
 * without a `connection`): one Role per target namespace holding exactly the verbs, resources and,
 * where the flow names them, object names the tasks use, bound to the ServiceAccount of the pods
 * that run tasks, whose API token is mounted on those pods only. No wildcard; a ClusterRole only for
 * tasks applying cluster-scoped kinds. A task whose namespace or kind is an expression fails the
 * synth, naming flow and task, unless `grants` covers it.
 */
export class KestraKubernetesAccess extends Construct {
  /** What is granted and why (also the source of {@link report}). */
  public readonly plan: KubernetesAccessPlan;
  /** The rendered Roles, RoleBindings and, if needed, the ClusterRole pair. */
  public readonly rbac: PlanRbacObjects;
  /** Names of the Kestra components whose pods get the API token (standalone, worker, worker-<group>). */
  public readonly tokenComponents: readonly string[];

  constructor(scope: Construct, id: string, props: KestraKubernetesAccessProps) {
    super(scope, id);
    rejectUnknownOptions('', props ?? null, optionKeys<KestraKubernetesAccessProps>()('kestra', 'flows', 'grants', 'name'));
    if (!(props.kestra instanceof Kestra)) throw new KestraValidationError('kestra', typeof props?.kestra, 'must be a Kestra construct');
    const kestra = props.kestra;
    if (!kestra.namespace) {
      throw new KestraValidationError('kestra.namespace', kestra.namespace, 'RoleBindings name the ServiceAccount by namespace; set `namespace` on the Chart of Kestra');
    }
    const name = validateDnsLabel('name', props.name ?? `${kestra.name}-flow-tasks`);
    const runners = taskRunningComponents(kestra);
    const accounts = [...new Set(runners.map(([component, deployment]) => {
      if (!deployment.serviceAccount) throw new KestraValidationError(`kestra.components.${component}`, component, 'has no ServiceAccount to bind');
      return deployment.serviceAccount.name;
    }))];
    if (accounts.length !== 1) {
      throw new KestraValidationError('kestra', accounts, 'the pods that run tasks must share one ServiceAccount to receive the flows\' Kubernetes access');
    }

    this.plan = planKubernetesAccess({
      flows: flowInputs('flows', props.flows),
      serviceAccount: { name: accounts[0], namespace: kestra.namespace },
      grants: props.grants,
    });
    recordKubernetesAccessPlan(this.plan);
    this.rbac = renderPlanRbac(this, this.plan, {
      roleName: name,
      clusterRoleName: `${kestra.namespace}-${name}`,
      labels: { ...kestra.podLabels, 'app.kubernetes.io/component': 'flow-tasks-rbac' },
    });

    // The Kestra pods run without an API token; the ones that run tasks need it now, the others
    // (webserver, executor, scheduler, indexer) keep running without.
    this.tokenComponents = this.plan.roles.length > 0 ? runners.map(([component]) => component) : [];
    for (const [component, deployment] of runners) {
      if (this.tokenComponents.includes(component)) {
        ApiObject.of(deployment).addJsonPatch(JsonPatch.add('/spec/template/spec/automountServiceAccountToken', true));
      }
    }
  }

  /** The audit trail: per namespace, every rule granted and the flow/task that needs it. */
  public report(format: KubernetesPolicyReportFormat = 'text'): string {
    return kubernetesPolicyReport(this.plan, format);
  }
}

// The components that run tasks, by the names `Kestra.components` documents: the standalone server
// (embedded worker), the worker and the worker groups (`worker-<key>`).
function taskRunningComponents(kestra: Kestra): Array<[string, kplus.Deployment]> {
  return Object.entries(kestra.components)
    .filter(([component]) => component === 'standalone' || component === 'worker' || component.startsWith('worker-'))
    .sort(([a], [b]) => a.localeCompare(b));
}
