import { ApiObject, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { BundledPostgres } from './bundled-postgres';
import { CONFIG_FILE, HTTP_PORT, createKestraWorkload } from './component';
import { applyConfigMapFiles, resolveConfigMapFiles } from './config-map-files';
import { KestraConfiguration, SecretEnv, deepMerge, placeholder, renderConfiguration, validateConfiguration } from './configuration';
import { checkOverlay } from './configuration-guard';
import { KestraDatabase } from './database';
import { WORKING_DIR } from './dind-sidecar';
import { credentialEnv, redactedEnvConfiguration } from './flow-env';
import { addIngresses, ingressUrl } from './ingress';
import { KestraMode } from './mode';
import { KestraNamespaceOptions, addNamespace, resolveNamespaceOption } from './namespace';
import { addKestraNetworkPolicy } from './network-policy';
import { BASIC_AUTH_KEYS, IMAGE_KEYS, KESTRA_PROPS_KEYS } from './option-keys';
import { applyPlugins, resolvePlugins } from './plugins';
import { ResolvedPodOverrides, applyPodOverrides, hasOwnPodSecurity, resolvePodOverrides, transformPodTemplate } from './pod-overrides';
import { KestraProps, KestraServiceAccountOptions } from './props';
import { addAutoscaler, addDisruptionBudget, resolveAutoscaling } from './scaling';
import { resolveScheduling } from './scheduling';
import { createKestraService } from './service';
import { KestraStorage, LocalStorage } from './storage';
import { DindRunner, EE_KUBERNETES_RUNNER_TYPE, KestraTaskRunner, KubernetesRunner } from './task-runner';
import {
  IKestraApiEndpoint, KestraValidationError, SecretKeyRef, optionKeys, rejectUnknownOptions, validateDnsLabel, validateDnsSubdomain, validateNonEmpty,
  validateSecretKeyRef,
} from '../common';
import { resolveFlowSecrets } from './secrets';
import { ReferenceGraph } from '../resources/reference-graph';

const DEFAULT_IMAGE = { repository: 'kestra/kestra', tag: 'v1.3.15' };
const PULL_POLICIES: Record<string, kplus.ImagePullPolicy> = {
  Always: kplus.ImagePullPolicy.ALWAYS, IfNotPresent: kplus.ImagePullPolicy.IF_NOT_PRESENT, Never: kplus.ImagePullPolicy.NEVER,
};
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
// Kestra's EE Kubernetes runner docs list pods get/create/delete/watch/list, pods/log get/watch, pods/exec get/watch.
// Kubernetes 1.35 also authorizes the WebSocket upgrade of exec (how files are copied into task pods) with `create`
// (KEP-4006, "v1.35 Synthetic RBAC CREATE Authorization Check"), so pods/exec gets `create` too.
const TASK_RUNNER_RULES = [
  { apiGroups: [''], resources: ['pods'], verbs: ['get', 'create', 'delete', 'watch', 'list'] },
  { apiGroups: [''], resources: ['pods/log'], verbs: ['get', 'watch'] },
  { apiGroups: [''], resources: ['pods/exec'], verbs: ['get', 'create', 'watch'] },
];
// Names the construct sets on the Kestra container. KESTRA_CONFIGURATION would make the image's launcher overwrite
// the configuration file and MICRONAUT_CONFIG_FILES (kestra-io/kestra gradle/jar/selfrun.sh).
const OWNED_ENV = ['MICRONAUT_CONFIG_FILES', 'DOCKER_HOST', 'JAVA_OPTS', 'HOME', 'KESTRA_CONFIGURATION', 'KESTRA_CONFIGURATION_PATH',
  // Micronaut maps these onto kestra.variables.env-vars-prefix and redacted-env-vars (see flow-env.ts).
  'KESTRA_VARIABLES_ENV_VARS_PREFIX', 'KESTRA_VARIABLES_REDACTED_ENV_VARS'];
// A practical email check (Kestra refuses a basic-auth user name that is not an email address).
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Kestra on Kubernetes. With no props: a standalone server, a bundled PostgreSQL
 * reachable only from Kestra, local storage on a PVC and a rootless Docker-in-Docker
 * task runner (a native sidecar listening on a unix socket only), every container but that privileged sidecar meeting
 * the restricted Pod Security Standard; use `KestraTaskRunner.none()` or the EE Kubernetes runner for pods that all do.
 */
export class Kestra extends Construct implements IKestraApiEndpoint {
  /** Base name of the objects; the Service has exactly this name. */
  public readonly name: string;
  /** Namespace of the Chart, if it sets one. */
  public readonly namespace: string | undefined;
  /** In-cluster URL of the API, e.g. `http://kestra.kestra.svc.cluster.local:8080`. */
  public readonly apiUrl: string;
  /** The Service in front of the pods that serve HTTP (standalone or webserver): ports `http` 8080 and `management` 8081. */
  public readonly service: kplus.Service;
  /**
   * ServiceAccount of every Kestra pod. Only pods that run tasks with the Kubernetes task runner mount its token.
   */
  public readonly serviceAccount: kplus.IServiceAccount;
  /** ServiceAccount of the task pods the Kubernetes task runner creates (no token, no permissions). */
  public readonly taskPodServiceAccount?: kplus.ServiceAccount;
  /** The Deployments by component name (standalone, webserver, executor, scheduler, worker, indexer, worker-<group>). */
  public readonly components: Readonly<Record<string, kplus.Deployment>>;
  /** The ConfigMap holding the generated configuration. */
  public readonly configMap: kplus.ConfigMap;
  /** SHA-256 of the configuration, also set as the `checksum/config` pod annotation. */
  public readonly configChecksum: string;
  /** Labels every Kestra pod carries (name and instance). */
  public readonly podLabels: Readonly<Record<string, string>>;
  /** The Ingresses, in the order of the `ingress` prop (empty without one). */
  public readonly ingresses: readonly ApiObject[];
  /** The HorizontalPodAutoscalers by component name. */
  public readonly autoscalers: Readonly<Record<string, ApiObject>>;
  /** The PodDisruptionBudgets by component name. */
  public readonly disruptionBudgets: Readonly<Record<string, ApiObject>>;
  /** The bundled PostgreSQL (StatefulSet, Service, NetworkPolicy, password), when the database is bundled. */
  public readonly bundledPostgres?: BundledPostgres;
  /** The Namespace object, with `createNamespace`. */
  public readonly namespaceObject?: ApiObject;

  constructor(scope: Construct, id: string, props: KestraProps = {}) {
    super(scope, id);
    rejectUnknownOptions('', props ?? null, KESTRA_PROPS_KEYS);
    this.name = validateDnsLabel('name', props.name ?? id.toLowerCase());
    if (this.name.length > 40) throw new KestraValidationError('name', this.name, 'must be at most 40 characters so that derived object names stay valid');
    this.namespace = Chart.of(this).namespace;
    this.apiUrl = this.namespace ? `http://${this.name}.${this.namespace}.svc.cluster.local:${HTTP_PORT}` : `http://${this.name}:${HTTP_PORT}`;
    this.podLabels = { 'app.kubernetes.io/name': 'kestra', 'app.kubernetes.io/instance': this.name };
    const namespaceOptions = resolveNamespaceOption(props.createNamespace);
    if (namespaceOptions && !this.namespace) {
      throw new KestraValidationError('createNamespace', props.createNamespace, 'needs the Chart\'s namespace: set `namespace` on the Chart');
    }

    const mode = props.mode ?? KestraMode.standalone();
    const database = props.database ?? KestraDatabase.bundledPostgres();
    const storage = props.storage ?? KestraStorage.local();
    const taskRunner = props.taskRunner ?? KestraTaskRunner.dind();
    assertOption('mode', mode, KestraMode, 'KestraMode.standalone() or KestraMode.distributed()');
    assertOption('database', database, KestraDatabase, 'a KestraDatabase factory');
    assertOption('storage', storage, KestraStorage, 'a KestraStorage factory');
    assertOption('taskRunner', taskRunner, KestraTaskRunner, 'a KestraTaskRunner factory');
    if (taskRunner instanceof KubernetesRunner && !this.namespace) {
      throw new KestraValidationError('namespace', this.namespace, 'the Kubernetes task runner binds the Kestra ServiceAccount by namespace; set `namespace` on the Chart');
    }

    const componentNames = mode.components.map((c) => c.name);
    const autoscaling = resolveAutoscaling(props.autoscaling, componentNames);
    const podCount = mode.components.reduce((sum, c) => sum + (autoscaling.get(c.name)?.maxReplicas ?? c.replicas), 0);
    if (!database.shareable && (mode.distributed || podCount > 1)) {
      throw new KestraValidationError('database', database.kind,
        `is in-process and cannot be shared by ${podCount} pods (${mode.distributed ? 'distributed mode' : 'several replicas or autoscaling'}): each pod would have its own database; use bundledPostgres, postgres or mysql`);
    }
    if (storage instanceof LocalStorage && !storage.shareable && podCount > 1) {
      throw new KestraValidationError('storage', `local (${storage.accessMode})`,
        `cannot be shared by ${podCount} pods (${mode.distributed ? 'distributed mode' : 'several replicas'}); use accessMode "ReadWriteMany" or s3/minio/gcs/azure storage`);
    }
    if (!storage.shareable && mode.components.length > 1 && storage.type !== 'local') {
      throw new KestraValidationError('storage', storage.type, 'cannot be shared by several pods');
    }

    const image = resolveImage(props.image);
    const scheduling = resolveScheduling(props);
    const podOverrides = resolvePodOverrides(props.pods, componentNames);
    if (namespaceOptions) this.namespaceObject = this.addNamespaces(namespaceOptions, taskRunner, [...podOverrides.values()].some(hasOwnPodSecurity));
    const componentScheduling = new Map(componentNames.map((name) => {
      const local = props.pods?.components?.[name];
      const fields = {
        nodeSelector: local?.nodeSelector, tolerations: local?.tolerations, affinity: local?.affinity, topologySpread: local?.topologySpread,
      };
      const defined = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
      return [name, Object.keys(defined).length > 0 ? resolveScheduling({ ...props, ...defined }, `pods.components.${name}.`) : scheduling];
    }));
    const plugins = resolvePlugins(props.plugins, image);
    const configMapFiles = resolveConfigMapFiles(props.configMapConfiguration);
    const userConfiguration = validateConfiguration('configuration', props.configuration);
    const secretConfigFiles = (props.secretConfiguration ?? []).map((ref, i) => validateSecretKeyRef(`secretConfiguration[${i}]`, ref));
    const flowSecrets = resolveFlowSecrets(props.secrets);
    ReferenceGraph.of(this).addSecrets(this, flowSecrets);

    const { topologySpreadConstraints: _spread, ...placementScheduling } = scheduling({});
    const dbBinding = database._bind(this, {
      name: this.name,
      clientPodLabels: { ...this.podLabels },
      namespace: this.namespace,
      placement: { scheduling: placementScheduling, imagePullSecrets: image.pullSecrets },
    });
    this.bundledPostgres = dbBinding.bundledPostgres;
    const storageBinding = storage._bind();
    const secretEnv: SecretEnv[] = [...dbBinding.secretEnv, ...storageBinding.secretEnv];
    let configuration: KestraConfiguration = deepMerge(dbBinding.configuration, storageBinding.configuration);
    configuration = deepMerge(configuration, { kestra: { tasks: { tmpDir: { path: `${WORKING_DIR}/tmp` } } } });
    const url = props.ingress === undefined ? undefined : ingressUrl(props.ingress);
    if (url) configuration = deepMerge(configuration, { kestra: { url } });
    if (props.basicAuth) configuration = deepMerge(configuration, basicAuthConfiguration(props.basicAuth, secretEnv));
    if (taskRunner instanceof KubernetesRunner) configuration = deepMerge(configuration, this.kubernetesRunnerDefaults(taskRunner));
    const { plainEnv, extraSecretEnv } = resolveExtraEnv(props.extraEnv, secretEnv.map((e) => e.name));
    secretEnv.push(...extraSecretEnv);
    checkOverlay(userConfiguration, [
      { origin: `database (KestraDatabase.${database.kind})`, configuration: dbBinding.configuration, exclusive: [{ path: ['datasources'], allowed: Object.keys((dbBinding.configuration.datasources ?? {}) as object) }] },
      { origin: `storage (KestraStorage.${storage.type})`, configuration: storageBinding.configuration, exclusive: [{ path: ['kestra', 'storage'], allowed: ['type', storage.type] }] },
    ]);
    configuration = deepMerge(configuration, userConfiguration);
    configuration = deepMerge(configuration, redactedEnvConfiguration(secretEnv, userConfiguration));
    const rendered = renderConfiguration(configuration, secretEnv, [...configMapFiles.map((f) => `configmap:${f.configMapName}/${f.key}`), ...secretConfigFiles.map((f) => `${f.secretName}/${f.key}`)]);
    this.configChecksum = rendered.checksum;

    this.configMap = new kplus.ConfigMap(this, 'Config', { metadata: { name: `${this.name}-config`, labels: this.podLabels }, data: { [CONFIG_FILE]: rendered.yaml } });
    this.serviceAccount = this.resolveServiceAccount(props.serviceAccount);

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

    if (taskRunner instanceof KubernetesRunner) this.taskPodServiceAccount = this.addKubernetesRunnerAccess(taskRunner);

    const components: Record<string, kplus.Deployment> = {};
    const autoscalers: Record<string, ApiObject> = {};
    const disruptionBudgets: Record<string, ApiObject> = {};
    for (const spec of mode.components) {
      const labels = { ...this.podLabels, 'app.kubernetes.io/component': spec.name };
      const deployment = createKestraWorkload(this, `Component-${spec.name}`, {
        spec,
        name: `${this.name}-${spec.name}`,
        labels,
        ...image,
        serviceAccount: this.serviceAccount,
        // Only the pods that create task pods need an API token.
        automountServiceAccountToken: spec.runsTasks && taskRunner instanceof KubernetesRunner,
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
        scheduling: componentScheduling.get(spec.name)!(labels),
      });
      const overrides: ResolvedPodOverrides = podOverrides.get(spec.name)!;
      transformPodTemplate(ApiObject.of(deployment), (template) => {
        applyConfigMapFiles(template, configMapFiles);
        applyPlugins(template, plugins);
        applyPodOverrides(template, overrides, spec.terminationGracePeriodExplicit === true);
      });
      components[spec.name] = deployment;
      const scaling = autoscaling.get(spec.name);
      if (scaling) autoscalers[spec.name] = addAutoscaler(this, `Autoscaler-${spec.name}`, deployment, `${this.name}-${spec.name}`, scaling);
      const maxPods = scaling ? scaling.maxReplicas : spec.replicas;
      if ((props.podDisruptionBudget ?? true) && maxPods > 1) {
        disruptionBudgets[spec.name] = addDisruptionBudget(this, `Disruption-${spec.name}`, `${this.name}-${spec.name}`, labels);
      }
    }
    this.components = components;
    this.autoscalers = autoscalers;
    this.disruptionBudgets = disruptionBudgets;

    const http = mode.components.find((c) => c.servesHttp)!;
    this.service = createKestraService(this, 'Service', this.name, { ...this.podLabels },
      { ...this.podLabels, 'app.kubernetes.io/component': http.name }, props.service);
    this.ingresses = props.ingress === undefined ? [] : addIngresses(this, this.name, this.name, props.ingress);
    if (props.networkPolicy ?? true) addKestraNetworkPolicy(this, 'NetworkPolicy', this.name, { ...this.podLabels });
  }

  /** The Chart's Namespace, and the Kubernetes runner's task namespace when it is another one. */
  private addNamespaces(options: KestraNamespaceOptions, taskRunner: KestraTaskRunner, userPodSecurity: boolean): ApiObject {
    // The DinD sidecar is privileged; Kestra's Kubernetes task runner creates task pods as the flows describe them;
    // containers, volumes and security contexts given in `pods` are the user's, so only baseline is assumed for them.
    const taskNamespace = taskRunner instanceof KubernetesRunner ? taskRunner.namespace ?? this.namespace! : undefined;
    const level = taskRunner instanceof DindRunner ? 'privileged' : taskNamespace === this.namespace || userPodSecurity ? 'baseline' : 'restricted';
    const namespace = addNamespace(this, 'Namespace', this.namespace!, level, options, {});
    if (taskNamespace !== undefined && taskNamespace !== this.namespace) addNamespace(this, 'TaskNamespace', taskNamespace, 'baseline', {}, {});
    return namespace;
  }

  private resolveServiceAccount(options: KestraServiceAccountOptions | undefined): kplus.IServiceAccount {
    rejectUnknownOptions('serviceAccount', options, optionKeys<KestraServiceAccountOptions>()('name', 'create', 'annotations'));
    const name = options?.name === undefined ? this.name : validateDnsSubdomain('serviceAccount.name', options.name);
    if (options?.create === false) {
      if (options.name === undefined) throw new KestraValidationError('serviceAccount.name', undefined, 'is required when create is false');
      if (options.annotations !== undefined) throw new KestraValidationError('serviceAccount.annotations', options.annotations, 'cannot be set on an account the construct does not create');
      return kplus.ServiceAccount.fromServiceAccountName(this, 'ServiceAccount', name);
    }
    for (const [key, value] of Object.entries(options?.annotations ?? {})) {
      if (typeof value !== 'string') throw new KestraValidationError(`serviceAccount.annotations.${key}`, value, 'must be a string');
    }
    return new kplus.ServiceAccount(this, 'ServiceAccount', {
      metadata: { name, labels: this.podLabels, annotations: options?.annotations },
      automountToken: false,
    });
  }

  /**
   * Forced plugin defaults (kestra-io/kestra core/.../services/PluginDefaultService.java: a default applies to every
   * plugin whose type equals or starts with its `type`; forced values override the flow's own) that make script
   * tasks use the EE Kubernetes runner, and keep any explicitly chosen one in the task namespace and account.
   */
  private kubernetesRunnerDefaults(runner: KubernetesRunner): KestraConfiguration {
    const runnerValues = { namespace: runner.namespace ?? this.namespace, serviceAccountName: `${this.name}-tasks` };
    return {
      kestra: {
        plugins: {
          defaults: [
            ...runner.taskTypes.map((type) => ({ type, forced: true, values: { taskRunner: { type: EE_KUBERNETES_RUNNER_TYPE, ...runnerValues } } })),
            { type: EE_KUBERNETES_RUNNER_TYPE, forced: true, values: runnerValues },
          ],
        },
      },
    };
  }

  private addKubernetesRunnerAccess(runner: KubernetesRunner): kplus.ServiceAccount {
    const taskNamespace = runner.namespace ?? this.namespace!;
    const account = new kplus.ServiceAccount(this, 'TaskPodServiceAccount', {
      metadata: { name: `${this.name}-tasks`, namespace: taskNamespace, labels: this.podLabels },
      automountToken: false,
    });
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
      subjects: [{ kind: 'ServiceAccount', name: this.serviceAccount.name, namespace: this.namespace }],
    } as any);
    return account;
  }
}

function assertOption(field: string, value: unknown, type: abstract new (...args: any[]) => unknown, expected: string): void {
  if (!(value instanceof type)) throw new KestraValidationError(field, value, `must be ${expected}`);
}

function resolveImage(options: KestraProps['image']) {
  rejectUnknownOptions('image', options, IMAGE_KEYS);
  const repository = validateNonEmpty('image.repository', options?.repository ?? DEFAULT_IMAGE.repository);
  const tag = validateNonEmpty('image.tag', options?.tag ?? DEFAULT_IMAGE.tag);
  const policy = options?.pullPolicy ?? 'IfNotPresent';
  if (!(policy in PULL_POLICIES)) throw new KestraValidationError('image.pullPolicy', policy, 'must be "Always", "IfNotPresent" or "Never"');
  const pullSecrets = (options?.pullSecrets ?? []).map((s, i) => validateDnsLabel(`image.pullSecrets[${i}]`, s));
  return { image: `${repository}:${tag}`, pullPolicy: PULL_POLICIES[policy], pullSecrets };
}

function basicAuthConfiguration(options: NonNullable<KestraProps['basicAuth']>, secretEnv: SecretEnv[]): KestraConfiguration {
  rejectUnknownOptions('basicAuth', options ?? null, BASIC_AUTH_KEYS);
  let username: string;
  if (typeof options.username === 'string') {
    if (!EMAIL.test(options.username)) throw new KestraValidationError('basicAuth.username', options.username, 'must be an email address (Kestra refuses other user names)');
    username = options.username;
  } else {
    secretEnv.push({ name: credentialEnv('BASIC_AUTH_USERNAME'), ref: validateSecretKeyRef('basicAuth.username', options.username) });
    username = placeholder(credentialEnv('BASIC_AUTH_USERNAME'));
  }
  secretEnv.push({ name: credentialEnv('BASIC_AUTH_PASSWORD'), ref: validateSecretKeyRef('basicAuth.password', options.password) });
  // No `enabled`: Kestra >= 0.24 always requires basic authentication and ignores the flag.
  return { kestra: { server: { 'basic-auth': { username, password: placeholder(credentialEnv('BASIC_AUTH_PASSWORD')) } } } };
}

function resolveExtraEnv(extraEnv: Record<string, string | SecretKeyRef> | undefined, reserved: string[]) {
  const plainEnv: Record<string, string> = {};
  const extraSecretEnv: SecretEnv[] = [];
  for (const [name, value] of Object.entries(extraEnv ?? {})) {
    const field = `extraEnv.${name}`;
    if (!ENV_NAME.test(name)) throw new KestraValidationError('extraEnv', name, 'is not a valid environment variable name');
    if ([...reserved, ...OWNED_ENV].includes(name)) throw new KestraValidationError('extraEnv', name, 'is set by the construct');
    if (typeof value === 'string') plainEnv[name] = value;
    else extraSecretEnv.push({ name, ref: validateSecretKeyRef(field, value) });
  }
  return { plainEnv, extraSecretEnv };
}
