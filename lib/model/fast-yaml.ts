import type * as JsYaml from 'js-yaml';
import { jsYamlLibrary } from '../common/lazy-modules';

// Built on first use and kept on globalThis rather than in a module variable: a captured schema
// object would be serialized by Pulumi from js-yaml's internal module paths, which js-yaml does
// not export.
const SCHEMA_KEY = '__kestraConstructsFlowYamlSchema';

/** YAML 1.2 core schema plus `<<` merge keys: what `parseFlowYaml` accepts, without timestamps turning into Dates. */
function flowSchema(): JsYaml.Schema {
  const holder = globalThis as unknown as Record<string, JsYaml.Schema | undefined>;
  let schema = holder[SCHEMA_KEY];
  if (!schema) {
    // `types` is exported at run time but missing from @types/js-yaml.
    const jsYaml = jsYamlLibrary();
    const merge = (jsYaml as unknown as { types: { merge: JsYaml.Type } }).types.merge;
    schema = jsYaml.CORE_SCHEMA.extend({ implicit: [merge] });
    holder[SCHEMA_KEY] = schema;
  }
  return schema;
}

/**
 * Loads a flow source quickly, for the common case of a valid flow: js-yaml is about ten times
 * faster than the `yaml` library but reports no node positions. Returns `undefined` whenever the
 * fast parser cannot vouch for the source (syntax error, duplicate key, anchors); callers then take
 * the precise path through `parseFlowYaml`, which locates every problem.
 */
export function loadFlowYamlFast(source: string): unknown {
  // An anchor (`&name`) lets aliases share nodes, which a plain walk would expand exponentially;
  // such sources take the slow path, whose parser bounds alias expansion.
  if (/(?:^|[\s,[{])&[^\s,\]}]/m.test(source)) return undefined;
  try {
    // js-yaml rejects duplicate keys, as Kestra does.
    return jsYamlLibrary().load(source, { schema: flowSchema() });
  } catch {
    return undefined;
  }
}
