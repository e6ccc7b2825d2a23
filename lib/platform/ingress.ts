import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { INGRESS_KEYS } from './option-keys';
import { KestraIngressOptions } from './props';
import { rejectUnknownOptions, validateAnnotations, validateDnsSubdomain } from '../common';

/** Validates the ingress options and creates a networking.k8s.io/v1 Ingress to the `http` port of the Service. */
export function addIngress(scope: Construct, id: string, name: string, serviceName: string, options: KestraIngressOptions): ApiObject {
  rejectUnknownOptions('ingress', options ?? null, INGRESS_KEYS);
  if (options.annotations !== undefined) validateAnnotations('ingress.annotations', options.annotations);
  if (options.tls !== undefined) rejectUnknownOptions('ingress.tls', options.tls ?? null, ['secretName']);
  validateDnsSubdomain('ingress.host', options.host);
  if (options.className !== undefined) validateDnsSubdomain('ingress.className', options.className);
  if (options.tls !== undefined) validateDnsSubdomain('ingress.tls.secretName', options.tls?.secretName);
  return new ApiObject(scope, id, {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name, annotations: options.annotations },
    spec: {
      ingressClassName: options.className,
      tls: options.tls ? [{ hosts: [options.host], secretName: options.tls.secretName }] : undefined,
      rules: [{
        host: options.host,
        http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: serviceName, port: { name: 'http' } } } }] },
      }],
    },
  });
}
