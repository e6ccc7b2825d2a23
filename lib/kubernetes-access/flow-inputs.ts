import { KestraValidationError } from '../common/errors';
import { KubernetesFlowInput, parseFlowSource } from '../model';
import { KestraFlow } from '../resources/kestra-flow';
import { KestraFlows } from '../resources/kestra-flows';

/** Flows whose Kubernetes tasks get RBAC: single flows and folder loaders, mixed. */
export type KubernetesAccessFlows = ReadonlyArray<KestraFlow | KestraFlows>;

/** The flows as the derivation reads them, each flow once even if listed twice. */
export function flowInputs(field: string, flows: KubernetesAccessFlows): KubernetesFlowInput[] {
  if (!Array.isArray(flows) || flows.length === 0) {
    throw new KestraValidationError(field, flows, 'must list at least one KestraFlow or KestraFlows');
  }
  const seen = new Set<KestraFlow>();
  const list: KestraFlow[] = [];
  flows.forEach((entry, i) => {
    let members: readonly KestraFlow[];
    if (entry instanceof KestraFlows) members = entry.flows;
    else if (entry instanceof KestraFlow) members = [entry as KestraFlow];
    else throw new KestraValidationError(`${field}[${i}]`, typeof entry, 'must be a KestraFlow or a KestraFlows');
    for (const flow of members) {
      if (!seen.has(flow)) {
        seen.add(flow);
        list.push(flow);
      }
    }
  });
  return list.map((flow) => ({ namespace: flow.namespace, id: flow.flowId, document: parseFlowSource(flow.source, flow.node.path).document }));
}
