import { App, Chart } from 'cdk8s';
import { KestraOperatorProps, OperatorCredentials } from '../../lib/operator';

/** Props every operator test starts from. */
export const BASE_PROPS: KestraOperatorProps = {
  apiUrl: 'http://kestra.kestra.svc.cluster.local:8080',
  credentials: OperatorCredentials.apiToken({ secretName: 'kestra-operator', key: 'api-token' }),
};

/** A fresh app with one chart `platform`, in namespace `kestra` unless told otherwise (`null`: no namespace). */
export function newChart(namespace: string | null = 'kestra'): { app: App; chart: Chart } {
  const app = new App();
  const chart = new Chart(app, 'platform', { namespace: namespace ?? undefined });
  return { app, chart };
}

/** The names of the cluster-scoped objects (no namespace) among `objects`. */
export function clusterScopedNames(objects: readonly any[]): string[] {
  return objects.filter((o) => ['ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition'].includes(o.kind))
    .map((o) => `${o.kind}/${o.metadata.name}`);
}
