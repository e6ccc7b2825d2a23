import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import * as k8s from 'cdk8s-plus-27/lib/imports/k8s';
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
  /** CPU target in percent, unless only custom metrics are used. */
  readonly cpuUtilization?: number;
  /** Memory target in percent, if any. */
  readonly memoryUtilization?: number;
  /** Further metrics, in wire form. */
  readonly metrics: Array<Record<string, unknown>>;
  /** Scaling behaviour, in wire form. */
  readonly behavior?: Record<string, unknown>;
}

// autoscaling/v2 MetricSpec types (kubernetes api/autoscaling/v2 types.go, MetricSourceType).
const METRIC_TYPES = ['Resource', 'Pods', 'Object', 'External', 'ContainerResource'];

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
    if (options.metrics !== undefined && (!Array.isArray(options.metrics) || options.metrics.length === 0)) {
      throw new KestraValidationError(`${field}.metrics`, options.metrics, 'must list at least one metric');
    }
    const metrics = (options.metrics ?? []).map((metric, i) => {
      if (metric === null || typeof metric !== 'object' || !METRIC_TYPES.includes(metric.type)) {
        throw new KestraValidationError(`${field}.metrics[${i}].type`, metric?.type, `must be one of ${METRIC_TYPES.join(', ')}`);
      }
      return k8s.toJson_MetricSpecV2(metric)!;
    });
    const cpuDefault = metrics.length > 0 ? undefined : 80;
    const cpuUtilization = options.cpuUtilization === undefined
      ? cpuDefault : validatePositiveInteger(`${field}.cpuUtilization`, options.cpuUtilization);
    const memoryUtilization = options.memoryUtilization === undefined ? undefined : validatePositiveInteger(`${field}.memoryUtilization`, options.memoryUtilization);
    if (options.behavior !== undefined && (options.behavior === null || typeof options.behavior !== 'object')) {
      throw new KestraValidationError(`${field}.behavior`, options.behavior, 'must be { scaleUp?, scaleDown? }');
    }
    const behavior = options.behavior === undefined ? undefined : k8s.toJson_HorizontalPodAutoscalerBehaviorV2(options.behavior);
    out.set(component, { minReplicas, maxReplicas, cpuUtilization, memoryUtilization, metrics, behavior });
  }
  return out;
}

/** An autoscaling/v2 HorizontalPodAutoscaler for a Deployment; the Deployment then leaves `replicas` to it. */
export function addAutoscaler(scope: Construct, id: string, deployment: kplus.Deployment, name: string, spec: AutoscalingSpec): ApiObject {
  deployment.markHasAutoscaler();
  const utilization = (resource: string, value: number) => ({ type: 'Resource', resource: { name: resource, target: { type: 'Utilization', averageUtilization: value } } });
  const metrics: Array<Record<string, unknown>> = [];
  if (spec.cpuUtilization !== undefined) metrics.push(utilization('cpu', spec.cpuUtilization));
  if (spec.memoryUtilization !== undefined) metrics.push(utilization('memory', spec.memoryUtilization));
  metrics.push(...spec.metrics);
  return new ApiObject(scope, id, {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: deployment.name },
      minReplicas: spec.minReplicas,
      maxReplicas: spec.maxReplicas,
      metrics,
      behavior: spec.behavior,
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
