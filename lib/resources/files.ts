import * as fs from 'fs';
import * as path from 'path';
import { KestraValidationError } from '../common/errors';

/** A file found under a folder: its absolute path and its path relative to the folder, with `/` separators. */
export interface FoundFile {
  /** Absolute path on disk. */
  readonly absolutePath: string;
  /** Path relative to the folder, `/`-separated (`sub/flow.yaml`). */
  readonly relativePath: string;
}

/**
 * Every regular file under `directory`, recursively, in a deterministic order (sorted by relative
 * path, code-point order, independent of locale and file system). Hidden entries (names starting
 * with `.`, such as `.git` or `.gitkeep`) are skipped. Symbolic links are followed; a directory
 * reached twice through links is read once.
 */
export function listFiles(field: string, directory: string, accept: (relativePath: string) => boolean = () => true): FoundFile[] {
  let root: string;
  try {
    root = fs.realpathSync(directory);
    if (!fs.statSync(root).isDirectory()) throw new Error('not a directory');
  } catch (err) {
    throw new KestraValidationError(field, directory, `must be an existing directory (${(err as Error).message})`);
  }
  const found: FoundFile[] = [];
  const visited = new Set<string>();
  const walk = (dir: string, relative: string): void => {
    const real = fs.realpathSync(dir);
    if (visited.has(real)) return;
    visited.add(real);
    for (const name of fs.readdirSync(dir)) {
      if (name.startsWith('.')) continue;
      const absolutePath = path.join(dir, name);
      const relativePath = relative ? `${relative}/${name}` : name;
      const stat = fs.statSync(absolutePath);
      if (stat.isDirectory()) walk(absolutePath, relativePath);
      else if (stat.isFile() && accept(relativePath)) found.push({ absolutePath, relativePath });
    }
  };
  walk(root, '');
  return found.sort((a, b) => (a.relativePath < b.relativePath ? -1 : a.relativePath > b.relativePath ? 1 : 0));
}

/** Reads a file, turning a failure into an error that names the property and the path. */
export function readFileBytes(field: string, filePath: string): Buffer {
  try {
    return fs.readFileSync(filePath);
  } catch (err) {
    throw new KestraValidationError(field, filePath, `cannot be read: ${(err as Error).message}`);
  }
}

/** Decodes bytes as UTF-8, failing when they are not valid UTF-8 (a binary file). */
export function decodeUtf8(field: string, bytes: Buffer, what: string): string {
  const text = bytes.toString('utf8');
  if (!Buffer.from(text, 'utf8').equals(bytes)) {
    throw new KestraValidationError(field, what,
      'is not valid UTF-8 text; the Kestra operator carries namespace-file content as a string, so binary files cannot be shipped this way');
  }
  return text;
}
