import { ApiObject, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { CONFIG_FILE, HTTP_PORT, createKestraWorkload } from './component';
import { KestraConfiguration, SecretEnv, deepMerge, placeholder, renderConfiguration, validateConfiguration } from './configuration';
import { KestraDatabase } from './database';
import { addIngress } from './ingress';
import { KestraMode } from './mode';
import { KestraProps } from './props';
import { addAutoscaler, addDisruptionBudget, resolveAutoscaling } from './scaling';
import { resolveScheduling } from './scheduling';
import { resolveFlowSecrets } from './secrets';
import { KestraStorage, LocalStorage } from './storage';
import { DindRunner, KestraTaskRunner, KubernetesRunner } from './task-runner';
import { IKestraApiEndpoint, KestraValidationError, SecretKeyRef, validateDnsLabel, validateNonEmpty, validateSecretKeyRef } from '../common';
import { ReferenceGraph } from '../resources/reference-graph';

const DEFAULT_IMAGE = { repository: 'kestra/kestra', tag: 'v1.3.15' };
const PULL_POLICIES: Record<string, kplus.ImagePullPolicy> = {
  Always: kplus.ImagePullPolicy.ALWAYS, IfNotPresent: kplus.ImagePullPolicy.IF_NOT_PRESENT, Never: kplus.ImagePullPolicy.NEVER,
};
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const TASK_RUNNER_RULES = [
  { apiGroups: [''], resources: ['pods'], verbs: ['get', 'create', 'delete', 'watch', 'list'] },
  { apiGroups: [''], resources: ['pods/log'], verbs: ['get', 'watch'] },
  { apiGroups: [''], resources: ['pods/exec'], verbs: ['get', 'watch'] },
];

/**
 * Kestra on Kubernetes. With no props: a standalone server, a bundled PostgreSQL
 * reachable only from Kestra, local storage on a PVC and a rootless Docker-in-Docker
 * task runner, every pod (but the DinD sidecar) meeting the restricted Pod Security Standard.
 */
export class Kestra extends Construct implements IKestraApiEndpoint {
  /** Base name of the objects; the Service has exactly this name. */
  public readonly name: string;
  /** Namespace of the Chart, if it sets one. */
  public readonly namespace: string | undefined;
  /** In-cluster URL of the API, e.g. `http://kestra.kestra.svc.cluster.local:8080`. */
  public readonly apiUrl: string;
  /** The Service in front of the pods that serve HTTP (standalone or webserver). */
  public readonly service: kplus.Service;
  /** ServiceAccount of the Kestra pods (no API token is mounted from it). */
  public readonly serviceAccount: kplus.ServiceAccount;
  /** ServiceAccount of the pods that run tasks, when the Kubernetes task runner is used. */
  public readonly taskRunnerServiceAccount?: kplus.ServiceAccount;
  /** The Deployments by component name (standalone, webserver, executor, scheduler, worker, indexer, worker-<group>). */
  public readonly components: Readonly<Record<string, kplus.Deployment>>;
  /** The ConfigMap holding the generated configuration. */
  public readonly configMap: kplus.ConfigMap;
  /** SHA-256 of the configuration, also set as the `checksum/config` pod annotation. */
  public readonly configChecksum: string;
  /** Labels every Kestra pod carries (name and instance). */
  public readonly podLabels: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: KestraProps = {}) {
    super(scope, id);
    if (props === null || typeof props !== 'object') throw new KestraValidationError('props', props, 'must be an object');
    this.name = validateDnsLabel('name', props.name ?? id.toLowerCase());
    if (this.name.length > 40) throw new KestraValidationError('name', this.name, 'must be at most 40 characters so that derived object names stay valid');
    this.namespace = Chart.of(this).namespace;
    this.apiUrl = this.namespace ? `http://${this.name}.${this.namespace}.svc.cluster.local:${HTTP_PORT}` : `http://${this.name}:${HTTP_PORT}`;
    this.podLabels = { 'app.kubernetes.io/name': 'kestra', 'app.kubernetes.io/instance': this.name };

    const mode = props.mode ?? KestraMode.standalone();
    const database = props.database ?? KestraDatabase.bundledPostgres();
    const storage = props.storage ?? KestraStorage.local();
    const taskRunner = props.taskRunner ?? KestraTaskRunner.dind();
    assertOption('mode', mode, KestraMode, 'KestraMode.standalone() or KestraMode.distributed()');
    assertOption('database', database, KestraDatabase, 'a KestraDatabase factory');
    assertOption('storage', storage, KestraStorage, 'a KestraStorage factory');
    assertOption('taskRunner', taskRunner, KestraTaskRunner, 'a KestraTaskRunner factory');

    const componentNames = mode.components.map((c) => c.name);
    const autoscaling = resolveAutoscaling(props.autoscaling, componentNames);
    if (mode.distributed && !database.shareable) {
      throw new KestraValidationError('database', database.kind, 'is in-process and cannot be shared by distributed components; use bundledPostgres, postgres or mysql');
    }
    const podCount = mode.components.reduce((sum, c) => sum + (autoscaling.get(c.name)?.maxReplicas ?? c.replicas), 0);
    if (storage instanceof LocalStorage && !storage.shareable && podCount > 1) {
      throw new KestraValidationError('storage', `local (${storage.accessMode})`,
        `cannot be shared by ${podCount} pods (${mode.distributed ? 'distributed mode' : 'several replicas'}); use accessMode "ReadWriteMany" or s3/minio/gcs/azure storage`);
    }
    if (!storage.shareable && mode.components.length > 1 && storage.type !== 'local') {
      throw new KestraValidationError('storage', storage.type, 'cannot be shared by several pods');
    }

    const image = resolveImage(props.image);
    const scheduling = resolveScheduling(props);
    const userConfiguration = validateConfiguration('configuration', props.configuration);
    const secretConfigFiles = (props.secretConfiguration ?? []).map((ref, i) => validateSecretKeyRef(`secretConfiguration[${i}]`, ref));
    const flowSecrets = resolveFlowSecrets(props.secrets);
    ReferenceGraph.of(this).addSecrets(this, flowSecrets);

    const dbBinding = database._bind(this, { name: this.name, clientPodLabels: { ...this.podLabels }, namespace: this.namespace });
    const storageBinding = storage._bind();
    const secretEnv: SecretEnv[] = [...dbBinding.secretEnv, ...storageBinding.secretEnv];
    let configuration: KestraConfiguration = deepMerge(dbBinding.configuration, storageBinding.configuration);
    configuration = deepMerge(configuration, { kestra: { tasks: { tmpDir: { path: '/tmp/kestra-wd/tmp' } } } });
    if (props.ingress) {
      configuration = deepMerge(configuration, { kestra: { url: `${props.ingress.tls ? 'https' : 'http'}://${props.ingress.host}/` } });
    }
    if (props.basicAuth) {
      if (typeof props.basicAuth !== 'object') throw new KestraValidationError('basicAuth', props.basicAuth, 'must be { username, password }');
      secretEnv.push({ name: 'KESTRA_BASIC_AUTH_USERNAME', ref: validateSecretKeyRef('basicAuth.username', props.basicAuth.username) });
      secretEnv.push({ name: 'KESTRA_BASIC_AUTH_PASSWORD', ref: validateSecretKeyRef('basicAuth.password', props.basicAuth.password) });
      configuration = deepMerge(configuration, {
        kestra: { server: { 'basic-auth': { enabled: true, username: placeholder('KESTRA_BASIC_AUTH_USERNAME'), password: placeholder('KESTRA_BASIC_AUTH_PASSWORD') } } },
      });
    }
    const { plainEnv, extraSecretEnv } = resolveExtraEnv(props.extraEnv, secretEnv.map((e) => e.name));
    secretEnv.push(...extraSecretEnv);
    configuration = deepMerge(configuration, userConfiguration);
    const rendered = renderConfiguration(configuration, secretEnv, [...secretConfigFiles.map((f) => `${f.secretName}/${f.key}`)]);
    this.configChecksum = rendered.checksum;

    this.configMap = new kplus.ConfigMap(this, 'Config', { metadata: { name: `${this.name}-config`, labels: this.podLabels }, data: { [CONFIG_FILE]: rendered.yaml } });
    this.serviceAccount = new kplus.ServiceAccount(this, 'ServiceAccount', { metadata: { name: this.name, labels: this.podLabels }, automountToken: false });

    let storageClaimName: string | undefined;
    if (storage instanceof LocalStorage) {
      storageClaimName = `${this.name}-storage`;
      new ApiObject(this, 'StorageClaim', {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: storageClaimName, labels: this.podLabels },
        spec: { accessModes: [storage.accessMode], storageClassName: storage.storageClassName, resources: { requests: { storage: storage.size } } },
      });
    }

    if (taskRunner instanceof KubernetesRunner) this.taskRunnerServiceAccount = this.addKubernetesRunnerAccess(taskRunner);

    const components: Record<string, kplus.Deployment> = {};
    for (const spec of mode.components) {
      const labels = { ...this.podLabels, 'app.kubernetes.io/component': spec.name };
      const runnerAccount = spec.runsTasks ? this.taskRunnerServiceAccount : undefined;
      const deployment = createKestraWorkload(this, `Component-${spec.name}`, {
        spec,
        name: `${this.name}-${spec.name}`,
        labels,
        ...image,
        serviceAccount: runnerAccount ?? this.serviceAccount,
        automountServiceAccountToken: runnerAccount !== undefined,
        configMapName: this.configMap.name,
        secretConfigFiles,
        checksum: rendered.checksum,
        secretEnv,
        plainEnv,
        flowSecretNames: flowSecrets.map((s) => s.secretName),
        storageClaimName,
        dind: spec.runsTasks && taskRunner instanceof DindRunner ? taskRunner.spec : undefined,
        recreate: storage instanceof LocalStorage && !storage.shareable,
        readOnlyRootFilesystem: props.readOnlyRootFilesystem ?? true,
        scheduling: scheduling(labels),
      });
      components[spec.name] = deployment;
      const scaling = autoscaling.get(spec.name);
      if (scaling) addAutoscaler(this, `Autoscaler-${spec.name}`, deployment, `${this.name}-${spec.name}`, scaling);
      const maxPods = scaling ? scaling.maxReplicas : spec.replicas;
      if ((props.podDisruptionBudget ?? true) && maxPods > 1) addDisruptionBudget(this, `Disruption-${spec.name}`, `${this.name}-${spec.name}`, labels);
    }
    this.components = components;

    const http = mode.components.find((c) => c.servesHttp)!;
    this.service = new kplus.Service(this, 'Service', {
      metadata: { name: this.name, labels: this.podLabels },
      ports: [{ name: 'http', port: HTTP_PORT, targetPort: HTTP_PORT }],
    });
    for (const [key, value] of Object.entries({ ...this.podLabels, 'app.kubernetes.io/component': http.name })) this.service.selectLabel(key, value);
    if (props.ingress) addIngress(this, 'Ingress', this.name, this.name, props.ingress);
  }

  private addKubernetesRunnerAccess(runner: KubernetesRunner): kplus.ServiceAccount {
    if (!this.namespace) {
      throw new KestraValidationError('namespace', this.namespace, 'the Kubernetes task runner binds the worker ServiceAccount by namespace; set `namespace` on the Chart');
    }
    const taskNamespace = runner.namespace ?? this.namespace;
    const account = new kplus.ServiceAccount(this, 'TaskRunnerServiceAccount', { metadata: { name: `${this.name}-task-runner`, labels: this.podLabels }, automountToken: false });
    const roleName = `${this.name}-task-runner`;
    new ApiObject(this, 'TaskRunnerRole', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: roleName, namespace: taskNamespace, labels: this.podLabels },
      rules: TASK_RUNNER_RULES,
    } as any);
    new ApiObject(this, 'TaskRunnerRoleBinding', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: roleName, namespace: taskNamespace, labels: this.podLabels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: roleName },
      subjects: [{ kind: 'ServiceAccount', name: account.name, namespace: this.namespace }],
    } as any);
    return account;
  }
}

function assertOption(field: string, value: unknown, type: abstract new (...args: any[]) => unknown, expected: string): void {
  if (!(value instanceof type)) throw new KestraValidationError(field, value, `must be ${expected}`);
}

function resolveImage(options: KestraProps['image']) {
  const repository = validateNonEmpty('image.repository', options?.repository ?? DEFAULT_IMAGE.repository);
  const tag = validateNonEmpty('image.tag', options?.tag ?? DEFAULT_IMAGE.tag);
  const policy = options?.pullPolicy ?? 'IfNotPresent';
  if (!(policy in PULL_POLICIES)) throw new KestraValidationError('image.pullPolicy', policy, 'must be "Always", "IfNotPresent" or "Never"');
  const pullSecrets = (options?.pullSecrets ?? []).map((s, i) => validateDnsLabel(`image.pullSecrets[${i}]`, s));
  return { image: `${repository}:${tag}`, pullPolicy: PULL_POLICIES[policy], pullSecrets };
}

function resolveExtraEnv(extraEnv: Record<string, string | SecretKeyRef> | undefined, reserved: string[]) {
  const plainEnv: Record<string, string> = {};
  const extraSecretEnv: SecretEnv[] = [];
  for (const [name, value] of Object.entries(extraEnv ?? {})) {
    const field = `extraEnv.${name}`;
    if (!ENV_NAME.test(name)) throw new KestraValidationError('extraEnv', name, 'is not a valid environment variable name');
    if ([...reserved, 'MICRONAUT_CONFIG_FILES', 'DOCKER_HOST'].includes(name)) throw new KestraValidationError('extraEnv', name, 'is set by the construct');
    if (typeof value === 'string') plainEnv[name] = value;
    else extraSecretEnv.push({ name, ref: validateSecretKeyRef(field, value) });
  }
  return { plainEnv, extraSecretEnv };
}
