import { loadFlowYamlFast } from './fast-yaml';
import { FlowSourceError, parseFlowYaml } from './flow-source';

/**
 * JSON text of a value with map keys sorted at every level, so that two values that differ
 * only in key order give the same text. `undefined` map entries are dropped, as in JSON.
 */
export function canonicalJson(value: unknown): string {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (v instanceof Date) return v.toISOString();
    if (v !== null && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(v as object).sort()) {
        const item = (v as Record<string, unknown>)[key];
        if (item !== undefined) out[key] = sort(item);
      }
      return out;
    }
    return v;
  };
  return JSON.stringify(sort(value)) ?? 'null';
}

/**
 * A canonical text of a flow source for semantic comparison: indentation, key order, quoting
 * style, block vs flow style and comments do not matter; values, list order and types do.
 * Throws a {@link FlowSourceError} when the source is not valid YAML.
 */
export function canonicalFlow(source: string, origin = 'flow source'): string {
  const fast = loadFlowYamlFast(source);
  if (fast !== undefined) return canonicalJson(fast);
  const { doc } = parseFlowYaml(source);
  if (doc.errors.length > 0) {
    throw new FlowSourceError(origin, doc.errors.map((err) => ({
      path: '', line: err.linePos?.[0].line, column: err.linePos?.[0].col, message: err.message.split('\n')[0],
    })));
  }
  return canonicalJson(doc.toJS({ maxAliasCount: 1000 }));
}

/**
 * True when two flow sources describe the same document ({@link canonicalFlow}). Sources that
 * are not valid YAML are equivalent only when their text is identical.
 */
export function flowSourcesEquivalent(a: string, b: string): boolean {
  if (a === b) return true;
  try {
    return canonicalFlow(a) === canonicalFlow(b);
  } catch {
    return false;
  }
}
