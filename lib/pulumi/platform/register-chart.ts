import * as pulumi from '@pulumi/pulumi';
import { ApiObject, Chart } from 'cdk8s';
import { KubernetesManifest, isBuiltInClusterScoped, newKubernetesResource, splitApiVersion } from './kubernetes-kinds';
import { KestraValidationError } from '../../common';

/** One synthesized object and the Pulumi resource that manages it. */
export interface RegisteredObject {
  /** The object exactly as cdk8s synthesized it. */
  readonly manifest: KubernetesManifest;
  /** The Pulumi logical name, `<prefix>:<kind>:<namespace>/<name>` (no namespace part for cluster-scoped objects). */
  readonly logicalName: string;
  /** The `@pulumi/kubernetes` resource registered for it. */
  readonly resource: pulumi.CustomResource;
}

/** How the objects of a chart are registered. */
export interface RegisterChartOptions {
  /** Resource that parents every object; its `provider`/`providers` therefore apply to them. */
  readonly parent: pulumi.Resource;
  /**
   * Prepended to every logical name so that two charts with the same objects
   * (one per cluster, say) can live in one stack.
   */
  readonly namePrefix: string;
}

const CRD_KIND = 'apiextensions.k8s.io/v1/CustomResourceDefinition';
const NAMESPACE_KIND = 'v1/Namespace';

function identity(apiVersion: string, kind: string, namespace: string | undefined, name: string | undefined): string {
  return `${apiVersion}/${kind}/${namespace ?? ''}/${name ?? ''}`;
}

function identityOf(manifest: KubernetesManifest): string {
  return identity(manifest.apiVersion, manifest.kind, manifest.metadata?.namespace, manifest.metadata?.name);
}

/**
 * Registers every object of a cdk8s chart as a `@pulumi/kubernetes` resource.
 *
 * The manifests are the chart's own synthesis (`Chart.toJson()`, in memory), so
 * cdk8s stays the single source of truth. Each object becomes its own resource
 * (typed for built-in kinds, `CustomResource` otherwise) rather than one opaque
 * `yaml/v2.ConfigGroup`, so that previews list every object, `dependsOn` can
 * express the order the API server needs, and unit tests see what is deployed:
 * - a namespaced object depends on the chart's Namespace object of that name;
 * - a custom resource depends on the chart's CRD that defines its group and kind;
 * - cdk8s dependencies between API objects (`addDependency`) are kept.
 * Logical names come from kind, namespace and name, not from construct paths,
 * so refactoring the construct tree never replaces a live object.
 */
export function registerChart(chart: Chart, options: RegisterChartOptions): RegisteredObject[] {
  return registerPlan(planRegistration(synthesizeChart(chart), options.namePrefix), options.parent);
}

/** A chart synthesized in memory: its manifests in cdk8s order and the dependencies between them. */
export interface SynthesizedChart {
  /** The objects, exactly as `Chart.toJson()` returns them. */
  readonly manifests: readonly KubernetesManifest[];
  /** cdk8s dependencies between the objects, by `apiVersion/kind/namespace/name`. */
  readonly dependencies: ReadonlyMap<string, readonly string[]>;
}

/**
 * Synthesizes a chart in memory (no files written). Runs cdk8s validation, so
 * calling it before registering anything makes bad input fail early.
 */
export function synthesizeChart(chart: Chart): SynthesizedChart {
  const manifests = chart.toJson() as KubernetesManifest[];
  return { manifests, dependencies: collectApiObjectDependencies(chart) };
}

/** One object of a {@link RegistrationPlan}: its manifest, its name and what it waits for. */
export interface PlannedObject {
  /** The object exactly as cdk8s synthesized it. */
  readonly manifest: KubernetesManifest;
  /** The Pulumi logical name it gets. */
  readonly logicalName: string;
  /** Objects of the same plan that must exist first (they come earlier in the plan). */
  readonly prerequisites: readonly KubernetesManifest[];
}

/** The objects of a chart in the order they are registered, every prerequisite first. */
export interface RegistrationPlan {
  /** Planned objects; each one's prerequisites precede it. */
  readonly objects: readonly PlannedObject[];
}

/**
 * Names and orders the objects without registering anything, so that a name
 * clash or a dependency cycle fails before the first resource reaches the engine.
 */
export function planRegistration(synthesized: SynthesizedChart, namePrefix: string): RegistrationPlan {
  const { manifests, dependencies: cdk8sDependencies } = synthesized;
  const byIdentity = new Map(manifests.map((manifest) => [identityOf(manifest), manifest]));
  const namespaces = new Map<string, KubernetesManifest>();
  const crds = new Map<string, KubernetesManifest>();
  for (const manifest of manifests) {
    const gvk = `${manifest.apiVersion}/${manifest.kind}`;
    if (gvk === NAMESPACE_KIND && manifest.metadata?.name) namespaces.set(manifest.metadata.name, manifest);
    if (gvk === CRD_KIND) {
      const spec = manifest.spec as { group?: string; names?: { kind?: string } } | undefined;
      crds.set(`${spec?.group}/${spec?.names?.kind}`, manifest);
    }
  }
  const crdOf = (manifest: KubernetesManifest) => crds.get(`${splitApiVersion(manifest.apiVersion)[0]}/${manifest.kind}`);
  const clusterScoped = (manifest: KubernetesManifest): boolean =>
    isBuiltInClusterScoped(manifest.apiVersion, manifest.kind) || (crdOf(manifest)?.spec as { scope?: string } | undefined)?.scope === 'Cluster';

  const prerequisitesOf = (manifest: KubernetesManifest): KubernetesManifest[] => {
    const found: KubernetesManifest[] = [];
    const namespace = manifest.metadata?.namespace;
    if (namespace !== undefined && !clusterScoped(manifest) && namespaces.has(namespace)) found.push(namespaces.get(namespace)!);
    const crd = crdOf(manifest);
    if (crd) found.push(crd);
    for (const target of cdk8sDependencies.get(identityOf(manifest)) ?? []) {
      const match = byIdentity.get(target);
      if (match) found.push(match);
    }
    return [...new Set(found)].filter((dependency) => dependency !== manifest);
  };

  const planned = new Map<KubernetesManifest, PlannedObject>();
  const ordered: PlannedObject[] = [];
  const names = new Map<string, KubernetesManifest>();
  const inProgress = new Set<KubernetesManifest>();
  const visit = (manifest: KubernetesManifest): void => {
    if (planned.has(manifest)) return;
    if (inProgress.has(manifest)) {
      throw new KestraValidationError('dependencies', identityOf(manifest), 'is part of a dependency cycle between objects of the chart');
    }
    inProgress.add(manifest);
    const prerequisites = prerequisitesOf(manifest);
    prerequisites.forEach(visit);
    const logicalName = logicalNameOf(namePrefix, manifest, clusterScoped(manifest));
    // Pulumi tells resources apart by type (apiVersion + kind) and logical name.
    const key = `${manifest.apiVersion}/${logicalName}`;
    if (names.has(key)) {
      throw new KestraValidationError('metadata.name', logicalName, `is used by two ${manifest.kind} objects of the chart`);
    }
    names.set(key, manifest);
    const entry: PlannedObject = { manifest, logicalName, prerequisites };
    planned.set(manifest, entry);
    ordered.push(entry);
    inProgress.delete(manifest);
  };
  // The cdk8s topological order, with prerequisites pulled in first.
  manifests.forEach(visit);
  return { objects: ordered };
}

/**
 * Registers every planned object, in plan order; see {@link registerChart}. `externalPrerequisites` adds
 * resources outside the plan an object must wait for (the CRDs another platform registered).
 */
export function registerPlan(
  plan: RegistrationPlan, parent: pulumi.Resource, externalPrerequisites?: (manifest: KubernetesManifest) => pulumi.Resource[],
): RegisteredObject[] {
  const resources = new Map<KubernetesManifest, pulumi.CustomResource>();
  return plan.objects.map(({ manifest, logicalName, prerequisites }) => {
    const resource = newKubernetesResource(logicalName, protectSecretValues(manifest), {
      parent,
      dependsOn: [...prerequisites.map((dependency) => resources.get(dependency)!), ...(externalPrerequisites?.(manifest) ?? [])],
      ...(isSecret(manifest) ? { additionalSecretOutputs: ['data', 'stringData'] } : {}),
    });
    resources.set(manifest, resource);
    return { manifest, logicalName, resource };
  });
}

function logicalNameOf(prefix: string, manifest: KubernetesManifest, clusterScoped: boolean): string {
  const name = manifest.metadata?.name;
  if (!name) throw new KestraValidationError('metadata.name', name, `is missing on a ${manifest.kind} of the chart`);
  const namespace = manifest.metadata?.namespace;
  const qualified = clusterScoped || namespace === undefined ? name : `${namespace}/${name}`;
  return `${prefix}:${manifest.kind}:${qualified}`;
}

function isSecret(manifest: KubernetesManifest): boolean {
  return manifest.apiVersion === 'v1' && manifest.kind === 'Secret';
}

/** Secret payloads go to Pulumi as secrets, so they are encrypted in state and masked in output. */
function protectSecretValues(manifest: KubernetesManifest): KubernetesManifest {
  if (!isSecret(manifest)) return manifest;
  const copy: Record<string, unknown> = { ...manifest };
  for (const field of ['data', 'stringData']) {
    if (copy[field] !== undefined) copy[field] = pulumi.secret(copy[field]);
  }
  return copy as unknown as KubernetesManifest;
}

/** cdk8s `addDependency` edges between API objects of the chart, by object identity. */
function collectApiObjectDependencies(chart: Chart): Map<string, string[]> {
  const edges = new Map<string, string[]>();
  const apiObjectsUnder = (construct: { node: Chart['node'] }): ApiObject[] =>
    construct.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject && Chart.of(c) === chart);
  const idOf = (obj: ApiObject) => identity(obj.apiVersion, obj.kind, obj.metadata.namespace, obj.name);
  for (const source of apiObjectsUnder(chart)) {
    const targets = source.node.dependencies.flatMap((dependency) => apiObjectsUnder(dependency as ApiObject));
    if (targets.length > 0) edges.set(idOf(source), targets.filter((t) => t !== source).map(idOf));
  }
  return edges;
}
