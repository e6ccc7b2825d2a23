import { checkHeaders, KestraConnection, resolveBaseUrl, resolveTenant } from './auth';
import { describeValue, KestraValidationError } from '../../common/errors';

// Helpers shared by the three providers. Everything here is plain data and functions, because
// the providers are serialized by value (`pulumi.runtime.serializeFunction`) and run in the engine.

/** The placeholder Pulumi passes for a value that is not known yet (preview). */
const UNKNOWN = '04da6b54-80e4-46f7-96ec-b56ff0331ba9';

/** True when a value (or anything inside it) is not known yet during a preview. */
export function isUnknown(value: unknown): boolean {
  if (value === UNKNOWN) return true;
  if (Array.isArray(value)) return value.some(isUnknown);
  if (value !== null && typeof value === 'object') return Object.values(value).some(isUnknown);
  return false;
}

/** Splits a resource id `<tenant>/<namespace>/<rest>`; `rest` may itself contain `/` (a file path). */
export function splitImportId(resource: string, id: string, format: string): { tenant: string; namespace: string; rest: string } {
  const first = id.indexOf('/');
  const second = first < 0 ? -1 : id.indexOf('/', first + 1);
  if (first <= 0 || second <= first + 1 || second === id.length - 1) {
    throw new KestraValidationError(`${resource} id`, id, `must have the form ${format}`);
  }
  return { tenant: id.slice(0, first), namespace: id.slice(first + 1, second), rest: id.slice(second + 1) };
}

/**
 * The error for a create that finds, under the same identity, an object that differs from the desired
 * state. The engine never calls `read` with inputs for a dynamic provider's import (pulumi/pulumi#16175:
 * sdk/nodejs/cmd/dynamic-provider/index.ts needs `__provider` in the properties it is given), so adoption
 * happens here, in create: an equal object is adopted silently, a different one only when asked.
 */
export function existingDiffersError(what: string, differs: string): Error {
  return new Error(`${what} already exists in Kestra and ${differs}. Pulumi does not overwrite objects it did not create: `
    + 'make the program match it (then it is adopted as is), delete it in Kestra, or set `overwriteExisting: true` on the resource '
    + 'to take it over with the program\'s content.');
}

/** The connection with the tenant taken from a resource id (import and refresh know the id, not always the inputs). */
export function connectionForTenant(connection: KestraConnection | undefined, tenant: string): KestraConnection {
  return { ...(connection ?? {}), tenant };
}

/**
 * Runs a check and turns a validation error into a Pulumi check failure. `secretField`
 * names an input whose value must never be echoed: its error message is rebuilt without it.
 */
export function checkFailure(run: () => void, secretField?: string): { property: string; reason: string } | undefined {
  try {
    run();
    return undefined;
  } catch (err) {
    if (isValidationError(err)) {
      const reason = secretField !== undefined && err.field.startsWith(secretField)
        ? `Invalid ${err.field}: ${err.reason}`
        : errorMessage(err);
      return { property: err.field.split('.')[0], reason };
    }
    return { property: '', reason: errorMessage(err) };
  }
}

/**
 * The message of an error thrown inside the serialized provider. Pulumi's closure serializer
 * rewrites `super(message)` in an Error subclass to `Error.call(this, message)`, which sets no
 * message; a {@link KestraValidationError}'s is rebuilt from its field, value and reason.
 */
export function errorMessage(err: unknown): string {
  const message = (err as { message?: unknown } | undefined)?.message;
  if (typeof message === 'string' && message !== '') return message;
  if (isValidationError(err)) return `Invalid ${err.field}: ${describeValue(err.value)}: ${err.reason}`;
  return err instanceof Error ? err.name : String(err);
}

/**
 * A {@link KestraValidationError}, recognized by shape: serialized subclasses (FlowSourceError)
 * lose their prototype link, so `instanceof` cannot be trusted inside the engine.
 */
function isValidationError(err: unknown): err is KestraValidationError {
  const candidate = err as Partial<KestraValidationError> | null;
  return typeof candidate === 'object' && candidate !== null && typeof candidate.field === 'string' && typeof candidate.reason === 'string';
}

/** Runs a provider operation so that what it throws reaches the engine with its message. */
export async function withMessages<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof Error && err.message) throw err;
    throw new Error(errorMessage(err)); // also gives serialized subclasses a real Error
  }
}

/**
 * The replace triggers of a connection change: another URL or tenant is another Kestra object, even
 * when namespace and id stay. Credentials, headers, timeouts and retries are not triggers: changing
 * them is an update that writes nothing to Kestra.
 */
export function connectionReplaces(
  olds: { connection?: KestraConnection; tenant?: string; kestraUrl?: string }, news: { connection?: KestraConnection },
): string[] {
  const replaces: string[] = [];
  const oldTenant = olds.tenant ?? resolveTenant(olds.connection);
  if (isUnknown(news.connection?.tenant) || resolveTenant(news.connection) !== oldTenant) replaces.push('connection.tenant');
  const oldUrl = olds.kestraUrl ?? resolveBaseUrl(olds.connection);
  if (isUnknown(news.connection?.url) || resolveBaseUrl(news.connection) !== oldUrl) replaces.push('connection.url');
  return replaces;
}

/**
 * Preview-time checks shared by the three resources: the tenant, custom headers (header-safe, never
 * `Authorization`) and `overwriteExisting`; values not known yet are skipped.
 */
export function commonFailures(news: { connection?: KestraConnection; overwriteExisting?: boolean }): Array<{ property: string; reason: string }> {
  return [
    checkFailure(() => { if (!isUnknown(news.connection?.tenant)) resolveTenant(news.connection); }),
    checkFailure(() => { if (!isUnknown(news.connection?.headers)) checkHeaders(news.connection?.headers); }),
    checkFailure(() => {
      const value = news.overwriteExisting;
      if (value !== undefined && !isUnknown(value) && typeof value !== 'boolean') {
        throw new KestraValidationError('overwriteExisting', value, 'must be true or false');
      }
    }),
  ].filter((failure): failure is { property: string; reason: string } => failure !== undefined);
}

/** Stable JSON of a connection for change detection (key order does not matter). */
export function connectionFingerprint(connection: KestraConnection | undefined): string {
  const sortKeys = (value: unknown): unknown => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
    return out;
  };
  return JSON.stringify(sortKeys(connection ?? {}));
}

/** The Pulumi diff for a set of replacing and updating property names. */
export function diffResult(replaces: string[], changes: string[]): { changes: boolean; replaces: string[]; deleteBeforeReplace: boolean } {
  // every replace trigger (tenant, URL, namespace, id, key, path) names a different Kestra object: the new
  // one can exist beside the old, so Pulumi creates it first and deletes the old one after
  // (pkg/resource/deploy/step.go in pulumi/pulumi: create-before-delete unless deleteBeforeReplace)
  return { changes: replaces.length + changes.length > 0, replaces, deleteBeforeReplace: false };
}

/** A provider whose every operation reports errors with their message (see {@link errorMessage}). */
export function withErrorMessages<P extends object>(provider: P): P {
  const guarded: Record<string, unknown> = {};
  for (const [name, operation] of Object.entries(provider)) {
    guarded[name] = (...args: unknown[]) => withMessages(() => (operation as (...a: unknown[]) => Promise<unknown>).apply(provider, args));
  }
  return guarded as P;
}
