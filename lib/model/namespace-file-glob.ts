/**
 * Whether a namespace-file `include` pattern matches a canonical namespace-file path
 * (`/scripts/etl.py`), as Kestra selects the files a task loads.
 *
 * Upstream: kestra-io/kestra core/src/main/java/io/kestra/core/utils/PathMatcherPredicate.java
 * (a pattern without a `glob:` or `regex:` prefix is a glob; one starting with a word character
 * gets `**` + `/` in front, so `etl.py` matches at any depth) matched by Java's
 * `FileSystem.getPathMatcher` against `NamespaceFile.path(true)`, the path with a leading `/`
 * (core/.../storages/InternalNamespace.java `findAllFilesMatching`).
 */
export function namespaceFileMatcher(pattern: string): (path: string) => boolean {
  let regex: RegExp;
  if (pattern.startsWith('regex:')) {
    regex = new RegExp(`^(?:${pattern.slice('regex:'.length)})$`);
  } else {
    let glob = pattern.startsWith('glob:') ? pattern.slice('glob:'.length) : pattern;
    if (!pattern.startsWith('glob:') && /^\w/.test(glob)) glob = `**/${glob}`;
    regex = new RegExp(`^${javaGlobToRegex(glob.replace(/\\/g, '/'))}$`);
  }
  return (path) => regex.test(path);
}

/**
 * Java's glob syntax (java.nio.file.FileSystem#getPathMatcher): `*` within one path segment,
 * `**` across segments, `?` one character but `/`, `[...]` with `!` negation, `{a,b}` alternatives.
 */
function javaGlobToRegex(glob: string): string {
  let out = '';
  let inGroup = false;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') {
      if (glob[i + 1] === '*') {
        out += '.*';
        i++;
      } else {
        out += '[^/]*';
      }
    } else if (c === '?') {
      out += '[^/]';
    } else if (c === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end < 0) {
        out += '\\[';
      } else {
        let body = glob.slice(i + 1, end);
        if (body.startsWith('!')) body = `^${body.slice(1)}`;
        out += `[${body.replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else if (c === '{' && !inGroup) {
      out += '(?:';
      inGroup = true;
    } else if (c === '}' && inGroup) {
      out += ')';
      inGroup = false;
    } else if (c === ',' && inGroup) {
      out += '|';
    } else {
      out += c.replace(/[.+^$()|\\\]{}]/g, '\\$&');
    }
  }
  return out;
}
