import { ApiObject, App, Chart, Testing } from 'cdk8s';
import * as yaml from 'js-yaml';
import { podSecurityViolations, podTemplates } from './models/pod-security-standards';
import { DistributedKestraChart } from '../../examples/distributed/main';
import { StandaloneKestraChart } from '../../examples/standalone/main';
import { KestraValidationError } from '../../lib/common';
import { Kestra, KestraDatabase, KestraTaskRunner } from '../../lib/platform';
import { KestraPlatform } from '../../lib/pulumi';
import { synthValid } from '../util/k8s-schema';

/** The pods of a manifest that the Namespace's enforced Pod Security level would refuse (model of pod-security-admission). */
function refusedPods(objects: any[], namespace: string): Record<string, string[]> {
  const level = objects.find((o) => o.kind === 'Namespace' && o.metadata.name === namespace).metadata.labels['pod-security.kubernetes.io/enforce'];
  if (level === 'privileged') return {};
  const refused: Record<string, string[]> = {};
  for (const [name, pod] of podTemplates(objects.filter((o) => (o.metadata.namespace ?? namespace) === namespace))) {
    const violations = podSecurityViolations(pod, level);
    if (violations.length > 0) refused[name] = violations;
  }
  return refused;
}

describe('createNamespace', () => {
  test('the Quick start manifest starts with its Namespace, so `kubectl apply -f` works on a fresh cluster', () => {
    const app = Testing.app();
    const objects = synthValid(new StandaloneKestraChart(app, 'kestra-standalone'));
    expect(objects[0]).toEqual({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: 'kestra',
        labels: {
          'pod-security.kubernetes.io/enforce': 'privileged',
          'pod-security.kubernetes.io/warn': 'restricted',
          'pod-security.kubernetes.io/audit': 'restricted',
        },
      },
    });
    // kubectl apply creates objects in file order: everything after the Namespace lives in it.
    expect(objects.slice(1).every((o) => o.metadata?.namespace === 'kestra')).toBe(true);
    // The YAML cdk8s writes keeps that order.
    const documents = yaml.loadAll(app.synthYaml()) as any[];
    expect(documents[0].kind).toBe('Namespace');
  });

  test('the Namespace stays first even when objects are added to the chart before and after the Kestra construct', () => {
    const chart = new Chart(Testing.app(), 'c', { namespace: 'kestra' });
    new Chart(chart, 'nested');
    const before = new ApiObject(chart, 'Before', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'before' } });
    new Kestra(chart, 'kestra', { createNamespace: true, database: KestraDatabase.h2() });
    new ApiObject(chart, 'After', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'after' } });
    const objects = synthValid(chart);
    expect(objects[0].kind).toBe('Namespace');
    expect(objects.map((o) => o.metadata?.name)).toEqual(expect.arrayContaining(['before', 'after']));
    expect(before.node.dependencies.map((d: any) => d.kind)).toEqual(['Namespace']);
  });

  test.each<[string, () => any[], string, string]>([
    ['zero props (DinD is privileged)', () => synthValid(new StandaloneKestraChart(Testing.app(), 's')), 'kestra', 'privileged'],
    ['no task runner', () => build({ taskRunner: KestraTaskRunner.none() }), 'kestra', 'restricted'],
    ['Kubernetes runner in the same namespace', () => build({ taskRunner: KestraTaskRunner.kubernetes() }), 'kestra', 'baseline'],
    ['own sidecar containers (the user\'s, not checked)', () => build({ taskRunner: KestraTaskRunner.none(), pods: { extraContainers: [{ name: 'proxy', image: 'envoyproxy/envoy:v1.35' }] } }), 'kestra', 'baseline'],
    ['Kubernetes runner elsewhere', () => build({ taskRunner: KestraTaskRunner.kubernetes({ namespace: 'kestra-tasks' }) }), 'kestra', 'restricted'],
  ])('enforces the strictest Pod Security level every pod it holds meets: %s', (_name, make, namespace, level) => {
    const objects = make();
    expect(objects.find((o) => o.kind === 'Namespace' && o.metadata.name === namespace).metadata.labels['pod-security.kubernetes.io/enforce']).toBe(level);
    expect(refusedPods(objects, namespace)).toEqual({});
  });

  test('the distributed example also emits the Kubernetes runner\'s task namespace before the Role and ServiceAccount in it', () => {
    const objects: any[] = synthValid(new DistributedKestraChart(Testing.app(), 'd'));
    const namespaces = objects.filter((o) => o.kind === 'Namespace');
    expect(namespaces.map((o) => [o.metadata.name, o.metadata.labels['pod-security.kubernetes.io/enforce']])).toEqual([['kestra', 'restricted'], ['kestra-tasks', 'baseline']]);
    const firstInTasks = objects.findIndex((o) => o.metadata?.namespace === 'kestra-tasks');
    expect(objects.findIndex((o) => o.kind === 'Namespace' && o.metadata.name === 'kestra-tasks')).toBeLessThan(firstInTasks);
  });

  test('labels and annotations of the Namespace can be added and win over the construct\'s', () => {
    const objects = build({ createNamespace: { labels: { 'pod-security.kubernetes.io/enforce': 'baseline', 'team': 'data' }, annotations: { 'owner.example.com/team': 'data' } } });
    const namespace = objects[0];
    expect(namespace.metadata.labels).toMatchObject({ 'pod-security.kubernetes.io/enforce': 'baseline', 'team': 'data' });
    expect(namespace.metadata.annotations).toEqual({ 'owner.example.com/team': 'data' });
  });

  test('off by default; refused without a Chart namespace, and next to KestraPlatform\'s own Namespace', () => {
    expect(build({}, false).filter((o) => o.kind === 'Namespace')).toEqual([]);
    expect(() => new Kestra(new Chart(Testing.app(), 'c'), 'kestra', { createNamespace: true, database: KestraDatabase.h2() })).toThrow(KestraValidationError);
    expect(() => new KestraPlatform('p', { kestra: { createNamespace: true } })).toThrow(/already has the Namespace "kestra"/);
  });
});

function build(props: ConstructorParameters<typeof Kestra>[2] = {}, createNamespace: boolean = true): any[] {
  const chart = new Chart(new App(), 'c', { namespace: 'kestra' });
  new Kestra(chart, 'kestra', { createNamespace, ...props });
  return synthValid(chart);
}
