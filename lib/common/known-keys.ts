import { KestraValidationError } from './errors';

/**
 * The full key list of an options interface: `optionKeys<KestraIngressOptions>()('host', 'tls', ...)`.
 * The compiler checks the list against the interface both ways: a key the interface lacks, or a
 * property of the interface left out (reported as `missing: "name"`), fails the build.
 */
export function optionKeys<T extends object>() {
  return <const K extends ReadonlyArray<keyof T>>(...keys: K & ([MissingKeys<T, K>] extends [never] ? unknown : { missing: MissingKeys<T, K> })):
  readonly string[] => Object.freeze([...keys] as string[]);
}

type MissingKeys<T, K extends ReadonlyArray<PropertyKey>> = Exclude<keyof T, K[number]>;

/**
 * Refuses an options object carrying a key its type does not have. TypeScript's excess
 * property check stops literals only; JavaScript callers, `as any` and objects built
 * elsewhere reach the constructs unchecked, and a misspelt option (`replica: 3`) would
 * otherwise be dropped without a word. `field` is the dotted path of the object ('' for
 * top-level props), so the error names `ingress.hots`, not just `hots`.
 */
export function rejectUnknownOptions(field: string, options: unknown, allowed: readonly string[]): void {
  if (options === undefined) return;
  requireOptionsObject(field, options, allowed);
  for (const key in options as object) {
    if (!Object.prototype.hasOwnProperty.call(options, key) || allowed.includes(key)) continue;
    const suggestion = closest(key, allowed);
    throw new KestraValidationError(field ? `${field}.${key}` : key, (options as Record<string, unknown>)[key],
      `unknown option${suggestion ? ` (did you mean "${suggestion}"?)` : ''}; expected one of ${allowed.join(', ')}`);
  }
}

/** Refuses anything but a plain object (null, an array, a string...) where an options object is expected. */
export function requireOptionsObject(field: string, options: unknown, allowed?: readonly string[]): void {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new KestraValidationError(field || 'props', options,
      allowed ? `must be an object with the options ${allowed.join(', ')}` : 'must be an object');
  }
}

// The allowed key within edit distance 2 (case-insensitive), if one is clearly meant.
function closest(key: string, allowed: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of allowed) {
    const distance = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}
