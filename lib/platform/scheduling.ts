import { TOLERATION_KEYS, TOPOLOGY_SPREAD_KEYS } from './option-keys';
import { KestraProps } from './props';
import { KestraValidationError, rejectUnknownOptions, validateLabels, validatePositiveInteger, validateNonEmpty, validateQualifiedName } from '../common';

const OPERATORS = ['Equal', 'Exists'];
const EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

/**
 * Validates the placement props once and returns a function that renders the pod
 * spec fields for one component (topology spread selects that component's pods).
 */
export function resolveScheduling(props: Pick<KestraProps, 'nodeSelector' | 'tolerations' | 'affinity' | 'topologySpread'>,
  prefix = ''): (labels: Record<string, string>) => Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  if (props.nodeSelector !== undefined) {
    fields.nodeSelector = validateLabels(`${prefix}nodeSelector`, props.nodeSelector);
  }
  if (props.tolerations !== undefined) {
    if (!Array.isArray(props.tolerations)) throw new KestraValidationError(`${prefix}tolerations`, props.tolerations, 'must be an array of tolerations');
    props.tolerations.forEach((t, i) => {
      rejectUnknownOptions(`${prefix}tolerations[${i}]`, t ?? null, TOLERATION_KEYS);
      if (t.key !== undefined) validateQualifiedName(`${prefix}tolerations[${i}].key`, t.key);
      if (t.operator !== undefined && !OPERATORS.includes(t.operator)) throw new KestraValidationError(`${prefix}tolerations[${i}].operator`, t.operator, 'must be "Equal" or "Exists"');
      if (t.effect !== undefined && !EFFECTS.includes(t.effect)) throw new KestraValidationError(`${prefix}tolerations[${i}].effect`, t.effect, `must be one of ${EFFECTS.join(', ')}`);
      if (t.tolerationSeconds !== undefined) validatePositiveInteger(`${prefix}tolerations[${i}].tolerationSeconds`, t.tolerationSeconds, 0);
    });
    fields.tolerations = props.tolerations;
  }
  if (props.affinity !== undefined) {
    if (props.affinity === null || typeof props.affinity !== 'object' || Array.isArray(props.affinity)) throw new KestraValidationError(`${prefix}affinity`, props.affinity, 'must be a Kubernetes Affinity object');
    fields.affinity = props.affinity;
  }
  const spread = props.topologySpread;
  if (spread !== undefined) {
    rejectUnknownOptions(`${prefix}topologySpread`, spread ?? null, TOPOLOGY_SPREAD_KEYS);
    const maxSkew = validatePositiveInteger(`${prefix}topologySpread.maxSkew`, spread.maxSkew ?? 1);
    const topologyKey = validateNonEmpty(`${prefix}topologySpread.topologyKey`, spread.topologyKey ?? 'topology.kubernetes.io/zone');
    const whenUnsatisfiable = spread.whenUnsatisfiable ?? 'ScheduleAnyway';
    if (!['DoNotSchedule', 'ScheduleAnyway'].includes(whenUnsatisfiable)) {
      throw new KestraValidationError(`${prefix}topologySpread.whenUnsatisfiable`, whenUnsatisfiable, 'must be "DoNotSchedule" or "ScheduleAnyway"');
    }
    return (labels) => ({
      ...fields,
      topologySpreadConstraints: [{ maxSkew, topologyKey, whenUnsatisfiable, labelSelector: { matchLabels: labels } }],
    });
  }
  return () => ({ ...fields });
}
