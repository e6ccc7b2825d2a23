import * as yaml from 'js-yaml';
import { build, configText, kestraEnv, podSpec, rejects, synthKestra } from './helpers';
import { KestraDatabase, KestraMode, KestraScratchVolume, KestraStorage, KestraTaskRunner } from '../../lib/platform';
import { ofKind } from '../util/k8s-schema';

const s3 = KestraStorage.s3({ bucket: 'b', region: 'r' });

describe('NetworkPolicy around the Kestra pods', () => {
  test('admits only 8080 and 8081 to every Kestra pod; the bundled PostgreSQL keeps its own policy', () => {
    const { objects } = synthKestra({ mode: KestraMode.distributed(), storage: s3 });
    const policy = ofKind(objects, 'NetworkPolicy', 'kestra')[0];
    expect(policy.spec.policyTypes).toEqual(['Ingress']);
    expect(policy.spec.ingress).toEqual([{ ports: [{ protocol: 'TCP', port: 8080 }, { protocol: 'TCP', port: 8081 }] }]);
    for (const deployment of ofKind(objects, 'Deployment')) {
      const labels = Object.entries(deployment.spec.template.metadata.labels);
      for (const label of Object.entries(policy.spec.podSelector.matchLabels)) expect(labels).toContainEqual(label);
    }
    // The PostgreSQL pods do not carry the Kestra labels, so this policy does not open them.
    const pg = ofKind(objects, 'StatefulSet', 'kestra-postgres')[0].spec.template.metadata.labels;
    expect(pg['app.kubernetes.io/name']).not.toBe(policy.spec.podSelector.matchLabels['app.kubernetes.io/name']);
    expect(ofKind(objects, 'NetworkPolicy', 'kestra-postgres')).toHaveLength(1);
  });

  test('networkPolicy: false leaves it out', () => {
    expect(ofKind(synthKestra({ networkPolicy: false }).objects, 'NetworkPolicy', 'kestra')).toHaveLength(0);
  });
});

describe('H2 with more than one pod', () => {
  test.each([
    ['replicas', { mode: KestraMode.standalone({ replicas: 2 }) }],
    ['autoscaling', { autoscaling: { standalone: { maxReplicas: 3 } } }],
    ['distributed', { mode: KestraMode.distributed() }],
  ])('is refused with %s', (_name, props) => {
    rejects(() => build({ ...props, database: KestraDatabase.h2(), storage: s3 }), 'database', '"h2"', 'each pod would have its own database');
  });

  test('one standalone pod is accepted', () => {
    expect(() => build({ database: KestraDatabase.h2() })).not.toThrow();
  });
});

describe('sizing and JVM', () => {
  test('standalone defaults to Kestra\'s documented minimum, 2 vCPU and 4 GiB, and the heap follows the container', () => {
    const { objects } = synthKestra();
    const deployment = ofKind(objects, 'Deployment', 'kestra-standalone')[0];
    expect(podSpec(deployment).containers[0].resources).toEqual({ requests: { cpu: '2', memory: '4Gi' }, limits: { memory: '4Gi' } });
    expect(kestraEnv(deployment).JAVA_OPTS.value).toBe('-XX:MaxRAMPercentage=75');
  });

  test('distributed components are sized by role', () => {
    const { objects } = synthKestra({ mode: KestraMode.distributed(), storage: s3 });
    const requests = (name: string) => podSpec(ofKind(objects, 'Deployment', `kestra-${name}`)[0]).containers[0].resources.requests;
    expect(requests('worker')).toEqual({ cpu: '2', memory: '4Gi' });
    expect(requests('webserver')).toEqual({ cpu: '1', memory: '2Gi' });
    expect(requests('executor')).toEqual({ cpu: '1', memory: '2Gi' });
    expect(requests('scheduler')).toEqual({ cpu: '500m', memory: '1Gi' });
    expect(requests('indexer')).toEqual({ cpu: '500m', memory: '1Gi' });
  });

  test('a CPU limit sets -XX:ActiveProcessorCount (rounded up); typed jvm options per component', () => {
    const { objects } = synthKestra({
      mode: KestraMode.distributed({
        worker: { resources: { requests: { cpu: '1', memory: '2Gi' }, limits: { cpu: '1500m', memory: '2Gi' } } },
        executor: { jvm: { maxRamPercentage: 60, activeProcessorCount: 3, extraOptions: ['-XX:+HeapDumpOnOutOfMemoryError'] } },
      }),
      storage: s3,
    });
    const javaOpts = (name: string) => kestraEnv(ofKind(objects, 'Deployment', `kestra-${name}`)[0]).JAVA_OPTS.value;
    expect(javaOpts('worker')).toBe('-XX:MaxRAMPercentage=75 -XX:ActiveProcessorCount=2');
    expect(javaOpts('executor')).toBe('-XX:MaxRAMPercentage=60 -XX:ActiveProcessorCount=3 -XX:+HeapDumpOnOutOfMemoryError');
    expect(javaOpts('webserver')).toBe('-XX:MaxRAMPercentage=75');
  });

  test.each<[string, () => unknown, string, string]>([
    ['request above limit (memory)', () => KestraMode.standalone({ resources: { requests: { memory: '4Gi' }, limits: { memory: '2Gi' } } }), 'mode.standalone.resources.requests.memory', '"4Gi"'],
    ['request above limit (cpu, mixed units)', () => KestraMode.distributed({ worker: { resources: { requests: { cpu: '1.5' }, limits: { cpu: '1200m' } } } }), 'mode.distributed.worker.resources.requests.cpu', '"1.5"'],
    ['request above limit (DinD)', () => KestraTaskRunner.dind({ resources: { requests: { memory: '3G' }, limits: { memory: '2Gi' } } }), 'taskRunner.resources.requests.memory', '"3G"'],
    ['heap percentage above 100', () => KestraMode.standalone({ jvm: { maxRamPercentage: 120 } }), 'mode.standalone.jvm.maxRamPercentage', '120'],
    ['JVM option with a space', () => KestraMode.standalone({ jvm: { extraOptions: ['-Dx=a b'] } }), 'mode.standalone.jvm.extraOptions[0]', '"-Dx=a b"'],
    ['negative grace period', () => KestraMode.standalone({ terminationGracePeriodSeconds: -1 }), 'mode.standalone.terminationGracePeriodSeconds', '-1'],
    ['working directory on a component that runs no task', () => KestraMode.distributed({ executor: { scratch: { workingDirectory: KestraScratchVolume.emptyDir() } } }), 'mode.distributed.executor.scratch.workingDirectory', '"emptyDir"'],
    ['unparsable scratch size', () => KestraMode.standalone({ scratch: { tmpSizeLimit: 'big' } }), 'mode.standalone.scratch.tmpSizeLimit', '"big"'],
  ])('refuses %s', (_name, make, field, value) => rejects(make, field, value));

  test('a request equal to its limit, in other units, is accepted', () => {
    expect(() => KestraMode.standalone({ resources: { requests: { cpu: '1000m', memory: '1024Mi' }, limits: { cpu: '1', memory: '1Gi' } } })).not.toThrow();
  });
});

describe('grace period', () => {
  test('360 s on pods that run tasks, configurable; Kubernetes\' default 30 s on the others', () => {
    const mode = KestraMode.distributed({ workerGroups: { slow: { terminationGracePeriodSeconds: 3600 } } });
    const { objects } = synthKestra({ mode, storage: s3 });
    const grace = (name: string) => podSpec(ofKind(objects, 'Deployment', `kestra-${name}`)[0]).terminationGracePeriodSeconds;
    expect(grace('worker')).toBe(360);
    expect(grace('worker-slow')).toBe(3600);
    expect(grace('executor')).toBe(30);
    expect(grace('webserver')).toBe(30);
  });
});

describe('scratch space', () => {
  test('HOME is writable under a read-only root filesystem, and every scratch emptyDir is bounded', () => {
    const { objects } = synthKestra();
    const pod = podSpec(ofKind(objects, 'Deployment')[0]);
    const kestra = pod.containers[0];
    expect(kestra.securityContext.readOnlyRootFilesystem).toBe(true);
    const home = kestraEnv(ofKind(objects, 'Deployment')[0]).HOME.value;
    const homeMount = kestra.volumeMounts.find((m: any) => m.mountPath === home);
    expect(homeMount).toBeDefined();
    expect(homeMount.readOnly).not.toBe(true);
    const emptyDirs = pod.volumes.filter((v: any) => v.emptyDir);
    expect(emptyDirs.map((v: any) => v.name).sort()).toEqual(['dind-data', 'dind-socket', 'home', 'tmp', 'working-dir']);
    for (const volume of emptyDirs) expect(volume.emptyDir.sizeLimit).toMatch(/^\d+(Mi|Gi)$/);
    expect(Object.fromEntries(emptyDirs.map((v: any) => [v.name, v.emptyDir.sizeLimit]))).toEqual({
      'tmp': '1Gi', 'home': '256Mi', 'working-dir': '10Gi', 'dind-socket': '1Mi', 'dind-data': '20Gi',
    });
  });

  test('the working directory and the DinD data can be generic ephemeral volumes; limits are configurable', () => {
    const { objects } = synthKestra({
      mode: KestraMode.standalone({ scratch: { tmpSizeLimit: '2Gi', homeSizeLimit: '1Gi', workingDirectory: KestraScratchVolume.ephemeral({ size: '50Gi', storageClassName: 'fast-ssd' }) } }),
      taskRunner: KestraTaskRunner.dind({ dataVolume: KestraScratchVolume.ephemeral({ size: '100Gi' }) }),
    });
    const pod = podSpec(ofKind(objects, 'Deployment')[0]);
    const volume = (name: string) => pod.volumes.find((v: any) => v.name === name);
    expect(volume('working-dir').ephemeral.volumeClaimTemplate.spec).toEqual({ accessModes: ['ReadWriteOnce'], storageClassName: 'fast-ssd', resources: { requests: { storage: '50Gi' } } });
    expect(volume('dind-data').ephemeral.volumeClaimTemplate.spec).toEqual({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '100Gi' } } });
    expect(volume('tmp').emptyDir.sizeLimit).toBe('2Gi');
    expect(volume('home').emptyDir.sizeLimit).toBe('1Gi');
    // The daemon bind-mounts task directories by path: it sees the same volume at the same place as Kestra.
    const mountOf = (c: any) => c.volumeMounts.find((m: any) => m.name === 'working-dir').mountPath;
    expect(mountOf(pod.initContainers[0])).toBe(mountOf(pod.containers[0]));
    const config: any = yaml.load(configText(objects));
    expect(config.kestra.tasks.tmpDir.path.startsWith(`${mountOf(pod.containers[0])}/`)).toBe(true);
  });
});

describe('cloud identity', () => {
  const annotations = { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/kestra' };

  test('annotations land on the one ServiceAccount every Kestra pod uses, workers with the Kubernetes runner included', () => {
    const { kestra, objects } = synthKestra({
      serviceAccount: { annotations }, mode: KestraMode.distributed(), storage: s3, taskRunner: KestraTaskRunner.kubernetes(),
    });
    const account = ofKind(objects, 'ServiceAccount', 'kestra')[0];
    expect(account.metadata.annotations).toEqual(annotations);
    for (const deployment of ofKind(objects, 'Deployment')) expect(podSpec(deployment).serviceAccountName).toBe('kestra');
    expect(kestra.serviceAccount.name).toBe('kestra');
    expect(ofKind(objects, 'RoleBinding', 'kestra-task-runner')[0].subjects).toEqual([{ kind: 'ServiceAccount', name: 'kestra', namespace: 'kestra' }]);
  });

  test('an existing account by name (create: false) is used and bound, not created', () => {
    const { objects } = synthKestra({ serviceAccount: { name: 'platform-kestra', create: false }, taskRunner: KestraTaskRunner.kubernetes() });
    expect(ofKind(objects, 'ServiceAccount', 'platform-kestra')).toHaveLength(0);
    expect(podSpec(ofKind(objects, 'Deployment')[0]).serviceAccountName).toBe('platform-kestra');
    expect(ofKind(objects, 'RoleBinding', 'kestra-task-runner')[0].subjects[0].name).toBe('platform-kestra');
  });

  test('a created account can be renamed', () => {
    const { objects } = synthKestra({ serviceAccount: { name: 'kestra-app' } });
    expect(ofKind(objects, 'ServiceAccount', 'kestra-app')).toHaveLength(1);
  });

  test.each<[string, any, string]>([
    ['create: false without a name', { create: false }, 'serviceAccount.name'],
    ['annotations on an account not created', { name: 'x', create: false, annotations }, 'serviceAccount.annotations'],
    ['an invalid name', { name: 'Kestra_SA' }, 'serviceAccount.name'],
  ])('refuses %s', (_name, serviceAccount, field) => rejects(() => build({ serviceAccount }), field));
});

describe('the EE Kubernetes task runner', () => {
  test('forced plugin defaults make script tasks run with it, in the task namespace, as the task account', () => {
    const { objects } = synthKestra({ taskRunner: KestraTaskRunner.kubernetes({ namespace: 'tasks' }) });
    const config: any = yaml.load(configText(objects));
    const runner = { type: 'io.kestra.plugin.ee.kubernetes.runner.Kubernetes', namespace: 'tasks', serviceAccountName: 'kestra-tasks' };
    expect(config.kestra.plugins.defaults).toEqual([
      { type: 'io.kestra.plugin.scripts', forced: true, values: { taskRunner: runner } },
      { type: runner.type, forced: true, values: { namespace: 'tasks', serviceAccountName: 'kestra-tasks' } },
    ]);
    expect(ofKind(objects, 'ServiceAccount', 'kestra-tasks')[0].metadata.namespace).toBe('tasks');
    expect(ofKind(objects, 'Role', 'kestra-task-runner')[0].rules.find((r: any) => r.resources[0] === 'pods/exec').verbs).toContain('create');
  });

  test('the task types are configurable', () => {
    const config: any = yaml.load(configText(synthKestra({ taskRunner: KestraTaskRunner.kubernetes({ taskTypes: ['io.kestra.plugin.scripts', 'io.kestra.plugin.dbt'] }) }).objects));
    expect(config.kestra.plugins.defaults.map((d: any) => d.type)).toEqual(['io.kestra.plugin.scripts', 'io.kestra.plugin.dbt', 'io.kestra.plugin.ee.kubernetes.runner.Kubernetes']);
    rejects(() => KestraTaskRunner.kubernetes({ taskTypes: ['not a type'] }), 'taskRunner.taskTypes[0]', '"not a type"');
  });
});

describe('configuration overlays that contradict a typed choice', () => {
  test.each<[string, Record<string, unknown>, string, string]>([
    ['another storage type', { kestra: { storage: { type: 's3' } } }, 'configuration.kestra.storage.type', 'storage (KestraStorage.local)'],
    ['settings of another storage', { kestra: { storage: { gcs: { bucket: 'x' } } } }, 'configuration.kestra.storage.gcs', 'storage (KestraStorage.local)'],
    ['another queue type', { kestra: { queue: { type: 'h2' } } }, 'configuration.kestra.queue.type', 'database (KestraDatabase.bundledPostgres)'],
    ['another repository type', { kestra: { repository: { type: 'mysql' } } }, 'configuration.kestra.repository.type', 'database (KestraDatabase.bundledPostgres)'],
    ['another datasource URL', { datasources: { postgres: { url: 'jdbc:postgresql://elsewhere/k' } } }, 'configuration.datasources.postgres.url', 'database (KestraDatabase.bundledPostgres)'],
    ['a second datasource', { datasources: { mysql: { url: 'jdbc:mysql://x/k' } } }, 'configuration.datasources.mysql', 'database (KestraDatabase.bundledPostgres)'],
  ])('%s is refused, naming both', (_name, configuration, field, origin) => rejects(() => build({ configuration }), field, origin));

  test('agreeing values and unrelated settings are accepted', () => {
    const { objects } = synthKestra({ configuration: { kestra: { queue: { type: 'postgres' }, storage: { type: 'local' } }, datasources: { postgres: { maximumPoolSize: 20 } } } });
    expect((yaml.load(configText(objects)) as any).datasources.postgres.maximumPoolSize).toBe(20);
  });
});

describe('basic authentication', () => {
  test('a literal user name must be an email address; enabled is not written (ignored since Kestra 0.24)', () => {
    const { objects } = synthKestra({ basicAuth: { username: 'admin@example.com', password: { secretName: 'auth', key: 'pass' } } });
    expect((yaml.load(configText(objects)) as any).kestra.server['basic-auth']).toEqual({ username: 'admin@example.com', password: '${CREDENTIALS_BASIC_AUTH_PASSWORD}' });
    rejects(() => build({ basicAuth: { username: 'admin', password: { secretName: 'auth', key: 'pass' } } }), 'basicAuth.username', '"admin"', 'email');
  });
});
