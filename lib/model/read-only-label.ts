import type { LineCounter, YAMLMap, YAMLSeq } from 'yaml';
import { loadFlowYamlFast } from './fast-yaml';
import { canonicalJson } from './flow-canonical';
import { isPlainMapping, READ_ONLY_LABEL } from './flow-rules';
import { FlowSourceError, parseFlowYaml } from './flow-source';
import { KestraValidationError } from '../common/errors';
import { yamlLibrary } from '../common/lazy-modules';

const LABEL_VALUE = 'true';

/** True when the flow document carries the `system.readOnly` label (whatever its value), as a map entry or a list item. */
export function hasReadOnlyLabel(document: Record<string, unknown>): boolean {
  const labels = document.labels;
  if (Array.isArray(labels)) return labels.some((label) => isPlainMapping(label) && label.key === READ_ONLY_LABEL);
  return isPlainMapping(labels) && Object.prototype.hasOwnProperty.call(labels, READ_ONLY_LABEL);
}

/**
 * Adds the Kestra label `system.readOnly: "true"` to a flow source, which disables the UI editor
 * for a flow managed from code. The edit is textual and minimal: one line is inserted (into the
 * existing `labels` map or list, or a new `labels` map at the end), so the author's comments,
 * quoting and indentation are untouched. The result is checked to parse to the original document
 * plus that label; when a layout defeats the textual edit (flow-style root, anchors on `labels`,
 * an explicit document end), the YAML Document API re-renders the source, still keeping comments.
 * A source that already has the label (with any value) is returned unchanged.
 */
export function withReadOnlyLabel(source: string, origin = 'flow source', parsed?: Record<string, unknown>): string {
  const fast = parsed ?? loadFlowYamlFast(source);
  if (isPlainMapping(fast)) {
    if (hasReadOnlyLabel(fast)) return source;
    const edited = lineEdit(source, fast);
    // The re-parse costs as much as the parse itself; a layout simple enough to prove the edit right skips it.
    if (edited !== undefined && (lineEditIsProvable(source) || isOriginalPlusLabel(edited, fast, loadFlowYamlFast))) return edited;
  }
  const { doc, lineCounter } = parseFlowYaml(source);
  if (doc.errors.length > 0) {
    throw new FlowSourceError(origin, doc.errors.map((err) => ({
      path: '', line: err.linePos?.[0].line, column: err.linePos?.[0].col, message: err.message.split('\n')[0],
    })));
  }
  const original = doc.toJS({ maxAliasCount: 1000 }) as unknown;
  if (!isPlainMapping(original)) {
    throw new KestraValidationError(origin, typeof original, 'a flow must be a YAML map with id, namespace and tasks');
  }
  if (hasReadOnlyLabel(original)) return source;
  if (original.labels !== undefined && original.labels !== null && !isPlainMapping(original.labels) && !Array.isArray(original.labels)) {
    throw new KestraValidationError(`${origin} labels`, original.labels, 'labels must be a map or a list of {key, value}');
  }
  const textual = textualEdit(source, doc.contents, lineCounter);
  if (textual !== undefined && isOriginalPlusLabel(textual, original, parseSlow)) return textual;
  const rendered = documentEdit(source, original);
  if (isOriginalPlusLabel(rendered, original, parseSlow)) return rendered;
  // Not reachable for a source that parses; kept so that a wrong edit can never be shipped silently.
  throw new KestraValidationError(origin, READ_ONLY_LABEL, 'could not add the read-only label without changing the flow; add it to the source yourself');
}

const LABELS_LINE = /^labels[ \t]*:[ \t]*(?:#.*)?$/gm;

/**
 * The fast edit, from plain text and the parsed document alone (no node positions): handles a
 * root map at column 0 with no `labels`, or with block-style `labels` (map or list). Anything
 * else returns `undefined` and goes to the position-aware edit. The caller verifies the result.
 */
function lineEdit(source: string, document: Record<string, unknown>): string | undefined {
  if (/^\.\.\.\s*$/m.test(source)) return undefined;
  const labels = document.labels;
  if (labels === undefined) {
    const separator = source.endsWith('\n') ? '' : '\n';
    return `${source}${separator}labels:\n  ${READ_ONLY_LABEL}: "${LABEL_VALUE}"\n`;
  }
  const matches = [...source.matchAll(LABELS_LINE)];
  if (matches.length !== 1 || (!Array.isArray(labels) && !isPlainMapping(labels))) return undefined;
  const afterLabels = matches[0].index! + matches[0][0].length + 1;
  const firstItem = /^([ \t]*)(?!#)\S/m.exec(source.slice(afterLabels));
  if (!firstItem) return undefined;
  const indent = firstItem[1];
  const line = Array.isArray(labels)
    ? `${indent}- { key: ${READ_ONLY_LABEL}, value: "${LABEL_VALUE}" }\n`
    : `${indent}${READ_ONLY_LABEL}: "${LABEL_VALUE}"\n`;
  return splice(source, afterLabels, line);
}

/**
 * True when the line edit cannot change anything but the labels: the root map starts at column 0
 * (so a column-0 `labels:` line is a root key, never inside a block scalar, whose lines are indented),
 * no quoted scalar can span lines (one could hold a column-0 `labels:` line), no block scalar keeps
 * its trailing blank lines (`|+`, which an appended key would end), and the source ends with a newline
 * (so an appended line cannot join the last value).
 */
function lineEditIsProvable(source: string): boolean {
  if (!source.endsWith('\n') || /[|>][1-9]?\+/.test(source)) return false;
  // The first line that is not blank, a comment or `---` must start at column 0.
  if (!/^(?:(?:[ \t]*(?:#[^\n]*)?|---[ \t]*)\n)*[^\s#]/.test(source)) return false;
  // Only lines holding a quote can open a quoted scalar that spans lines: jump from quote to quote.
  for (let quote = nextQuote(source, 0); quote >= 0;) {
    const lineStart = source.lastIndexOf('\n', quote) + 1;
    const newline = source.indexOf('\n', quote);
    const lineEnd = newline < 0 ? source.length : newline;
    if (!lineIsBalanced(source.slice(lineStart, lineEnd))) return false;
    quote = nextQuote(source, lineEnd);
  }
  return true;
}

function nextQuote(source: string, from: number): number {
  const double = source.indexOf('"', from);
  const single = source.indexOf("'", from);
  return double < 0 ? single : single < 0 ? double : Math.min(double, single);
}

/** False when a line may leave a quoted scalar open (an odd number of quotes that can start one). */
function lineIsBalanced(line: string): boolean {
  if (line.trimStart().startsWith('#')) return true;
  if ((line.replace(/\\./g, '').split('"').length - 1) % 2 === 1) return false;
  return !(/(?:^|[\s:,[{-])'/.test(line) && (line.replace(/''/g, '').split("'").length - 1) % 2 === 1);
}

function parseSlow(source: string): unknown {
  const { doc } = parseFlowYaml(source);
  return doc.errors.length > 0 ? undefined : doc.toJS({ maxAliasCount: 1000 });
}

function textualEdit(source: string, root: unknown, lineCounter: LineCounter): string | undefined {
  const { isAlias, isMap: isYamlMap, isScalar, isSeq } = yamlLibrary();
  if (!isYamlMap(root) || root.flow || root.items.length === 0 || /^\.\.\.\s*$/m.test(source)) return undefined;
  const labelsPair = root.items.find((pair) => isScalar(pair.key) && pair.key.value === 'labels');
  if (!labelsPair) {
    const firstKey = root.items[0].key as { range?: [number, number, number] };
    if (!firstKey.range) return undefined;
    const indent = ' '.repeat(lineCounter.linePos(firstKey.range[0]).col - 1);
    const separator = source.endsWith('\n') ? '' : '\n';
    return `${source}${separator}${indent}labels:\n${indent}  ${READ_ONLY_LABEL}: "${LABEL_VALUE}"\n`;
  }
  const labels = labelsPair.value;
  if (isAlias(labels) || (labels as { anchor?: string } | null)?.anchor) return undefined;
  if (isYamlMap(labels)) return insertIntoMap(source, labels, lineCounter);
  if (isSeq(labels)) return insertIntoSeq(source, labels, lineCounter);
  return undefined;
}

function insertIntoMap(source: string, labels: YAMLMap, lineCounter: LineCounter): string | undefined {
  const entry = `${READ_ONLY_LABEL}: "${LABEL_VALUE}"`;
  if (labels.flow) {
    const open = labels.range?.[0];
    if (open === undefined || source[open] !== '{') return undefined;
    return splice(source, open + 1, labels.items.length > 0 ? ` ${entry}, ` : ` ${entry} `);
  }
  const firstKey = labels.items[0]?.key as { range?: [number, number, number] } | undefined;
  if (!firstKey?.range) return undefined;
  return insertLineBefore(source, firstKey.range[0], entry, lineCounter);
}

function insertIntoSeq(source: string, labels: YAMLSeq, lineCounter: LineCounter): string | undefined {
  const item = `{ key: ${READ_ONLY_LABEL}, value: "${LABEL_VALUE}" }`;
  const start = labels.range?.[0];
  if (start === undefined) return undefined;
  if (labels.flow) {
    if (source[start] !== '[') return undefined;
    return splice(source, start + 1, labels.items.length > 0 ? ` ${item}, ` : ` ${item} `);
  }
  if (source[start] !== '-') return undefined;
  return insertLineBefore(source, start, `- ${item}`, lineCounter);
}

/** Inserts `text` as a line of its own just above the line holding `offset`, at the same column. */
function insertLineBefore(source: string, offset: number, text: string, lineCounter: LineCounter): string | undefined {
  const column = lineCounter.linePos(offset).col - 1;
  const lineStart = offset - column;
  if (source.slice(lineStart, offset).trim() !== '') return undefined; // not the first thing on its line
  return splice(source, offset, `${text}\n${' '.repeat(column)}`);
}

function documentEdit(source: string, original: Record<string, unknown>): string {
  const { doc } = parseFlowYaml(source);
  const labels = original.labels;
  if (Array.isArray(labels)) {
    doc.set('labels', doc.createNode([{ key: READ_ONLY_LABEL, value: LABEL_VALUE }, ...labels]));
  } else {
    doc.set('labels', doc.createNode({ [READ_ONLY_LABEL]: LABEL_VALUE, ...(isPlainMapping(labels) ? labels : {}) }));
  }
  return doc.toString({ lineWidth: 0 });
}

/** True when `edited` parses (with `parse`) to `original` plus exactly the read-only label. */
function isOriginalPlusLabel(edited: string, original: Record<string, unknown>, parse: (source: string) => unknown): boolean {
  const result = parse(edited);
  if (!isPlainMapping(result)) return false;
  const labels = result.labels;
  let remaining: unknown;
  if (Array.isArray(labels)) {
    const added = labels.filter((l) => isPlainMapping(l) && l.key === READ_ONLY_LABEL);
    if (added.length !== 1 || !deepEqual(added[0], { key: READ_ONLY_LABEL, value: LABEL_VALUE })) return false;
    remaining = labels.filter((l) => !(isPlainMapping(l) && l.key === READ_ONLY_LABEL));
    if ((remaining as unknown[]).length === 0 && original.labels === undefined) remaining = undefined;
  } else if (isPlainMapping(labels)) {
    if (labels[READ_ONLY_LABEL] !== LABEL_VALUE) return false;
    const { [READ_ONLY_LABEL]: _added, ...rest } = labels;
    remaining = Object.keys(rest).length === 0 && (original.labels === undefined || original.labels === null) ? original.labels : rest;
  } else {
    return false;
  }
  return deepEqual({ ...result, labels: remaining }, { ...original, labels: original.labels });
}

/** Structural equality of parsed YAML (key order ignored, `undefined` entries count as absent). */
function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((item, i) => deepEqual(item, b[i]));
  if (a instanceof Date || b instanceof Date || !isPlainMapping(a) || !isPlainMapping(b)) {
    return canonicalJson(a) === canonicalJson(b) && typeof a === typeof b && (typeof a === 'object' || Number.isNaN(a));
  }
  const keysA = Object.keys(a).filter((k) => a[k] !== undefined);
  const keysB = Object.keys(b).filter((k) => b[k] !== undefined);
  return keysA.length === keysB.length && keysA.every((k) => deepEqual(a[k], b[k]));
}

function splice(source: string, offset: number, text: string): string {
  return source.slice(0, offset) + text + source.slice(offset);
}
