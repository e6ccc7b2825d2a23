import { FlowPath, isPlainMapping } from './flow-rules';

/** A task of a flow, wherever it sits in the tree, with the path that leads to it. */
export interface FlowTask {
  /** The task's `id` (as written; a flow that passed `parseFlowSource` has one on every task). */
  readonly id: string;
  /** The task's `type`, e.g. `io.kestra.plugin.core.flow.Subflow`. */
  readonly type: string;
  /** Where the task sits, e.g. `['tasks', 1, 'then', 0]`. */
  readonly path: FlowPath;
  /** The task's properties, as plain data. */
  readonly properties: Readonly<Record<string, unknown>>;
}

// Where Kestra's core flowable tasks keep their children (Sequential, Parallel, If, Switch, Dag,
// ForEach, AllowFailure, WorkingDirectory, LoopUntil... in kestra-io/kestra core/.../plugin/core/flow).
// `cases` is a map of task lists; a Dag's `tasks` holds `{ task, dependsOn }` entries.
const CHILD_LIST_KEYS = ['tasks', 'errors', 'finally', 'then', 'else', 'defaults'] as const;
// Task lists of the flow itself (kestra-io/kestra core/.../models/flows/Flow.java).
const FLOW_LIST_KEYS = ['tasks', 'errors', 'finally', 'afterExecution'] as const;

/**
 * Every task of a parsed flow document, depth first in document order: the main tasks, `errors`,
 * `finally`, `afterExecution`, listeners' tasks, and every branch nested in flowable tasks.
 * Structures that are not task lists (a plugin's own `tasks` of strings, say) are passed over,
 * so this never throws on a document `parseFlowSource` accepted.
 */
export function flowTasks(document: Readonly<Record<string, unknown>>): FlowTask[] {
  const found: FlowTask[] = [];
  for (const key of FLOW_LIST_KEYS) collectList(found, document[key], [key]);
  if (Array.isArray(document.listeners)) {
    document.listeners.forEach((listener, i) => {
      if (isPlainMapping(listener)) collectList(found, listener.tasks, ['listeners', i, 'tasks']);
    });
  }
  return found;
}

/** The triggers of a parsed flow document that have an id and a type, with their paths. */
export function flowTriggers(document: Readonly<Record<string, unknown>>): FlowTask[] {
  if (!Array.isArray(document.triggers)) return [];
  return document.triggers.flatMap((trigger, i) => (isTaskLike(trigger)
    ? [{ id: String(trigger.id), type: trigger.type, path: ['triggers', i], properties: trigger }]
    : []));
}

function collectList(found: FlowTask[], list: unknown, path: FlowPath): void {
  if (!Array.isArray(list)) return;
  list.forEach((element, i) => {
    // a Dag entry wraps its task: { task: {...}, dependsOn: [...] }
    const isDagEntry = isPlainMapping(element) && element.type === undefined && isTaskLike(element.task);
    const task = isDagEntry ? (element as Record<string, unknown>).task : element;
    if (isTaskLike(task)) collectTask(found, task, isDagEntry ? [...path, i, 'task'] : [...path, i]);
  });
}

function collectTask(found: FlowTask[], task: Record<string, unknown> & { type: string }, path: FlowPath): void {
  found.push({ id: String(task.id), type: task.type, path, properties: task });
  for (const key of CHILD_LIST_KEYS) collectList(found, task[key], [...path, key]);
  if (isPlainMapping(task.cases)) {
    for (const [caseKey, branch] of Object.entries(task.cases)) collectList(found, branch, [...path, 'cases', caseKey]);
  }
}

function isTaskLike(value: unknown): value is Record<string, unknown> & { type: string } {
  return isPlainMapping(value) && typeof value.type === 'string' && value.id !== undefined && value.id !== null;
}
