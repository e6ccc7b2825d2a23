import { validateFlowId, validateNamespace, validateTaskId } from './identifiers';
import { KestraValidationError } from '../common/errors';

/** A path into a flow document: map keys and list indexes. */
export type FlowPath = readonly (string | number)[];

/** One rule a flow breaks, before it is given a line and column. */
export interface FlowRuleViolation {
  /** Where in the document. */
  readonly path: FlowPath;
  /** The offending value (an id, a key), for the message. */
  readonly value: unknown;
  /** What is wrong. */
  readonly message: string;
  /** Another place the message refers to (the first use of a duplicated id). */
  readonly related?: FlowPath;
}

/** The only `system.` label a flow author may set (Kestra's FlowValidator rejects the others). */
export const READ_ONLY_LABEL = 'system.readOnly';

// Keys of a task that hold child tasks in Kestra's core flowable tasks (Sequential, Parallel,
// If, Switch, Dag, ForEach, AllowFailure, WorkingDirectory, LoopUntil...). `cases` is a map of lists.
const CHILD_TASK_KEYS = ['tasks', 'errors', 'finally', 'then', 'else', 'defaults'];
// Core flowable tasks whose `tasks` must not be empty (Kestra: @NotEmpty on their `tasks`).
const FLOWABLE_WITH_REQUIRED_TASKS = /^io\.kestra\.(plugin\.core\.flow|core\.tasks\.flows)\.(Sequential|Parallel|Dag|ForEach|EachSequential|EachParallel|AllowFailure|WorkingDirectory|LoopUntil)$/;

/**
 * Checks a parsed flow document against the rules Kestra enforces without a server: id and
 * namespace patterns, a non-empty `tasks` list, an id and a type on every task, task ids unique
 * across the whole tree (main tasks, `errors`, `finally`, `afterExecution`, listeners, and every
 * nested branch), trigger ids unique, input and output ids unique, DAG dependencies that exist and
 * do not form a cycle, and no reserved `system.` label other than `system.readOnly`.
 */
export function flowRuleViolations(document: unknown): FlowRuleViolation[] {
  const out: FlowRuleViolation[] = [];
  if (!isPlainMapping(document)) {
    return [{ path: [], value: typeof document, message: 'a flow must be a YAML map with id, namespace and tasks' }];
  }
  checkIdentifier(out, document, 'id', validateFlowId);
  checkIdentifier(out, document, 'namespace', validateNamespace);

  const taskIds = new Map<string, FlowPath>();
  const tasks = document.tasks;
  if (!Array.isArray(tasks) || tasks.length === 0) {
    out.push({ path: ['tasks'], value: tasks, message: 'a flow needs a non-empty list of tasks' });
  } else {
    visitTaskList(out, taskIds, tasks, ['tasks']);
  }
  for (const key of ['errors', 'finally', 'afterExecution']) {
    const list = document[key];
    if (list === undefined || list === null) continue;
    if (!Array.isArray(list)) out.push({ path: [key], value: list, message: 'must be a list of tasks' });
    else visitTaskList(out, taskIds, list, [key]);
  }
  if (Array.isArray(document.listeners)) {
    document.listeners.forEach((listener, i) => {
      if (isPlainMapping(listener) && Array.isArray(listener.tasks)) visitTaskList(out, taskIds, listener.tasks, ['listeners', i, 'tasks']);
    });
  }
  checkTriggers(out, document.triggers);
  checkUniqueIds(out, document.inputs, 'inputs', 'input');
  checkUniqueIds(out, document.outputs, 'outputs', 'output');
  checkLabels(out, document.labels);
  return out;
}

function checkIdentifier(out: FlowRuleViolation[], document: Record<string, unknown>, key: string,
  validate: (field: string, value: unknown) => string): void {
  try {
    validate(key, document[key]);
  } catch (err) {
    if (!(err instanceof KestraValidationError)) throw err;
    out.push({ path: [key], value: document[key], message: err.reason });
  }
}

function visitTaskList(out: FlowRuleViolation[], ids: Map<string, FlowPath>, list: unknown[], path: FlowPath): void {
  const dagEntries: { id: unknown; dependsOn: unknown; path: FlowPath }[] = [];
  list.forEach((element, i) => {
    const here = [...path, i];
    if (isPlainMapping(element) && isPlainMapping(element.task) && element.type === undefined && element.id === undefined) {
      // a Dag entry: { task: {...}, dependsOn: [...] }
      visitTask(out, ids, element.task, [...here, 'task']);
      dagEntries.push({ id: element.task.id, dependsOn: element.dependsOn, path: here });
    } else if (isPlainMapping(element)) {
      visitTask(out, ids, element, here);
    } else {
      out.push({ path: here, value: element ?? null, message: 'must be a task: a map with an id and a type' });
    }
  });
  if (dagEntries.length > 0) checkDag(out, dagEntries);
}

function visitTask(out: FlowRuleViolation[], ids: Map<string, FlowPath>, task: Record<string, unknown>, path: FlowPath): void {
  const id = task.id;
  if (id === undefined || id === null) {
    out.push({ path, value: undefined, message: typeof task.type === 'string' ? `task of type "${task.type}" has no id` : 'task has no id' });
  } else {
    try {
      validateTaskId('id', id);
      const first = ids.get(String(id));
      if (first) out.push({ path: [...path, 'id'], value: id, message: 'duplicate task id', related: [...first, 'id'] });
      else ids.set(String(id), path);
    } catch (err) {
      if (!(err instanceof KestraValidationError)) throw err;
      out.push({ path: [...path, 'id'], value: id, message: err.reason });
    }
  }
  if (typeof task.type !== 'string' || task.type.trim() === '') {
    out.push({ path, value: undefined, message: 'task has no type' });
  } else if (FLOWABLE_WITH_REQUIRED_TASKS.test(task.type) && (!Array.isArray(task.tasks) || task.tasks.length === 0)) {
    out.push({ path: [...path, 'tasks'], value: task.tasks ?? null, message: `a ${task.type.split('.').pop()} task needs a non-empty list of tasks` });
  }
  for (const key of CHILD_TASK_KEYS) {
    const child = task[key];
    // Only lists of maps are task lists; plugins may use the same key names for other data.
    if (Array.isArray(child) && child.length > 0 && child.every(isPlainMapping)) visitTaskList(out, ids, child, [...path, key]);
  }
  if (isPlainMapping(task.cases)) {
    for (const [caseKey, branch] of Object.entries(task.cases)) {
      if (Array.isArray(branch) && branch.every(isPlainMapping)) visitTaskList(out, ids, branch, [...path, 'cases', caseKey]);
    }
  }
}

function checkDag(out: FlowRuleViolation[], entries: { id: unknown; dependsOn: unknown; path: FlowPath }[]): void {
  const graph = new Map<string, string[]>();
  for (const entry of entries) if (typeof entry.id === 'string') graph.set(entry.id, []);
  for (const entry of entries) {
    if (typeof entry.id !== 'string' || entry.dependsOn === undefined || entry.dependsOn === null) continue;
    if (!Array.isArray(entry.dependsOn)) {
      out.push({ path: [...entry.path, 'dependsOn'], value: entry.dependsOn, message: 'dependsOn must be a list of task ids' });
      continue;
    }
    entry.dependsOn.forEach((dep, i) => {
      if (typeof dep === 'string' && graph.has(dep)) graph.get(entry.id as string)!.push(dep);
      else out.push({ path: [...entry.path, 'dependsOn', i], value: dep, message: `task "${entry.id}" depends on a task that is not in this Dag` });
    });
  }
  const cycle = findCycle(graph);
  if (cycle) {
    const at = entries.find((e) => e.id === cycle[0])!;
    out.push({ path: [...at.path, 'dependsOn'], value: cycle[0], message: `Dag tasks depend on each other in a cycle: ${cycle.join(' -> ')}` });
  }
}

function findCycle(graph: Map<string, string[]>): string[] | undefined {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): string[] | undefined => {
    if (state.get(node) === 'done') return undefined;
    if (state.get(node) === 'visiting') return [...stack.slice(stack.indexOf(node)), node];
    state.set(node, 'visiting');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      const found = visit(next);
      if (found) return found;
    }
    stack.pop();
    state.set(node, 'done');
    return undefined;
  };
  for (const node of graph.keys()) {
    const found = visit(node);
    if (found) return found;
  }
  return undefined;
}

function checkTriggers(out: FlowRuleViolation[], triggers: unknown): void {
  if (triggers === undefined || triggers === null) return;
  if (!Array.isArray(triggers)) {
    out.push({ path: ['triggers'], value: triggers, message: 'must be a list of triggers' });
    return;
  }
  const seen = new Map<string, FlowPath>();
  triggers.forEach((trigger, i) => {
    if (!isPlainMapping(trigger)) {
      out.push({ path: ['triggers', i], value: trigger ?? null, message: 'must be a trigger: a map with an id and a type' });
      return;
    }
    if (typeof trigger.type !== 'string' || trigger.type.trim() === '') out.push({ path: ['triggers', i], value: undefined, message: 'trigger has no type' });
    if (trigger.id === undefined || trigger.id === null) {
      out.push({ path: ['triggers', i], value: undefined, message: 'trigger has no id' });
      return;
    }
    const first = seen.get(String(trigger.id));
    if (first) out.push({ path: ['triggers', i, 'id'], value: trigger.id, message: 'duplicate trigger id', related: first });
    else seen.set(String(trigger.id), ['triggers', i, 'id']);
  });
}

function checkUniqueIds(out: FlowRuleViolation[], list: unknown, key: string, what: string): void {
  if (!Array.isArray(list)) return;
  const seen = new Map<string, FlowPath>();
  list.forEach((item, i) => {
    if (!isPlainMapping(item)) return;
    // `name` is the pre-0.15 spelling of an input's id; Kestra still reads it.
    const idKey = item.id !== undefined ? 'id' : 'name';
    const id = item[idKey];
    if (id === undefined || id === null) {
      out.push({ path: [key, i], value: null, message: `${what} has no id` });
      return;
    }
    const first = seen.get(String(id));
    if (first) out.push({ path: [key, i, idKey], value: id, message: `duplicate ${what} id`, related: first });
    else seen.set(String(id), [key, i, idKey]);
  });
}

function checkLabels(out: FlowRuleViolation[], labels: unknown): void {
  if (labels === undefined || labels === null) return;
  const entries: { key: unknown; path: FlowPath }[] = [];
  if (Array.isArray(labels)) {
    labels.forEach((label, i) => {
      if (!isPlainMapping(label) || typeof label.key !== 'string' || label.key === '') {
        out.push({ path: ['labels', i], value: label ?? null, message: 'a label in a list must be a map with a key and a value' });
      } else {
        entries.push({ key: label.key, path: ['labels', i, 'key'] });
      }
    });
  } else if (isPlainMapping(labels)) {
    for (const key of Object.keys(labels)) entries.push({ key, path: ['labels', key] });
  } else {
    out.push({ path: ['labels'], value: labels, message: 'labels must be a map or a list of {key, value}' });
  }
  for (const { key, path } of entries) {
    if (typeof key === 'string' && key.startsWith('system.') && key !== READ_ONLY_LABEL) {
      out.push({ path, value: key, message: `the "system." label prefix is reserved to Kestra; only ${READ_ONLY_LABEL} may be set in a flow` });
    }
  }
}

/** True for a plain YAML/JSON map (not a list, not null). */
export function isPlainMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
