import * as jsYaml from 'js-yaml';

// YAML 1.2 core schema plus `<<` merge keys: what `parseFlowYaml` accepts, without timestamps
// turning into Dates.
// `types` is exported at run time but missing from @types/js-yaml.
const MERGE = (jsYaml as unknown as { types: { merge: jsYaml.Type } }).types.merge;
const FLOW_SCHEMA = jsYaml.CORE_SCHEMA.extend({ implicit: [MERGE] });

// An anchor (`&name`) lets aliases share nodes, which a plain walk would expand exponentially;
// such sources take the slow path, whose parser bounds alias expansion.
const ANCHOR = /(?:^|[\s,[{])&[^\s,\]}]/m;

/**
 * Loads a flow source quickly, for the common case of a valid flow: js-yaml is about ten times
 * faster than the `yaml` library but reports no node positions. Returns `undefined` whenever the
 * fast parser cannot vouch for the source (syntax error, duplicate key, anchors); callers then take
 * the precise path through `parseFlowYaml`, which locates every problem.
 */
export function loadFlowYamlFast(source: string): unknown {
  if (ANCHOR.test(source)) return undefined;
  try {
    // js-yaml rejects duplicate keys, as Kestra does.
    return jsYaml.load(source, { schema: FLOW_SCHEMA });
  } catch {
    return undefined;
  }
}
