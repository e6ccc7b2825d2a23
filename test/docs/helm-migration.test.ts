import * as fs from 'fs';
import * as path from 'path';
import * as k8s from 'cdk8s-plus-27/lib/imports/k8s';
import { Kestra, KestraMode, KestraProps, KestraStorage, KestraTaskRunner } from '../../lib/platform';
import { podSpec, synthKestra } from '../platform/helpers';
import { ofKind } from '../util/k8s-schema';

/**
 * The README's migration table maps each value of the official Helm chart (kestra-io/helm-charts
 * charts/kestra/values.yaml) to a prop. Every row is checked here: the prop column must match, and
 * setting the prop must render what the Helm value renders in charts/kestra/templates.
 */
interface Row {
  /** The README's prop column, verbatim. */
  readonly prop: string;
  readonly props: KestraProps;
  /** Asserts the rendered objects carry the setting. */
  readonly check: (objects: any[], kestra: Kestra) => void;
}

const s3 = KestraStorage.s3({ bucket: 'b', region: 'r' });
const distributed = (options: Parameters<typeof KestraMode.distributed>[0] = {}): KestraProps =>
  ({ mode: KestraMode.distributed(options), storage: s3 });
const pod = (objects: any[], component = 'standalone') => podSpec(ofKind(objects, 'Deployment', `kestra-${component}`)[0]);
const template = (objects: any[], component = 'standalone') => ofKind(objects, 'Deployment', `kestra-${component}`)[0].spec.template;
const kestraContainer = (objects: any[], component = 'standalone') => pod(objects, component).containers.find((c: any) => c.name === 'kestra');
const env = (objects: any[], name: string, component = 'standalone') => kestraContainer(objects, component).env.find((e: any) => e.name === name)?.value;
const config = (objects: any[]) => objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'kestra-config').data['application.yml'];

const ROWS: Record<string, Row> = {
  'image.repository': { prop: '`image.repository`', props: { image: { repository: 'registry.local/kestra' } }, check: (o) => expect(kestraContainer(o).image).toMatch(/^registry\.local\/kestra:/) },
  'image.tag': { prop: '`image.tag`', props: { image: { tag: 'v1.3.15-no-plugins' } }, check: (o) => expect(kestraContainer(o).image).toBe('kestra/kestra:v1.3.15-no-plugins') },
  'image.pullPolicy': { prop: '`image.pullPolicy`', props: { image: { pullPolicy: 'Always' } }, check: (o) => expect(kestraContainer(o).imagePullPolicy).toBe('Always') },
  'imagePullSecrets': { prop: '`image.pullSecrets`', props: { image: { pullSecrets: ['regcred'] } }, check: (o) => expect(pod(o).imagePullSecrets).toEqual([{ name: 'regcred' }]) },
  'common.replicas': { prop: '`mode: KestraMode.standalone({ replicas })` / `distributed({ <component>: { replicas } })`', props: distributed({ webserver: { replicas: 3 } }), check: (o) => expect(ofKind(o, 'Deployment', 'kestra-webserver')[0].spec.replicas).toBe(3) },
  'common.priorityClassName': { prop: '`pods.priorityClassName`', props: { pods: { priorityClassName: 'high' } }, check: (o) => expect(pod(o).priorityClassName).toBe('high') },
  'common.podAnnotations': { prop: '`pods.annotations`', props: { pods: { annotations: { 'a.example.com/x': 'y' } } }, check: (o) => expect(template(o).metadata.annotations['a.example.com/x']).toBe('y') },
  'common.podLabels': { prop: '`pods.labels`', props: { pods: { labels: { team: 'data' } } }, check: (o) => expect(template(o).metadata.labels.team).toBe('data') },
  'common.autoscaler': { prop: '`autoscaling.<component>` (`minReplicas`, `maxReplicas`, `cpuUtilization`, `memoryUtilization`)', props: { ...distributed(), autoscaling: { worker: { minReplicas: 2, maxReplicas: 5 } } }, check: (o) => expect(ofKind(o, 'HorizontalPodAutoscaler', 'kestra-worker')[0].spec).toMatchObject({ minReplicas: 2, maxReplicas: 5 }) },
  'common.autoscaler.metrics': { prop: '`autoscaling.<component>.metrics`', props: { ...distributed(), autoscaling: { worker: { maxReplicas: 5, metrics: [{ type: 'Pods', pods: { metric: { name: 'queue' }, target: { type: 'AverageValue', averageValue: k8s.Quantity.fromString('10') } } }] } } }, check: (o) => expect(ofKind(o, 'HorizontalPodAutoscaler', 'kestra-worker')[0].spec.metrics[0].type).toBe('Pods') },
  'common.autoscaler.extra': { prop: '`autoscaling.<component>.behavior`', props: { ...distributed(), autoscaling: { worker: { maxReplicas: 5, behavior: { scaleDown: { stabilizationWindowSeconds: 600 } } } } }, check: (o) => expect(ofKind(o, 'HorizontalPodAutoscaler', 'kestra-worker')[0].spec.behavior).toEqual({ scaleDown: { stabilizationWindowSeconds: 600 } }) },
  'common.livenessProbe': { prop: '`pods.probes.liveness`', props: { pods: { probes: { liveness: { periodSeconds: 30 } } } }, check: (o) => expect(kestraContainer(o).livenessProbe.periodSeconds).toBe(30) },
  'common.readinessProbe': { prop: '`pods.probes.readiness`', props: { pods: { probes: { readiness: { failureThreshold: 6 } } } }, check: (o) => expect(kestraContainer(o).readinessProbe.failureThreshold).toBe(6) },
  'common.startupProbe': { prop: '`pods.probes.startup`', props: { pods: { probes: { startup: { failureThreshold: 300 } } } }, check: (o) => expect(kestraContainer(o).startupProbe.failureThreshold).toBe(300) },
  'common.resources': { prop: '`mode.<component>.resources`', props: { mode: KestraMode.standalone({ resources: { requests: { cpu: '1', memory: '2Gi' } } }) }, check: (o) => expect(kestraContainer(o).resources).toEqual({ requests: { cpu: '1', memory: '2Gi' } }) },
  'common.terminationGracePeriodSeconds': { prop: '`pods.terminationGracePeriodSeconds` (per component: `mode.<component>.terminationGracePeriodSeconds`)', props: { pods: { terminationGracePeriodSeconds: 600 } }, check: (o) => expect(pod(o).terminationGracePeriodSeconds).toBe(600) },
  'common.nodeSelector': { prop: '`nodeSelector` (per component: `pods.components.<component>.nodeSelector`)', props: { nodeSelector: { pool: 'kestra' } }, check: (o) => expect(pod(o).nodeSelector).toEqual({ pool: 'kestra' }) },
  'common.tolerations': { prop: '`tolerations` (per component: `pods.components.<component>.tolerations`)', props: { tolerations: [{ key: 'k', operator: 'Exists' }] }, check: (o) => expect(pod(o).tolerations).toEqual([{ key: 'k', operator: 'Exists' }]) },
  'common.affinity': { prop: '`affinity` (per component: `pods.components.<component>.affinity`)', props: { affinity: { podAntiAffinity: {} } }, check: (o) => expect(pod(o).affinity).toEqual({ podAntiAffinity: {} }) },
  'common.topologySpreadConstraints': { prop: '`topologySpread` (per component: `pods.components.<component>.topologySpread`)', props: { topologySpread: { maxSkew: 2 } }, check: (o) => expect(pod(o).topologySpreadConstraints[0].maxSkew).toBe(2) },
  'common.securityContext': { prop: '`pods.securityContext`', props: { pods: { securityContext: { runAsUser: 1001 } } }, check: (o) => expect(kestraContainer(o).securityContext.runAsUser).toBe(1001) },
  'common.podSecurityContext': { prop: '`pods.podSecurityContext`', props: { pods: { podSecurityContext: { fsGroup: 2000 } } }, check: (o) => expect(pod(o).securityContext.fsGroup).toBe(2000) },
  'common.initContainers': { prop: '`pods.initContainers`', props: { pods: { initContainers: [{ name: 'init', image: 'busybox:1.37' }] } }, check: (o) => expect(pod(o).initContainers.map((c: any) => c.name)).toContain('init') },
  'common.extraVolumes': { prop: '`pods.extraVolumes`', props: { pods: { extraVolumes: [{ name: 'extra', emptyDir: {} }] } }, check: (o) => expect(pod(o).volumes).toContainEqual({ name: 'extra', emptyDir: {} }) },
  'common.extraVolumeMounts': { prop: '`pods.extraVolumeMounts`', props: { pods: { extraVolumes: [{ name: 'extra', emptyDir: {} }], extraVolumeMounts: [{ name: 'extra', mountPath: '/extra' }] } }, check: (o) => expect(kestraContainer(o).volumeMounts).toContainEqual({ name: 'extra', mountPath: '/extra' }) },
  'common.extraEnv': { prop: '`extraEnv` (a string or a `SecretKeyRef`)', props: { extraEnv: { TZ: 'Europe/Paris' } }, check: (o) => expect(env(o, 'TZ')).toBe('Europe/Paris') },
  'common.extraEnvFrom': { prop: '`pods.envFrom`', props: { pods: { envFrom: [{ configMapName: 'env' }] } }, check: (o) => expect(kestraContainer(o).envFrom).toEqual([{ configMapRef: { name: 'env' } }]) },
  'common.extraContainers': { prop: '`pods.extraContainers`', props: { pods: { extraContainers: [{ name: 'sidecar', image: 'busybox:1.37' }] } }, check: (o) => expect(pod(o).containers.map((c: any) => c.name)).toEqual(['kestra', 'sidecar']) },
  'common.jvm.extraOpts': { prop: '`mode.<component>.jvm.extraOptions`', props: { mode: KestraMode.standalone({ jvm: { extraOptions: ['-XX:+UseZGC'] } }) }, check: (o) => expect(env(o, 'JAVA_OPTS')).toContain('-XX:+UseZGC') },
  'configurations.application': { prop: '`configuration`', props: { configuration: { kestra: { environment: { name: 'prod' } } } }, check: (o) => expect(config(o)).toContain('name: prod') },
  'configurations.configmaps': { prop: '`configMapConfiguration`', props: { configMapConfiguration: [{ configMapName: 'others', key: 'others.yml' }] }, check: (o) => expect(env(o, 'MICRONAUT_CONFIG_FILES')).toContain('/app/configmaps/0/others.yml') },
  'configurations.secrets': { prop: '`secretConfiguration`', props: { secretConfiguration: [{ secretName: 'auth', key: 'auth.yml' }] }, check: (o) => expect(env(o, 'MICRONAUT_CONFIG_FILES')).toContain('/app/secrets/0/auth.yml') },
  'serviceAccount.create': { prop: '`serviceAccount.create` (with `serviceAccount.name`)', props: { serviceAccount: { create: false, name: 'existing' } }, check: (o) => expect(pod(o).serviceAccountName).toBe('existing') },
  'serviceAccount.annotations': { prop: '`serviceAccount.annotations`', props: { serviceAccount: { annotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::1:role/k' } } }, check: (o) => expect(ofKind(o, 'ServiceAccount', 'kestra')[0].metadata.annotations).toEqual({ 'eks.amazonaws.com/role-arn': 'arn:aws:iam::1:role/k' }) },
  'deployments.<name>.enabled': { prop: '`mode: KestraMode.standalone()` or `KestraMode.distributed()`', props: distributed(), check: (o) => expect(ofKind(o, 'Deployment').map((d) => d.metadata.name).sort()).toEqual(['kestra-executor', 'kestra-indexer', 'kestra-scheduler', 'kestra-webserver', 'kestra-worker']) },
  'deployments.<name>.extraArgs': { prop: '`pods.components.<component>.extraArgs` (all: `pods.extraArgs`)', props: { pods: { components: { standalone: { extraArgs: ['--verbose'] } } } }, check: (o) => expect(kestraContainer(o).args).toContain('--verbose') },
  'deployments.standalone.workerThreads': { prop: '`KestraMode.standalone({ workerThreads })`', props: { mode: KestraMode.standalone({ workerThreads: 8 }) }, check: (o) => expect(kestraContainer(o).args).toContain('--worker-thread=8') },
  'deployments.worker.workerThreads': { prop: '`KestraMode.distributed({ worker: { threads } })`', props: distributed({ worker: { threads: 16 } }), check: (o) => expect(kestraContainer(o, 'worker').args).toContain('--thread=16') },
  'workerGroups': { prop: '`KestraMode.distributed({ workerGroups })`', props: distributed({ workerGroups: { gpu: {} } }), check: (o) => expect(kestraContainer(o, 'worker-gpu').args).toContain('--worker-group=gpu') },
  'service.type': { prop: '`service.type`', props: { service: { type: 'NodePort' } }, check: (o) => expect(ofKind(o, 'Service', 'kestra')[0].spec.type).toBe('NodePort') },
  'service.annotations': { prop: '`service.annotations`', props: { service: { annotations: { 'a.example.com/b': 'c' } } }, check: (o) => expect(ofKind(o, 'Service', 'kestra')[0].metadata.annotations).toEqual({ 'a.example.com/b': 'c' }) },
  'service.labels': { prop: '`service.labels`', props: { service: { labels: { tier: 'api' } } }, check: (o) => expect(ofKind(o, 'Service', 'kestra')[0].metadata.labels.tier).toBe('api') },
  'dind.enabled': { prop: '`taskRunner: KestraTaskRunner.dind()` (default), `.kubernetes()` or `.none()`', props: { taskRunner: KestraTaskRunner.none() }, check: (o) => expect(pod(o).initContainers).toBeUndefined() },
  'dind.mode': { prop: '`KestraTaskRunner.dind({ mode })`', props: { taskRunner: KestraTaskRunner.dind({ mode: 'insecure' }) }, check: (o) => expect(pod(o).initContainers[0].securityContext.runAsUser).toBe(0) },
  'dind.resources': { prop: '`KestraTaskRunner.dind({ resources })`', props: { taskRunner: KestraTaskRunner.dind({ resources: { requests: { cpu: '1' } } }) }, check: (o) => expect(pod(o).initContainers[0].resources).toEqual({ requests: { cpu: '1' } }) },
  'ingress.hosts': { prop: '`ingress` (one or a list; each `{ host, paths?, name? }`)', props: { ingress: [{ host: 'ui.example.com' }, { name: 'hooks', host: 'hooks.example.com', paths: [{ path: '/api/v1/main/executions/webhook/' }] }] }, check: (o) => expect(ofKind(o, 'Ingress').map((i) => i.spec.rules[0].host)).toEqual(['ui.example.com', 'hooks.example.com']) },
  'ingress.className': { prop: '`ingress.className`', props: { ingress: { host: 'k.example.com', className: 'nginx' } }, check: (o) => expect(ofKind(o, 'Ingress')[0].spec.ingressClassName).toBe('nginx') },
  'ingress.annotations': { prop: '`ingress.annotations`', props: { ingress: { host: 'k.example.com', annotations: { 'a.example.com/b': 'c' } } }, check: (o) => expect(ofKind(o, 'Ingress')[0].metadata.annotations).toEqual({ 'a.example.com/b': 'c' }) },
  'ingress.tls': { prop: '`ingress.tls.secretName`', props: { ingress: { host: 'k.example.com', tls: { secretName: 'tls' } } }, check: (o) => expect(ofKind(o, 'Ingress')[0].spec.tls).toEqual([{ hosts: ['k.example.com'], secretName: 'tls' }]) },
};

function readmeRows(): Map<string, string> {
  const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### Migrating from the Helm chart'));
  const table = section.slice(0, section.indexOf('\n\n', section.indexOf('|---')));
  const rows = new Map<string, string>();
  for (const line of table.split('\n').filter((l) => /^\| `/.test(l))) {
    const [, helm, prop] = /^\| `([^`]+)` \| (.*) \|$/.exec(line) ?? [];
    rows.set(helm, prop.replace(/\\\|/g, '|'));
  }
  return rows;
}

describe('README migration table from the Helm chart', () => {
  test('lists exactly the checked Helm values, with the props checked here', () => {
    const rows = readmeRows();
    expect([...rows.keys()].sort()).toEqual(Object.keys(ROWS).sort());
    for (const [helm, prop] of rows) expect([helm, prop]).toEqual([helm, ROWS[helm].prop]);
  });

  test.each(Object.entries(ROWS))('%s', (_helm, row) => {
    const { kestra, objects } = synthKestra(row.props);
    row.check(objects, kestra);
  });
});
