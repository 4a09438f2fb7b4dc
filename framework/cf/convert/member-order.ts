/**
 * The order of a Pacemaker group's members. A group starts its members one
 * after the other and stops them in reverse, each colocated with the one
 * before; a VCS group's `requires` graph is only a partial order. Any
 * topological order keeps every `requires` edge (children start first); we
 * take, among the resources ready at each step, critical ones before
 * non-critical ones (Pacemaker treats every member after a non-critical one
 * as non-critical too), then the main.cf order.
 *
 * The order is computed over every resource of the group, including those
 * left out of the Pacemaker group, so that `a requires x requires b` still
 * starts b before a when x is left out.
 */

export interface OrderInput {
  /** Resource names in main.cf order. */
  names: string[];
  critical: (name: string) => boolean;
  /** `parent requires child` edges inside the group. */
  edges: Array<{ parent: string; child: string }>;
}

/** A binary min-heap of numbers. */
class Heap {
  private readonly a: number[] = [];
  get size(): number {
    return this.a.length;
  }
  push(x: number): void {
    const a = this.a;
    a.push(x);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (a[p]! <= x) break;
      a[i] = a[p]!;
      i = p;
    }
    a[i] = x;
  }
  pop(): number {
    const a = this.a;
    const top = a[0]!;
    const last = a.pop()!;
    if (a.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= a.length) break;
        const c = l + 1 < a.length && a[l + 1]! < a[l]! ? l + 1 : l;
        if (a[c]! >= last) break;
        a[i] = a[c]!;
        i = c;
      }
      a[i] = last;
    }
    return top;
  }
}

/**
 * The members in start order, and the resources caught in a dependency cycle
 * (placed after the others, in main.cf order).
 */
export function memberOrder(input: OrderInput): { order: string[]; cyclic: string[] } {
  const n = input.names.length;
  const index = new Map(input.names.map((name, i) => [name, i]));
  const edges: IndexEdges = { parents: [], children: [] };
  for (const e of input.edges) {
    const p = index.get(e.parent);
    const c = index.get(e.child);
    if (p === undefined || c === undefined) continue;
    edges.parents.push(p);
    edges.children.push(c);
  }
  const critical = input.names.map((name) => input.critical(name));
  const { order, cyclic } = startOrder(n, critical, edges);
  return { order: order.map((i) => input.names[i]!), cyclic: cyclic.map((i) => input.names[i]!) };
}

/** `parents[k]` requires `children[k]`, as indices into the names. */
export interface IndexEdges {
  parents: number[];
  children: number[];
}

/**
 * memberOrder over indices 0..n-1 (main.cf order): the order, with the
 * cyclic ones at its end, and the cyclic ones alone.
 */
export function startOrder(n: number, critical: readonly boolean[], edges: IndexEdges): { order: number[]; cyclic: number[] } {
  const indegree = new Array<number>(n).fill(0);
  const parentsOf: number[][] = [];
  for (let i = 0; i < n; i++) parentsOf.push([]);
  for (let k = 0; k < edges.parents.length; k++) {
    const p = edges.parents[k]!;
    const c = edges.children[k]!;
    if (p === c) continue;
    parentsOf[c]!.push(p);
    indegree[p]!++;
  }
  // Key: non-critical resources sort after critical ones, then by main.cf position.
  const ready = new Heap();
  for (let i = 0; i < n; i++) if (indegree[i] === 0) ready.push(critical[i] ? i : n + i);
  const order: number[] = [];
  const placed = new Array<boolean>(n).fill(false);
  while (ready.size > 0) {
    const k = ready.pop();
    const i = k >= n ? k - n : k;
    placed[i] = true;
    order.push(i);
    const parents = parentsOf[i]!;
    for (let j = 0; j < parents.length; j++) {
      const p = parents[j]!;
      if (--indegree[p]! === 0) ready.push(critical[p] ? p : n + p);
    }
  }
  const cyclic: number[] = [];
  for (let i = 0; i < n; i++) if (!placed[i]) cyclic.push(i);
  for (let k = 0; k < cyclic.length; k++) order.push(cyclic[k]!);
  return { order, cyclic };
}
