import { KestraConfiguration } from './configuration';
import { KestraValidationError, describeValue } from '../common';
import { isPlainMapping } from '../model/flow-rules';

/** A configuration fragment the construct derived from a typed prop, and how to name that prop in errors. */
export interface TypedFragment {
  /** e.g. `database (KestraDatabase.postgres)`. */
  readonly origin: string;
  /** The fragment, e.g. `{ kestra: { storage: { type: 's3', s3: {...} } } }`. */
  readonly configuration: KestraConfiguration;
  /** Mappings whose keys are choices (datasource kinds, storage types): the overlay may not add other keys there. */
  readonly exclusive: ReadonlyArray<{ readonly path: readonly string[]; readonly allowed: readonly string[] }>;
}

function at(config: unknown, path: readonly string[]): unknown {
  let node = config;
  for (const key of path) {
    if (!isPlainMapping(node)) return undefined;
    node = (node as KestraConfiguration)[key];
  }
  return node;
}

function leaves(config: KestraConfiguration, prefix: string[] = []): Array<[string[], unknown]> {
  return Object.entries(config).flatMap(([key, value]) => (isPlainMapping(value)
    ? leaves(value as KestraConfiguration, [...prefix, key])
    : [[[...prefix, key], value] as [string[], unknown]]));
}

/**
 * Refuses a `configuration` overlay that would silently override a typed choice: the overlay is merged last, so a
 * different `kestra.storage.type` or datasource would win over `storage`/`database` while the construct still
 * mounts, sizes and secures the pods for the typed choice. Values that agree are accepted.
 */
export function checkOverlay(overlay: KestraConfiguration, fragments: readonly TypedFragment[]): void {
  for (const fragment of fragments) {
    for (const [path, expected] of leaves(fragment.configuration)) {
      for (let depth = 1; depth <= path.length; depth++) {
        const actual = at(overlay, path.slice(0, depth));
        if (actual === undefined) break;
        const contradicts = depth === path.length ? JSON.stringify(actual) !== JSON.stringify(expected) : !isPlainMapping(actual);
        if (contradicts) {
          throw new KestraValidationError(`configuration.${path.slice(0, depth).join('.')}`, actual,
            `contradicts ${fragment.origin}, which sets ${path.join('.')} to ${describeValue(expected)}; change the typed prop instead`);
        }
      }
    }
    for (const { path, allowed } of fragment.exclusive) {
      const node = at(overlay, path);
      if (!isPlainMapping(node)) continue;
      for (const key of Object.keys(node as KestraConfiguration)) {
        if (!allowed.includes(key)) {
          throw new KestraValidationError(`configuration.${[...path, key].join('.')}`, (node as KestraConfiguration)[key],
            `contradicts ${fragment.origin}, which configures ${path.join('.')} ${allowed.filter((k) => k !== 'type').join(', ') || 'itself'} only`);
        }
      }
    }
  }
}
