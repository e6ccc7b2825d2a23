// Lets a command that loads a user's app module collect what the app builds. Keyed by a global
// symbol rather than a module variable: the app may load another copy of this package.

/** Runs `load` and returns every item recorded under `key` meanwhile (nested captures stay apart). */
export function captureGlobally<T>(key: symbol, load: () => void): T[] {
  const global = globalThis as Record<symbol, T[] | undefined>;
  const previous = global[key];
  const captured: T[] = [];
  global[key] = captured;
  try {
    load();
  } finally {
    global[key] = previous;
  }
  return captured;
}

/** Records `item` for the capture running under `key`, if any. */
export function recordGlobally<T>(key: symbol, item: T): void {
  (globalThis as Record<symbol, T[] | undefined>)[key]?.push(item);
}
