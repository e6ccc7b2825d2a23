import { BASE_PROPS, newChart } from './operator-fixtures';
import { KestraValidationError } from '../../lib/common';
import { KestraOperator, KestraOperatorProps, OperatorCredentials } from '../../lib/operator';

function build(props: Partial<KestraOperatorProps>, namespace?: string | null): void {
  const { chart } = newChart(namespace);
  new KestraOperator(chart, 'operator', { ...BASE_PROPS, ...props } as KestraOperatorProps);
}

function errorOf(action: () => unknown, ofConstruct = true): KestraValidationError {
  try {
    action();
  } catch (e) {
    expect(e).toBeInstanceOf(KestraValidationError);
    // Every error names the operator construct first; the rest is compared below.
    const error = e as KestraValidationError;
    // Factories (OperatorCredentials) run outside any construct: their messages are compared whole.
    if (!ofConstruct) return error;
    expect(error.constructPath).toMatch(/^platform\/\w+$/);
    expect(error.message.startsWith(`${error.constructPath}: Invalid `)).toBe(true);
    return Object.assign(Object.create(KestraValidationError.prototype), error, { message: error.message.slice(error.constructPath!.length + 2) });
  }
  throw new Error('expected a KestraValidationError, nothing was thrown');
}

describe('connection', () => {
  test.each<[string, Partial<KestraOperatorProps>, string]>([
    ['neither kestra nor apiUrl', { apiUrl: undefined },
      'Invalid apiUrl: undefined: the operator needs the Kestra API: give kestra (a Kestra construct) or apiUrl'],
    ['both kestra and apiUrl', { kestra: { apiUrl: 'http://kestra:8080' } },
      'Invalid apiUrl: "http://kestra.kestra.svc.cluster.local:8080": give either kestra or apiUrl, not both'],
    ['an apiUrl that is not a URL', { apiUrl: 'kestra:8080/api' },
      'Invalid apiUrl: "kestra:8080/api": must be an absolute http:// or https:// URL, e.g. "http://kestra.kestra.svc.cluster.local:8080"'],
    ['a non-http apiUrl', { apiUrl: 'ftp://kestra:8080' },
      'Invalid apiUrl: "ftp://kestra:8080": must be an absolute http:// or https:// URL, e.g. "http://kestra.kestra.svc.cluster.local:8080"'],
    ['a Kestra endpoint with a bad URL', { apiUrl: undefined, kestra: { apiUrl: '' } },
      'Invalid kestra.apiUrl: "": must be an absolute http:// or https:// URL, e.g. "http://kestra.kestra.svc.cluster.local:8080"'],
  ])('rejects %s', (_case, props, message) => {
    expect(errorOf(() => build(props)).message).toBe(message);
  });

  test('rejects credentials embedded in the URL without repeating them', () => {
    const error = errorOf(() => build({ apiUrl: 'http://admin:s3cret@kestra:8080' }));
    expect(error.message).toBe('Invalid apiUrl: "http://***@kestra:8080": must not embed credentials; use credentials: OperatorCredentials.basicAuth(secretKeyRef)');
    expect(error.message).not.toContain('s3cret');
  });
});

describe('credentials', () => {
  test.each<[string, () => unknown, string]>([
    ['a Secret name that is not a DNS subdomain', () => OperatorCredentials.apiToken({ secretName: 'Kestra_Token', key: 'token' }),
      'Invalid credentials.secretName: "Kestra_Token": must be a DNS-1123 subdomain'],
    ['an empty key', () => OperatorCredentials.basicAuth({ secretName: 'kestra', key: '' }),
      'Invalid credentials.key: "": must be a non-empty Secret data key'],
    ['missing credentials', () => build({ credentials: undefined }),
      'Invalid credentials: undefined: must be OperatorCredentials.apiToken(secretKeyRef) or OperatorCredentials.basicAuth(secretKeyRef)'],
    ['a plain object instead of a factory', () => build({ credentials: { envName: 'KESTRA_API_API_KEY', secretKeyRef: { secretName: 'a', key: 'b' } } as any }),
      'Invalid credentials: {"envName":"KESTRA_API_API_KEY","secretKeyRef":{"secretName":"a","key":"b"}}: must be OperatorCredentials.apiToken'],
  ])('rejects %s', (_case, action, message) => {
    expect(errorOf(action, false).message).toContain(message);
  });
});

describe('watchNamespaces', () => {
  test.each<[string, string[], string]>([
    ['an empty list', [], 'Invalid watchNamespaces: []: must list at least one Kubernetes namespace; leave it out to watch every namespace'],
    ['a name that is not a DNS label', ['team-a', 'Team_B'], 'Invalid watchNamespaces[1]: "Team_B": must be a DNS-1123 label'],
    ['a duplicate', ['team-a', 'team-b', 'team-a'], 'Invalid watchNamespaces[2]: "team-a": is listed twice'],
  ])('rejects %s', (_case, watchNamespaces, message) => {
    expect(errorOf(() => build({ watchNamespaces })).message).toContain(message);
  });
});

describe('deployment settings', () => {
  test.each<[string, Partial<KestraOperatorProps>, string]>([
    ['an empty image tag', { imageTag: '' }, 'Invalid imageTag: "": must be a non-empty string'],
    ['an image tag with a space', { imageTag: 'v1 0' }, 'Invalid imageTag: "v1 0": must be an image tag'],
    ['an image repository with a tag', { imageRepository: 'registry.kestra.io/docker/kestra-operator:latest' },
      'Invalid imageRepository: "registry.kestra.io/docker/kestra-operator:latest": must be an image repository without tag'],
    ['zero replicas', { replicas: 0 }, 'Invalid replicas: 0: must be an integer greater than or equal to 1'],
    ['fractional replicas', { replicas: 1.5 }, 'Invalid replicas: 1.5: must be an integer greater than or equal to 1'],
    ['a bad resource quantity', { resources: { limits: { memory: '1 GB' } } }, 'Invalid resources.limits.memory: "1 GB": is not a Kubernetes quantity'],
    ['a bad image pull secret', { imagePullSecrets: ['ok', 'Not OK'] }, 'Invalid imagePullSecrets[1]: "Not OK": must be a DNS-1123 subdomain'],
    ['a name that is not a DNS label', { name: 'Kestra.Operator' }, 'Invalid name: "Kestra.Operator": must be a DNS-1123 label'],
    ['a namespace that is not a DNS label', { namespace: 'kestra_ops' }, 'Invalid namespace: "kestra_ops": must be a DNS-1123 label'],
  ])('rejects %s', (_case, props, message) => {
    expect(errorOf(() => build(props)).message).toContain(message);
  });

  test('requires a namespace when the chart has none', () => {
    expect(errorOf(() => build({}, null)).message).toBe('Invalid namespace: undefined: the operator\'s namespace must be known to bind its ServiceAccount: '
      + 'set namespace, or the namespace of the chart');
  });
});

describe('several operators in one app', () => {
  test('refuse the same name in the same namespace', () => {
    const { chart } = newChart();
    new KestraOperator(chart, 'a', { ...BASE_PROPS, name: 'kestra-operator', watchNamespaces: ['a'] });
    expect(errorOf(() => new KestraOperator(chart, 'b', { ...BASE_PROPS, name: 'kestra-operator', watchNamespaces: ['b'] })).message)
      .toBe('Invalid name: "kestra-operator": another operator (platform/a) already uses this name in namespace "kestra"');
  });

  test('refuse overlapping watch lists', () => {
    const { chart } = newChart();
    new KestraOperator(chart, 'a', { ...BASE_PROPS, watchNamespaces: ['team-a', 'shared'] });
    expect(errorOf(() => new KestraOperator(chart, 'b', { ...BASE_PROPS, watchNamespaces: ['shared', 'team-b'] })).message)
      .toBe('Invalid watchNamespaces: ["shared","team-b"]: namespace "shared" is already watched by another operator (platform/a)');
  });

  test('refuse a cluster-wide operator next to another', () => {
    const { chart } = newChart();
    new KestraOperator(chart, 'a', { ...BASE_PROPS, watchNamespaces: ['team-a'] });
    expect(errorOf(() => new KestraOperator(chart, 'b', BASE_PROPS)).message)
      .toBe('Invalid watchNamespaces: undefined: another operator (platform/a) is in this app; '
        + 'when several operators share a cluster, each needs its own watchNamespaces list, without overlap');
  });
});
