import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { HTTP_PORT, MANAGEMENT_PORT } from './component';
import { KestraValidationError, optionKeys, rejectUnknownOptions, validateAnnotations, validateLabels } from '../common';

/** The Service in front of the pods that serve HTTP (standalone or webserver). */
export interface KestraServiceOptions {
  /**
   * Service type. `LoadBalancer` and `NodePort` expose the API outside the cluster: keep basic auth on.
   * @default 'ClusterIP'
   */
  readonly type?: 'ClusterIP' | 'NodePort' | 'LoadBalancer';
  /**
   * Annotations, e.g. a cloud load balancer's settings.
   * @default - none
   */
  readonly annotations?: Record<string, string>;
  /**
   * Extra labels of the Service object.
   * @default - none
   */
  readonly labels?: Record<string, string>;
  /**
   * Client CIDRs a `LoadBalancer` admits.
   * @default - every client
   */
  readonly loadBalancerSourceRanges?: string[];
}

const SERVICE_KEYS = optionKeys<KestraServiceOptions>()('type', 'annotations', 'labels', 'loadBalancerSourceRanges');
const TYPES: Record<string, kplus.ServiceType> = {
  ClusterIP: kplus.ServiceType.CLUSTER_IP, NodePort: kplus.ServiceType.NODE_PORT, LoadBalancer: kplus.ServiceType.LOAD_BALANCER,
};
const CIDR = /^(\d{1,3}(\.\d{1,3}){3}\/\d{1,2}|[0-9a-fA-F:]+\/\d{1,3})$/;

/** Creates the Service: ports `http` (8080) and `management` (8081), selecting the pods with `selector`. */
export function createKestraService(scope: Construct, id: string, name: string, labels: Record<string, string>,
  selector: Record<string, string>, options: KestraServiceOptions | undefined): kplus.Service {
  rejectUnknownOptions('service', options, SERVICE_KEYS);
  const type = options?.type ?? 'ClusterIP';
  if (!(type in TYPES)) throw new KestraValidationError('service.type', type, 'must be "ClusterIP", "NodePort" or "LoadBalancer"');
  const ranges = options?.loadBalancerSourceRanges;
  if (ranges !== undefined) {
    if (type !== 'LoadBalancer') throw new KestraValidationError('service.loadBalancerSourceRanges', ranges, 'only applies to type "LoadBalancer"');
    if (!Array.isArray(ranges)) throw new KestraValidationError('service.loadBalancerSourceRanges', ranges, 'must be a list of CIDRs');
    ranges.forEach((range, i) => {
      if (typeof range !== 'string' || !CIDR.test(range)) throw new KestraValidationError(`service.loadBalancerSourceRanges[${i}]`, range, 'must be a CIDR such as "10.0.0.0/8"');
    });
  }
  const extraLabels = options?.labels === undefined ? {} : validateLabels('service.labels', options.labels);
  const service = new kplus.Service(scope, id, {
    metadata: {
      name,
      labels: { ...extraLabels, ...labels },
      annotations: options?.annotations === undefined ? undefined : validateAnnotations('service.annotations', options.annotations),
    },
    type: TYPES[type],
    loadBalancerSourceRanges: ranges,
    ports: [{ name: 'http', port: HTTP_PORT, targetPort: HTTP_PORT }, { name: 'management', port: MANAGEMENT_PORT, targetPort: MANAGEMENT_PORT }],
  });
  for (const [key, value] of Object.entries(selector)) service.selectLabel(key, value);
  return service;
}
