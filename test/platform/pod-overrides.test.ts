import * as k8s from 'cdk8s-plus-27/lib/imports/k8s';
import { podSpec, rejects, synthKestra } from './helpers';
import { KestraDatabase, KestraMode, KestraStorage } from '../../lib/platform';
import { ofKind } from '../util/k8s-schema';

const s3 = () => KestraStorage.s3({ bucket: 'b', region: 'r' });
const deployment = (objects: any[], component: string) => ofKind(objects, 'Deployment', `kestra-${component}`)[0];
const kestraContainer = (objects: any[], component: string) => podSpec(deployment(objects, component)).containers.find((c: any) => c.name === 'kestra');

describe('pods: global settings with per-component overrides (per-component wins)', () => {
  const { kestra, objects } = synthKestra({
    mode: KestraMode.distributed({ scheduler: { terminationGracePeriodSeconds: 45 } }),
    storage: s3(),
    nodeSelector: { 'kubernetes.io/os': 'linux' },
    pods: {
      priorityClassName: 'kestra-default',
      annotations: { 'prometheus.io/scrape': 'true', 'team.example.com/owner': 'data' },
      labels: { 'cost-center': 'data' },
      extraArgs: ['--verbose'],
      terminationGracePeriodSeconds: 120,
      probes: { startup: { failureThreshold: 150 }, liveness: { periodSeconds: 20 } },
      podSecurityContext: { supplementalGroups: [2000] },
      securityContext: { readOnlyRootFilesystem: true },
      extraVolumes: [{ name: 'ca', configMap: { name: 'corporate-ca' } }],
      extraVolumeMounts: [{ name: 'ca', mountPath: '/etc/ssl/corporate', readOnly: true }],
      initContainers: [{ name: 'wait-for-db', image: 'busybox:1.37', command: ['sh', '-c', 'true'] }],
      extraContainers: [{ name: 'log-shipper', image: 'fluent/fluent-bit:4.0' }],
      envFrom: [{ configMapName: 'kestra-env' }],
      components: {
        worker: {
          priorityClassName: 'kestra-batch',
          annotations: { 'team.example.com/owner': 'platform' },
          extraArgs: ['--worker-debug'],
          probes: { liveness: { timeoutSeconds: 10, path: '/health' } },
          nodeSelector: { 'node.example.com/pool': 'batch' },
          tolerations: [{ key: 'batch', operator: 'Exists', effect: 'NoSchedule' }],
          extraVolumes: [{ name: 'ca', secret: { secretName: 'worker-ca' } }],
          envFrom: [{ secretName: 'worker-env', prefix: 'WORKER_' }],
        },
        webserver: { labels: { exposure: 'internal' } },
      },
    },
  });

  test('scalars: the component\'s value wins, others take the global one', () => {
    expect(podSpec(deployment(objects, 'worker')).priorityClassName).toBe('kestra-batch');
    expect(podSpec(deployment(objects, 'executor')).priorityClassName).toBe('kestra-default');
    expect(kestraContainer(objects, 'worker').args).toEqual(['server', 'worker', '--worker-debug']);
    expect(kestraContainer(objects, 'executor').args).toEqual(['server', 'executor', '--verbose']);
  });

  test('grace period: mode\'s per-component value, then pods.terminationGracePeriodSeconds, then the default', () => {
    expect(podSpec(deployment(objects, 'scheduler')).terminationGracePeriodSeconds).toBe(45);
    expect(podSpec(deployment(objects, 'worker')).terminationGracePeriodSeconds).toBe(120);
    expect(podSpec(deployment(objects, 'webserver')).terminationGracePeriodSeconds).toBe(120);
    const { objects: plain } = synthKestra({ mode: KestraMode.distributed(), storage: s3() });
    expect(podSpec(deployment(plain, 'worker')).terminationGracePeriodSeconds).toBe(360);
  });

  test('annotations and labels merge; the construct\'s selector labels and checksum stay', () => {
    const template = deployment(objects, 'worker').spec.template;
    expect(template.metadata.annotations).toMatchObject({ 'prometheus.io/scrape': 'true', 'team.example.com/owner': 'platform' });
    expect(template.metadata.annotations['checksum/config']).toBe(kestra.configChecksum);
    expect(template.metadata.labels).toMatchObject({
      'cost-center': 'data', 'app.kubernetes.io/name': 'kestra', 'app.kubernetes.io/instance': 'kestra', 'app.kubernetes.io/component': 'worker',
    });
    expect(deployment(objects, 'webserver').spec.template.metadata.labels.exposure).toBe('internal');
  });

  test('probe fields merge over the construct\'s probes', () => {
    const worker = kestraContainer(objects, 'worker');
    expect(worker.startupProbe).toMatchObject({ failureThreshold: 150, periodSeconds: 2, httpGet: { path: '/health', port: 'management' } });
    expect(worker.livenessProbe).toMatchObject({ periodSeconds: 20, timeoutSeconds: 10, failureThreshold: 3, httpGet: { path: '/health', port: 'management' } });
    expect(kestraContainer(objects, 'executor').livenessProbe).toMatchObject({ periodSeconds: 20, timeoutSeconds: 3, httpGet: { path: '/health/liveness' } });
  });

  test('security contexts merge over the restricted defaults', () => {
    const pod = podSpec(deployment(objects, 'executor'));
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, supplementalGroups: [2000] });
    expect(kestraContainer(objects, 'executor').securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
  });

  test('lists add up; a component entry replaces the global one of the same name', () => {
    const worker = podSpec(deployment(objects, 'worker'));
    expect(worker.volumes.filter((v: any) => v.name === 'ca')).toEqual([{ name: 'ca', secret: { secretName: 'worker-ca' } }]);
    expect(podSpec(deployment(objects, 'executor')).volumes.filter((v: any) => v.name === 'ca')).toEqual([{ name: 'ca', configMap: { name: 'corporate-ca' } }]);
    expect(kestraContainer(objects, 'worker').volumeMounts).toContainEqual({ name: 'ca', mountPath: '/etc/ssl/corporate', readOnly: true });
    expect(kestraContainer(objects, 'worker').envFrom).toEqual([{ configMapRef: { name: 'kestra-env' } }, { prefix: 'WORKER_', secretRef: { name: 'worker-env' } }]);
    expect(worker.initContainers.map((c: any) => c.name)).toEqual(['dind', 'wait-for-db']);
    expect(worker.containers.map((c: any) => c.name)).toEqual(['kestra', 'log-shipper']);
    expect(podSpec(deployment(objects, 'executor')).initContainers.map((c: any) => c.name)).toEqual(['wait-for-db']);
  });

  test('scheduling per component replaces the top-level scheduling for that component only', () => {
    expect(podSpec(deployment(objects, 'worker')).nodeSelector).toEqual({ 'node.example.com/pool': 'batch' });
    expect(podSpec(deployment(objects, 'worker')).tolerations).toEqual([{ key: 'batch', operator: 'Exists', effect: 'NoSchedule' }]);
    expect(podSpec(deployment(objects, 'executor')).nodeSelector).toEqual({ 'kubernetes.io/os': 'linux' });
    expect(podSpec(deployment(objects, 'executor')).tolerations).toBeUndefined();
  });
});

describe('pods: bad input', () => {
  test.each<[string, object, string, string]>([
    ['an unknown component', { components: { webservr: {} } }, 'pods.components.webservr', 'expected one of standalone'],
    ['a construct label', { labels: { 'app.kubernetes.io/component': 'x' } }, 'pods.labels["app.kubernetes.io/component"]', 'set by the construct'],
    ['a volume named like the construct\'s', { extraVolumes: [{ name: 'tmp', emptyDir: {} }] }, 'pods.components.standalone.extraVolumes', 'volume the construct creates'],
    ['a mount of a missing volume', { extraVolumeMounts: [{ name: 'nope', mountPath: '/x' }] }, 'pods.components.standalone.extraVolumeMounts[0].name', 'names no volume'],
    ['a container named kestra', { extraContainers: [{ name: 'kestra', image: 'x' }] }, 'pods.components.standalone container name', 'used twice or by the construct'],
    ['envFrom with both sources', { envFrom: [{ secretName: 'a', configMapName: 'b' }] }, 'pods.envFrom[0]', 'exactly one'],
    ['a liveness successThreshold above 1', { probes: { liveness: { successThreshold: 2 } } }, 'pods.probes.liveness.successThreshold', 'must be 1'],
    ['a misspelt probe field', { probes: { readiness: { period: 5 } } }, 'pods.probes.readiness.period', 'unknown option'],
    ['an invalid priority class', { priorityClassName: 'High Priority' }, 'pods.priorityClassName', 'DNS-1123'],
    ['a negative grace period', { terminationGracePeriodSeconds: -1 }, 'pods.terminationGracePeriodSeconds', 'greater than or equal to 0'],
    ['a mount on a construct path', { extraVolumes: [{ name: 'x', emptyDir: {} }], extraVolumeMounts: [{ name: 'x', mountPath: '/tmp' }] }, 'pods.extraVolumeMounts', 'Kubernetes refuses two mounts'],
    ['a bad per-component node selector', { components: { standalone: { nodeSelector: { '-x': 'y' } } } }, 'pods.components.standalone.nodeSelector["-x"]', 'label'],
  ])('%s', (_name, pods, field, reason) => rejects(() => synthKestra({ pods: pods as any }), field, reason));
});

describe('Service, Ingresses and autoscaling', () => {
  test('Service type, annotations, labels and source ranges', () => {
    const { kestra, objects } = synthKestra({
      service: { type: 'LoadBalancer', annotations: { 'service.beta.kubernetes.io/aws-load-balancer-internal': 'true' }, labels: { tier: 'api' }, loadBalancerSourceRanges: ['10.0.0.0/8'] },
    });
    const service = ofKind(objects, 'Service', 'kestra')[0];
    expect(service.spec).toMatchObject({ type: 'LoadBalancer', loadBalancerSourceRanges: ['10.0.0.0/8'] });
    expect(service.metadata.annotations).toEqual({ 'service.beta.kubernetes.io/aws-load-balancer-internal': 'true' });
    expect(service.metadata.labels.tier).toBe('api');
    expect(service.spec.ports.map((p: any) => p.name)).toEqual(['http', 'management']);
    expect(kestra.service.name).toBe('kestra');
    rejects(() => synthKestra({ service: { type: 'ClusterIP', loadBalancerSourceRanges: ['10.0.0.0/8'] } }), 'service.loadBalancerSourceRanges', 'LoadBalancer');
    rejects(() => synthKestra({ service: { type: 'External' as any } }), 'service.type', 'ClusterIP');
  });

  test('a private UI and a public webhook path: two Ingresses, exposed as kestra.ingresses', () => {
    const { kestra, objects } = synthKestra({
      ingress: [
        { host: 'kestra.internal.example.com', className: 'internal', tls: { secretName: 'internal-tls' } },
        {
          name: 'webhooks',
          host: 'hooks.example.com',
          className: 'public',
          tls: { secretName: 'hooks-tls' },
          paths: [{ path: '/api/v1/main/executions/webhook/', pathType: 'Prefix' }],
          annotations: { 'nginx.ingress.kubernetes.io/limit-rps': '10' },
        },
      ],
    });
    const ingresses = ofKind(objects, 'Ingress');
    expect(ingresses.map((i) => [i.metadata.name, i.spec.ingressClassName, i.spec.rules[0].host])).toEqual([
      ['kestra', 'internal', 'kestra.internal.example.com'], ['kestra-webhooks', 'public', 'hooks.example.com'],
    ]);
    expect(ingresses[1].spec.rules[0].http.paths).toEqual([
      { path: '/api/v1/main/executions/webhook/', pathType: 'Prefix', backend: { service: { name: 'kestra', port: { name: 'http' } } } },
    ]);
    expect(kestra.ingresses.map((i) => i.name)).toEqual(['kestra', 'kestra-webhooks']);
    expect((objects as any[]).find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'kestra-config').data['application.yml'])
      .toContain('url: https://kestra.internal.example.com/');
    rejects(() => synthKestra({ ingress: [{ host: 'a.example.com' }, { host: 'b.example.com' }] }), 'ingress[1].name', 'required');
    rejects(() => synthKestra({ ingress: { host: 'a.example.com', paths: [{ path: 'api' }] } }), 'ingress.paths[0].path', 'start with "/"');
  });

  test('HPA behaviour and custom metrics; autoscalers and disruption budgets exposed', () => {
    const { kestra, objects } = synthKestra({
      mode: KestraMode.distributed(),
      storage: s3(),
      autoscaling: {
        worker: {
          maxReplicas: 10,
          behavior: { scaleDown: { stabilizationWindowSeconds: 600, policies: [{ type: 'Pods', value: 1, periodSeconds: 120 }] } },
          metrics: [{
            type: 'External',
            external: { metric: { name: 'kestra_queue_depth' }, target: { type: 'AverageValue', averageValue: k8s.Quantity.fromString('30') } },
          }],
        },
      },
    });
    const hpa = ofKind(objects, 'HorizontalPodAutoscaler', 'kestra-worker')[0];
    expect(hpa.spec.metrics).toEqual([{ type: 'External', external: { metric: { name: 'kestra_queue_depth' }, target: { type: 'AverageValue', averageValue: '30' } } }]);
    expect(hpa.spec.behavior).toEqual({ scaleDown: { stabilizationWindowSeconds: 600, policies: [{ type: 'Pods', value: 1, periodSeconds: 120 }] } });
    expect(Object.keys(kestra.autoscalers)).toEqual(['worker']);
    expect(Object.keys(kestra.disruptionBudgets)).toEqual(['worker']);
    rejects(() => synthKestra({ storage: s3(), autoscaling: { standalone: { maxReplicas: 2, metrics: [{ type: 'Custom' } as any] } } }), 'autoscaling.standalone.metrics[0].type', 'Resource');
  });
});

describe('the bundled database inherits scheduling and image pull secrets', () => {
  test('StatefulSet and credentials Job pods get nodeSelector, tolerations, affinity and pull secrets; exposed as kestra.bundledPostgres', () => {
    const affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'pool', operator: 'In', values: ['kestra'] }] }] } } };
    const { kestra, objects } = synthKestra({
      nodeSelector: { pool: 'kestra' },
      tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'kestra', effect: 'NoSchedule' }],
      affinity,
      topologySpread: { maxSkew: 1 },
      image: { pullSecrets: ['registry-creds'] },
    });
    for (const workload of [ofKind(objects, 'StatefulSet', 'kestra-postgres')[0], ofKind(objects, 'Job', 'kestra-postgres-credentials')[0]]) {
      const pod = podSpec(workload);
      expect(pod.nodeSelector).toEqual({ pool: 'kestra' });
      expect(pod.tolerations).toEqual([{ key: 'dedicated', operator: 'Equal', value: 'kestra', effect: 'NoSchedule' }]);
      expect(pod.affinity).toEqual(affinity);
      expect(pod.imagePullSecrets).toEqual([{ name: 'registry-creds' }]);
      // The spread constraint selects Kestra's own pods; it is not copied.
      expect(pod.topologySpreadConstraints).toBeUndefined();
    }
    expect(kestra.bundledPostgres?.statefulSet.name).toBe('kestra-postgres');
    expect(synthKestra({ database: KestraDatabase.h2() }).kestra.bundledPostgres).toBeUndefined();
  });
});

describe('configMapConfiguration (Helm configurations.configmaps)', () => {
  test('files are mounted and read after the generated file and before the Secret ones; a change rolls the pods', () => {
    const props = {
      configMapConfiguration: [{ configMapName: 'kestra-extra', key: 'extra.yml' }],
      secretConfiguration: [{ secretName: 'kestra-secret-config', key: 'secret.yml' }],
    };
    const { kestra, objects } = synthKestra(props);
    const container = kestraContainer(objects, 'standalone');
    expect(container.env.find((e: any) => e.name === 'MICRONAUT_CONFIG_FILES').value)
      .toBe('/app/confs/application.yml,/app/configmaps/0/extra.yml,/app/secrets/0/secret.yml');
    expect(container.volumeMounts).toContainEqual({ name: 'config-map-0', mountPath: '/app/configmaps/0', readOnly: true });
    expect(podSpec(deployment(objects, 'standalone')).volumes).toContainEqual({ name: 'config-map-0', configMap: { name: 'kestra-extra', items: [{ key: 'extra.yml', path: 'extra.yml' }] } });
    const other = synthKestra({ ...props, configMapConfiguration: [{ configMapName: 'kestra-extra', key: 'other.yml' }] }).kestra;
    expect(other.configChecksum).not.toBe(kestra.configChecksum);
    rejects(() => synthKestra({ configMapConfiguration: [{ configMapName: 'Bad Name', key: 'x' }] }), 'configMapConfiguration[0].configMapName', 'DNS-1123');
  });
});
