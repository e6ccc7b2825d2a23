import { IConstruct } from 'constructs';
import { placementKeyOf } from './kestra-identities';

/**
 * Where a resource's object goes, as a key known when the resource is created: resources with
 * the same key land in the same Kestra instance, so their references resolve against each other.
 * The key is the resource's explicit operator, else its Kubernetes namespace (one namespace is
 * reconciled by one operator); when the app is complete, keys that share an operator (one
 * operator watching several namespaces) are merged before the checks run (see ReferenceGraph).
 * Constructs that manage no Kestra object share the key `app`.
 */
export function targetOf(resource: IConstruct): string {
  return placementKeyOf(resource) ?? 'app';
}
