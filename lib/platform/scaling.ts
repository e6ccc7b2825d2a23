import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { AUTOSCALING_KEYS } from './option-keys';
import { KestraAutoscalingOptions } from './props';
import { KestraValidationError, rejectUnknownOptions, validatePositiveInteger } from '../common';

/** Validated autoscaling bounds of one component. */
export interface AutoscalingSpec {
  /** Fewest pods. */
  readonly minReplicas: number;
  /** Most pods. */
  readonly maxReplicas: number;
  /** CPU target in percent. */
  readonly cpuUtilization: number;
  /** Memory target in percent, if any. */
  readonly memoryUtilization?: number;
}

/** Checks the autoscaling map against the components that exist. */
export function resolveAutoscaling(autoscaling: Record<string, KestraAutoscalingOptions> | undefined,
  components: readonly string[]): Map<string, AutoscalingSpec> {
  const out = new Map<string, AutoscalingSpec>();
  if (autoscaling === undefined) return out;
  if (autoscaling === null || typeof autoscaling !== 'object') throw new KestraValidationError('autoscaling', autoscaling, 'must be an object keyed by component');
  for (const [component, options] of Object.entries(autoscaling)) {
    const field = `autoscaling.${component}`;
    if (!components.includes(component)) {
      throw new KestraValidationError('autoscaling', component, `unknown component; this deployment has ${components.join(', ')}`);
    }
    rejectUnknownOptions(field, options ?? null, AUTOSCALING_KEYS);
    const minReplicas = validatePositiveInteger(`${field}.minReplicas`, options.minReplicas ?? 1);
    const maxReplicas = validatePositiveInteger(`${field}.maxReplicas`, options.maxReplicas);
    if (maxReplicas < minReplicas) throw new KestraValidationError(`${field}.maxReplicas`, maxReplicas, `must be at least minReplicas (${minReplicas})`);
    const cpuUtilization = validatePositiveInteger(`${field}.cpuUtilization`, options.cpuUtilization ?? 80);
    const memoryUtilization = options.memoryUtilization === undefined ? undefined : validatePositiveInteger(`${field}.memoryUtilization`, options.memoryUtilization);
    out.set(component, { minReplicas, maxReplicas, cpuUtilization, memoryUtilization });
  }
  return out;
}

/** An autoscaling/v2 HorizontalPodAutoscaler for a Deployment; the Deployment then leaves `replicas` to it. */
export function addAutoscaler(scope: Construct, id: string, deployment: kplus.Deployment, name: string, spec: AutoscalingSpec): ApiObject {
  deployment.markHasAutoscaler();
  const utilization = (resource: string, value: number) => ({ type: 'Resource', resource: { name: resource, target: { type: 'Utilization', averageUtilization: value } } });
  const metrics = [utilization('cpu', spec.cpuUtilization)];
  if (spec.memoryUtilization !== undefined) metrics.push(utilization('memory', spec.memoryUtilization));
  return new ApiObject(scope, id, {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: deployment.name },
      minReplicas: spec.minReplicas,
      maxReplicas: spec.maxReplicas,
      metrics,
    },
  });
}

/** A policy/v1 PodDisruptionBudget letting one pod at a time be evicted. */
export function addDisruptionBudget(scope: Construct, id: string, name: string, labels: Record<string, string>): ApiObject {
  return new ApiObject(scope, id, {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name, labels },
    spec: { maxUnavailable: 1, selector: { matchLabels: labels } },
  });
}
