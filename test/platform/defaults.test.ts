import * as yaml from 'js-yaml';
import { configText, kestraEnv, podSpec, synthKestra } from './helpers';
import { KestraDatabase } from '../../lib/platform';
import { ofKind } from '../util/k8s-schema';

describe('Kestra with no props', () => {
  const { kestra, objects } = synthKestra();
  const deployment = ofKind(objects, 'Deployment', 'kestra-standalone')[0];
  const pod = podSpec(deployment);
  const containers = Object.fromEntries([...pod.containers, ...pod.initContainers ?? []].map((c: any) => [c.name, c]));

  test('exposes typed wiring points', () => {
    expect(kestra.apiUrl).toBe('http://kestra.kestra.svc.cluster.local:8080');
    expect(kestra.namespace).toBe('kestra');
    expect(Object.keys(kestra.components)).toEqual(['standalone']);
    expect(kestra.components.standalone.name).toBe('kestra-standalone');
    expect(kestra.service.name).toBe('kestra');
    expect(kestra.serviceAccount.name).toBe('kestra');
  });

  test('runs the standalone server from the pinned image with the mounted configuration', () => {
    expect(containers.kestra.image).toMatch(/^kestra\/kestra:v\d+\.\d+\.\d+$/);
    expect(containers.kestra.args).toEqual(['server', 'standalone']);
    expect(kestraEnv(deployment).MICRONAUT_CONFIG_FILES.value).toBe('/app/confs/application.yml');
    expect(containers.kestra.volumeMounts).toContainEqual({ mountPath: '/app/confs', name: 'config', readOnly: true });
    expect(deployment.spec.replicas).toBe(1);
    expect(deployment.spec.strategy.type).toBe('Recreate');
  });

  test('names the ports and probes the management port', () => {
    expect(containers.kestra.ports).toEqual([{ containerPort: 8080, name: 'http' }, { containerPort: 8081, name: 'management' }]);
    expect(containers.kestra.startupProbe.httpGet).toMatchObject({ path: '/health', port: 'management' });
    expect(containers.kestra.livenessProbe.httpGet).toMatchObject({ path: '/health/liveness', port: 'management' });
    expect(containers.kestra.readinessProbe.httpGet).toMatchObject({ path: '/health/readiness', port: 'management' });
  });

  test('keeps the password out of the ConfigMap and reads it from the Secret generated in the cluster', () => {
    const config: any = yaml.load(configText(objects));
    expect(config.datasources.postgres.password).toBe('${CREDENTIALS_DATABASE_PASSWORD}');
    expect(config.datasources.postgres.url).toBe('jdbc:postgresql://kestra-postgres:5432/kestra');
    expect(config.kestra.repository.type).toBe('postgres');
    expect(config.kestra.queue.type).toBe('postgres');
    expect(config.kestra.storage).toEqual({ type: 'local', local: { 'base-path': '/app/storage' } });
    expect(kestraEnv(deployment).CREDENTIALS_DATABASE_PASSWORD.valueFrom.secretKeyRef).toEqual({ name: 'kestra-postgres', key: 'password' });
    expect(ofKind(objects, 'Secret')).toHaveLength(0);
    expect(ofKind(objects, 'Job', 'kestra-postgres-credentials')).toHaveLength(1);
  });

  test('the same input synthesizes the same objects (no password drawn at synth)', () => {
    expect(synthKestra().objects).toEqual(objects);
  });

  test('bundles PostgreSQL on a volume, reachable only from Kestra pods', () => {
    const sts = ofKind(objects, 'StatefulSet', 'kestra-postgres')[0];
    const pg = podSpec(sts);
    expect(pg.securityContext).toMatchObject({ runAsUser: 999, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pg.containers[0].image).toMatch(/^postgres:\d+/);
    expect(pg.containers[0].env).toContainEqual({ name: 'PGDATA', value: '/var/lib/postgresql/data/pgdata' });
    expect(sts.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe('10Gi');
    const policy = ofKind(objects, 'NetworkPolicy', 'kestra-postgres')[0];
    expect(policy.spec.podSelector.matchLabels).toEqual(sts.spec.selector.matchLabels);
    expect(policy.spec.ingress).toEqual([{ from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'kestra', 'app.kubernetes.io/instance': 'kestra' } } }], ports: [{ protocol: 'TCP', port: 5432 }] }]);
    for (const label of Object.entries(policy.spec.ingress[0].from[0].podSelector.matchLabels)) {
      expect(Object.entries(deployment.spec.template.metadata.labels)).toContainEqual(label);
    }
    expect(ofKind(objects, 'Service', 'kestra-postgres')).toHaveLength(1);
  });

  test('stores internal storage on a PVC', () => {
    expect(ofKind(objects, 'PersistentVolumeClaim', 'kestra-storage')[0].spec.accessModes).toEqual(['ReadWriteOnce']);
    expect(containers.kestra.volumeMounts).toContainEqual({ mountPath: '/app/storage', name: 'storage' });
  });

  test('the Kestra container meets the restricted standard; only the DinD sidecar is privileged', () => {
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } });
    expect(containers.kestra.securityContext).toMatchObject({
      runAsNonRoot: true, allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] },
    });
    expect(containers.dind.image).toBe('docker:29.7-dind-rootless');
    expect(containers.dind.securityContext).toMatchObject({ privileged: true, runAsUser: 1000, runAsNonRoot: true });
    expect(kestraEnv(deployment).DOCKER_HOST.value).toBe('unix:///dind/docker.sock');
    expect(containers.dind.args).toContain('--host=unix:///dind/docker.sock');
    const shared = (c: any) => c.volumeMounts.filter((m: any) => ['dind-socket', 'working-dir'].includes(m.name)).map((m: any) => m.mountPath).sort();
    expect(shared(containers.dind)).toEqual(['/dind', '/tmp/kestra-wd']);
    expect(shared(containers.dind)).toEqual(shared(containers.kestra));
  });

  test('a checksum of the configuration rolls the pods', () => {
    expect(deployment.spec.template.metadata.annotations['checksum/config']).toBe(kestra.configChecksum);
    const other = synthKestra({ configuration: { kestra: { tutorialFlows: { enabled: false } } } }).kestra;
    expect(other.configChecksum).not.toBe(kestra.configChecksum);
  });

  test('the Service selects only the HTTP-serving pods', () => {
    const service = ofKind(objects, 'Service', 'kestra')[0];
    expect(service.spec.selector).toEqual({ 'app.kubernetes.io/name': 'kestra', 'app.kubernetes.io/instance': 'kestra', 'app.kubernetes.io/component': 'standalone' });
    expect(service.spec.ports).toEqual([{ name: 'http', port: 8080, targetPort: 8080 }, { name: 'management', port: 8081, targetPort: 8081 }]);
  });

  test('no PodDisruptionBudget, HPA or Ingress for a single pod', () => {
    expect(ofKind(objects, 'PodDisruptionBudget')).toHaveLength(0);
    expect(ofKind(objects, 'HorizontalPodAutoscaler')).toHaveLength(0);
    expect(ofKind(objects, 'Ingress')).toHaveLength(0);
  });

  test('without a Chart namespace the API URL is the short service name', () => {
    const database = KestraDatabase.bundledPostgres({ passwordSecret: { secretName: 'pg', key: 'pw' } });
    expect(synthKestra({ database }, null).kestra.apiUrl).toBe('http://kestra:8080');
  });
});
