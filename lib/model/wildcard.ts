/** Compiles `*`-wildcard patterns (`*` matches any characters, `.` and `/` included; nothing else is special). */
export function wildcardPatterns(patterns: readonly string[] | undefined, caseInsensitive = false): RegExp[] {
  return (patterns ?? []).map((pattern) =>
    new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, caseInsensitive ? 'i' : ''));
}
