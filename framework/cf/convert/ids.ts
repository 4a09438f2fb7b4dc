/**
 * CIB ids. Every id in a CIB is one XML ID space (resources, constraints,
 * attribute blocks, nvpairs and operations together), and an ID must be an
 * XML name. VCS names are letters, digits, `-` and `_` in practice, but a
 * group and a resource may share a name in VCS and never may in Pacemaker.
 *
 * Two kinds of ids keep them unique without remembering hundreds of
 * thousands of them:
 * - top-level ids (resources, groups, clones, constraints, and the two
 *   property blocks pcs names) are claimed in an IdSpace and never contain a
 *   dot;
 * - every id inside one of them is that id, a dot, and a path of labels
 *   without dots (`web.params.node1`, `web.op.monitor-60s`), unique within
 *   its owner. The part before the first dot names the owner, so two such ids
 *   can only be equal when they are the same path in the same owner.
 */

/** An XML NCName without dots built from `name`: other characters become `_`, and a leading digit or `-` gets a `_` in front. */
export function xmlId(name: string): string {
  if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(name)) return name;
  let s = name.replace(/[^A-Za-z0-9_-]/g, '_');
  if (s === '' || /^[0-9-]/.test(s)) s = `_${s}`;
  return s;
}

/** An id inside `owner`: `owner.label.label`, each label made dot-free. */
export function subId(owner: string, ...labels: string[]): string {
  let id = owner;
  for (const l of labels) id += `.${/^[A-Za-z0-9_-]+$/.test(l) ? l : l.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  return id;
}

/** Hands out unique ids: the preferred one, else the preferred one with -2, -3, ... */
export class IdSpace {
  private readonly taken = new Set<string>();

  /** Claims `preferred` (made an XML name) or the first free variant of it. */
  claim(preferred: string): string {
    const base = xmlId(preferred);
    if (!this.taken.has(base)) {
      this.taken.add(base);
      return base;
    }
    let id = base;
    for (let n = 2; this.taken.has(id); n++) id = `${base}-${n}`;
    this.taken.add(id);
    return id;
  }

  has(id: string): boolean {
    return this.taken.has(id);
  }
}
