import type { Document, LineCounter, Node } from 'yaml';
import { loadFlowYamlFast } from './fast-yaml';
import { FlowPath, flowRuleViolations, isPlainMapping } from './flow-rules';
import { describeValue, KestraValidationError } from '../common/errors';
import { yamlLibrary } from '../common/lazy-modules';

/** A flow source that passed every check: its identity and the parsed document. */
export interface ParsedFlow {
  /** The flow id, from the source's `id`. */
  readonly id: string;
  /** The Kestra namespace, from the source's `namespace`. */
  readonly namespace: string;
  /** The whole flow as plain data. */
  readonly document: Record<string, unknown>;
}

/** One problem of a flow source, located where the YAML parser could tell. */
export interface FlowProblem {
  /** Dotted path in the document, e.g. `tasks[1].id`; empty for the whole document. */
  readonly path: string;
  /** 1-based line, when known. */
  readonly line?: number;
  /** 1-based column, when known. */
  readonly column?: number;
  /** The offending value, if any. */
  readonly value?: unknown;
  /** What is wrong. */
  readonly message: string;
}

/**
 * A flow source Kestra would reject. The message names the origin (usually the file) and
 * lists every problem with its line and column.
 */
export class FlowSourceError extends KestraValidationError {
  constructor(
    /** Where the source came from: a file path, or `flow source`. */
    public readonly origin: string,
    /** Every problem found, in document order. */
    public readonly problems: readonly FlowProblem[],
  ) {
    super(origin, problems[0]?.value, problems.map(formatProblem).join('; '));
    this.name = 'FlowSourceError';
    this.message = `Invalid flow ${origin}: ${problems.length === 1 ? '' : `${problems.length} problems: `}${problems.map(formatProblem).join('; ')}`;
  }
}

/**
 * The options the package parses every flow source with: duplicate keys are errors, and `<<`
 * merge keys are resolved, as Kestra's YAML reader (Jackson over SnakeYAML) does.
 */
export function parseFlowYaml(source: string): { doc: Document.Parsed; lineCounter: LineCounter } {
  const yaml = yamlLibrary();
  const lineCounter = new yaml.LineCounter();
  const doc = yaml.parseDocument(source, { lineCounter, uniqueKeys: true, prettyErrors: true, strict: true, merge: true });
  return { doc, lineCounter };
}

/**
 * Parses and checks a Kestra flow source. Fails with a {@link FlowSourceError} naming `origin`
 * and the line and column of each problem on: YAML syntax errors, duplicate keys, a missing or
 * invalid id or namespace, missing or empty `tasks`, a task without id or type, duplicate task ids
 * anywhere in the tree, duplicate trigger, input or output ids, a Dag dependency on a missing task
 * or a cycle, and reserved `system.` labels other than `system.readOnly`.
 */
export function parseFlowSource(source: string, origin = 'flow source'): ParsedFlow {
  if (typeof source !== 'string') {
    throw new KestraValidationError('source', source, 'must be the YAML text of a Kestra flow');
  }
  if (source.trim() === '') {
    throw new FlowSourceError(origin, [{ path: '', message: 'the flow source is empty' }]);
  }
  // Most sources are valid: check them on the fast parser, and spend the precise one (which
  // locates every problem) only on sources that fail.
  const fast = loadFlowYamlFast(source);
  if (isPlainMapping(fast) && flowRuleViolations(fast).length === 0) {
    return { id: fast.id as string, namespace: fast.namespace as string, document: fast };
  }
  const { doc, lineCounter } = parseFlowYaml(source);
  if (doc.errors.length > 0) {
    throw new FlowSourceError(origin, doc.errors.map((err) => ({
      path: '',
      line: err.linePos?.[0].line,
      column: err.linePos?.[0].col,
      message: yamlMessage(err.code, err.message, (/^[^:\n]*/.exec(source.slice(err.pos[0])) ?? [''])[0]),
    })));
  }
  let document: unknown;
  try {
    document = doc.toJS({ maxAliasCount: 1000 });
  } catch (err) {
    throw new FlowSourceError(origin, [{ path: '', message: `cannot read the YAML: ${(err as Error).message}` }]);
  }
  const violations = flowRuleViolations(document);
  if (violations.length > 0) {
    throw new FlowSourceError(origin, sortByPosition(violations.map((v) => {
      const at = locate(doc, lineCounter, v.path);
      const related = v.related ? locate(doc, lineCounter, v.related) : undefined;
      const relatedText = v.related
        ? ` (first used at ${formatPath(v.related)}${related ? `, line ${related.line}, column ${related.col}` : ''})`
        : '';
      return { path: formatPath(v.path), line: at?.line, column: at?.col, value: v.value, message: v.message + relatedText };
    })));
  }
  const flow = document as Record<string, unknown>;
  return { id: flow.id as string, namespace: flow.namespace as string, document: flow };
}

/** Renders a document path the way users write it: `tasks[1].cases.a[0].id`, `labels["system.id"]`. */
export function formatPath(path: FlowPath): string {
  return path.reduce<string>((text, part) => {
    if (typeof part === 'number') return `${text}[${part}]`;
    if (!/^[A-Za-z_$][\w$-]*$/.test(part)) return `${text}[${JSON.stringify(part)}]`;
    return text ? `${text}.${part}` : part;
  }, '');
}

function sortByPosition(problems: FlowProblem[]): FlowProblem[] {
  const key = (p: FlowProblem): number => (p.line ?? Number.MAX_SAFE_INTEGER) * 100000 + (p.column ?? 0);
  return [...problems].sort((a, b) => key(a) - key(b));
}

/**
 * The line and column (1-based) of the node at `path`; for a missing key, those of the map that
 * lacks it, unless that is the whole document (a missing `tasks` has no better place than line 1).
 */
function locate(doc: Document.Parsed, lineCounter: LineCounter, path: FlowPath): { line: number; col: number } | undefined {
  const { isAlias, isMap: isYamlMap, isScalar, isSeq } = yamlLibrary();
  let node: unknown = doc.contents;
  let found: unknown = undefined;
  for (const part of path) {
    if (isAlias(node)) node = node.resolve(doc);
    if (isYamlMap(node)) {
      const pair = node.items.find((item) => String(isScalar(item.key) ? item.key.value : item.key) === String(part));
      // a missing value (`id:`) is located at its key
      node = pair ? (pair.value ?? pair.key) : undefined;
    } else if (isSeq(node) && typeof part === 'number') {
      node = node.items[part];
    } else {
      node = undefined;
    }
    if (!node) break;
    found = node;
  }
  const offset = (found as Node | undefined)?.range?.[0];
  return offset === undefined ? undefined : lineCounter.linePos(offset);
}

function yamlMessage(code: string, message: string, excerpt: string): string {
  // the yaml library appends a source excerpt after the first line; the location is reported separately
  const first = message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
  return code === 'DUPLICATE_KEY' ? `duplicated YAML key ${JSON.stringify(excerpt.trim())}: ${first}` : first;
}

function formatProblem(problem: FlowProblem): string {
  const where = problem.line !== undefined ? `line ${problem.line}, column ${problem.column}: ` : '';
  const subject = problem.path ? `${problem.path}${problem.value !== undefined ? ` ${describeValue(problem.value)}` : ''}: ` : '';
  return `${where}${subject}${problem.message}`;
}
