import { Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { KestraValidationError, inConstructPath } from '../common/errors';
import { KestraOperator } from '../operator/kestra-operator';

/** Which Kestra instance reconciles a custom resource; shared by the props of every resource. */
export interface KestraResourceTarget {
  /**
   * The operator (and so the Kestra instance) that reconciles this resource; its `watchNamespaces` must include
   * the resource's Kubernetes namespace. Two resources may declare the same Kestra object (same tenant, namespace
   * and id, key or path) only for different Kestra instances.
   * @default - the operator of this app that watches the resource's Kubernetes namespace; with no operator in the
   * app, the one (deployed elsewhere) that watches that namespace
   */
  readonly operator?: KestraOperator;
}

/** Where a custom resource goes: its Kubernetes namespace and, optionally, the operator meant to reconcile it. */
export interface ResourcePlacement {
  /** `metadata.namespace`, or the chart's namespace; undefined when neither is set. */
  readonly kubernetesNamespace?: string;
  /** The operator named by the resource's `operator` prop. */
  readonly operator?: KestraOperator;
}

interface Claim {
  readonly path: string;
  readonly kind: string;
  readonly key: string;
  readonly description: string;
  readonly placement: ResourcePlacement;
}

// One registry per construct tree (per cdk8s App). Two custom resources conflict when they name the same Kestra
// object (kind, tenant, namespace, id/key/path) *in the same Kestra instance*: prod and staging may each get the
// same flow. The instance is the operator that reconciles the object; operators may be declared after the
// resources, so the full check runs when the app is validated (cdk8s `App.synth` and `Chart.toJson` both do).
interface Registry {
  readonly claims: Claim[];
  /** The claims by object key: an app may hold thousands, and each new claim looks up its twins. */
  readonly byKey: Map<string, Claim[]>;
  /** The claims by construct path, for the reference checks' grouping (see placementKeyOf). */
  readonly byPath: Map<string, Claim>;
}
const registries = new WeakMap<IConstruct, Registry>();

/**
 * Records that the construct about to be created as `id` under `scope` manages the Kestra object
 * `identity` of kind `kind`. Throws at once when an earlier resource of the app names the same object in the
 * same Kubernetes namespace (one namespace is always reconciled by one operator), so a refused construct never
 * enters the tree; conflicts through an operator that watches several namespaces, and resources that no
 * operator of the app watches, fail when the app is validated.
 */
export function claimKestraIdentity(
  scope: IConstruct, id: string, kind: string, identity: Record<string, string | undefined>, placement: ResourcePlacement,
): void {
  const root = scope.node.root;
  let registry = registries.get(root);
  if (!registry) {
    const created: Registry = { claims: [], byKey: new Map(), byPath: new Map() };
    registries.set(root, created);
    root.node.addValidation({ validate: () => checkClaims(root, created.claims) });
    registry = created;
  }
  let key = kind;
  for (const name in identity) key += `\u0000${identity[name] ?? ''}`;
  const description = Object.entries(identity).map(([k, v]) => `${k}=${v ?? '(default)'}`).join(', ');
  const claim: Claim = { path: pathOf(scope, id), kind, key, description, placement };
  const twins = registry.byKey.get(key);
  const owner = twins?.find((other) => other.placement.kubernetesNamespace === placement.kubernetesNamespace
    && (other.placement.operator ?? placement.operator) === (placement.operator ?? other.placement.operator));
  if (owner) throw duplicate(claim, owner, instanceByNamespace(placement.kubernetesNamespace));
  registry.claims.push(claim);
  if (twins) twins.push(claim);
  else registry.byKey.set(key, [claim]);
  registry.byPath.set(claim.path, claim);
}

/**
 * Where a resource goes, as far as is known when it is created: its explicit operator, else its Kubernetes namespace.
 * Resources with the same key always reach the same Kestra instance (one namespace is reconciled by one operator);
 * several keys may turn out to share one once the app is complete ({@link kestraInstanceResolver}).
 * `undefined` for a construct that manages no Kestra object.
 */
export function placementKeyOf(resource: IConstruct): string | undefined {
  const claim = registries.get(resource.node.root)?.byPath.get(resource.node.path);
  if (!claim) return undefined;
  const { operator, kubernetesNamespace } = claim.placement;
  return operator ? `operator ${operator.node.path}` : `namespace ${kubernetesNamespace ?? ''}`;
}

/**
 * Names the Kestra instance of each resource of a complete app, by the rules of the duplicate check: the explicit
 * operator, else the operator watching the resource's namespace, else (no operator in the app) the namespace. A
 * Kestra platform construct (anything with an `apiUrl`) resolves to the operator that manages that URL; it and
 * any resource no rule places give `undefined`.
 */
export function kestraInstanceResolver(root: IConstruct): (resource: IConstruct) => string | undefined {
  const operators = root.node.findAll().filter((c): c is KestraOperator => c instanceof KestraOperator);
  const claims = registries.get(root)?.byPath;
  return (resource) => {
    const claim = claims?.get(resource.node.path);
    if (!claim) {
      const apiUrl = (resource as { apiUrl?: unknown }).apiUrl;
      const operator = operators.find((o) => apiUrl !== undefined && o.apiUrl === apiUrl);
      return operator ? instanceByOperator(operator) : undefined;
    }
    try {
      return instanceOf(claim, operators);
    } catch {
      // A resource no operator watches: the identity check, which runs first, names it.
      return undefined;
    }
  };
}

/** The Kubernetes namespace a custom resource created under `scope` lands in. */
export function kubernetesNamespaceOf(scope: IConstruct, metadataNamespace: string | undefined): string | undefined {
  return metadataNamespace ?? Chart.of(scope).namespace;
}

function checkClaims(root: IConstruct, claims: readonly Claim[]): string[] {
  const operators = root.node.findAll().filter((c): c is KestraOperator => c instanceof KestraOperator);
  const owners = new Map<string, Claim>();
  for (const claim of claims) {
    const instance = instanceOf(claim, operators);
    const key = `${instance}\u0000${claim.key}`;
    const owner = owners.get(key);
    if (owner) throw inConstructPath(duplicate(claim, owner, instance), claim.path);
    owners.set(key, claim);
  }
  return [];
}

/** Names the Kestra instance that reconciles the claim; throws when no operator of the app would. */
function instanceOf(claim: Claim, operators: readonly KestraOperator[]): string {
  const namespace = claim.placement.kubernetesNamespace;
  const explicit = claim.placement.operator;
  if (explicit) {
    if (explicit.watchNamespaces && (namespace === undefined || !explicit.watchNamespaces.includes(namespace))) {
      throw inConstructPath(new KestraValidationError('metadata.namespace', namespace ?? '(none)',
        `the operator ${explicit.node.path} watches only ${JSON.stringify(explicit.watchNamespaces)}, so it would never reconcile this ${claim.kind}; `
        + 'set metadata.namespace (or the chart\'s namespace) to one of them'), claim.path);
    }
    return instanceByOperator(explicit);
  }
  // No operator in the app: the resources go to an operator deployed elsewhere; one namespace, one operator.
  if (operators.length === 0) return instanceByNamespace(namespace);
  const watching = operators.find((operator) => namespace !== undefined && operator.watchNamespaces?.includes(namespace))
    ?? operators.find((operator) => operator.watchNamespaces === undefined);
  if (watching) return instanceByOperator(watching);
  const lists = operators.map((operator) => `${operator.node.path} watches ${JSON.stringify(operator.watchNamespaces)}`).join('; ');
  throw inConstructPath(new KestraValidationError('metadata.namespace', namespace ?? '(none)',
    `no KestraOperator of this app watches ${namespace === undefined ? 'a resource without a Kubernetes namespace' : `the namespace "${namespace}"`} `
    + `(${lists}), so this ${claim.kind} would never be reconciled; set metadata.namespace (or the chart's namespace) to a watched namespace`), claim.path);
}

function instanceByOperator(operator: KestraOperator): string {
  return `the Kestra instance of the operator ${operator.node.path}`;
}

function instanceByNamespace(namespace: string | undefined): string {
  return namespace === undefined ? 'the Kestra instance of resources without a Kubernetes namespace'
    : `the Kestra instance whose operator watches the Kubernetes namespace "${namespace}"`;
}

function duplicate(claim: Claim, owner: Claim, instance: string): KestraValidationError {
  return new KestraValidationError('identity', claim.description,
    `another ${claim.kind} (${owner.path}) already manages this Kestra object in ${instance}; declare each object once per Kestra instance`);
}

function pathOf(scope: IConstruct, id: string): string {
  return scope.node.path ? `${scope.node.path}/${id}` : id;
}
