import * as yaml from 'js-yaml';
import { configText, kestraEnv, podSpec, synthKestra } from './helpers';
import { KestraDatabase, KestraMode, KestraStorage, KestraTaskRunner } from '../../lib/platform';
import { ofKind } from '../util/k8s-schema';

const s3 = KestraStorage.s3({ bucket: 'my-bucket', region: 'eu-west-1' });

describe('distributed mode', () => {
  const { kestra, objects } = synthKestra({
    mode: KestraMode.distributed({
      webserver: { replicas: 2 },
      worker: { threads: 8, resources: { requests: { cpu: '2', memory: '4Gi' } } },
      workerGroups: { gpu: { threads: 2 } },
    }),
    storage: s3,
  });

  test('one Deployment per component with the Kestra command', () => {
    expect(Object.keys(kestra.components).sort()).toEqual(['executor', 'indexer', 'scheduler', 'webserver', 'worker', 'worker-gpu']);
    const args = (name: string) => podSpec(ofKind(objects, 'Deployment', `kestra-${name}`)[0]).containers[0].args;
    expect(args('webserver')).toEqual(['server', 'webserver']);
    expect(args('executor')).toEqual(['server', 'executor']);
    expect(args('scheduler')).toEqual(['server', 'scheduler']);
    expect(args('indexer')).toEqual(['server', 'indexer']);
    expect(args('worker')).toEqual(['server', 'worker', '--thread=8']);
    expect(args('worker-gpu')).toEqual(['server', 'worker', '--worker-group=gpu', '--thread=2']);
  });

  test('replicas, resources, rolling updates and disruption budgets', () => {
    const web = ofKind(objects, 'Deployment', 'kestra-webserver')[0];
    expect(web.spec.replicas).toBe(2);
    expect(web.spec.strategy.type).toBe('RollingUpdate');
    expect(podSpec(ofKind(objects, 'Deployment', 'kestra-worker')[0]).containers[0].resources).toEqual({ requests: { cpu: '2', memory: '4Gi' } });
    expect(ofKind(objects, 'PodDisruptionBudget').map((p) => p.metadata.name)).toEqual(['kestra-webserver']);
  });

  test('the Service routes to the webserver only; DinD only on workers', () => {
    expect(ofKind(objects, 'Service', 'kestra')[0].spec.selector['app.kubernetes.io/component']).toBe('webserver');
    for (const [name, deployment] of Object.entries(kestra.components)) {
      const pod = podSpec(ofKind(objects, 'Deployment', deployment.name)[0]);
      expect(pod.containers.map((c: any) => c.name)).toEqual(['kestra']);
      expect((pod.initContainers ?? []).map((c: any) => c.name)).toEqual(name.startsWith('worker') ? ['dind'] : []);
    }
  });

  test('standalone options render thread and resource settings', () => {
    const { objects: out } = synthKestra({ mode: KestraMode.standalone({ workerThreads: 4, resources: { limits: { cpu: '2', memory: '3Gi' } } }) });
    const container = podSpec(ofKind(out, 'Deployment', 'kestra-standalone')[0]).containers[0];
    expect(container.args).toEqual(['server', 'standalone', '--worker-thread=4']);
    expect(container.resources).toEqual({ limits: { cpu: '2', memory: '3Gi' } });
  });
});

describe('databases', () => {
  test.each([
    ['postgres', KestraDatabase.postgres({ url: 'jdbc:postgresql://db:5432/kestra', username: 'k', password: { secretName: 'db', key: 'pw' } }), 'org.postgresql.Driver'],
    ['mysql', KestraDatabase.mysql({ url: 'jdbc:mysql://db:3306/kestra', username: 'k', password: { secretName: 'db', key: 'pw' } }), 'com.mysql.cj.jdbc.Driver'],
  ])('%s reads its password from the given Secret and bundles nothing', (type, database, driver) => {
    const { objects } = synthKestra({ database });
    const config: any = yaml.load(configText(objects));
    expect(config.datasources[type]).toMatchObject({ driverClassName: driver, username: 'k', password: '${CREDENTIALS_DATABASE_PASSWORD}' });
    expect(config.kestra.repository.type).toBe(type);
    expect(config.kestra.queue.type).toBe(type);
    expect(kestraEnv(ofKind(objects, 'Deployment')[0]).CREDENTIALS_DATABASE_PASSWORD.valueFrom.secretKeyRef).toEqual({ name: 'db', key: 'pw' });
    expect(ofKind(objects, 'StatefulSet')).toHaveLength(0);
    expect(ofKind(objects, 'Secret')).toHaveLength(0);
  });

  test('h2 in standalone mode', () => {
    const config: any = yaml.load(configText(synthKestra({ database: KestraDatabase.h2() }).objects));
    expect(config.kestra.repository.type).toBe('h2');
    expect(config.datasources.h2.url).toMatch(/^jdbc:h2:/);
  });

  test('bundled postgres with a supplied Secret creates no Secret and uses the given size and class', () => {
    const { objects } = synthKestra({ database: KestraDatabase.bundledPostgres({ passwordSecret: { secretName: 'pg', key: 'pw' }, storageSize: '50Gi', storageClassName: 'fast' }) });
    expect(ofKind(objects, 'Secret')).toHaveLength(0);
    expect(ofKind(objects, 'Job')).toHaveLength(0);
    const sts = ofKind(objects, 'StatefulSet')[0];
    expect(sts.spec.volumeClaimTemplates[0].spec).toMatchObject({ storageClassName: 'fast', resources: { requests: { storage: '50Gi' } } });
    expect(podSpec(sts).containers[0].env).toContainEqual({ name: 'POSTGRES_PASSWORD', valueFrom: { secretKeyRef: { name: 'pg', key: 'pw' } } });
  });
});

describe('storage', () => {
  const credentials = { accessKeyId: { secretName: 'obj', key: 'id' }, secretAccessKey: { secretName: 'obj', key: 'secret' } };
  test.each([
    ['s3', KestraStorage.s3({ bucket: 'b', region: 'us-east-1', endpoint: 'https://s3.local', forcePathStyle: true, credentials }), { bucket: 'b', region: 'us-east-1', forcePathStyle: true, accessKey: '${CREDENTIALS_S3_ACCESS_KEY}' }, ['CREDENTIALS_S3_ACCESS_KEY', 'CREDENTIALS_S3_SECRET_KEY']],
    ['minio', KestraStorage.minio({ endpoint: 'minio.minio.svc', bucket: 'b', credentials }), { endpoint: 'minio.minio.svc', port: 9000, secretKey: '${CREDENTIALS_MINIO_SECRET_KEY}' }, ['CREDENTIALS_MINIO_ACCESS_KEY', 'CREDENTIALS_MINIO_SECRET_KEY']],
    ['gcs', KestraStorage.gcs({ bucket: 'b', projectId: 'p', serviceAccountKey: { secretName: 'gcp', key: 'key.json' } }), { bucket: 'b', projectId: 'p', serviceAccount: '${CREDENTIALS_GCS_SERVICE_ACCOUNT}' }, ['CREDENTIALS_GCS_SERVICE_ACCOUNT']],
    ['azure', KestraStorage.azure({ endpoint: 'https://a.blob.core.windows.net', container: 'kestra', connectionString: { secretName: 'az', key: 'cs' } }), { container: 'kestra', connectionString: '${CREDENTIALS_AZURE_CONNECTION_STRING}' }, ['CREDENTIALS_AZURE_CONNECTION_STRING']],
  ])('%s storage: config keys, secrets by env, no PVC, shareable', (type, storage, expected, envNames) => {
    const { objects } = synthKestra({ storage, mode: KestraMode.distributed() });
    const config: any = yaml.load(configText(objects));
    expect(config.kestra.storage.type).toBe(type);
    expect(config.kestra.storage[type]).toMatchObject(expected);
    const env = kestraEnv(ofKind(objects, 'Deployment', 'kestra-worker')[0]);
    for (const name of envNames) expect(env[name].valueFrom.secretKeyRef).toBeDefined();
    expect(ofKind(objects, 'PersistentVolumeClaim')).toHaveLength(0);
  });

  test('s3 without credentials relies on the default chain', () => {
    const config: any = yaml.load(configText(synthKestra({ storage: s3 }).objects));
    expect(config.kestra.storage.s3).toEqual({ bucket: 'my-bucket', region: 'eu-west-1' });
  });

  test('ReadWriteMany local storage may be shared by several pods', () => {
    const { objects } = synthKestra({ mode: KestraMode.distributed(), storage: KestraStorage.local({ accessMode: 'ReadWriteMany', size: '100Gi' }) });
    expect(ofKind(objects, 'PersistentVolumeClaim', 'kestra-storage')[0].spec).toMatchObject({ accessModes: ['ReadWriteMany'], resources: { requests: { storage: '100Gi' } } });
    expect(ofKind(objects, 'Deployment', 'kestra-executor')[0].spec.strategy.type).toBe('RollingUpdate');
  });
});

describe('task runners', () => {
  test('kubernetes: the Kestra ServiceAccount with a token on workers, exact Role in the task namespace, no sidecar', () => {
    const { kestra, objects } = synthKestra({ mode: KestraMode.distributed(), storage: s3, taskRunner: KestraTaskRunner.kubernetes({ namespace: 'tasks' }) });
    const role = ofKind(objects, 'Role', 'kestra-task-runner')[0];
    expect(role.metadata.namespace).toBe('tasks');
    expect(role.rules).toEqual([
      { apiGroups: [''], resources: ['pods'], verbs: ['get', 'create', 'delete', 'watch', 'list'] },
      { apiGroups: [''], resources: ['pods/log'], verbs: ['get', 'watch'] },
      // Kubernetes 1.35 authorizes the exec WebSocket upgrade with `create` (KEP-4006).
      { apiGroups: [''], resources: ['pods/exec'], verbs: ['get', 'create', 'watch'] },
    ]);
    const binding = ofKind(objects, 'RoleBinding', 'kestra-task-runner')[0];
    expect(binding.metadata.namespace).toBe('tasks');
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'kestra', namespace: 'kestra' }]);
    const worker = podSpec(ofKind(objects, 'Deployment', 'kestra-worker')[0]);
    expect(worker.serviceAccountName).toBe(kestra.serviceAccount.name);
    expect(worker.automountServiceAccountToken).toBe(true);
    const taskAccount = ofKind(objects, 'ServiceAccount', 'kestra-tasks')[0];
    expect(taskAccount.metadata.namespace).toBe('tasks');
    expect(taskAccount.automountServiceAccountToken).toBe(false);
    expect(kestra.taskPodServiceAccount!.name).toBe('kestra-tasks');
    expect(worker.containers.map((c: any) => c.name)).toEqual(['kestra']);
    const executor = podSpec(ofKind(objects, 'Deployment', 'kestra-executor')[0]);
    expect(executor.automountServiceAccountToken).toBe(false);
    expect(executor.serviceAccountName).toBe('kestra');
  });

  test('insecure DinD runs the daemon as root in the sidecar only', () => {
    const { objects } = synthKestra({ taskRunner: KestraTaskRunner.dind({ mode: 'insecure', resources: { limits: { memory: '8Gi' } } }) });
    const [kestra] = podSpec(ofKind(objects, 'Deployment')[0]).containers;
    const [dind] = podSpec(ofKind(objects, 'Deployment')[0]).initContainers;
    expect(dind.image).toBe('docker:29.7-dind');
    expect(dind.securityContext).toMatchObject({ privileged: true, runAsUser: 0 });
    expect(dind.resources).toEqual({ limits: { memory: '8Gi' } });
    expect(kestra.securityContext).toMatchObject({ privileged: false, allowPrivilegeEscalation: false, runAsNonRoot: true });
  });

  test('none: no sidecar and no DOCKER_HOST', () => {
    const { objects } = synthKestra({ taskRunner: KestraTaskRunner.none() });
    const deployment = ofKind(objects, 'Deployment')[0];
    expect(podSpec(deployment).containers).toHaveLength(1);
    expect(podSpec(deployment).initContainers).toBeUndefined();
    expect(kestraEnv(deployment).DOCKER_HOST).toBeUndefined();
  });
});

describe('other options', () => {
  test('image, pull secrets, basic auth, extra env, secret configuration and configuration overlay', () => {
    const { objects } = synthKestra({
      image: { repository: 'registry.local/kestra', tag: 'v1.0.0', pullPolicy: 'Always', pullSecrets: ['regcred'] },
      basicAuth: { username: { secretName: 'auth', key: 'user' }, password: { secretName: 'auth', key: 'pass' } },
      extraEnv: { TZ: 'Europe/Paris', API_TOKEN: { secretName: 'tokens', key: 'api' } },
      secretConfiguration: [{ secretName: 'kestra-secrets', key: 'secrets.yml' }],
      configuration: { kestra: { queue: { type: 'postgres' }, tutorialFlows: { enabled: false } } },
    });
    const deployment = ofKind(objects, 'Deployment')[0];
    const pod = podSpec(deployment);
    expect(pod.containers[0].image).toBe('registry.local/kestra:v1.0.0');
    expect(pod.containers[0].imagePullPolicy).toBe('Always');
    expect(pod.imagePullSecrets).toEqual([{ name: 'regcred' }]);
    const env = kestraEnv(deployment);
    expect(env.CREDENTIALS_BASIC_AUTH_PASSWORD.valueFrom.secretKeyRef).toEqual({ name: 'auth', key: 'pass' });
    expect(env.TZ.value).toBe('Europe/Paris');
    expect(env.API_TOKEN.valueFrom.secretKeyRef).toEqual({ name: 'tokens', key: 'api' });
    expect(env.MICRONAUT_CONFIG_FILES.value).toBe('/app/confs/application.yml,/app/secrets/0/secrets.yml');
    const config: any = yaml.load(configText(objects));
    // Kestra >= 0.24 ignores `enabled`: basic authentication is always on.
    expect(config.kestra.server['basic-auth']).toEqual({ username: '${CREDENTIALS_BASIC_AUTH_USERNAME}', password: '${CREDENTIALS_BASIC_AUTH_PASSWORD}' });
    expect(config.kestra.tutorialFlows).toEqual({ enabled: false });
    expect(config.kestra.repository.type).toBe('postgres');
  });

  test('ingress, autoscaling and placement', () => {
    const { objects } = synthKestra({
      mode: KestraMode.distributed(),
      storage: s3,
      ingress: { host: 'kestra.example.com', className: 'nginx', tls: { secretName: 'kestra-tls' }, annotations: { 'cert-manager.io/cluster-issuer': 'le' } },
      autoscaling: { worker: { minReplicas: 2, maxReplicas: 6, memoryUtilization: 75 } },
      nodeSelector: { pool: 'kestra' },
      tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'kestra', effect: 'NoSchedule' }],
      affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'arch', operator: 'In', values: ['amd64'] }] }] } } },
      topologySpread: { maxSkew: 2, whenUnsatisfiable: 'DoNotSchedule' },
    });
    const ingress = ofKind(objects, 'Ingress', 'kestra')[0];
    expect(ingress.spec).toMatchObject({ ingressClassName: 'nginx', tls: [{ hosts: ['kestra.example.com'], secretName: 'kestra-tls' }] });
    expect(ingress.spec.rules[0].http.paths[0].backend.service).toEqual({ name: 'kestra', port: { name: 'http' } });
    const config: any = yaml.load(configText(objects));
    expect(config.kestra.url).toBe('https://kestra.example.com/');
    const hpa = ofKind(objects, 'HorizontalPodAutoscaler', 'kestra-worker')[0];
    expect(hpa.apiVersion).toBe('autoscaling/v2');
    expect(hpa.spec).toMatchObject({ minReplicas: 2, maxReplicas: 6, scaleTargetRef: { kind: 'Deployment', name: 'kestra-worker' } });
    expect(hpa.spec.metrics.map((m: any) => [m.resource.name, m.resource.target.averageUtilization])).toEqual([['cpu', 80], ['memory', 75]]);
    const worker = ofKind(objects, 'Deployment', 'kestra-worker')[0];
    expect(worker.spec.replicas).toBeUndefined();
    expect(ofKind(objects, 'PodDisruptionBudget', 'kestra-worker')[0].spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: worker.spec.selector.matchLabels } });
    const pod = podSpec(worker);
    expect(pod.nodeSelector).toEqual({ pool: 'kestra' });
    expect(pod.tolerations).toEqual([{ key: 'dedicated', operator: 'Equal', value: 'kestra', effect: 'NoSchedule' }]);
    expect(pod.affinity.nodeAffinity).toBeDefined();
    expect(pod.topologySpreadConstraints).toEqual([{ maxSkew: 2, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: worker.spec.selector.matchLabels } }]);
  });

  test('podDisruptionBudget: false and a custom name', () => {
    const { kestra, objects } = synthKestra({ name: 'orchestrator', podDisruptionBudget: false, mode: KestraMode.distributed({ executor: { replicas: 3 } }), storage: s3 });
    expect(ofKind(objects, 'PodDisruptionBudget')).toHaveLength(0);
    expect(kestra.apiUrl).toBe('http://orchestrator.kestra.svc.cluster.local:8080');
    expect(ofKind(objects, 'Deployment', 'orchestrator-executor')[0].spec.replicas).toBe(3);
  });

  test('readOnlyRootFilesystem can be turned off for the Kestra container', () => {
    const { objects } = synthKestra({ readOnlyRootFilesystem: false });
    expect(podSpec(ofKind(objects, 'Deployment')[0]).containers[0].securityContext.readOnlyRootFilesystem).toBe(false);
  });
});
