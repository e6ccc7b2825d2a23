import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import { IConstruct } from 'constructs';

/**
 * cdk8s stamps the chart's namespace on every object, cluster-scoped ones
 * included; drop it so CRDs, ClusterRoles and ClusterRoleBindings render the
 * way the API server stores them.
 */
export function dropChartNamespace(construct: IConstruct): void {
  const apiObject = construct instanceof ApiObject ? construct : ApiObject.of(construct);
  if (Chart.of(apiObject).namespace !== undefined && apiObject.metadata.namespace !== undefined) {
    apiObject.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
  }
}
