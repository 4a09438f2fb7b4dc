/**
 * The canonical printer: main.cf as hacf writes it.
 *
 * - includes first, one per line; a blank line between top-level blocks;
 * - `keyword NAME (`, one attribute per line indented by a tab, `\t)`;
 *   resources one tab deeper; type definitions close with `)` in column 1;
 * - per-system values as `Attr @sys = value`, as hacf writes them;
 * - strings bare when they may be (letter first, then letters, digits, `_`,
 *   `-`), quoted otherwise; SystemList / ClusterList keys get their numbers;
 * - after each group's resources its dependencies, then the "resource
 *   dependency tree" comment block, regenerated (the parser drops the old one);
 * - resources in hacf's order, by type then name (as the hacf-written files
 *   of the corpus show), and the dependency tree in that order too; other
 *   blocks, attributes and dependency lines keep their source order (hacf's
 *   order for them is not documented), and so do comments.
 *
 * The output depends on the syntax tree only, never on loaded types, so it is
 * the same wherever it runs. printCf(parse(printCf(doc))) === printCf(doc).
 */
import type { AssocEntry, Config, Scalar, TypeAttributeDef, Value } from './model.js';
import { PRIORITY_ASSOCIATIONS } from './builtins.js';
import type { AttrNode, CfDocument, CommentNode, Commented, GroupNode, ResourceNode, TopNode, TypeAttrNode, TypeKeywordNode } from './syntax.js';
import { formatName, formatString, isIdentifier, isIntegerLiteral, quoteString } from './text.js';

/**
 * Size of one group's dependency tree before it is cut short with `...`: a
 * diamond-shaped graph expands exponentially, a long chain quadratically
 * (each level is indented further). Real trees are far smaller.
 */
export const TREE_LINE_LIMIT = 20_000;
export const TREE_CHAR_LIMIT = 1_000_000;

export function printCf(doc: CfDocument): string {
  const out: string[] = [];
  const items = doc.items;
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    const prev = items[i - 1];
    // A blank line between top-level items (a group brings its own two), none between includes.
    if (prev && prev.kind !== 'group' && !(prev.kind === 'include' && item.kind === 'include')) out.push('');
    printTop(out, item);
  }
  if (doc.trailing.length > 0) {
    const last = items[items.length - 1];
    if (last && last.kind !== 'group') out.push('');
    comments(out, doc.trailing, '');
  }
  return out.length === 0 ? '' : out.join('\n') + '\n';
}

function printTop(out: string[], item: TopNode): void {
  comments(out, item.leading, '');
  switch (item.kind) {
    case 'include':
      out.push(withTrailing(`include ${quoteString(item.include.path)}`, item));
      return;
    case 'cluster':
    case 'system':
      block(out, `${item.kind} ${formatName(item.def.name)}`, item.attrs, item.closing, item, '', false);
      return;
    case 'block':
      block(out, `${item.def.keyword} ${formatName(item.def.name)}`, item.attrs, item.closing, item, '', false);
      return;
    case 'group':
      group(out, item);
      return;
    case 'type':
      typeBlock(out, item);
      return;
  }
}

function group(out: string[], g: GroupNode): void {
  block(out, `group ${formatName(g.def.name)}`, g.attrs, g.closing, g, '', true);
  out.push('');
  for (const item of resourcesInHacfOrder(g)) {
    comments(out, item.leading, '\t');
    resource(out, item);
    out.push('');
  }
  for (const item of g.body) {
    if (item.kind === 'resource') continue;
    comments(out, item.leading, '\t');
    let line: string;
    if (item.kind === 'requires') line = `\t${formatName(item.def.parent)} requires ${formatName(item.def.child)}`;
    else {
      const d = item.def;
      line = `\trequires group ${formatName(d.group)} ${d.category} ${d.location}${d.rigidity ? ` ${d.rigidity}` : ''}`;
    }
    out.push(withTrailing(line, item));
  }
  out.push('', '');
  dependencyTree(out, g);
  out.push('', '');
}

/** hacf's order of resources: by type, then by name (byte order, as strcmp compares). */
export function compareResources(a: { type: string; name: string }, b: { type: string; name: string }): number {
  return a.type < b.type ? -1 : a.type > b.type ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/**
 * The model with each group's resources in hacf's order: what a model read
 * back from fmt's output equals (the order of resources means nothing to VCS).
 */
export function withResourcesInHacfOrder(config: Config): Config {
  return { ...config, groups: config.groups.map((g) => ({ ...g, resources: [...g.resources].sort(compareResources) })) };
}

function resourcesInHacfOrder(g: GroupNode): ResourceNode[] {
  const list = g.body.filter((i): i is ResourceNode => i.kind === 'resource');
  // Stable: two resources of one type and name (an error) keep their source order.
  return list.sort((a, b) => compareResources(a.def, b.def));
}

function resource(out: string[], r: ResourceNode): void {
  block(out, `\t${formatName(r.def.type)} ${formatName(r.def.name)}`, r.attrs, r.closing, r, '\t', false);
}

/** `header (`, the attributes one level deeper, closing comments, `indent\t)`. */
function block(
  out: string[],
  header: string,
  attrs: AttrNode[],
  closing: CommentNode[] | undefined,
  node: Commented,
  indent: string,
  isGroup: boolean,
): void {
  out.push(`${header} (`);
  const inner = `${indent}\t`;
  for (const a of attrs) {
    comments(out, a.leading, inner);
    const at = a.attr;
    const name = at.system === undefined ? at.name : `${at.name} @${formatName(at.system)}`;
    const numbered = isGroup && at.system === undefined && PRIORITY_ASSOCIATIONS.has(at.name);
    out.push(withTrailing(`${inner}${name} = ${printValue(at.value, numbered)}`, a));
  }
  comments(out, closing, inner);
  out.push(withTrailing(`${inner})`, node));
}

function typeBlock(out: string[], t: TopNode & { kind: 'type' }): void {
  out.push(`type ${formatName(t.def.name)} (`);
  for (const a of t.attrs) {
    comments(out, a.leading, '\t');
    out.push(withTrailing(`\t${'keyword' in a ? typeKeyword(a) : typeAttribute(a)}`, a));
  }
  comments(out, t.closing, '\t');
  out.push(withTrailing(')', t));
}

function typeKeyword(node: TypeKeywordNode): string {
  return `${node.keyword.name} = ${node.raw ?? printValue(node.keyword.value, false)}`;
}

function typeAttribute(node: TypeAttrNode): string {
  const a: TypeAttributeDef = node.attr;
  const kind = a.dimension === 'keylist' ? 'keylist' : a.base;
  const suffix = a.dimension === 'vector' ? '[]' : a.dimension === 'association' ? '{}' : '';
  const head = `${a.static ? 'static ' : ''}${a.temp ? 'temp ' : ''}${kind} ${a.name}${suffix}`;
  return a.default ? `${head} = ${printValue(a.default, false)}` : head;
}

/** A value as hacf writes it. `numbered`: keys written alone get the previous number plus one. */
export function printValue(v: Value, numbered = false): string {
  switch (v.kind) {
    case 'scalar':
      return scalar(v.value);
    case 'list':
    case 'vector':
    case 'keylist':
      if (numbered) return entries(v.items.map((k) => ({ key: String(k), value: null })), true);
      return v.items.length === 0 ? '{}' : `{ ${v.items.map(scalar).join(', ')} }`;
    case 'association':
      return entries(v.entries, numbered);
  }
}

function entries(list: AssocEntry[], numbered: boolean): string {
  if (list.length === 0) return '{}';
  let previous = -1;
  const parts = list.map((e) => {
    let value = e.value;
    if (numbered) {
      if (value === null) value = previous + 1;
      if (typeof value === 'number') previous = value;
      else if (isIntegerLiteral(value) && String(Number(value)) === value) previous = Number(value);
    }
    return value === null ? key(e.key) : `${key(e.key)} = ${scalar(value)}`;
  });
  return `{ ${parts.join(', ')} }`;
}

function scalar(s: Scalar): string {
  return typeof s === 'number' ? String(s) : formatString(s);
}

/** Association keys are strings; one that reads back as the same integer may stand bare. */
function key(k: string): string {
  if (isIdentifier(k)) return k;
  if (isIntegerLiteral(k) && String(Number(k)) === k && Math.abs(Number(k)) <= 2147483647) return k;
  return quoteString(k);
}

function comments(out: string[], list: CommentNode[] | undefined, indent: string): void {
  if (!list) return;
  for (const c of list) out.push(indent + c.text);
}

function withTrailing(line: string, node: Commented): string {
  return node.trailing ? `${line} ${node.trailing.text}` : line;
}

/**
 * hacf's "resource dependency tree": each resource no other resource
 * requires, with what it requires below it, four spaces deeper per level.
 * Walked with an explicit stack (a 10,000-deep chain must not overflow the
 * call stack); a cycle is not followed round; very large trees are cut short.
 */
function dependencyTree(out: string[], g: GroupNode): void {
  const prefix = '\t//\t';
  out.push('\t// resource dependency tree', '\t//', `${prefix}group ${formatName(g.def.name)}`, `${prefix}{`);
  // Roots and each resource's children in hacf's resource order (type, then
  // name), not in the order the dependencies are written.
  const typeOf = new Map<string, string>();
  for (const r of [...g.def.resources].sort(compareResources)) if (!typeOf.has(r.name)) typeOf.set(r.name, r.type);
  const rank = new Map([...typeOf.keys()].map((name, i) => [name, i]));
  const children = new Map<string, string[]>();
  const isChild = new Set<string>();
  for (const d of g.def.dependencies) {
    if (!typeOf.has(d.parent) || !typeOf.has(d.child)) continue;
    let list = children.get(d.parent);
    if (!list) children.set(d.parent, (list = []));
    if (!list.includes(d.child)) list.push(d.child);
    isChild.add(d.child);
  }
  for (const list of children.values()) list.sort((a, b) => rank.get(a)! - rank.get(b)!);
  const pad = (depth: number) => '    '.repeat(depth);
  const line = (name: string, depth: number) => `${prefix}${pad(depth)}${formatName(typeOf.get(name)!)} ${formatName(name)}`;

  interface Frame {
    name: string;
    depth: number;
    next: number;
    kids: string[];
  }
  let lines = 0;
  let chars = 0;
  let cut = false;
  const onPath = new Set<string>();
  for (const root of typeOf.keys()) {
    if (isChild.has(root)) continue;
    const stack: Frame[] = [];
    const enter = (name: string, depth: number) => {
      const l = line(name, depth);
      out.push(l);
      lines++;
      chars += l.length + depth * 8;
      const kids = (children.get(name) ?? []).filter((k) => !onPath.has(k) && k !== name);
      if (kids.length > 0) out.push(`${prefix}${pad(depth + 1)}{`);
      onPath.add(name);
      stack.push({ name, depth, next: 0, kids });
    };
    enter(root, 0);
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      if (!cut && (lines >= TREE_LINE_LIMIT || chars >= TREE_CHAR_LIMIT)) {
        cut = true;
        out.push(`${prefix}${pad(top.depth + 1)}...`);
      }
      if (!cut && top.next < top.kids.length) {
        enter(top.kids[top.next++]!, top.depth + 1);
        continue;
      }
      stack.pop();
      onPath.delete(top.name);
      if (top.kids.length > 0) out.push(`${prefix}${pad(top.depth + 1)}}`);
    }
    if (cut) break;
  }
  out.push(`${prefix}}`);
}
