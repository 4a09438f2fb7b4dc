/**
 * Dependency graphs (`vcscf graph`): each service group is a box holding its
 * resources, an arrow from a resource to each resource it requires (parent →
 * child, the order VCS brings them online is child first), and a dashed
 * arrow from a group to each group it requires, labelled with the category,
 * location and rigidity. Graphviz DOT or Mermaid.
 *
 * A dependency that names a resource or group the configuration does not
 * define is still drawn, to a node marked "(undefined)", so the picture shows
 * the mistake instead of hiding it.
 */
import type { Config, GroupDef } from './model.js';

export interface GraphOptions {
  /** Only this group (with the groups it depends on or that depend on it, collapsed). */
  group?: string;
}

interface Selection {
  /** Groups drawn with their resources. */
  full: GroupDef[];
  /** Groups drawn as an empty box (related to the selected group). */
  collapsed: string[];
  /** Group dependency edges drawn: parent group, child group, label. */
  edges: { parent: string; child: string; label: string }[];
  /** Groups named by dependencies but not defined. */
  undefinedGroups: string[];
}

function select(config: Config, opts: GraphOptions): Selection {
  const defined = new Set(config.groups.map((g) => g.name));
  const full = opts.group === undefined ? config.groups : config.groups.filter((g) => g.name === opts.group);
  const edges: Selection['edges'] = [];
  const collapsed: string[] = [];
  const undefinedGroups: string[] = [];
  const shown = new Set(full.map((g) => g.name));
  const mention = (name: string) => {
    if (shown.has(name)) return;
    shown.add(name);
    if (defined.has(name)) collapsed.push(name);
    else undefinedGroups.push(name);
  };
  for (const g of config.groups) {
    for (const d of g.groupDependencies) {
      if (opts.group !== undefined && g.name !== opts.group && d.group !== opts.group) continue;
      mention(g.name);
      mention(d.group);
      edges.push({ parent: g.name, child: d.group, label: [d.category, d.location, d.rigidity].filter(Boolean).join(' ') });
    }
  }
  return { full, collapsed, edges, undefinedGroups };
}

/** Resources of a group by name, and the names its dependencies use that it does not define. */
function resourcesOf(g: GroupDef): { names: Map<string, string>; missing: string[] } {
  const names = new Map<string, string>();
  for (const r of g.resources) if (!names.has(r.name)) names.set(r.name, r.type);
  const missing: string[] = [];
  for (const d of g.dependencies) {
    for (const n of [d.parent, d.child]) if (!names.has(n) && !missing.includes(n)) missing.push(n);
  }
  return { names, missing };
}

// ---- Graphviz -----------------------------------------------------------------

function escapeDot(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}

function dq(s: string): string {
  return `"${escapeDot(s)}"`;
}

/** A label of several lines (DOT's `\n` line break between escaped parts). */
function lines(...parts: string[]): string {
  return `"${parts.map(escapeDot).join('\\n')}"`;
}

export function toDot(config: Config, opts: GraphOptions = {}): string {
  const sel = select(config, opts);
  const out: string[] = [];
  out.push(`digraph ${dq(config.file)} {`);
  out.push('\tcompound=true;');
  out.push('\trankdir=TB;');
  out.push('\tnode [shape=box, fontname="Helvetica"];');
  out.push('\tedge [fontname="Helvetica", fontsize=10];');
  const anchor = (group: string) => dq(`group:${group}`);
  const clusterId = (group: string) => dq(`cluster_${group}`);
  const node = (group: string, res: string) => dq(`${group}/${res}`);
  const cluster = (name: string, body: string[]) => {
    out.push(`\tsubgraph ${clusterId(name)} {`);
    out.push(`\t\tlabel=${dq(`group ${name}`)};`);
    out.push(`\t\t${anchor(name)} [shape=point, style=invis, width=0.01, height=0.01];`);
    for (const l of body) out.push(`\t\t${l}`);
    out.push('\t}');
  };
  for (const g of sel.full) {
    const { names, missing } = resourcesOf(g);
    const body: string[] = [];
    for (const [name, type] of names) body.push(`${node(g.name, name)} [label=${lines(type, name)}];`);
    for (const name of missing) body.push(`${node(g.name, name)} [label=${lines(name, '(undefined)')}, style=dashed, color=red];`);
    for (const d of g.dependencies) body.push(`${node(g.name, d.parent)} -> ${node(g.name, d.child)};`);
    cluster(g.name, body);
  }
  for (const name of sel.collapsed) cluster(name, []);
  for (const name of sel.undefinedGroups) out.push(`\t${anchor(name)} [label=${lines(`group ${name}`, '(undefined)')}, shape=folder, style=dashed, color=red];`);
  const undefinedSet = new Set(sel.undefinedGroups);
  for (const e of sel.edges) {
    const attrs = [`label=${dq(e.label)}`, 'style=dashed', `ltail=${clusterId(e.parent)}`];
    if (!undefinedSet.has(e.child)) attrs.push(`lhead=${clusterId(e.child)}`);
    out.push(`\t${anchor(e.parent)} -> ${anchor(e.child)} [${attrs.join(', ')}];`);
  }
  out.push('}');
  return out.join('\n') + '\n';
}

// ---- Mermaid ------------------------------------------------------------------

/** Mermaid labels are quoted; a quote inside is written as an entity. */
function mq(s: string): string {
  return `"${s.replace(/"/g, '#quot;')}"`;
}

export function toMermaid(config: Config, opts: GraphOptions = {}): string {
  const sel = select(config, opts);
  const out: string[] = ['flowchart TB'];
  // Mermaid ids are restricted; names map to generated ones.
  const groupIds = new Map<string, string>();
  const gid = (name: string) => {
    let id = groupIds.get(name);
    if (!id) groupIds.set(name, (id = `g${groupIds.size}`));
    return id;
  };
  let nodes = 0;
  for (const g of sel.full) {
    const { names, missing } = resourcesOf(g);
    const ids = new Map<string, string>();
    for (const n of [...names.keys(), ...missing]) ids.set(n, `r${nodes++}`);
    out.push(`\tsubgraph ${gid(g.name)}[${mq(`group ${g.name}`)}]`);
    for (const [name, type] of names) out.push(`\t\t${ids.get(name)}[${mq(`${type} ${name}`)}]`);
    for (const name of missing) out.push(`\t\t${ids.get(name)}[${mq(`${name} (undefined)`)}]:::undefined`);
    for (const d of g.dependencies) out.push(`\t\t${ids.get(d.parent)} --> ${ids.get(d.child)}`);
    out.push('\tend');
  }
  for (const name of sel.collapsed) {
    out.push(`\tsubgraph ${gid(name)}[${mq(`group ${name}`)}]`);
    out.push('\tend');
  }
  for (const name of sel.undefinedGroups) out.push(`\t${gid(name)}[${mq(`group ${name} (undefined)`)}]:::undefined`);
  for (const e of sel.edges) out.push(`\t${gid(e.parent)} -.->|${mq(e.label)}| ${gid(e.child)}`);
  if (out.some((l) => l.endsWith(':::undefined'))) out.push('\tclassDef undefined stroke:#c00,stroke-dasharray:4 3');
  return out.join('\n') + '\n';
}
