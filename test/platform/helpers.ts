import { Chart, Testing } from 'cdk8s';
import { KestraValidationError } from '../../lib/common';
import { Kestra, KestraProps } from '../../lib/platform';
import { ManifestObject, synthValid } from '../util/k8s-schema';

/** Synthesizes one Kestra in a fresh chart and validates every object. */
export function synthKestra(props?: KestraProps, namespace: string | null = 'kestra'): { kestra: Kestra; objects: ManifestObject[] } {
  const chart = new Chart(Testing.app(), 'test', { namespace: namespace ?? undefined });
  const kestra = new Kestra(chart, 'kestra', props);
  return { kestra, objects: synthValid(chart) };
}

/** The pod spec of a workload object. */
export function podSpec(workload: any): any {
  return workload.spec.template.spec;
}

/** The Kestra configuration file rendered into the ConfigMap. */
export function configText(objects: ManifestObject[]): string {
  const configMap: any = objects.find((o) => o.kind === 'ConfigMap');
  return configMap.data['application.yml'];
}

/** Environment of the Kestra container by name. */
export function kestraEnv(workload: any): Record<string, any> {
  const container = podSpec(workload).containers.find((c: any) => c.name === 'kestra');
  return Object.fromEntries(container.env.map((e: any) => [e.name, e]));
}

/** Builds a Kestra in a fresh chart without synthesizing (for bad-input tests). */
export function build(props?: KestraProps, namespace: string | null = 'kestra'): Kestra {
  return new Kestra(new Chart(Testing.app(), 'test', { namespace: namespace ?? undefined }), 'kestra', props);
}

/** Expects a KestraValidationError naming `field`, whose message holds the field and every fragment (e.g. the value). */
export function rejects(make: () => unknown, field: string, ...fragments: string[]): void {
  let error: unknown;
  try {
    make();
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(KestraValidationError);
  expect((error as KestraValidationError).field).toBe(field);
  expect((error as Error).message).toContain(field);
  for (const fragment of fragments) expect((error as Error).message).toContain(fragment);
}
