import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { INGRESS_KEYS } from './option-keys';
import { KestraIngressOptions, KestraIngressPath } from './props';
import { KestraValidationError, optionKeys, rejectUnknownOptions, validateAnnotations, validateDnsLabel, validateDnsSubdomain } from '../common';

const PATH_KEYS = optionKeys<KestraIngressPath>()('path', 'pathType');
const PATH_TYPES = ['Prefix', 'Exact', 'ImplementationSpecific'];

/**
 * Validates the ingress option (one Ingress or a list) and creates a networking.k8s.io/v1 Ingress per entry, each to
 * the `http` port of the Service. A list lets routes differ in class and annotations, e.g. a private UI on an internal
 * class beside a public Ingress that exposes only Kestra's webhook path.
 */
export function addIngresses(scope: Construct, name: string, serviceName: string,
  option: KestraIngressOptions | KestraIngressOptions[]): ApiObject[] {
  const list = Array.isArray(option) ? option : [option];
  if (list.length === 0) throw new KestraValidationError('ingress', option, 'must hold at least one Ingress; leave it out for none');
  const names = new Set<string>();
  return list.map((options, i) => {
    const field = Array.isArray(option) ? `ingress[${i}]` : 'ingress';
    rejectUnknownOptions(field, options ?? null, INGRESS_KEYS);
    if (i > 0 && options.name === undefined) throw new KestraValidationError(`${field}.name`, undefined, 'is required for every Ingress but the first, to name it');
    const objectName = options.name === undefined ? name : `${name}-${validateDnsLabel(`${field}.name`, options.name)}`;
    if (names.has(objectName)) throw new KestraValidationError(`${field}.name`, options.name, 'is used by another Ingress of the list');
    names.add(objectName);
    return addIngress(scope, i === 0 ? 'Ingress' : `Ingress-${options.name}`, objectName, serviceName, options, field);
  });
}

/** The external URL Kestra advertises (`kestra.url`): the first Ingress's host. */
export function ingressUrl(option: KestraIngressOptions | KestraIngressOptions[]): string | undefined {
  const first = Array.isArray(option) ? option[0] : option;
  if (!first || typeof first !== 'object' || typeof first.host !== 'string') return undefined;
  return `${first.tls ? 'https' : 'http'}://${first.host}/`;
}

/** Validates one ingress entry and creates its Ingress. */
export function addIngress(scope: Construct, id: string, name: string, serviceName: string, options: KestraIngressOptions, field = 'ingress'): ApiObject {
  rejectUnknownOptions(field, options ?? null, INGRESS_KEYS);
  if (options.annotations !== undefined) validateAnnotations(`${field}.annotations`, options.annotations);
  if (options.tls !== undefined) rejectUnknownOptions(`${field}.tls`, options.tls ?? null, ['secretName']);
  validateDnsSubdomain(`${field}.host`, options.host);
  if (options.className !== undefined) validateDnsSubdomain(`${field}.className`, options.className);
  if (options.tls !== undefined) validateDnsSubdomain(`${field}.tls.secretName`, options.tls?.secretName);
  if (options.paths !== undefined && (!Array.isArray(options.paths) || options.paths.length === 0)) {
    throw new KestraValidationError(`${field}.paths`, options.paths, 'must list at least one path');
  }
  const paths = (options.paths ?? [{ path: '/' }]).map((entry, i) => {
    rejectUnknownOptions(`${field}.paths[${i}]`, entry ?? null, PATH_KEYS);
    if (typeof entry.path !== 'string' || !entry.path.startsWith('/')) throw new KestraValidationError(`${field}.paths[${i}].path`, entry.path, 'must start with "/"');
    const pathType = entry.pathType ?? 'Prefix';
    if (!PATH_TYPES.includes(pathType)) throw new KestraValidationError(`${field}.paths[${i}].pathType`, pathType, `must be one of ${PATH_TYPES.join(', ')}`);
    return { path: entry.path, pathType, backend: { service: { name: serviceName, port: { name: 'http' } } } };
  });
  return new ApiObject(scope, id, {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name, annotations: options.annotations },
    spec: {
      ingressClassName: options.className,
      tls: options.tls ? [{ hosts: [options.host], secretName: options.tls.secretName }] : undefined,
      rules: [{ host: options.host, http: { paths } }],
    },
  });
}
