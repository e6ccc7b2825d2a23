import { Chart, Names } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import * as k8s from 'cdk8s-plus-27/lib/imports/k8s';
import { Construct } from 'constructs';
import { KestraCrds } from './kestra-crds';
import { OperatorCredentials } from './operator-credentials';
import { OperatorRbac } from './operator-rbac';
import {
  OPERATOR_PROPS_KEYS, checkOperatorsApart, validateOperatorConnection, validateOperatorImage, validateOperatorNames, validateWatchNamespaces,
} from './operator-validation';
import {
  IKestraApiEndpoint, KestraValidationError, ResourceRequirements, inConstructPath, rejectUnknownOptions, renderResources, validatePositiveInteger,
} from '../common';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../common/pod-security';

/** Properties of {@link KestraOperator}. */
export interface KestraOperatorProps {
  /**
   * The Kestra instance to manage; its `apiUrl` becomes `KESTRA_API_URL`. Give this or `apiUrl`.
   * @default - `apiUrl` is used
   */
  readonly kestra?: IKestraApiEndpoint;
  /**
   * URL of the Kestra API (http or https), for a Kestra not built in this app. Give this or `kestra`.
   * @default - `kestra.apiUrl` is used
   */
  readonly apiUrl?: string;
  /** How the operator authenticates to the Kestra API, e.g. `OperatorCredentials.apiToken({ secretName, key })`. */
  readonly credentials: OperatorCredentials;
  /**
   * Kubernetes namespaces whose `KestraFlow`/`KestraKeyValue`/`KestraNamespaceFile`
   * resources this operator reconciles. Access is then granted only there (a Role
   * and RoleBinding per namespace). Give each operator of a cluster its own list.
   * @default - every namespace, with a ClusterRole and ClusterRoleBinding
   */
  readonly watchNamespaces?: string[];
  /**
   * Kubernetes namespace the operator runs in.
   * @default - the chart's namespace (one of the two is required)
   */
  readonly namespace?: string;
  /**
   * Name of the Deployment and ServiceAccount; also part of the cluster-wide RBAC names.
   * @default - derived from the construct path, unique in the app
   */
  readonly name?: string;
  /**
   * Image repository of the operator.
   * @default 'registry.kestra.io/docker/kestra-operator'
   */
  readonly imageRepository?: string;
  /**
   * Image tag of the operator.
   * @default KestraOperator.DEFAULT_IMAGE_TAG
   */
  readonly imageTag?: string;
  /**
   * Secrets to pull the image with; registry.kestra.io serves the operator to Enterprise customers only.
   * @default - none
   */
  readonly imagePullSecrets?: string[];
  /**
   * Number of operator pods. Keep 1 unless the operator is configured for leader election.
   * @default 1
   */
  readonly replicas?: number;
  /**
   * CPU and memory of the operator container.
   * @default - requests 250m CPU and 256Mi memory, limit 512Mi memory
   */
  readonly resources?: ResourceRequirements;
  /**
   * Include the CRDs from the package's `crds/`. Skipped automatically when
   * another operator (or a `KestraCrds`) of the app already includes them.
   * @default true
   */
  readonly installCrds?: boolean;
}

const DEFAULT_RESOURCES: ResourceRequirements = { requests: { cpu: '250m', memory: '256Mi' }, limits: { memory: '512Mi' } };
const HTTP_PORT = 8080;

/**
 * The Kestra Kubernetes operator: reconciles `KestraFlow`, `KestraKeyValue` and
 * `KestraNamespaceFile` resources into one Kestra instance through its API, with
 * least-privilege RBAC and the Pod Security "restricted" profile.
 */
export class KestraOperator extends Construct {
  /** The operator image tag used when `imageTag` is not given. */
  public static readonly DEFAULT_IMAGE_TAG = 'v1.0.0';
  /** The operator image repository used when `imageRepository` is not given. */
  public static readonly DEFAULT_IMAGE_REPOSITORY = 'registry.kestra.io/docker/kestra-operator';

  /** Name of the Deployment and ServiceAccount. */
  public readonly name: string;
  /** Kubernetes namespace the operator runs in. */
  public readonly namespace: string;
  /** The Kestra API URL the operator talks to. */
  public readonly apiUrl: string;
  /** The namespaces it reconciles; undefined means all of them. */
  public readonly watchNamespaces?: string[];
  /** The full image reference. */
  public readonly image: string;
  /** The operator's identity. */
  public readonly serviceAccount: kplus.ServiceAccount;
  /** The operator's permissions. */
  public readonly rbac: OperatorRbac;
  /** The operator Deployment. */
  public readonly deployment: k8s.KubeDeployment;
  /** The CRDs of the app, whether this operator or another construct included them; undefined with `installCrds: false`. */
  public readonly crds?: KestraCrds;

  constructor(scope: Construct, id: string, props: KestraOperatorProps) {
    super(scope, id);
    let replicas: number;
    let resources: ReturnType<typeof renderResources>;
    try {
      rejectUnknownOptions('', props ?? null, OPERATOR_PROPS_KEYS);
      this.apiUrl = validateOperatorConnection(props);
      if (!(props.credentials instanceof OperatorCredentials)) {
        throw new KestraValidationError('credentials', props.credentials,
          'must be OperatorCredentials.apiToken(secretKeyRef) or OperatorCredentials.basicAuth(secretKeyRef)');
      }
      this.watchNamespaces = validateWatchNamespaces('watchNamespaces', props.watchNamespaces);
      replicas = validatePositiveInteger('replicas', props.replicas ?? 1);
      this.image = validateOperatorImage(props.imageRepository ?? KestraOperator.DEFAULT_IMAGE_REPOSITORY,
        props.imageTag ?? KestraOperator.DEFAULT_IMAGE_TAG);
      resources = renderResources('resources', props.resources ?? DEFAULT_RESOURCES);
      const names = validateOperatorNames(props, Chart.of(this).namespace, () => Names.toDnsLabel(this));
      this.name = names.name;
      this.namespace = names.namespace;
      for (const other of this.node.root.node.findAll().filter((c): c is KestraOperator => c instanceof KestraOperator)) {
        if (other !== this) checkOperatorsApart(this, other);
      }
    } catch (error) {
      // A refused operator leaves nothing behind, and its error says which construct it is.
      scope.node.tryRemoveChild(id);
      throw error instanceof KestraValidationError ? inConstructPath(error, this.node.path) : error;
    }

    const labels = { 'app.kubernetes.io/name': 'kestra-operator', 'app.kubernetes.io/instance': this.name };
    const allLabels = { ...labels, 'app.kubernetes.io/part-of': 'kestra', 'app.kubernetes.io/component': 'operator' };
    const metadata = { name: this.name, namespace: this.namespace, labels: allLabels };

    this.serviceAccount = new kplus.ServiceAccount(this, 'ServiceAccount', { metadata, automountToken: false });
    this.rbac = new OperatorRbac(this, 'Rbac', {
      serviceAccountName: this.serviceAccount.name,
      serviceAccountNamespace: this.namespace,
      namePrefix: `kestra-operator.${this.namespace}.${this.name}`,
      watchNamespaces: this.watchNamespaces,
      labels: allLabels,
    });

    const credentials = props.credentials;
    const env: k8s.EnvVar[] = [
      { name: 'KESTRA_API_URL', value: this.apiUrl },
      { name: credentials.envName, valueFrom: { secretKeyRef: { name: credentials.secretKeyRef.secretName, key: credentials.secretKeyRef.key } } },
      ...(this.watchNamespaces ? [{ name: 'QUARKUS_OPERATOR_SDK_NAMESPACES', value: this.watchNamespaces.join(',') }] : []),
      // The CRDs come from crds/ (stricter than the ones the operator generates); it must not overwrite them.
      { name: 'QUARKUS_OPERATOR_SDK_CRD_APPLY', value: 'false' },
    ];
    const probe = (path: string, periodSeconds: number, failureThreshold: number): k8s.Probe => ({
      httpGet: { path, port: k8s.IntOrString.fromString('http'), scheme: 'HTTP' },
      periodSeconds,
      timeoutSeconds: 3,
      failureThreshold,
    });

    this.deployment = new k8s.KubeDeployment(this, 'Deployment', {
      metadata,
      spec: {
        replicas,
        // Two operator pods side by side would reconcile the same resources concurrently.
        strategy: { type: 'Recreate' },
        selector: { matchLabels: labels },
        template: {
          metadata: { labels: allLabels },
          spec: {
            serviceAccountName: this.serviceAccount.name,
            // The operator watches its custom resources through the Kubernetes API.
            automountServiceAccountToken: true,
            imagePullSecrets: props.imagePullSecrets?.map((name) => ({ name })),
            // No JVM needs one variable per Service of the namespace.
            enableServiceLinks: false,
            // The operator image's user id is not documented: keep the image's own user, which runAsNonRoot
            // requires to be a non-root numeric uid, instead of forcing one the image may not have.
            securityContext: restrictedPodSecurityContext(undefined),
            containers: [{
              name: 'operator',
              image: this.image,
              imagePullPolicy: 'IfNotPresent',
              ports: [{ name: 'http', containerPort: HTTP_PORT, protocol: 'TCP' }],
              env,
              startupProbe: probe('/q/health/started', 2, 60),
              livenessProbe: probe('/q/health/live', 10, 3),
              readinessProbe: probe('/q/health/ready', 5, 3),
              resources: resources && {
                requests: quantities(resources.requests),
                limits: quantities(resources.limits),
              },
              securityContext: restrictedContainerSecurityContext(undefined),
              // The root filesystem is read-only; the JVM and Quarkus still need a scratch /tmp.
              volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
            }],
            volumes: [{ name: 'tmp', emptyDir: {} }],
          },
        },
      },
    });

    if (props.installCrds ?? true) {
      this.crds = KestraCrds.find(this) ?? new KestraCrds(this, 'Crds');
      // Emit the CRDs before anything that may already use them.
      this.deployment.node.addDependency(this.crds);
    }
  }
}

function quantities(values: Record<string, string> | undefined): Record<string, k8s.Quantity> | undefined {
  if (!values) return undefined;
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, k8s.Quantity.fromString(v)]));
}
