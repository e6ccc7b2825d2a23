import { KestraValidationError } from '../common/errors';

/** The longest namespace-file path accepted (Kestra keeps paths in its storage URIs; 1024 is a common object-key limit). */
export const NAMESPACE_FILE_PATH_MAX_LENGTH = 1024;

/**
 * Normalizes the path of a namespace file to the canonical form Kestra stores:
 * a leading `/`, `/` separators, no `.` or empty segments, no trailing `/`
 * (`scripts//./etl.py` → `/scripts/etl.py`). Both `etl.py` and `/etl.py` name the
 * same file: a leading `/` is the namespace root, not the machine's root.
 *
 * Rejected: empty paths or the root alone, `..` segments (they would escape the
 * namespace or alias another file), backslashes (ambiguous between platforms),
 * control characters and paths longer than {@link NAMESPACE_FILE_PATH_MAX_LENGTH}.
 */
export function normalizeNamespaceFilePath(field: string, path: unknown): string {
  if (typeof path !== 'string' || path.trim().length === 0) {
    throw new KestraValidationError(field, path, 'must be a non-empty file path such as "scripts/etl.py"');
  }
  if (path.includes('\\')) {
    throw new KestraValidationError(field, path, 'must use "/" as separator; backslashes are not accepted');
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(path)) {
    throw new KestraValidationError(field, path, 'must not contain control characters');
  }
  const segments = path.split('/').filter((segment) => segment !== '' && segment !== '.');
  if (segments.includes('..')) {
    throw new KestraValidationError(field, path, 'must not contain ".." segments: a namespace file cannot point outside its namespace');
  }
  if (segments.length === 0) {
    throw new KestraValidationError(field, path, 'must name a file, not the namespace root');
  }
  if (segments.some((segment) => segment.trim() !== segment)) {
    throw new KestraValidationError(field, path, 'must not have path segments with leading or trailing spaces');
  }
  const normalized = '/' + segments.join('/');
  if (normalized.length > NAMESPACE_FILE_PATH_MAX_LENGTH) {
    throw new KestraValidationError(field, path, `must be at most ${NAMESPACE_FILE_PATH_MAX_LENGTH} characters long`);
  }
  return normalized;
}
