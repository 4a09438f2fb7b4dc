/**
 * hawparsetup on a main.cf (Virtualization Guide for AIX, "Configuring the
 * service group for the application"): the WPAR service group — created
 * with its SystemList when it does not exist — its WPAR resource, the
 * ContainerInfo that names the WPAR, and the VCS user with group
 * administrative privileges the WPAR uses to reach the global environment.
 * What the verifier would then ask for is done too: the resources whose
 * entry points run in the WPAR (ContainerOpts RunInContainer = 1) depend on
 * the WPAR resource (VCF703), and IMF is off where ContainerInfo Enabled is
 * 0 or 2 (VCF704, as the seed's `hares -modify ... IMF Mode 0 -sys`).
 *
 * The edit is made on the syntax tree (comments and order kept) and printed
 * by the canonical printer; the caller writes it atomically.
 */
import type { AssocEntry, AttributeAssignment, Config, ResourceDef, SourcePos, Value } from '../model.js';
import type { AttrNode, CfDocument, ClusterNode, GroupNode, ResourceNode } from '../syntax.js';
import { effectiveStatic } from '../values.js';
import { containerMode, wparNameProblem } from './values.js';

export interface SetupRequest {
  group: string;
  resource: string;
  wpar: string;
  /** Only when the group is created: its SystemList, in priority order. */
  systems: string[];
  /** The VCS user for the WPAR, its password as `vcsencrypt -vcs` prints it; none with --no-user. */
  user?: { name: string; encryptedPassword: string };
}

export interface SetupResult {
  doc: CfDocument;
  /** What was changed, one line each. */
  changes: string[];
}

export class SetupError extends Error {}

const VCS_NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;

function pos(doc: CfDocument): SourcePos {
  return { file: doc.file, line: 0, column: 0 };
}

const assoc = (entries: Array<[string, string | number]>): Value => ({ kind: 'association', entries: entries.map(([key, value]) => ({ key, value })) });
const entriesOf = (v: Value | undefined): AssocEntry[] => (v?.kind === 'association' ? v.entries : []);
const listItems = (v: Value | undefined): string[] => (v && (v.kind === 'list' || v.kind === 'vector' || v.kind === 'keylist') ? v.items.map(String) : v?.kind === 'association' ? v.entries.map((e) => e.key) : []);

function attrNode(doc: CfDocument, name: string, value: Value, system?: string): AttrNode {
  const attr: AttributeAssignment = { name, value, pos: pos(doc), ...(system !== undefined ? { system } : {}) };
  return { attr };
}

/** Sets an attribute of a block (node attrs and model attributes together), replacing the value for that system. */
function setAttr(doc: CfDocument, node: { attrs: AttrNode[] }, model: { attributes: AttributeAssignment[] }, name: string, value: Value, system?: string): void {
  const i = node.attrs.findIndex((a) => a.attr.name === name && a.attr.system === system);
  const n = attrNode(doc, name, value, system);
  if (i >= 0) node.attrs[i] = { ...node.attrs[i], attr: n.attr };
  else node.attrs.push(n);
  const j = model.attributes.findIndex((a) => a.name === name && a.system === system);
  if (j >= 0) model.attributes[j] = n.attr;
  else model.attributes.push(n.attr);
}

/** Whether `from` depends on `to`, directly or through others. */
function dependsOn(deps: readonly { parent: string; child: string }[], from: string, to: string): boolean {
  const seen = new Set<string>();
  const todo = [from];
  while (todo.length) {
    const x = todo.pop()!;
    for (const d of deps) if (d.parent === x && !seen.has(d.child)) (seen.add(d.child), todo.push(d.child));
  }
  return seen.has(to);
}

export function setupWpar(source: CfDocument, config: Config, req: SetupRequest): SetupResult {
  const doc = structuredClone(source);
  const changes: string[] = [];
  for (const [what, name] of [
    ['group', req.group],
    ['resource', req.resource],
  ] as const)
    if (!VCS_NAME.test(name)) throw new SetupError(`${JSON.stringify(name)} is not a ${what} name (a letter, then letters, digits, _ and -)`);
  const bad = wparNameProblem(req.wpar);
  if (bad) throw new SetupError(bad);
  if (req.user && !VCS_NAME.test(req.user.name)) throw new SetupError(`${JSON.stringify(req.user.name)} is not a VCS user name`);

  // The group: found, or created with its SystemList.
  let g = doc.items.find((n): n is GroupNode => n.kind === 'group' && n.def.name === req.group);
  const typed = config.groups.find((x) => x.name === req.group);
  if (!g) {
    if (req.systems.length === 0) throw new SetupError(`group ${req.group} does not exist: name the systems it is to run on`);
    const known = config.systems.map((s) => s.name);
    const unknown = known.length ? req.systems.filter((s) => !known.includes(s)) : [];
    if (unknown.length) throw new SetupError(`${unknown.join(', ')} ${unknown.length === 1 ? 'is not a system' : 'are not systems'} of ${doc.file} (${known.join(', ')})`);
    g = { kind: 'group', def: { name: req.group, attributes: [], resources: [], dependencies: [], groupDependencies: [], pos: pos(doc) }, attrs: [], body: [] };
    setAttr(doc, g, g.def, 'SystemList', assoc(req.systems.map((s, i) => [s, i])));
    doc.items.push(g);
    changes.push(`group ${req.group} created (SystemList ${req.systems.join(', ')})`);
  } else if (req.systems.length) {
    throw new SetupError(`group ${req.group} exists: systems are only given to create one (change its SystemList with hagrp -modify)`);
  }

  // One WPAR resource per group; a name used once in the configuration.
  const wpars = g.def.resources.filter((r) => r.type === 'WPAR');
  if (wpars.some((r) => r.name !== req.resource)) throw new SetupError(`group ${req.group} already has WPAR resource ${wpars[0]!.name}: a group runs in one WPAR`);
  for (const other of config.groups)
    for (const r of other.resources)
      if (r.name === req.resource && !(other.name === req.group && r.type === 'WPAR')) throw new SetupError(`resource ${req.resource} already exists (${r.type}, group ${other.name})`);

  // ContainerInfo: this WPAR, Enabled as it was (1 when new); per-system values keep their Enabled.
  const infos = g.attrs.filter((a) => a.attr.name === 'ContainerInfo');
  const enabledOf = (v: Value) => entriesOf(v).find((e) => e.key === 'Enabled')?.value;
  if (!infos.some((a) => a.attr.system === undefined)) {
    setAttr(doc, g, g.def, 'ContainerInfo', assoc([['Name', req.wpar], ['Type', 'WPAR'], ['Enabled', 1]]));
    changes.push(`ContainerInfo = { Name = ${req.wpar}, Type = WPAR, Enabled = 1 }`);
  }
  for (const a of infos) {
    const e = enabledOf(a.attr.value);
    const keep = e !== undefined && e !== null && containerMode(e) !== undefined ? e : 1;
    setAttr(doc, g, g.def, 'ContainerInfo', assoc([['Name', req.wpar], ['Type', 'WPAR'], ['Enabled', keep]]), a.attr.system);
    changes.push(`ContainerInfo${a.attr.system ? `@${a.attr.system}` : ''} = { Name = ${req.wpar}, Type = WPAR, Enabled = ${keep} }`);
  }

  // The WPAR resource, after the group's other resources.
  let w = g.body.find((n): n is ResourceNode => n.kind === 'resource' && n.def.name === req.resource);
  if (!w) {
    const def: ResourceDef = { type: 'WPAR', name: req.resource, attributes: [], pos: pos(doc) };
    w = { kind: 'resource', def, attrs: [] };
    const last = g.body.map((n) => n.kind).lastIndexOf('resource');
    g.body.splice(last + 1, 0, w);
    g.def.resources.push(def);
    changes.push(`WPAR ${req.resource} added to group ${req.group}`);
  }

  // IMF Mode 0 where no WPAR is used (Enabled 0 or 2).
  const systems = [...new Set([...listItems(g.def.attributes.find((a) => a.name === 'SystemList' && !a.system)?.value), ...g.def.attributes.filter((a) => a.name === 'ContainerInfo' && a.system).map((a) => a.system!)])];
  for (const sys of systems) {
    const info = g.def.attributes.find((a) => a.name === 'ContainerInfo' && a.system === sys) ?? g.def.attributes.find((a) => a.name === 'ContainerInfo' && !a.system);
    const mode = containerMode(info ? (enabledOf(info.value) ?? undefined) : undefined);
    if (mode === 'wpar' || mode === undefined) continue;
    const imf = w.def.attributes.find((a) => a.name === 'IMF' && a.system === sys);
    if (imf && entriesOf(imf.value).some((e) => e.key === 'Mode' && String(e.value) === '0')) continue;
    setAttr(doc, w, w.def, 'IMF', assoc([['Mode', 0], ['MonitorFreq', 5], ['RegisterRetryLimit', 3]]), sys);
    changes.push(`IMF@${sys} = { Mode = 0, MonitorFreq = 5, RegisterRetryLimit = 3 } (no WPAR to watch there)`);
  }

  // Resources that run inside the WPAR depend on it: the lowest ones get a link, the others follow through them.
  const runsInside = (r: ResourceDef) => {
    const model = typed?.resources.find((x) => x.name === r.name) ?? r;
    const v = effectiveStatic(config, model, 'ContainerOpts');
    return entriesOf(v).some((e) => e.key === 'RunInContainer' && String(e.value) === '1');
  };
  const inside = g.def.resources.filter((r) => r.type !== 'WPAR' && runsInside(r));
  const lowestFirst = [...inside].sort((a, b) => Number(inside.some((x) => dependsOn(g.def.dependencies, a.name, x.name))) - Number(inside.some((x) => dependsOn(g.def.dependencies, b.name, x.name))));
  for (const r of lowestFirst) {
    if (r.name === req.resource || dependsOn(g.def.dependencies, r.name, req.resource)) continue;
    const dep = { parent: r.name, child: req.resource, pos: pos(doc) };
    g.def.dependencies.push(dep);
    g.body.push({ kind: 'requires', def: dep });
    changes.push(`${r.name} requires ${req.resource} (${r.type} runs inside the WPAR)`);
  }

  // The VCS user: in the cluster's UserNames, and an administrator of the group.
  if (req.user) {
    const cluster = doc.items.find((n): n is ClusterNode => n.kind === 'cluster');
    if (!cluster) throw new SetupError(`${doc.file} has no cluster block to hold the user ${req.user.name}`);
    const users = cluster.attrs.find((a) => a.attr.name === 'UserNames' && !a.attr.system)?.attr.value;
    const entries = entriesOf(users).filter((e) => e.key !== req.user!.name);
    setAttr(doc, cluster, cluster.def, 'UserNames', { kind: 'association', entries: [...entries, { key: req.user.name, value: req.user.encryptedPassword }] });
    const admins = listItems(g.def.attributes.find((a) => a.name === 'Administrators' && !a.system)?.value);
    if (!admins.includes(req.user.name)) setAttr(doc, g, g.def, 'Administrators', { kind: 'list', items: [...admins, req.user.name] });
    changes.push(`VCS user ${req.user.name} (UserNames), an administrator of group ${req.group}`);
  }
  return { doc, changes };
}
