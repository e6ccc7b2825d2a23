import { ApiObject, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { recordKubernetesAccessPlan } from './captured-plans';
import { KubernetesAccessFlows, flowInputs } from './flow-inputs';
import { PlanRbacObjects, renderPlanRbac } from './rbac-objects';
import { KestraValidationError } from '../common/errors';
import { optionKeys, rejectUnknownOptions } from '../common/known-keys';
import { validateDnsLabel } from '../common/validation';
import {
  KubernetesAccessPlan, KubernetesClusterSelector, KubernetesPolicyReportFormat, KubernetesTaskGrant, kubernetesPolicyReport, planKubernetesAccess,
} from '../model';

/** Properties of {@link KestraRemoteKubernetesAccess}. */
export interface KestraRemoteKubernetesAccessProps {
  /** The flows whose Kubernetes tasks connect to this cluster. */
  readonly flows: KubernetesAccessFlows;
  /**
   * Which tasks target this cluster: those whose `connection` reads one of these Kestra secrets or
   * names one of these API server URLs.
   */
  readonly cluster: KubernetesClusterSelector;
  /**
   * Explicit permissions for tasks whose namespace or kind is an expression.
   * @default - none: such a task fails the synth
   */
  readonly grants?: KubernetesTaskGrant[];
  /**
   * Name of the ServiceAccount the tasks act as, of its Roles and RoleBindings; the token Secret is
   * `<name>-token` and the ClusterRole, if any, `<chart namespace>-<name>`.
   * @default "kestra-flow-tasks"
   */
  readonly name?: string;
}

/** Where {@link KestraRemoteKubernetesAccess.secretCommands} reads the token and writes the Kestra secret. */
export interface RemoteTokenCommandOptions {
  /** kubectl context of this (remote) cluster. */
  readonly remoteContext: string;
  /** kubectl context of the cluster Kestra runs in. */
  readonly kestraContext: string;
  /** Namespace of Kestra. */
  readonly kestraNamespace: string;
  /** Name of the Secret to create next to Kestra, with keys `token` and `ca`. */
  readonly secretName: string;
}

/**
 * The access of flows' Kubernetes tasks to another cluster, placed in a chart deployed to that
 * cluster: a ServiceAccount, a long-lived token Secret for it (filled by the cluster's token
 * controller), and the least-privilege Roles (and ClusterRole, if a task applies a cluster-scoped
 * kind) of the tasks whose `connection` points there. {@link secretCommands} gives the two kubectl
 * commands that hand the token to Kestra as the secret the flows read.
 */
export class KestraRemoteKubernetesAccess extends Construct {
  /** What is granted and why. */
  public readonly plan: KubernetesAccessPlan;
  /** The ServiceAccount the tasks act as. */
  public readonly serviceAccount: kplus.ServiceAccount;
  /** The `kubernetes.io/service-account-token` Secret holding its token and the cluster CA. */
  public readonly tokenSecret: ApiObject;
  /** The rendered Roles, RoleBindings and, if needed, the ClusterRole pair. */
  public readonly rbac: PlanRbacObjects;
  private readonly namespace: string;

  constructor(scope: Construct, id: string, props: KestraRemoteKubernetesAccessProps) {
    super(scope, id);
    const namespace = Chart.of(this).namespace;
    if (!namespace) {
      throw new KestraValidationError('namespace', namespace, 'the ServiceAccount and its token live in the Chart\'s namespace; set `namespace` on the Chart');
    }
    this.namespace = namespace;
    rejectUnknownOptions('', props ?? null, optionKeys<KestraRemoteKubernetesAccessProps>()('flows', 'cluster', 'grants', 'name'));
    const name = validateDnsLabel('name', props.name ?? 'kestra-flow-tasks');
    rejectUnknownOptions('cluster', props.cluster ?? null, optionKeys<KubernetesClusterSelector>()('name', 'secrets', 'masterUrls'));
    this.plan = planKubernetesAccess({
      flows: flowInputs('flows', props.flows),
      serviceAccount: { name, namespace },
      cluster: props.cluster,
      grants: props.grants,
    });
    if (this.plan.tasks.length === 0) {
      throw new KestraValidationError('cluster', props.cluster,
        'matches no Kubernetes task of the flows: no task\'s connection reads these secrets or names these masterUrls');
    }
    const labels = { 'app.kubernetes.io/name': 'kestra', 'app.kubernetes.io/component': 'flow-tasks-rbac', 'app.kubernetes.io/instance': name };
    // The tasks reach this API server with the token only, never from a pod here: no automount.
    this.serviceAccount = new kplus.ServiceAccount(this, 'ServiceAccount', { metadata: { name, labels }, automountToken: false });
    // A Secret of this type, annotated with the account name, is filled by the control plane with
    // `token`, `ca.crt` and `namespace` (kubernetes.io/docs/concepts/configuration/secret/#serviceaccount-token-secrets,
    // "Manually create a long-lived API token for a ServiceAccount"); no secret value is in the manifest.
    this.tokenSecret = new ApiObject(this, 'TokenSecret', {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: `${name}-token`, labels, annotations: { 'kubernetes.io/service-account.name': name } },
      type: 'kubernetes.io/service-account-token',
    });
    this.rbac = renderPlanRbac(this, this.plan, { roleName: name, clusterRoleName: `${namespace}-${name}`, labels });
    recordKubernetesAccessPlan(this.plan);
  }

  /** The audit trail: per namespace, every rule granted and the flow/task that needs it. */
  public report(format: KubernetesPolicyReportFormat = 'text'): string {
    return kubernetesPolicyReport(this.plan, format);
  }

  /**
   * The two shell commands that turn the token Secret into the Kestra secret the flows read: the
   * first reads the token and CA from this cluster, the second stores them next to Kestra under the
   * keys `token` (for `oauthToken`) and `ca` (for `caCertData`). Kestra decodes `SECRET_*` variables
   * from base64 (kestra-io/kestra core/.../secret/SecretService.java): the Secret's `token` is stored
   * as the base64 of the JWT already, the CA is encoded once more because `caCertData` wants base64 PEM.
   */
  public secretCommands(options: RemoteTokenCommandOptions): [string, string] {
    const secretName = validateDnsLabel('secretName', options.secretName);
    const read = `read -r TOKEN CA < <(kubectl --context ${quote(options.remoteContext)} -n ${this.namespace} get secret ${this.tokenSecret.name} -o jsonpath='{.data.token} {.data.ca\\.crt}')`;
    const write = `kubectl --context ${quote(options.kestraContext)} -n ${validateDnsLabel('kestraNamespace', options.kestraNamespace)} create secret generic ${secretName}`
      + ' --from-literal=token="$TOKEN" --from-literal=ca="$(printf %s "$CA" | base64 | tr -d \'\\n\')"';
    return [read, write];
  }
}

function quote(value: string): string {
  if (typeof value !== 'string' || value === '') throw new KestraValidationError('context', value, 'must be a kubectl context name');
  return /^[\w.@:/-]+$/.test(value) ? value : `'${value.replace(/'/g, '\'\\\'\'')}'`;
}
