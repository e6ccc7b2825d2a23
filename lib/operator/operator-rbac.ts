import * as k8s from 'cdk8s-plus-27/lib/imports/k8s';
import { Construct } from 'constructs';
import { dropChartNamespace } from './cluster-scoped';

/** The verbs the operator uses on its custom resources, and nothing wider. */
export const OPERATOR_RESOURCE_VERBS = ['get', 'list', 'watch', 'patch', 'update', 'create', 'delete'];

const KESTRA_RESOURCES = ['kestraflows', 'kestrakeyvalues', 'kestranamespacefiles']
  .flatMap((plural) => [plural, `${plural}/status`, `${plural}/finalizers`]);

// One rule per purpose (cdk8s-plus would write one rule per resource).
const RESOURCE_RULE: k8s.PolicyRule = { apiGroups: ['model.kestra.io'], resources: KESTRA_RESOURCES, verbs: OPERATOR_RESOURCE_VERBS };
const CRD_READER_RULE: k8s.PolicyRule = { apiGroups: ['apiextensions.k8s.io'], resources: ['customresourcedefinitions'], verbs: ['get', 'list'] };

/** Properties of {@link OperatorRbac}. */
export interface OperatorRbacProps {
  /** Name of the operator's ServiceAccount. */
  readonly serviceAccountName: string;
  /** Namespace of the operator's ServiceAccount. */
  readonly serviceAccountNamespace: string;
  /**
   * Prefix of every RBAC object name, unique per operator in the cluster
   * (`kestra-operator.<namespace>.<name>`: a Deployment name is unique per namespace).
   */
  readonly namePrefix: string;
  /**
   * Namespaces whose custom resources the operator reconciles.
   * @default - all namespaces, through a ClusterRole
   */
  readonly watchNamespaces?: string[];
  /**
   * Labels put on every RBAC object.
   * @default - none
   */
  readonly labels?: Record<string, string>;
}

/**
 * Least-privilege RBAC of one operator: read/write on the three Kestra kinds
 * (and their `/status` and `/finalizers`), either only in the watched namespaces
 * (a Role and RoleBinding in each) or cluster-wide (ClusterRole and
 * ClusterRoleBinding); plus get/list on CRDs, which are cluster-scoped, so the
 * operator can check at startup that they are installed.
 *
 * No Events permission: the Kestra operator reports through the `status` of its
 * resources (its official chart grants no Events either), and event recording is
 * best-effort in the operator SDK.
 */
export class OperatorRbac extends Construct {
  /** Roles granting access to the custom resources, one per watched namespace (empty without a watch list). */
  public readonly roles: k8s.KubeRole[] = [];
  /** Cluster roles: the CRD reader and, without a watch list, cluster-wide access to the custom resources. */
  public readonly clusterRoles: k8s.KubeClusterRole[] = [];

  constructor(scope: Construct, id: string, props: OperatorRbacProps) {
    super(scope, id);
    const subjects: k8s.Subject[] = [{ kind: 'ServiceAccount', name: props.serviceAccountName, namespace: props.serviceAccountNamespace }];
    const labels = props.labels;

    if (props.watchNamespaces) {
      for (const namespace of props.watchNamespaces) {
        const metadata = { name: `${props.namePrefix}.resources`, namespace, labels };
        const role = new k8s.KubeRole(this, `Role-${namespace}`, { metadata, rules: [RESOURCE_RULE] });
        new k8s.KubeRoleBinding(this, `RoleBinding-${namespace}`, {
          metadata,
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role.name },
          subjects,
        });
        this.roles.push(role);
      }
    } else {
      this.clusterRoles.push(this.bindClusterWide('Resources', `${props.namePrefix}.resources`, RESOURCE_RULE, subjects, labels));
    }
    this.clusterRoles.push(this.bindClusterWide('CrdReader', `${props.namePrefix}.crd-reader`, CRD_READER_RULE, subjects, labels));
  }

  private bindClusterWide(id: string, name: string, rule: k8s.PolicyRule, subjects: k8s.Subject[],
    labels: Record<string, string> | undefined): k8s.KubeClusterRole {
    const role = new k8s.KubeClusterRole(this, `${id}ClusterRole`, { metadata: { name, labels }, rules: [rule] });
    const binding = new k8s.KubeClusterRoleBinding(this, `${id}ClusterRoleBinding`, {
      metadata: { name, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
      subjects,
    });
    dropChartNamespace(role);
    dropChartNamespace(binding);
    return role;
  }
}
