import { ApiObject, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { SecretEnv } from './configuration';
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
export const DIND_SOCKET_DIR = '/dind';

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

  const tmp = kplus.Volume.fromEmptyDir(scope, `${id}Tmp`, 'tmp');
  container.mount('/tmp', tmp);
  if (props.storageClaimName) {
    const claim = kplus.PersistentVolumeClaim.fromClaimName(scope, `${id}StorageClaim`, props.storageClaimName);
    container.mount(LOCAL_STORAGE_PATH, kplus.Volume.fromPersistentVolumeClaim(scope, `${id}Storage`, claim, { name: 'storage' }));
  }

  container.env.addVariable('MICRONAUT_CONFIG_FILES', kplus.EnvValue.fromValue(configFiles.join(',')));
  for (const env of props.secretEnv) {
    const secret = kplus.Secret.fromSecretName(scope, `${id}Env${env.name}`, env.ref.secretName);
    container.env.addVariable(env.name, kplus.EnvValue.fromSecretValue({ secret, key: env.ref.key }));
  }
  for (const [name, value] of Object.entries(props.plainEnv)) container.env.addVariable(name, kplus.EnvValue.fromValue(value));
  (props.flowSecretNames ?? []).forEach((secretName, index) => {
    const secret = kplus.Secret.fromSecretName(scope, `${id}FlowSecrets${index}`, secretName);
    container.env.copyFrom(new kplus.EnvFrom(undefined, FLOW_SECRET_ENV_PREFIX, secret));
  });

  const containerContexts: Array<Record<string, unknown>> = [restrictedContainerSecurityContext(KESTRA_UID, props.readOnlyRootFilesystem)];
  if (props.dind) {
    const socket = kplus.Volume.fromEmptyDir(scope, `${id}DindSocket`, 'dind-socket');
    container.mount(DIND_SOCKET_DIR, socket);
    container.env.addVariable('DOCKER_HOST', kplus.EnvValue.fromValue(`unix://${DIND_SOCKET_DIR}/docker.sock`));
    const rootless = props.dind.mode === 'rootless';
    const sidecar = deployment.addContainer({
      name: 'dind',
      image: props.dind.image,
      imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
      args: ['--log-level=fatal', `--group=${KESTRA_UID}`],
      envVariables: {
        // The entrypoint listens on DOCKER_HOST when it is a unix socket; no TCP listener, no TLS material to write.
        DOCKER_HOST: kplus.EnvValue.fromValue(`unix://${DIND_SOCKET_DIR}/docker.sock`),
        DOCKER_TLS_CERTDIR: kplus.EnvValue.fromValue(''),
      },
    });
    sidecar.mount(DIND_SOCKET_DIR, socket);
    // Task working directories are bind-mounted by path, so the daemon must see the same /tmp as Kestra.
    sidecar.mount('/tmp', tmp);
    sidecar.mount(rootless ? '/home/rootless/.local/share/docker' : '/var/lib/docker', kplus.Volume.fromEmptyDir(scope, `${id}DindData`, 'dind-data'));
    // dockerd needs privileges to create namespaces and mounts; they stay on this container only.
    containerContexts.push({
      privileged: true,
      allowPrivilegeEscalation: true,
      readOnlyRootFilesystem: false,
      runAsNonRoot: rootless,
      runAsUser: rootless ? KESTRA_UID : 0,
      runAsGroup: rootless ? KESTRA_UID : 0,
    });
  }

  const api = ApiObject.of(deployment);
  const pod = '/spec/template/spec';
  api.addJsonPatch(JsonPatch.replace(`${pod}/securityContext`, restrictedPodSecurityContext(KESTRA_UID)));
  api.addJsonPatch(JsonPatch.add(`${pod}/enableServiceLinks`, false));
  containerContexts.forEach((context, index) => {
    api.addJsonPatch(JsonPatch.replace(`${pod}/containers/${index}/securityContext`, context));
  });
  api.addJsonPatch(JsonPatch.replace(`${pod}/containers/0/resources`, typedResources(props.spec.resources)));
  if (props.dind) api.addJsonPatch(JsonPatch.replace(`${pod}/containers/1/resources`, typedResources(props.dind.resources)));
  api.addJsonPatch(JsonPatch.add(`${pod}/containers/0/startupProbe`, { ...probe('/health', 2, 90), initialDelaySeconds: 5 }));
  api.addJsonPatch(JsonPatch.add(`${pod}/containers/0/livenessProbe`, probe('/health/liveness', 10, 3)));
  api.addJsonPatch(JsonPatch.add(`${pod}/containers/0/readinessProbe`, probe('/health/readiness', 5, 3)));
  if (props.pullSecrets.length > 0) {
    api.addJsonPatch(JsonPatch.add(`${pod}/imagePullSecrets`, props.pullSecrets.map((name) => ({ name }))));
  }
  for (const [field, value] of Object.entries(props.scheduling)) {
    api.addJsonPatch(JsonPatch.add(`${pod}/${field}`, value));
  }
  return deployment;
}
