/**
 * CIB ids. Every id in a CIB is one XML ID space (resources, constraints,
 * attribute blocks, nvpairs and operations together), and an ID must be an
 * XML name. VCS names are letters, digits, `-` and `_` in practice, but a
 * group and a resource may share a name in VCS and never may in Pacemaker.
 */

/** An XML NCName built from `name`: other characters become `_`, and a leading digit, `-` or `.` gets a `_` in front. */
export function xmlId(name: string): string {
  let s = name.replace(/[^A-Za-z0-9_.-]/g, '_');
  if (s === '' || /^[0-9.-]/.test(s)) s = `_${s}`;
  return s;
}

/** Hands out unique ids: the preferred one, else the preferred one with -2, -3, ... */
export class IdSpace {
  private readonly taken = new Set<string>();

  /** Claims `preferred` (made an XML name) or the first free variant of it. */
  claim(preferred: string): string {
    const base = xmlId(preferred);
    let id = base;
    for (let n = 2; this.taken.has(id); n++) id = `${base}-${n}`;
    this.taken.add(id);
    return id;
  }

  has(id: string): boolean {
    return this.taken.has(id);
  }
}
