/**
 * Calls of Pebble functions with literal arguments, found inside the template blocks
 * (`{{ … }}`, `{% … %}`) of a string. Text outside the blocks is left alone (a Python script's
 * `open(...).read()` is not Kestra's `read`), and so is `{% raw %}…{% endraw %}`.
 */

/** One argument of a call: a string or boolean literal, or `undefined` for anything computed. */
export type PebbleArgument = string | boolean | undefined;

/** A call found in a template. */
export interface PebbleCall {
  /** The function name. */
  readonly name: string;
  /** Positional arguments, in order. */
  readonly positional: readonly PebbleArgument[];
  /** Named arguments (`namespace='x'`). */
  readonly named: Readonly<Record<string, PebbleArgument>>;
  /** The call as written, e.g. `kv('KEY')`. */
  readonly text: string;
}

const BLOCK = /\{\{([\s\S]*?)\}\}|\{%([\s\S]*?)%\}/g;
const RAW = /\{%-?\s*raw\s*-?%\}[\s\S]*?\{%-?\s*endraw\s*-?%\}/g;

/** The calls of `names` in the template blocks of `text`. */
export function pebbleCalls(text: string, names: ReadonlySet<string>): PebbleCall[] {
  if (!text.includes('{{') && !text.includes('{%')) return [];
  const calls: PebbleCall[] = [];
  const template = text.includes('raw') ? text.replace(RAW, '') : text;
  for (const block of template.matchAll(BLOCK)) {
    const body = block[1] ?? block[2] ?? '';
    const call = /([A-Za-z_]\w*)\s*\(/g;
    for (let match = call.exec(body); match; match = call.exec(body)) {
      const name = match[1];
      // `.read(` is a method of some value, not the global function
      if (!names.has(name) || body[match.index - 1] === '.') continue;
      const start = match.index + match[0].length;
      const end = closingParen(body, start);
      if (end < 0) continue;
      calls.push({ name, ...parseArguments(body.slice(start, end)), text: body.slice(match.index, end + 1) });
    }
  }
  return calls;
}

/** Whether a value is (or contains) a Pebble expression, so cannot be known before run time. */
export function isExpression(value: unknown): boolean {
  return typeof value === 'string' && (value.includes('{{') || value.includes('{%'));
}

function closingParen(body: string, from: number): number {
  let depth = 0;
  for (let i = from; i < body.length; i++) {
    const c = body[i];
    if (c === "'" || c === '"') {
      i = endOfString(body, i);
      if (i < 0) return -1;
    } else if (c === '(') {
      depth++;
    } else if (c === ')') {
      if (depth === 0) return i;
      depth--;
    }
  }
  return -1;
}

function endOfString(body: string, start: number): number {
  const quote = body[start];
  for (let i = start + 1; i < body.length; i++) {
    if (body[i] === '\\') i++;
    else if (body[i] === quote) return i;
  }
  return -1;
}

function parseArguments(text: string): { positional: PebbleArgument[]; named: Record<string, PebbleArgument> } {
  const positional: PebbleArgument[] = [];
  const named: Record<string, PebbleArgument> = {};
  for (const part of splitTopLevel(text)) {
    const trimmed = part.trim();
    if (trimmed === '') continue;
    const assignment = /^([A-Za-z_]\w*)\s*=(?!=)\s*([\s\S]*)$/.exec(trimmed);
    if (assignment) named[assignment[1]] = literal(assignment[2].trim());
    else positional.push(literal(trimmed));
  }
  return { positional, named };
}

function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "'" || c === '"') {
      const end = endOfString(text, i);
      if (end < 0) break;
      i = end;
    } else if (c === '(' || c === '[' || c === '{') {
      depth++;
    } else if (c === ')' || c === ']' || c === '}') {
      depth--;
    } else if (c === ',' && depth === 0) {
      parts.push(text.slice(current, i));
      current = i + 1;
    }
  }
  parts.push(text.slice(current));
  return parts;
}

function literal(text: string): PebbleArgument {
  if (text === 'true') return true;
  if (text === 'false') return false;
  const quote = text[0];
  if ((quote === "'" || quote === '"') && endOfString(text, 0) === text.length - 1) {
    return text.slice(1, -1).replace(/\\(.)/g, '$1');
  }
  return undefined;
}
