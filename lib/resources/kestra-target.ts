import { IConstruct } from 'constructs';

/**
 * The Kestra instance that will reconcile a resource's object, as a key: resources with the
 * same key land in the same Kestra, so their references resolve against each other.
 *
 * Today this is the scope of the duplicate-identity guard (`claimKestraIdentity` in guards.ts):
 * the whole app, one key per construct tree. Every cross-object check and the report group by
 * this function alone, so a finer scope (the operator watching the object's Kubernetes
 * namespace, or an explicit target) is adopted here in one place.
 */
export function targetOf(resource: IConstruct): string {
  void resource;
  return 'app';
}
