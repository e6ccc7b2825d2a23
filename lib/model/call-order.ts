/**
 * Orders the nodes of a call graph so that every node comes after the nodes it calls (Kahn's
 * algorithm, stable: ties keep the input order), and names each cycle once, as its nodes in call
 * order with the first repeated at the end. Nodes on or behind a cycle are left out of `order`.
 */
export function callOrder<T>(nodes: readonly T[], callees: (node: T) => Iterable<T>): { order: T[]; cycles: T[][] } {
  const known = new Set(nodes);
  const callersOf = new Map<T, T[]>();
  const pending = new Map<T, number>();
  for (const node of nodes) {
    let count = 0;
    for (const callee of new Set(callees(node))) {
      if (!known.has(callee) || callee === node) continue;
      count++;
      const callers = callersOf.get(callee);
      if (callers) callers.push(node);
      else callersOf.set(callee, [node]);
    }
    pending.set(node, count);
  }
  const order: T[] = [];
  const ready = nodes.filter((node) => pending.get(node) === 0);
  for (let i = 0; i < ready.length; i++) {
    order.push(ready[i]);
    for (const caller of callersOf.get(ready[i]) ?? []) {
      const left = pending.get(caller)! - 1;
      pending.set(caller, left);
      if (left === 0) ready.push(caller);
    }
  }
  const blocked = new Set(nodes.filter((node) => pending.get(node)! > 0));
  const cycles: T[][] = [];
  const reported = new Set<T>();
  // every blocked node calls another blocked node, so walking from one always closes a loop
  for (const start of blocked) {
    if (reported.has(start)) continue;
    const path: T[] = [];
    const position = new Map<T, number>();
    let node: T | undefined = start;
    while (node !== undefined && !position.has(node) && !reported.has(node)) {
      position.set(node, path.length);
      path.push(node);
      const current: T = node;
      node = [...callees(current)].find((c) => blocked.has(c) && c !== current);
    }
    for (const visited of path) reported.add(visited);
    if (node !== undefined && position.has(node)) {
      const cycle = path.slice(position.get(node));
      cycles.push([...cycle, cycle[0]]);
    }
  }
  return { order, cycles };
}
