import { isExpression, pebbleCalls } from './expression-functions';
import { FlowPath, isPlainMapping } from './flow-rules';
import { formatPath } from './flow-source';
import { flowTasks, flowTriggers, FlowTask } from './flow-tasks';

/** A flow called by a task: a Subflow or a ForEachItem. */
export interface FlowCall {
  /** Id of the calling task. */
  readonly task: string;
  /** Type of the calling task, as written (a legacy alias stays as it is). */
  readonly type: string;
  /** Where the task sits, e.g. `tasks[1].then[0]`. */
  readonly path: string;
  /** Namespace of the called flow. */
  readonly namespace: string;
  /** Id of the called flow. */
  readonly flowId: string;
}

/** An upstream flow whose executions trigger this flow (a Flow trigger's condition or precondition). */
export interface FlowTriggerSource {
  /** Id of the trigger. */
  readonly trigger: string;
  /** Where the condition sits, e.g. `triggers[0].preconditions.flows[1]`. */
  readonly path: string;
  /** Namespace of the upstream flow. */
  readonly namespace: string;
  /** Id of the upstream flow; absent when any flow of the namespace matches (a precondition without `flowId`). */
  readonly flowId?: string;
}

/** A `kv()` lookup. */
export interface KeyValueRead {
  /** The key. */
  readonly key: string;
  /**
   * The namespace given as second argument; absent when the lookup starts at the flow's own
   * namespace and walks up its parents (Kestra's K/V inheritance).
   */
  readonly namespace?: string;
  /** `errorOnMissing=false`: the flow copes with a missing key (the function returns null). */
  readonly optional: boolean;
  /** Where the expression sits. */
  readonly path: string;
}

/** A namespace file a flow uses: one `read()` path, or one `namespaceFiles.include` pattern. */
export interface NamespaceFileUse {
  /** `read` for `read('path')`, `include` for a task's `namespaceFiles.include` pattern. */
  readonly via: 'read' | 'include';
  /** The canonical path (`/scripts/etl.py`) for `read`, the pattern as written for `include`. */
  readonly path: string;
  /** The namespaces searched: the flow's own unless the flow names others. */
  readonly namespaces: readonly string[];
  /** Where the expression or the task sits. */
  readonly location: string;
}

/** A `secret()` lookup. */
export interface SecretRead {
  /** The secret name as written. */
  readonly name: string;
  /** Where the expression sits. */
  readonly path: string;
}

/** A key written by a `io.kestra.plugin.core.kv.Set` task of the flow. */
export interface KeyValueWrite {
  /** The key. */
  readonly key: string;
  /** The namespace written to (the flow's unless the task names another). */
  readonly namespace: string;
  /** Id of the task. */
  readonly task: string;
}

/** A reference whose target is an expression, known only at run time: listed, never guessed. */
export interface DynamicReference {
  /** What kind of reference. */
  readonly kind: 'flow' | 'trigger' | 'kv' | 'file' | 'secret' | 'kv-write';
  /** Where it sits. */
  readonly path: string;
  /** The expression or call as written. */
  readonly expression: string;
}

/** Everything a flow source refers to outside itself. */
export interface FlowReferences {
  readonly calls: readonly FlowCall[];
  readonly triggeredBy: readonly FlowTriggerSource[];
  readonly keyValues: readonly KeyValueRead[];
  readonly namespaceFiles: readonly NamespaceFileUse[];
  readonly secrets: readonly SecretRead[];
  readonly keyValueWrites: readonly KeyValueWrite[];
  readonly dynamic: readonly DynamicReference[];
}

// kestra-io/kestra core/.../plugin/core/flow/Subflow.java (aliases io.kestra.core.tasks.flows.Subflow,
// io.kestra.core.tasks.flows.Flow) and ForEachItem.java (alias io.kestra.core.tasks.flows.ForEachItem):
// both carry the called flow as top-level `namespace` and `flowId`.
const CALL_TYPES = new Set([
  'io.kestra.plugin.core.flow.Subflow', 'io.kestra.core.tasks.flows.Subflow', 'io.kestra.core.tasks.flows.Flow',
  'io.kestra.plugin.core.flow.ForEachItem', 'io.kestra.core.tasks.flows.ForEachItem',
]);
// core/.../plugin/core/trigger/Flow.java (alias io.kestra.core.models.triggers.types.Flow).
const FLOW_TRIGGER_TYPES = new Set(['io.kestra.plugin.core.trigger.Flow', 'io.kestra.core.models.triggers.types.Flow']);
// core/.../plugin/core/condition/ExecutionFlow.java and its aliases.
const EXECUTION_FLOW_CONDITIONS = new Set([
  'io.kestra.plugin.core.condition.ExecutionFlow', 'io.kestra.plugin.core.condition.ExecutionFlowCondition',
  'io.kestra.core.models.conditions.types.ExecutionFlowCondition',
]);
// core/.../plugin/core/kv/Set.java: `key`, and `namespace` defaulting to the flow's.
const KV_SET_TYPES = new Set(['io.kestra.plugin.core.kv.Set']);
const FUNCTIONS = new Set(['kv', 'read', 'secret']);

/**
 * What a parsed flow document refers to: the flows its Subflow and ForEachItem tasks call, the
 * flows whose executions trigger it, the K/V keys, namespace files and secrets its expressions
 * read, and the K/V keys its `kv.Set` tasks write. A value that is an expression is not a
 * reference: it goes to `dynamic` and is never guessed.
 */
export function flowReferences(document: Readonly<Record<string, unknown>>): FlowReferences {
  const namespace = String(document.namespace);
  const found = {
    calls: [] as FlowCall[],
    triggeredBy: [] as FlowTriggerSource[],
    keyValues: [] as KeyValueRead[],
    namespaceFiles: [] as NamespaceFileUse[],
    secrets: [] as SecretRead[],
    keyValueWrites: [] as KeyValueWrite[],
    dynamic: [] as DynamicReference[],
  };
  for (const task of flowTasks(document)) {
    if (CALL_TYPES.has(task.type)) addCall(found, task);
    else if (KV_SET_TYPES.has(task.type)) addKeyValueWrite(found, task, namespace);
    addIncludes(found, task, namespace);
  }
  for (const trigger of flowTriggers(document)) {
    if (FLOW_TRIGGER_TYPES.has(trigger.type)) addTriggerSources(found, trigger);
  }
  scanExpressions(found, document, [], namespace);
  return found;
}

type Found = { -readonly [K in keyof FlowReferences]: FlowReferences[K] extends readonly (infer T)[] ? T[] : never };

function addCall(found: Found, task: FlowTask): void {
  const { namespace, flowId } = task.properties;
  const path = formatPath(task.path);
  if (typeof namespace !== 'string' || typeof flowId !== 'string') return;
  if (isExpression(namespace) || isExpression(flowId)) {
    found.dynamic.push({ kind: 'flow', path, expression: `${namespace}.${flowId}` });
    return;
  }
  found.calls.push({ task: task.id, type: task.type, path, namespace, flowId });
}

function addKeyValueWrite(found: Found, task: FlowTask, flowNamespace: string): void {
  const { key, namespace } = task.properties;
  if (typeof key !== 'string') return;
  const target = typeof namespace === 'string' ? namespace : flowNamespace;
  if (isExpression(key) || isExpression(target)) {
    // `{{ flow.namespace }}` is the task's own default, written out
    if (!isExpression(key) && /^\{\{\s*flow\.namespace\s*\}\}$/.test(target)) {
      found.keyValueWrites.push({ key, namespace: flowNamespace, task: task.id });
      return;
    }
    found.dynamic.push({ kind: 'kv-write', path: formatPath(task.path), expression: `${target}/${key}` });
    return;
  }
  found.keyValueWrites.push({ key, namespace: target, task: task.id });
}

// kestra-io/kestra core/.../models/tasks/NamespaceFiles.java: `enabled` (default true), `include`,
// `exclude` (glob patterns) and, in Kestra 1.x, `namespaces` (default: the flow's namespace).
function addIncludes(found: Found, task: FlowTask, flowNamespace: string): void {
  const options = task.properties.namespaceFiles;
  if (!isPlainMapping(options) || options.enabled === false || !Array.isArray(options.include)) return;
  const location = formatPath([...task.path, 'namespaceFiles', 'include']);
  let namespaces: string[] = [flowNamespace];
  if (Array.isArray(options.namespaces)) {
    if (options.namespaces.some((ns) => typeof ns !== 'string' || isExpression(ns))) {
      found.dynamic.push({ kind: 'file', path: formatPath([...task.path, 'namespaceFiles', 'namespaces']), expression: JSON.stringify(options.namespaces) });
      return;
    }
    namespaces = options.namespaces as string[];
  }
  for (const pattern of options.include) {
    if (typeof pattern !== 'string') continue;
    if (isExpression(pattern)) found.dynamic.push({ kind: 'file', path: location, expression: pattern });
    else found.namespaceFiles.push({ via: 'include', path: pattern, namespaces, location });
  }
}

function addTriggerSources(found: Found, trigger: FlowTask): void {
  const conditions = trigger.properties.conditions;
  if (Array.isArray(conditions)) addConditions(found, trigger.id, conditions, [...trigger.path, 'conditions']);
  const preconditions = trigger.properties.preconditions;
  if (isPlainMapping(preconditions) && Array.isArray(preconditions.flows)) {
    preconditions.flows.forEach((upstream, i) => {
      if (!isPlainMapping(upstream)) return;
      addTriggerSource(found, trigger.id, upstream, [...trigger.path, 'preconditions', 'flows', i]);
    });
  }
}

/** Conditions nest: MultipleCondition keeps a map of them, Or and Not a list. */
function addConditions(found: Found, trigger: string, conditions: unknown, path: FlowPath): void {
  const entries: Array<[string | number, unknown]> = Array.isArray(conditions)
    ? conditions.map((c, i) => [i, c]) : isPlainMapping(conditions) ? Object.entries(conditions) : [];
  for (const [key, condition] of entries) {
    if (!isPlainMapping(condition)) continue;
    if (typeof condition.type === 'string' && EXECUTION_FLOW_CONDITIONS.has(condition.type)) {
      addTriggerSource(found, trigger, condition, [...path, key]);
    } else if (condition.conditions !== undefined) {
      addConditions(found, trigger, condition.conditions, [...path, key, 'conditions']);
    }
  }
}

function addTriggerSource(found: Found, trigger: string, source: Record<string, unknown>, path: FlowPath): void {
  const { namespace, flowId } = source;
  if (typeof namespace !== 'string') return;
  if (isExpression(namespace) || (typeof flowId === 'string' && isExpression(flowId))) {
    found.dynamic.push({ kind: 'trigger', path: formatPath(path), expression: `${namespace}.${flowId ?? '*'}` });
    return;
  }
  found.triggeredBy.push({ trigger, path: formatPath(path), namespace, ...(typeof flowId === 'string' ? { flowId } : {}) });
}

/**
 * Every string of the document, searched for `kv`, `read` and `secret` calls in its template
 * blocks. Upstream: kestra-io/kestra core/.../runners/pebble/functions/KvFunction.java (arguments
 * `key`, `namespace`, `errorOnMissing`), ReadFileFunction.java with AbstractFileFunction.java
 * (`path`, `namespace`; a `kestra:///` URI is an execution file, not a namespace file) and
 * SecretFunction.java (`key`).
 */
function scanExpressions(found: Found, node: unknown, path: Array<string | number>, flowNamespace: string): void {
  // one mutable path for the whole walk: most strings hold no call, and need no path of their own
  if (typeof node === 'string') {
    for (const call of pebbleCalls(node, FUNCTIONS)) addCallReference(found, call, formatPath(path), flowNamespace);
  } else if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) {
      path.push(i);
      scanExpressions(found, node[i], path, flowNamespace);
      path.pop();
    }
  } else if (isPlainMapping(node)) {
    for (const key in node) {
      path.push(key);
      scanExpressions(found, node[key], path, flowNamespace);
      path.pop();
    }
  }
}

function addCallReference(found: Found, call: ReturnType<typeof pebbleCalls>[number], path: string, flowNamespace: string): void {
  const first = call.named[call.name === 'read' ? 'path' : 'key'] ?? call.positional[0];
  const namespaceArg = 'namespace' in call.named ? call.named.namespace : call.positional[1];
  const namespaceGiven = 'namespace' in call.named || call.positional.length > 1;
  const kind = call.name === 'kv' ? 'kv' : call.name === 'read' ? 'file' : 'secret';
  if (typeof first !== 'string' || (namespaceGiven && typeof namespaceArg !== 'string')) {
    found.dynamic.push({ kind, path, expression: call.text });
    return;
  }
  if (call.name === 'secret') {
    found.secrets.push({ name: first, path });
  } else if (call.name === 'kv') {
    const errorOnMissing = 'errorOnMissing' in call.named ? call.named.errorOnMissing : call.positional[2];
    found.keyValues.push({
      key: first, optional: errorOnMissing === false, path, ...(namespaceGiven ? { namespace: namespaceArg as string } : {}),
    });
  } else {
    const file = namespaceFilePath(first);
    if (file === undefined) return; // an execution's file (kestra:///...) or a local file (file://): not a namespace file
    found.namespaceFiles.push({
      via: 'read', path: file.path, namespaces: [file.namespace ?? (namespaceGiven ? namespaceArg as string : flowNamespace)], location: path,
    });
  }
}

/**
 * The canonical namespace-file path of a `read()` argument: a plain path, or an `nsfile://`
 * URI (`nsfile:///path` in the flow's namespace, `nsfile://other.namespace/path`).
 */
function namespaceFilePath(argument: string): { path: string; namespace?: string } | undefined {
  const nsfile = /^nsfile:\/\/([^/]*)(\/.*)$/.exec(argument);
  if (nsfile) return { path: canonical(nsfile[2]), ...(nsfile[1] ? { namespace: nsfile[1] } : {}) };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(argument)) return undefined;
  return { path: canonical(argument) };
}

function canonical(path: string): string {
  return '/' + path.split('/').filter((segment) => segment !== '' && segment !== '.').join('/');
}
