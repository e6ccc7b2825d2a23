import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { KubernetesAccessPlan } from '../model';

/** Names and labels of the RBAC objects rendered from a plan. */
export interface PlanRbacOptions {
  /** Name of every Role and RoleBinding. */
  readonly roleName: string;
  /** Name of the ClusterRole and ClusterRoleBinding, when a task targets a cluster-scoped kind. */
  readonly clusterRoleName: string;
  /** Labels of the objects. */
  readonly labels: Record<string, string>;
}

/** The RBAC objects rendered from a plan. */
export interface PlanRbacObjects {
  /** One Role per namespace. */
  readonly roles: ApiObject[];
  /** One RoleBinding per Role. */
  readonly roleBindings: ApiObject[];
  /** The ClusterRole, when a task targets a cluster-scoped kind. */
  readonly clusterRole?: ApiObject;
  /** Its binding. */
  readonly clusterRoleBinding?: ApiObject;
}

const RBAC = 'rbac.authorization.k8s.io';

/** Renders one Role + RoleBinding per namespace of the plan (and the ClusterRole pair if needed). */
export function renderPlanRbac(scope: Construct, plan: KubernetesAccessPlan, options: PlanRbacOptions): PlanRbacObjects {
  const subject = { kind: 'ServiceAccount', name: plan.serviceAccount.name, namespace: plan.serviceAccount.namespace };
  const roles: ApiObject[] = [];
  const roleBindings: ApiObject[] = [];
  let clusterRole: ApiObject | undefined;
  let clusterRoleBinding: ApiObject | undefined;
  for (const role of plan.roles) {
    const rules = role.rules.map(({ rule }) => rule);
    if (role.namespace === undefined) {
      const metadata = { name: options.clusterRoleName, labels: options.labels };
      clusterRole = new ApiObject(scope, 'ClusterRole', { apiVersion: `${RBAC}/v1`, kind: 'ClusterRole', metadata, rules } as any);
      clusterRoleBinding = new ApiObject(scope, 'ClusterRoleBinding', {
        apiVersion: `${RBAC}/v1`,
        kind: 'ClusterRoleBinding',
        metadata,
        roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: options.clusterRoleName },
        subjects: [subject],
      } as any);
      continue;
    }
    const metadata = { name: options.roleName, namespace: role.namespace, labels: options.labels };
    roles.push(new ApiObject(scope, `Role-${role.namespace}`, { apiVersion: `${RBAC}/v1`, kind: 'Role', metadata, rules } as any));
    roleBindings.push(new ApiObject(scope, `RoleBinding-${role.namespace}`, {
      apiVersion: `${RBAC}/v1`,
      kind: 'RoleBinding',
      metadata,
      roleRef: { apiGroup: RBAC, kind: 'Role', name: options.roleName },
      subjects: [subject],
    } as any));
  }
  return { roles, roleBindings, clusterRole, clusterRoleBinding };
}
