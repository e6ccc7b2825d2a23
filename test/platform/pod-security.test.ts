import { Chart, Testing } from 'cdk8s';
import { synthKestra } from './helpers';
import { podSecurityViolations, podTemplates } from './models/pod-security-standards';
import { KestraOperator, OperatorCredentials } from '../../lib/operator';
import { KestraDatabase, KestraMode, KestraScratchVolume, KestraStorage, KestraTaskRunner } from '../../lib/platform';
import { synthValid } from '../util/k8s-schema';

function violations(objects: readonly any[], level: 'baseline' | 'restricted'): Record<string, string[]> {
  return Object.fromEntries([...podTemplates(objects)].map(([name, pod]) => [name, podSecurityViolations(pod, level)]));
}

describe('Pod Security Standards (model of pod-security-admission)', () => {
  test('the model catches what it should: a privileged container, a root user, a missing drop ALL', () => {
    const pod = { containers: [{ name: 'c', securityContext: { privileged: true, runAsUser: 0 } }], volumes: [{ name: 'h', hostPath: { path: '/' } }] };
    expect(podSecurityViolations(pod, 'baseline')).toEqual(['privileged: container c', 'hostPath volume h']);
    expect(podSecurityViolations(pod, 'restricted')).toEqual(expect.arrayContaining([
      'allowPrivilegeEscalation != false: container c', 'runAsUser=0: container c', 'capabilities: container c does not drop ALL', 'volume type: h (hostPath)',
    ]));
  });

  test('zero props: PostgreSQL and the password Job meet restricted; the Kestra pod does not even meet baseline, because of the privileged DinD sidecar only', () => {
    const { objects } = synthKestra();
    const restricted = violations(objects, 'restricted');
    expect(Object.keys(restricted).sort()).toEqual(['Deployment/kestra-standalone', 'Job/kestra-postgres-credentials', 'StatefulSet/kestra-postgres']);
    expect(restricted['StatefulSet/kestra-postgres']).toEqual([]);
    expect(restricted['Job/kestra-postgres-credentials']).toEqual([]);
    expect(violations(objects, 'baseline')['Deployment/kestra-standalone']).toEqual(['privileged: container dind']);
    expect(restricted['Deployment/kestra-standalone'].every((v) => v.includes('container dind'))).toBe(true);
  });

  test('distributed with DinD: only the pods that run tasks (workers) fail; webserver, executor, scheduler and indexer meet restricted', () => {
    const { objects } = synthKestra({ mode: KestraMode.distributed({ workerGroups: { gpu: {} } }), storage: KestraStorage.s3({ bucket: 'b', region: 'r' }) });
    const restricted = violations(objects, 'restricted');
    const failing = Object.keys(restricted).filter((name) => restricted[name].length > 0).sort();
    expect(failing).toEqual(['Deployment/kestra-worker', 'Deployment/kestra-worker-gpu']);
    for (const name of failing) expect(violations(objects, 'baseline')[name]).toEqual(['privileged: container dind']);
  });

  test.each([
    ['KestraTaskRunner.none(), zero other props', { taskRunner: KestraTaskRunner.none() }],
    ['KestraTaskRunner.none(), distributed, external database, autoscaling', {
      taskRunner: KestraTaskRunner.none(),
      mode: KestraMode.distributed(),
      database: KestraDatabase.postgres({ url: 'jdbc:postgresql://db:5432/k', username: 'k', password: { secretName: 'db', key: 'pw' } }),
      storage: KestraStorage.s3({ bucket: 'b', region: 'r' }),
      autoscaling: { worker: { maxReplicas: 4 } },
    }],
    ['KestraTaskRunner.kubernetes() (EE), distributed, ephemeral working directories', {
      taskRunner: KestraTaskRunner.kubernetes({ namespace: 'tasks' }),
      mode: KestraMode.distributed({ worker: { scratch: { workingDirectory: KestraScratchVolume.ephemeral({ size: '50Gi', storageClassName: 'fast' }) } } }),
      storage: KestraStorage.s3({ bucket: 'b', region: 'r' }),
    }],
  ])('%s: every pod meets restricted', (_name, props) => {
    const { objects } = synthKestra(props as any);
    const result = violations(objects, 'restricted');
    expect(Object.keys(result).length).toBeGreaterThan(0);
    expect(JSON.stringify([...podTemplates(objects).values()])).not.toContain('"privileged":true');
    expect(result).toEqual(Object.fromEntries(Object.keys(result).map((k) => [k, []])));
  });

  test('the operator pod meets restricted, with the image\'s own user and no service links', () => {
    const chart = new Chart(Testing.app(), 'op', { namespace: 'ops' });
    new KestraOperator(chart, 'operator', { apiUrl: 'http://kestra:8080', credentials: OperatorCredentials.apiToken({ secretName: 't', key: 'k' }), installCrds: false });
    const pods = podTemplates(synthValid(chart));
    const [pod] = [...pods.values()];
    expect(podSecurityViolations(pod, 'restricted')).toEqual([]);
    expect(pod.securityContext.runAsUser).toBeUndefined();
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(pod.enableServiceLinks).toBe(false);
  });
});
