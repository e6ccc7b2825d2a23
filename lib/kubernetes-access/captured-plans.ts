import { captureGlobally, recordGlobally } from '../common/global-capture';
import { KubernetesAccessPlan } from '../model';

const CAPTURE = Symbol.for('kestra-constructs.kubernetes-access-plans');

/** Runs `load` (which builds apps) and returns the plan of every Kubernetes access construct built. */
export function capturedKubernetesAccessPlans(load: () => void): KubernetesAccessPlan[] {
  return captureGlobally(CAPTURE, load);
}

/** Called by the access constructs once their plan is derived. */
export function recordKubernetesAccessPlan(plan: KubernetesAccessPlan): void {
  recordGlobally(CAPTURE, plan);
}
