import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { HTTP_PORT, MANAGEMENT_PORT } from './component';

/**
 * A NetworkPolicy selecting every Kestra pod (all components) that admits ingress on the HTTP API (8080) and the
 * management port (8081: health, metrics) only. Kestra's components talk to each other through the database
 * queue, never pod to pod, so nothing else is needed between them; in particular the DinD sidecar's daemon
 * (2375/2376 in the image's defaults) cannot be reached even if it were made to listen on TCP.
 */
export function addKestraNetworkPolicy(scope: Construct, id: string, name: string, podLabels: Record<string, string>): ApiObject {
  return new ApiObject(scope, id, {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name, labels: podLabels },
    spec: {
      podSelector: { matchLabels: podLabels },
      policyTypes: ['Ingress'],
      ingress: [{ ports: [{ protocol: 'TCP', port: HTTP_PORT }, { protocol: 'TCP', port: MANAGEMENT_PORT }] }],
    },
  });
}
