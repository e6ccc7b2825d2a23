import { IConstruct } from 'constructs';
import { kestraInstanceResolver } from './kestra-identities';
import { targetOf } from './kestra-target';
import { analyseTarget, ExternalMatchers, ReferenceReport, TargetObjects } from './reference-analysis';
import { KestraValidationError } from '../common/errors';
import { captureGlobally, recordGlobally } from '../common/global-capture';
import { FlowReferences } from '../model/flow-references';

/** A Kubernetes Secret whose keys reach Kestra as `secret()` names. */
export interface DeclaredSecret {
  readonly secretName: string;
  /** The Secret's keys, when the user declared them; unknown otherwise. */
  readonly keys?: readonly string[];
}

/** A flow as the graph holds it. */
export interface FlowNode {
  readonly construct: IConstruct;
  readonly tenant: string;
  readonly namespace: string;
  readonly flowId: string;
  readonly origin: string;
  readonly references: FlowReferences;
  /** Flows this one calls, among those the graph holds (edges added to the construct tree). */
  readonly callees: Set<FlowNode>;
}

// One graph per construct tree (per cdk8s App), like the identity guard in guards.ts.
const graphs = new WeakMap<IConstruct, ReferenceGraph>();
// Where `capturedReferenceGraphs` collects new graphs; global, so that an app module loading
// another copy of the package is still seen by the CLI.
const CAPTURE = Symbol.for('kestra-constructs.reference-graphs');

/** Runs `load` (which builds apps) and returns the graph of every app it built. */
export function capturedReferenceGraphs(load: () => void): Array<Pick<ReferenceGraph, 'report'>> {
  return captureGlobally<Pick<ReferenceGraph, 'report'>>(CAPTURE, load);
}

/**
 * Every Kestra object of an app, grouped by the Kestra instance that will hold it
 * ({@link targetOf}), with what each flow refers to. Flows are ordered as they are added (a
 * caller depends on the flows it calls, so cdk8s emits callees first) and the whole graph is
 * checked once, by a validation on the app that `cdk8s synth` runs.
 */
export class ReferenceGraph {
  /** The graph of the app `scope` belongs to, created (with its synth validation) on first use. */
  public static of(scope: IConstruct): ReferenceGraph {
    const root = scope.node.root;
    let graph = graphs.get(root);
    if (!graph) {
      graph = new ReferenceGraph(root);
      graphs.set(root, graph);
      const created = graph;
      root.node.addValidation({ validate: () => created.validate() });
      recordGlobally(CAPTURE, graph);
    }
    return graph;
  }

  /** Set by `KestraReferenceChecks`. */
  public strict = false;
  private external: ExternalMatchers = { flows: [], keyValues: [], namespaceFiles: [], secrets: [] };
  private configuredBy?: string;
  // Keyed by placement (targetOf); merged per Kestra instance when the app is complete.
  private readonly targets = new Map<string, TargetObjects>();
  private readonly representatives = new Map<string, IConstruct>();
  private readonly platformSecrets: Array<{ readonly construct: IConstruct; readonly secrets: readonly DeclaredSecret[] }> = [];
  private readonly waiting = new Map<string, FlowNode[]>();
  private readonly printed = new Set<string>();
  // cdk8s validates the whole app once more for every chart it renders: the report is computed
  // once per state of the graph (every change bumps the version)
  private version = 0;
  private cached?: { version: number; report: ReferenceReport };

  private constructor(private readonly root: IConstruct) {}

  /** Applies the app's reference options; an app has one set of them. */
  public configure(path: string, strict: boolean, external: ExternalMatchers): void {
    if (this.configuredBy !== undefined) {
      throw new KestraValidationError(path, 'KestraReferenceChecks',
        `this app already has one (${this.configuredBy}); declare the reference options once`);
    }
    this.configuredBy = path;
    this.version++;
    this.strict = strict;
    this.external = external;
  }

  /** Records a flow and orders it after the flows it calls (and its callers after it). */
  public addFlow(construct: IConstruct, flow: Omit<FlowNode, 'construct' | 'callees'>): void {
    const node: FlowNode = { ...flow, construct, callees: new Set() };
    const target = targetOf(construct);
    const objects = this.objects(target, construct);
    const key = flowKey(node.tenant, node.namespace, node.flowId);
    objects.flows.set(key, node);
    for (const call of node.references.calls) {
      const calleeKey = flowKey(node.tenant, call.namespace, call.flowId);
      const callee = objects.flows.get(calleeKey);
      if (callee) this.link(node, callee);
      else this.waitFor(`${target}\u0000${calleeKey}`, node);
    }
    const callers = this.waiting.get(`${target}\u0000${key}`);
    if (callers) {
      this.waiting.delete(`${target}\u0000${key}`);
      for (const caller of callers) this.link(caller, node);
    }
  }

  /** Records a K/V entry. */
  public addKeyValue(construct: IConstruct, tenant: string, namespace: string, key: string): void {
    this.objects(targetOf(construct), construct).keyValues.add(`${tenant}\u0000${namespace}\u0000${key}`);
  }

  /** Records a namespace file (canonical path). */
  public addNamespaceFile(construct: IConstruct, tenant: string, namespace: string, path: string): void {
    const files = this.objects(targetOf(construct), construct).files;
    const key = `${tenant}\u0000${namespace}`;
    const paths = files.get(key);
    if (paths) paths.add(path);
    else files.set(key, new Set([path]));
  }

  /**
   * Records the Secrets a Kestra deployment exposes to `secret()`. They count for the instance of
   * the operator that manages this deployment's API URL; with no such operator in the app, for
   * every instance.
   */
  public addSecrets(construct: IConstruct, secrets: readonly DeclaredSecret[]): void {
    this.version++;
    this.platformSecrets.push({ construct, secrets });
  }

  /** Resolves every reference of every flow. */
  public report(): ReferenceReport {
    if (this.cached?.version === this.version) return this.cached.report;
    const reports = [...this.instances().entries()].map(([target, objects]) => analyseTarget(target, objects, this.external));
    const report: ReferenceReport = {
      strict: this.strict,
      flows: reports.flatMap((r) => r.flows),
      cycles: reports.flatMap((r) => r.cycles),
      errors: reports.flatMap((r) => r.errors),
      warnings: reports.flatMap((r) => r.warnings),
    };
    this.cached = { version: this.version, report };
    return report;
  }

  /** The synth check: errors fail it; other findings are printed (once), or fail it when strict. */
  public validate(): string[] {
    const report = this.report();
    if (this.strict) return [...report.errors, ...report.warnings];
    // cdk8s validates the app again for every chart it renders: say each finding once
    for (const warning of report.warnings) {
      if (this.printed.has(warning)) continue;
      this.printed.add(warning);
      console.warn(`kestra-constructs: ${warning}`);
    }
    return [...report.errors];
  }

  private objects(target: string, construct: IConstruct): TargetObjects {
    this.version++;
    let objects = this.targets.get(target);
    if (!objects) {
      objects = emptyObjects();
      this.targets.set(target, objects);
      this.representatives.set(target, construct);
    }
    return objects;
  }

  /**
   * The objects of each Kestra instance, now that the app is complete: placements that reach the
   * same instance (an operator watching several namespaces) are merged, the calls between them
   * ordered, and each platform's Secrets added where its operator reconciles.
   */
  private instances(): Map<string, TargetObjects> {
    const instanceOf = kestraInstanceResolver(this.root);
    const placementInstance = new Map<string, string>();
    const merged = new Map<string, TargetObjects>();
    for (const [placement, objects] of this.targets) {
      const instance = instanceOf(this.representatives.get(placement)!) ?? placement;
      placementInstance.set(placement, instance);
      const into = merged.get(instance);
      if (!into) {
        merged.set(instance, { flows: new Map(objects.flows), keyValues: new Set(objects.keyValues), files: new Map(objects.files), secrets: [] });
        continue;
      }
      for (const [key, flow] of objects.flows) into.flows.set(key, flow);
      for (const key of objects.keyValues) into.keyValues.add(key);
      for (const [key, paths] of objects.files) into.files.set(key, new Set([...into.files.get(key) ?? [], ...paths]));
    }
    for (const [waitKey, callers] of this.waiting) {
      const [placement, ...calleeKey] = waitKey.split('\u0000');
      const callee = merged.get(placementInstance.get(placement)!)?.flows.get(calleeKey.join('\u0000'));
      if (callee) for (const caller of callers) this.link(caller, callee);
    }
    for (const { construct, secrets } of this.platformSecrets) {
      const instance = instanceOf(construct);
      for (const [name, objects] of merged) if (instance === undefined || instance === name) objects.secrets.push(...secrets);
    }
    return merged;
  }

  private waitFor(key: string, caller: FlowNode): void {
    const callers = this.waiting.get(key);
    if (callers) callers.push(caller);
    else this.waiting.set(key, [caller]);
  }

  /**
   * caller → callee: the construct dependency makes cdk8s emit the callee first. A cycle is
   * named by the validation, which `synth` runs before sorting (cdk8s' own sort would only say
   * "Dependency cycle detected" with construct paths).
   */
  private link(caller: FlowNode, callee: FlowNode): void {
    if (caller === callee || caller.callees.has(callee)) return;
    caller.callees.add(callee);
    caller.construct.node.addDependency(callee.construct);
  }
}

function emptyObjects(): TargetObjects {
  return { flows: new Map(), keyValues: new Set(), files: new Map(), secrets: [] };
}

/** The identity of a flow inside one Kestra instance. */
export function flowKey(tenant: string, namespace: string, flowId: string): string {
  return `${tenant}\u0000${namespace}\u0000${flowId}`;
}
