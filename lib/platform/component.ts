import { ApiObject, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { SecretEnv } from './configuration';
import { DIND_SOCKET, DIND_SOCKET_DIR, WORKING_DIR, dindSidecar } from './dind-sidecar';
import { KestraComponentSpec } from './mode';
import { FLOW_SECRET_ENV_PREFIX } from './secrets';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from './security';
import { LOCAL_STORAGE_PATH } from './storage';
import { DindSpec } from './task-runner';

export const HTTP_PORT = 8080;
export const MANAGEMENT_PORT = 8081;
export const KESTRA_UID = 1000;
export const CONFIG_DIR = '/app/confs';
export const CONFIG_FILE = 'application.yml';
/** HOME of the image's `kestra` user (kestra-io/kestra Dockerfile: `useradd -m`). */
export const KESTRA_HOME = '/home/kestra';

/** Everything one Kestra workload needs, resolved by the `Kestra` construct. */
export interface KestraWorkloadProps {
  /** What to run. */
  readonly spec: KestraComponentSpec;
  /** Deployment name. */
  readonly name: string;
  /** Pod labels, also the selector. */
  readonly labels: Record<string, string>;
  /** Image reference. */
  readonly image: string;
  /** Image pull policy. */
  readonly pullPolicy: kplus.ImagePullPolicy;
  /** Names of image pull Secrets. */
  readonly pullSecrets: readonly string[];
  /** ServiceAccount of the pods. */
  readonly serviceAccount: kplus.IServiceAccount;
  /** Whether the pods get an API token (only the Kubernetes task runner needs one). */
  readonly automountServiceAccountToken: boolean;
  /** ConfigMap holding the configuration file. */
  readonly configMapName: string;
  /** Extra configuration files from Secrets, mounted after the generated one. */
  readonly secretConfigFiles: ReadonlyArray<{ readonly secretName: string; readonly key: string }>;
  /** Checksum of the configuration; a change rolls the pods. */
  readonly checksum: string;
  /** Secret-backed environment variables. */
  readonly secretEnv: readonly SecretEnv[];
  /** Literal, non-secret environment variables. */
  readonly plainEnv: Readonly<Record<string, string>>;
  /** Secrets whose keys become `SECRET_<key>` variables, for flows' `secret()`. */
  readonly flowSecretNames?: readonly string[];
  /** PVC for local storage, if any. */
  readonly storageClaimName?: string;
  /** The Docker-in-Docker sidecar, when this component runs tasks with it. */
  readonly dind?: DindSpec;
  /** Replace pods instead of rolling them (a ReadWriteOnce volume cannot be attached twice). */
  readonly recreate: boolean;
  /** Whether the Kestra container's root filesystem is read-only. */
  readonly readOnlyRootFilesystem: boolean;
  /** Raw pod spec fields (nodeSelector, tolerations, affinity, topologySpreadConstraints). */
  readonly scheduling: Record<string, unknown>;
}

// cdk8s-plus runs patched pod specs through the typed k8s converters, which read
// IntOrString and Quantity values from a `value` field: patches wrap them the same way.
function typed(value: string | number): { value: string | number } {
  return { value };
}

function typedResources(resources: Record<string, Record<string, string>>): Record<string, Record<string, { value: string | number }>> {
  return Object.fromEntries(Object.entries(resources).map(([section, quantities]) =>
    [section, Object.fromEntries(Object.entries(quantities).map(([kind, quantity]) => [kind, typed(quantity)]))]));
}

function probe(path: string, periodSeconds: number, failureThreshold: number): Record<string, unknown> {
  return { httpGet: { path, port: typed('management'), scheme: 'HTTP' }, periodSeconds, timeoutSeconds: 3, failureThreshold, successThreshold: 1 };
}

/** Builds the Deployment of one Kestra component. */
export function createKestraWorkload(scope: Construct, id: string, props: KestraWorkloadProps): kplus.Deployment {
  const deployment = new kplus.Deployment(scope, id, {
    metadata: { name: props.name, labels: props.labels },
    replicas: props.spec.replicas,
    select: false,
    podMetadata: { labels: props.labels, annotations: { 'checksum/config': props.checksum } },
    serviceAccount: props.serviceAccount,
    automountServiceAccountToken: props.automountServiceAccountToken,
    strategy: props.recreate ? kplus.DeploymentStrategy.recreate() : kplus.DeploymentStrategy.rollingUpdate(),
  });
  deployment.select(kplus.LabelSelector.of({ labels: props.labels }));

  const container = deployment.addContainer({
    name: 'kestra',
    image: props.image,
    imagePullPolicy: props.pullPolicy,
    args: props.spec.args,
    ports: [{ number: HTTP_PORT, name: 'http' }, { number: MANAGEMENT_PORT, name: 'management' }],
  });

  const configFiles = [`${CONFIG_DIR}/${CONFIG_FILE}`];
  const configMap = kplus.ConfigMap.fromConfigMapName(scope, `${id}ConfigRef`, props.configMapName);
  container.mount(CONFIG_DIR, kplus.Volume.fromConfigMap(scope, `${id}ConfigVolume`, configMap, { name: 'config' }), { readOnly: true });
  props.secretConfigFiles.forEach((file, index) => {
    const secret = kplus.Secret.fromSecretName(scope, `${id}ConfigSecret${index}`, file.secretName);
    const volume = kplus.Volume.fromSecret(scope, `${id}ConfigSecretVolume${index}`, secret, { name: `config-secret-${index}`, items: { [file.key]: { path: file.key } } });
    container.mount(`/app/secrets/${index}`, volume, { readOnly: true });
    configFiles.push(`/app/secrets/${index}/${file.key}`);
  });

  if (props.storageClaimName) {
    const claim = kplus.PersistentVolumeClaim.fromClaimName(scope, `${id}StorageClaim`, props.storageClaimName);
    container.mount(LOCAL_STORAGE_PATH, kplus.Volume.fromPersistentVolumeClaim(scope, `${id}Storage`, claim, { name: 'storage' }));
  }

  container.env.addVariable('MICRONAUT_CONFIG_FILES', kplus.EnvValue.fromValue(configFiles.join(',')));
  // The root filesystem is read-only: HOME is a bounded emptyDir of its own (see scratchVolumes).
  container.env.addVariable('HOME', kplus.EnvValue.fromValue(KESTRA_HOME));
  container.env.addVariable('JAVA_OPTS', kplus.EnvValue.fromValue(props.spec.javaOptions));
  for (const env of props.secretEnv) {
    const secret = kplus.Secret.fromSecretName(scope, `${id}Env${env.name}`, env.ref.secretName);
    container.env.addVariable(env.name, kplus.EnvValue.fromSecretValue({ secret, key: env.ref.key }));
  }
  for (const [name, value] of Object.entries(props.plainEnv)) container.env.addVariable(name, kplus.EnvValue.fromValue(value));
  if (props.dind) container.env.addVariable('DOCKER_HOST', kplus.EnvValue.fromValue(DIND_SOCKET));
  (props.flowSecretNames ?? []).forEach((secretName, index) => {
    const secret = kplus.Secret.fromSecretName(scope, `${id}FlowSecrets${index}`, secretName);
    container.env.copyFrom(new kplus.EnvFrom(undefined, FLOW_SECRET_ENV_PREFIX, secret));
  });

  const api = ApiObject.of(deployment);
  const pod = '/spec/template/spec';
  api.addJsonPatch(JsonPatch.replace(`${pod}/securityContext`, restrictedPodSecurityContext(KESTRA_UID)));
  api.addJsonPatch(JsonPatch.add(`${pod}/enableServiceLinks`, false));
  api.addJsonPatch(JsonPatch.replace(`${pod}/containers/0/securityContext`, restrictedContainerSecurityContext(KESTRA_UID, props.readOnlyRootFilesystem)));
  api.addJsonPatch(JsonPatch.replace(`${pod}/containers/0/resources`, typedResources(props.spec.resources)));
  api.addJsonPatch(JsonPatch.add(`${pod}/containers/0/startupProbe`, { ...probe('/health', 2, 90), initialDelaySeconds: 5 }));
  api.addJsonPatch(JsonPatch.add(`${pod}/containers/0/livenessProbe`, probe('/health/liveness', 10, 3)));
  api.addJsonPatch(JsonPatch.add(`${pod}/containers/0/readinessProbe`, probe('/health/readiness', 5, 3)));
  if (props.pullSecrets.length > 0) {
    api.addJsonPatch(JsonPatch.add(`${pod}/imagePullSecrets`, props.pullSecrets.map((name) => ({ name }))));
  }
  for (const [field, value] of Object.entries(props.scheduling)) {
    api.addJsonPatch(JsonPatch.add(`${pod}/${field}`, value));
  }
  patchAfterConversion(api, podPatches(props));
  return deployment;
}

/**
 * The scratch volumes, the grace period and the DinD native sidecar. They are applied after cdk8s-plus-27 has run the
 * pod through its Kubernetes 1.27 converters, which drop fields newer than 1.27 (a container's `restartPolicy`,
 * which makes an init container a native sidecar, is 1.28+).
 */
function podPatches(props: KestraWorkloadProps): JsonPatch[] {
  const pod = '/spec/template/spec';
  const { scratch, runsTasks, terminationGracePeriodSeconds } = props.spec;
  const volumes: Array<Record<string, unknown>> = [
    { name: 'tmp', emptyDir: { sizeLimit: scratch.tmpSizeLimit } },
    { name: 'home', emptyDir: { sizeLimit: scratch.homeSizeLimit } },
  ];
  const mounts = [{ name: 'tmp', mountPath: '/tmp' }, { name: 'home', mountPath: KESTRA_HOME }];
  if (runsTasks && scratch.workingDirectory) {
    volumes.push(scratch.workingDirectory._render('working-dir', '10Gi'));
    mounts.push({ name: 'working-dir', mountPath: WORKING_DIR });
  }
  const patches: JsonPatch[] = [];
  if (props.dind) {
    volumes.push({ name: 'dind-socket', emptyDir: { sizeLimit: '1Mi' } });
    volumes.push(props.dind.dataVolume._render('dind-data', '20Gi'));
    mounts.push({ name: 'dind-socket', mountPath: DIND_SOCKET_DIR });
    patches.push(JsonPatch.add(`${pod}/initContainers`, [dindSidecar(props.dind)]));
  }
  patches.push(...volumes.map((volume) => JsonPatch.add(`${pod}/volumes/-`, volume)));
  patches.push(...mounts.map((mount) => JsonPatch.add(`${pod}/containers/0/volumeMounts/-`, mount)));
  if (terminationGracePeriodSeconds !== undefined) patches.push(JsonPatch.add(`${pod}/terminationGracePeriodSeconds`, terminationGracePeriodSeconds));
  return patches;
}

function patchAfterConversion(api: ApiObject, patches: JsonPatch[]): void {
  const toJson = api.toJson.bind(api);
  api.toJson = () => JsonPatch.apply(toJson(), ...patches);
}
