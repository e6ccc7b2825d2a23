import { Chart, Testing } from 'cdk8s';
import { build, kestraEnv, podSpec, synthKestra } from './helpers';
import { KestraValidationError } from '../../lib/common';
import { GeneratedPasswordSecret, Kestra, KestraDatabase, KestraMode, KestraProps, KestraStorage } from '../../lib/platform';
import { ofKind, synthValid } from '../util/k8s-schema';

const JOB = 'kestra-postgres-credentials';
const supplied = () => KestraDatabase.bundledPostgres({ passwordSecret: { secretName: 'pg', key: 'pw' } });

/** Synthesizes twice from scratch: the objects (validated) and the YAML text. */
function synthTwice(props: () => KestraProps) {
  return [0, 1].map(() => {
    const app = Testing.app();
    const chart = new Chart(app, 'test', { namespace: 'kestra' });
    new Kestra(chart, 'kestra', props());
    return { objects: synthValid(chart), yaml: app.synthYaml() };
  });
}

function jobScript(objects: any[]): string {
  const command = podSpec(ofKind(objects, 'Job', JOB)[0]).containers[0].command;
  expect(command.slice(0, 2)).toEqual(['sh', '-c']);
  return command[2];
}

describe('synthesis is reproducible', () => {
  test.each<[string, () => KestraProps]>([
    ['no props', () => ({})],
    ['distributed with bundled PostgreSQL', () => ({ mode: KestraMode.distributed(), storage: KestraStorage.s3({ bucket: 'b', region: 'r' }) })],
    ['a supplied password Secret', () => ({ database: supplied() })],
  ])('%s: two synths are byte-identical', (_name, props) => {
    const [first, second] = synthTwice(props);
    expect(second.objects).toEqual(first.objects);
    expect(second.yaml).toBe(first.yaml);
    expect(first.yaml.length).toBeGreaterThan(1000);
  });
});

describe('the generated database password (no props)', () => {
  const { objects } = synthKestra();
  const job = ofKind(objects, 'Job', JOB)[0];
  const pod = podSpec(job);
  const script = jobScript(objects);

  test('no Secret and no secret material in the manifest', () => {
    expect(ofKind(objects, 'Secret')).toHaveLength(0);
    expect(objects.filter((o: any) => o.data && o.kind !== 'ConfigMap')).toEqual([]);
    expect(JSON.stringify(objects)).not.toMatch(/password-revision/);
  });

  test('Postgres and Kestra read the Secret the Job creates', () => {
    const ref = { name: 'kestra-postgres', key: 'password' };
    expect(kestraEnv(ofKind(objects, 'Deployment', 'kestra-standalone')[0]).CREDENTIALS_DATABASE_PASSWORD.valueFrom.secretKeyRef).toEqual(ref);
    expect(podSpec(ofKind(objects, 'StatefulSet', 'kestra-postgres')[0]).containers[0].env)
      .toContainEqual({ name: 'POSTGRES_PASSWORD', valueFrom: { secretKeyRef: ref } });
  });

  test('the Job may only create Secrets in the chart namespace', () => {
    const roles = [...ofKind(objects, 'Role'), ...ofKind(objects, 'ClusterRole')];
    expect(roles.map((r) => [r.kind, r.metadata.name, r.metadata.namespace])).toEqual([['Role', JOB, 'kestra']]);
    expect(roles[0].rules).toEqual([{ apiGroups: [''], resources: ['secrets'], verbs: ['create'] }]);
    const bindings = [...ofKind(objects, 'RoleBinding'), ...ofKind(objects, 'ClusterRoleBinding')];
    expect(bindings).toHaveLength(1);
    expect(bindings[0].metadata).toMatchObject({ name: JOB, namespace: 'kestra' });
    expect(bindings[0].roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: JOB });
    expect(bindings[0].subjects).toEqual([{ kind: 'ServiceAccount', name: JOB, namespace: 'kestra' }]);
  });

  test('only the Job pod gets an API token', () => {
    expect(ofKind(objects, 'ServiceAccount', JOB)[0]).toMatchObject({ metadata: { namespace: 'kestra' }, automountServiceAccountToken: false });
    expect(pod).toMatchObject({ serviceAccountName: JOB, automountServiceAccountToken: true, enableServiceLinks: false, restartPolicy: 'Never' });
    for (const workload of [...ofKind(objects, 'Deployment'), ...ofKind(objects, 'StatefulSet')]) {
      expect(podSpec(workload).automountServiceAccountToken).toBe(false);
    }
  });

  test('the Job pod meets the restricted standard and is kept after completion', () => {
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 100, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.containers).toHaveLength(1);
    expect(pod.containers[0].securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 100,
      runAsGroup: 100,
      allowPrivilegeEscalation: false,
      privileged: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(pod.containers[0].image).toMatch(/^curlimages\/curl:\d+\.\d+\.\d+$/);
    expect(pod.containers[0].resources.limits.memory).toBeDefined();
    expect(job.spec.backoffLimit).toBeGreaterThan(0);
    expect(job.spec.backoffLimit).toBeLessThanOrEqual(10);
    expect(job.spec.ttlSecondsAfterFinished).toBeUndefined();
  });

  test('the Job pod is never selected as the database', () => {
    const sts = ofKind(objects, 'StatefulSet', 'kestra-postgres')[0];
    const podLabels = job.spec.template.metadata.labels;
    const matches = (selector: Record<string, string>) => Object.entries(selector).every(([k, v]) => podLabels[k] === v);
    expect(matches(sts.spec.selector.matchLabels)).toBe(false);
    expect(matches(ofKind(objects, 'Service', 'kestra-postgres')[0].spec.selector)).toBe(false);
    expect(matches(ofKind(objects, 'NetworkPolicy', 'kestra-postgres')[0].spec.podSelector.matchLabels)).toBe(false);
  });

  test('the script POSTs to the chart namespace, quietly, with no literal password', () => {
    expect(script).toContain("'https://kubernetes.default.svc/api/v1/namespaces/kestra/secrets'");
    expect(script).toContain('/dev/urandom');
    expect(script).toMatch(/curl -q -sS -K - -o \/dev\/null -w '%\{http_code\}'/);
    expect(script).not.toMatch(/set -[a-z]*x/);
    expect(script).toContain('409)');
    // The body's value is the shell variable filled at run time, nothing from synth.
    expect(script).toContain('\\"data\\":{\\"password\\":\\"\' "$data" \'\\"}}\'');
    expect(script).not.toMatch(/echo[^\n]*\$(password|data|token)/);
  });

  test('follows the chart namespace', () => {
    const { objects: other } = synthKestra({}, 'prod');
    expect(jobScript(other)).toContain('/api/v1/namespaces/prod/secrets');
    expect(ofKind(other, 'Role', JOB)[0].metadata.namespace).toBe('prod');
    expect(ofKind(other, 'RoleBinding', JOB)[0].subjects[0].namespace).toBe('prod');
  });

  test('the Job image can be mirrored', () => {
    const { objects: other } = synthKestra({ database: KestraDatabase.bundledPostgres({ credentialsJobImage: 'registry.local/curl:8.16.0' }) });
    expect(podSpec(ofKind(other, 'Job', JOB)[0]).containers[0].image).toBe('registry.local/curl:8.16.0');
    expect(() => KestraDatabase.bundledPostgres({ credentialsJobImage: '' })).toThrow(/database\.credentialsJobImage/);
    expect(GeneratedPasswordSecret.DEFAULT_IMAGE).toBe(podSpec(job).containers[0].image);
  });
});

describe('a supplied password Secret', () => {
  test('creates no Job, RBAC object or Secret', () => {
    const { objects } = synthKestra({ database: supplied() });
    for (const kind of ['Job', 'Role', 'RoleBinding', 'Secret']) expect(ofKind(objects, kind)).toHaveLength(0);
    expect(ofKind(objects, 'ServiceAccount').map((a) => a.metadata.name)).toEqual(['kestra']);
    expect(kestraEnv(ofKind(objects, 'Deployment')[0]).CREDENTIALS_DATABASE_PASSWORD.valueFrom.secretKeyRef).toEqual({ name: 'pg', key: 'pw' });
  });

  test('works without a chart namespace', () => {
    expect(ofKind(synthKestra({ database: supplied() }, null).objects, 'StatefulSet')).toHaveLength(1);
  });
});

test('a generated password needs the chart namespace', () => {
  let error: any;
  try {
    build({}, null);
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(KestraValidationError);
  expect(error.field).toBe('namespace');
  expect(error.message).toMatch(/^Invalid namespace: undefined: .*set `namespace` on the Chart.*passwordSecret/);
});
