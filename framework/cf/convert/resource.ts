/**
 * One VCS resource as a Pacemaker primitive: its agent from the type mapping,
 * its attributes as parameters (per-system values as rule-based blocks),
 * its timeouts and monitor intervals as operations, and its fault-handling
 * attributes as meta attributes (docs/convert.md, "Resources").
 */
import { builtinAttribute } from '../builtins.js';
import type { AttributeAssignment, Config, GroupDef, ResourceDef, Scalar, TypeAttributeDef, Value } from '../model.js';
import { attributeValue, assocOf, scalarOf, typeAttribute } from '../values.js';
import type { Findings } from './findings.js';
import { subId, type IdSpace } from './ids.js';
import { parseAgent, type ParamMapping, type TypeMapping } from './map.js';
import { asIs, formatParam } from './param-values.js';
import type { AttrSet, NvPair, Operation, Primitive } from './pacemaker.js';

/** What the group decides for all its resources. */
export interface GroupPolicy {
  /** ManageFaults = NONE: block; AutoFailOver = 0: stop. */
  onFail?: 'block' | 'stop';
  /** The group's OnlineRetryLimit. */
  onlineRetryLimit: number;
  /** The group's AutoClearInterval (seconds, 0 = never). */
  autoClearInterval: number;
}

/**
 * Statics that tune the VCS engine or agent framework and have no Pacemaker
 * counterpart (documented in docs/convert.md); not reported.
 */
const ENGINE_STATICS = new Set([
  'ActionTimeout', 'AEPTimeout', 'AgentClass', 'AgentPriority', 'AgentReplyTimeout', 'AgentStartTimeout', 'AlertOnMonitorTimeouts',
  'ArgList', 'AttrChangedTimeout', 'CleanRetryLimit', 'CloseTimeout', 'ContainerOpts', 'EPClass', 'EPPriority', 'FaultOnMonitorTimeouts',
  'FaultPropagation', 'FireDrill', 'IMF', 'IMFRegList', 'InfoInterval', 'InfoTimeout', 'IntentionalOffline', 'LevelTwoMonitorFreq',
  'LogDbg', 'LogFileSize', 'LogViaHalog', 'MonitorStatsParam', 'NumThreads', 'OnlineClass', 'OnlinePriority', 'OpenTimeout', 'Operations',
  'RegList', 'ScriptClass', 'ScriptPriority', 'SourceFile', 'SupportedActions', 'SupportedOperations', 'TypeOwner', 'TypeRecipients',
]);

/** Statics that become operations or meta attributes here. */
const CONVERTED_STATICS = new Set([
  'MonitorInterval', 'MonitorTimeout', 'OfflineMonitorInterval', 'OnlineTimeout', 'OfflineTimeout', 'CleanTimeout', 'OnlineWaitLimit',
  'OfflineWaitLimit', 'RestartLimit', 'ConfInterval', 'OnlineRetryLimit', 'MigrateTimeout', 'MigrateWaitLimit', 'ToleranceLimit',
]);

/** Resource attributes of VCS's own bookkeeping (read-only state, statistics, notification): nothing to convert. */
const RESOURCE_BOOKKEEPING = new Set([
  'ArgListValues', 'ComputeStats', 'ConfidenceLevel', 'ConfidenceMsg', 'Flags', 'Group', 'IState', 'LastOnline', 'MonitorMethod',
  'MonitorTimeStats', 'Name', 'Path', 'Probed', 'ResourceInfo', 'ResourceOwner', 'ResourceRecipients', 'Signaled', 'Start', 'State', 'Type',
  'ResContainerInfo',
]);
const RESOURCE_TRIGGERS = new Set(['TriggerPath', 'TriggerResRestart', 'TriggerResStateChange', 'TriggersEnabled']);

export interface ResourceContext {
  config: Config;
  group: GroupDef;
  policy: GroupPolicy;
  ids: IdSpace;
  findings: Findings;
  /** What this conversion has worked out so far, for every resource. */
  seen: ConversionCache;
  /** The shapes made so far under this group's policy, by type and the resource's own static values. */
  shapes: Map<string, Map<string, Shape>>;
  /** The WPAR VCS runs the group's resources in (ContainerInfo Name, when enabled), or undefined. */
  container?: Scalar;
  /** Set when a resource has an OnlineRetryLimit above 0. */
  onlineRetries?: boolean;
}

/**
 * What one conversion works out once and reuses for every resource: what a
 * type's attributes become, the shapes by group policy, the per-node values,
 * and the id suffix of each system's parameter block.
 */
export interface ConversionCache {
  types: Map<string, TypeInfo>;
  /** By group policy (policyKey), type and the resource's own static values. */
  shapes: Map<string, Map<string, Map<string, Shape>>>;
  nodeValues: NodeValuesSeen;
  /** The per-node blocks of a primitive, by their NodeValues in order (Primitive.nodeBlocks). */
  nodeBlocks: Map<NodeValues, BlockTrie>;
  /** System → `.params.SYSTEM` (subId). */
  paramsSuffix: Map<string, string>;
}

interface BlockTrie {
  next: Map<NodeValues, BlockTrie>;
  blocks?: { readonly count: number };
}

export function conversionCache(): ConversionCache {
  return { types: new Map(), shapes: new Map(), nodeValues: { single: new Map(), other: new Map() }, nodeBlocks: new Map(), paramsSuffix: new Map() };
}

/** The context for the resources of group `g` under `policy`. */
export function resourceContext(seen: ConversionCache, config: Config, g: GroupDef, policy: GroupPolicy, ids: IdSpace, findings: Findings): ResourceContext {
  const key = `${policy.onFail ?? ''}\0${policy.onlineRetryLimit}\0${policy.autoClearInterval}`;
  let shapes = seen.shapes.get(key);
  if (!shapes) seen.shapes.set(key, (shapes = new Map()));
  const ctx: ResourceContext = { config, group: g, policy, ids, findings, seen, shapes };
  const ci = assocOf(attributeValue(g, 'ContainerInfo'));
  if (ci?.Name && String(ci.Enabled ?? '1') === '1') ctx.container = ci.Name;
  return ctx;
}

/** NodeValues by node, parameter name and value (one node, one parameter), or by a key made of all of them. */
export interface NodeValuesSeen {
  single: Map<string, Map<string, Map<string, NodeValues>>>;
  other: Map<string, NodeValues>;
}

/**
 * Per-node values: the systems that have them and the parameters they set.
 * Resources often have the same ones (the VIOS names of a frame, a NIC's
 * device on each system): one object per distinct set, never changed
 * afterwards, so the writers can reuse their text.
 */
export interface NodeValues {
  nodes: string[];
  pairs: NvPair[];
}

/**
 * What every resource of one type with the same static values under the same
 * group policy gets alike: its operations and its fault-handling meta
 * attributes. Built once and shared (never changed afterwards), so that
 * 2,000 resources of a type cost one computation, and the writers can
 * reuse their text.
 */
export interface Shape {
  ops: Operation[];
  meta: NvPair[];
  /** ToleranceLimit, reported for each resource. */
  tolerance: number;
  /** OnlineRetryLimit (the resource's, not the group's). */
  onlineRetryLimit: number;
}

/** typeAttribute, remembered per configuration: a large configuration asks the same questions thousands of times. */
const typeAttrCache = new WeakMap<Config, Map<string, Map<string, TypeAttributeDef | null>>>();

export function cachedTypeAttribute(config: Config, type: string, name: string): TypeAttributeDef | undefined {
  let byType = typeAttrCache.get(config);
  if (!byType) typeAttrCache.set(config, (byType = new Map()));
  let cache = byType.get(type);
  if (!cache) byType.set(type, (cache = new Map()));
  let hit = cache.get(name);
  if (hit === undefined) cache.set(name, (hit = typeAttribute(config, type, name) ?? null));
  return hit ?? undefined;
}

/**
 * effectiveStatic (values.ts) with the type's default taken from the cache:
 * the resource's value, else the type's default, else the engine default.
 */
export function staticValue(config: Config, r: ResourceDef, name: string): Value | undefined {
  const own = attributeValue(r, name);
  if (own) return own;
  const def = cachedTypeAttribute(config, r.type, name);
  return def?.default ?? builtinAttribute('static', name)?.default;
}

function intOf(v: Value | undefined, fallback: number): number {
  const s = scalarOf(v);
  const n = typeof s === 'number' ? s : Number(s);
  return Number.isFinite(n) ? n : fallback;
}

/**
 * Attribute assignments grouped by name, in first-appearance order: `lists[k]`
 * are the assignments of `names[k]` (a resource has a few: no map needed).
 * Loops here and below are indexed: a large configuration runs them before
 * the JIT has warmed up, where for-of and destructuring cost an iterator
 * object per step.
 */
function byName(attrs: AttributeAssignment[]): { names: string[]; lists: AttributeAssignment[][] } {
  const names: string[] = [];
  const lists: AttributeAssignment[][] = [];
  const index = attrs.length > 32 ? new Map<string, AttributeAssignment[]>() : undefined;
  for (let i = 0; i < attrs.length; i++) {
    const a = attrs[i]!;
    let list: AttributeAssignment[] | undefined;
    if (index) list = index.get(a.name);
    else {
      for (let j = 0; j < names.length; j++) {
        if (names[j] === a.name) {
          list = lists[j];
          break;
        }
      }
    }
    if (list) list.push(a);
    else {
      list = [a];
      names.push(a.name);
      lists.push(list);
      index?.set(a.name, list);
    }
  }
  return { names, lists };
}

/** Per-system parameters, systems in the order they first appear: `systems[k]` sets `lists[k]`. */
interface NodeParams {
  systems: string[];
  lists: NvPair[][];
}

/** The parameter list of `sys`, made on first use. */
function nodePairs(np: NodeParams, sys: string): NvPair[] {
  for (let k = 0; k < np.systems.length; k++) if (np.systems[k] === sys) return np.lists[k]!;
  const list: NvPair[] = [];
  np.systems.push(sys);
  np.lists.push(list);
  return list;
}

function hasLocal(assignments: AttributeAssignment[]): boolean {
  for (let i = 0; i < assignments.length; i++) if (assignments[i]!.system !== undefined) return true;
  return false;
}

/** A mapping's text with `{resource}` and `{Attr}` places, split once: literals[0] names[0] literals[1] ... */
interface Template {
  literals: string[];
  names: string[];
}

const templates = new Map<string, Template>();

function template(text: string): Template {
  let t = templates.get(text);
  if (!t) {
    t = { literals: [], names: [] };
    let last = 0;
    for (const m of text.matchAll(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g)) {
      t.literals.push(text.slice(last, m.index));
      t.names.push(m[1]!);
      last = m.index! + m[0].length;
    }
    t.literals.push(text.slice(last));
    templates.set(text, t);
  }
  return t;
}

/** Fills `{resource}` and `{Attr}` (the attribute's effective value) in a mapping's text. */
export function fillTemplate(text: string, ctx: ResourceContext, r: ResourceDef): string {
  const t = template(text);
  let out = t.literals[0]!;
  for (let i = 0; i < t.names.length; i++) {
    const name = t.names[i]!;
    let value: string;
    if (name === 'resource') value = r.name;
    else {
      const v = attributeValue(r, name) ?? cachedTypeAttribute(ctx.config, r.type, name)?.default;
      value = v ? asIs(v) : '""';
    }
    out += value + t.literals[i + 1]!;
  }
  return out;
}

type Agent = NonNullable<ReturnType<typeof parseAgent>>;

/** What every resource of a type gets alike in one conversion (the mapping of a type does not change during one). */
interface TypeInfo {
  /** What becomes of each attribute name seen so far. */
  plans: Map<string, AttributePlan>;
  /** The agent, when the mapping names it without a template. */
  agent?: Agent;
  /** The mapping's fixed parameters (`set`), copied into each primitive. */
  set: NvPair[];
}

function typeInfo(ctx: ResourceContext, type: string, m: TypeMapping): TypeInfo {
  let info = ctx.seen.types.get(type);
  if (!info) {
    info = { plans: new Map(), set: [] };
    if (!m.agent.includes('{')) info.agent = parseAgent(m.agent)!;
    for (const name in m.set) info.set.push({ name, value: m.set[name]! });
    ctx.seen.types.set(type, info);
  }
  return info;
}

/** The primitive for `r` (its id already claimed), reporting what does not convert. */
export function buildPrimitive(ctx: ResourceContext, r: ResourceDef, m: TypeMapping, id: string): Primitive {
  const { findings } = ctx;
  const info = typeInfo(ctx, r.type, m);
  const agent = info.agent ?? parseAgent(fillTemplate(m.agent, ctx, r))!;
  const globalPairs: NvPair[] = [];
  for (let i = 0; i < info.set.length; i++) globalPairs.push({ name: info.set[i]!.name, value: info.set[i]!.value });
  let perNode: NodeParams | undefined;
  let ownMeta: NvPair[] | undefined;
  // The resource's own values of the statics its shape is made of.
  let staticKey = '';

  const plans = info.plans;
  const { names, lists } = byName(r.attributes);
  for (let k = 0; k < names.length; k++) {
    const name = names[k]!;
    const assignments = lists[k]!;
    const first = assignments[0]!;
    const plan = plans.get(name) ?? attributePlan(ctx, plans, r.type, m, name);
    if (plan.converted) {
      const v = lastGlobal(assignments);
      if (v) staticKey += `\0${name}=${asIs(v)}`;
    }
    if (plan.kind === 'param') {
      const pm = plan.param;
      if (assignments.length === 1) {
        if (first.system === undefined) putParam(ctx, r, name, pm, globalPairs, first);
        else putParam(ctx, r, name, pm, nodePairs((perNode ??= { systems: [], lists: [] }), first.system), first);
        continue;
      }
      // The last assignment of a scope wins, as in VCS; systems in the order they first appear.
      let global: AttributeAssignment | undefined;
      const systems: string[] = [];
      const last: AttributeAssignment[] = [];
      for (let j = 0; j < assignments.length; j++) {
        const a = assignments[j]!;
        if (a.system === undefined) {
          global = a;
          continue;
        }
        let s = 0;
        while (s < systems.length && systems[s] !== a.system) s++;
        if (s === systems.length) systems.push(a.system);
        last[s] = a;
      }
      if (global) putParam(ctx, r, name, pm, globalPairs, global);
      for (let s = 0; s < systems.length; s++) putParam(ctx, r, name, pm, nodePairs((perNode ??= { systems: [], lists: [] }), systems[s]!), last[s]!);
      continue;
    }
    if (plan.kind === 'resource') {
      resourceAttribute(ctx, r, name, assignments, (ownMeta ??= []));
      continue;
    }
    if (plan.kind === 'static') {
      if (plan.converted && hasLocal(assignments)) {
        findings.add('faultHandling', first.pos, `${r.name}: ${name} has per-system values; Pacemaker operations and meta attributes cannot vary by node, the global value is used`);
      }
      if (!plan.converted && !ENGINE_STATICS.has(name)) {
        findings.add('attributeDropped', first.pos, `${r.name}: static attribute ${name} has no Pacemaker equivalent and is not converted`);
      }
      continue;
    }
    if (plan.kind === 'ignored') continue;
    findings.add('attributeDropped', first.pos, `${r.name}: attribute ${name} has no parameter in ${m.agent.replace('{resource}', r.name)}; not converted (name one with --map)`);
  }

  if (m.passContainerInfo) containerInfo(ctx, globalPairs, (perNode ??= { systems: [], lists: [] }));
  const shape = resourceShape(ctx, r, m, staticKey);
  if (shape.onlineRetryLimit > 0) ctx.onlineRetries = true;
  if (shape.tolerance > 0) {
    const pos = r.attributes.find((a) => a.name === 'ToleranceLimit')?.pos ?? r.pos;
    findings.add('faultHandling', pos, `${r.name}: ToleranceLimit = ${shape.tolerance}: Pacemaker acts on the first failed monitor; the agent's own retries are the nearest equivalent`);
  }
  let meta = shape.meta;
  if (ownMeta) {
    meta = ownMeta;
    for (let i = 0; i < shape.meta.length; i++) setPair(meta, shape.meta[i]!.name, shape.meta[i]!.value);
  }

  const params: AttrSet[] = [];
  if (globalPairs.length > 0) params.push({ id: `${id}.params`, pairs: globalPairs });
  const nodeBlocks = perNode ? perNodeSets(ctx, id, perNode, params) : undefined;

  // One object layout for every primitive (provider undefined for classes without one): the writers see one shape.
  const prim: Primitive = { kind: 'primitive', id, class: agent.class, provider: agent.provider, type: agent.type, params, meta, ops: shape.ops, source: r.pos, nodeBlocks };
  if (m.needs) findings.add('needsSetup', r.pos, `${r.name} (${r.type}): ${fillTemplate(m.needs, ctx, r)}`);
  if (ctx.container !== undefined) containerCheck(ctx, r);
  return prim;
}

/**
 * The per-node blocks, added to `into`: systems with the same values share
 * one, whose rule names them all (`Attr@s1` and `Attr@s2` written alike, or
 * ContainerInfo the same on every system); its id is the first system's.
 * Returns what the blocks share with those of other primitives
 * (Primitive.nodeBlocks), or undefined when there are none.
 */
function perNodeSets(ctx: ResourceContext, id: string, perNode: NodeParams, into: AttrSet[]): Primitive['nodeBlocks'] {
  const start = into.length;
  for (let k = 0; k < perNode.systems.length; k++) {
    const sys = perNode.systems[k]!;
    const pairs = perNode.lists[k]!;
    if (pairs.length === 0) continue;
    let same: AttrSet | undefined;
    for (let i = start; i < into.length; i++) {
      if (samePairs(into[i]!.pairs, pairs)) {
        same = into[i];
        break;
      }
    }
    if (same) (same.nodes as string[]).push(sys);
    else {
      let suffix = ctx.seen.paramsSuffix.get(sys);
      if (suffix === undefined) ctx.seen.paramsSuffix.set(sys, (suffix = subId('', 'params', sys)));
      into.push({ id: id + suffix, score: 1, nodes: [sys], pairs });
    }
  }
  if (into.length === start) return undefined;
  // The same NodeValues in the same order: the same blocks but for the id (the id suffix is the first node's).
  let seen = ctx.seen.nodeBlocks;
  let trie: BlockTrie | undefined;
  for (let i = start; i < into.length; i++) {
    const set = into[i]!;
    const nv = internNodeValues(ctx, set.nodes!, set.pairs);
    set.nodes = nv.nodes;
    set.pairs = nv.pairs;
    trie = seen.get(nv);
    if (!trie) seen.set(nv, (trie = { next: new Map() }));
    seen = trie.next;
  }
  return (trie!.blocks ??= { count: into.length - start });
}

/** True when two lists set the same names to the same values, in any order. */
function samePairs(a: NvPair[], b: NvPair[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    let found = false;
    for (let j = 0; j < b.length; j++) {
      const y = b[j]!;
      if (y.name === x.name) {
        if (y.value !== x.value) return false;
        found = true;
        break;
      }
    }
    if (!found) return false;
  }
  return true;
}

/**
 * The one NodeValues object for these nodes and pairs. The usual case, one
 * node and one parameter, is looked up by its strings as they are (nested
 * maps), without building a key.
 */
function internNodeValues(ctx: ResourceContext, nodes: string[], pairs: NvPair[]): NodeValues {
  const seen = ctx.seen.nodeValues;
  let byValue: Map<string, NodeValues> | undefined;
  let key: string;
  if (nodes.length === 1 && pairs.length === 1) {
    const pair = pairs[0]!;
    let byName = seen.single.get(nodes[0]!);
    if (!byName) seen.single.set(nodes[0]!, (byName = new Map()));
    byValue = byName.get(pair.name);
    if (!byValue) byName.set(pair.name, (byValue = new Map()));
    key = pair.value;
  } else {
    byValue = seen.other;
    key = `${nodes.join('\0')}\u0001${pairs.map((p) => `${p.name.length}:${p.name}${p.value.length}:${p.value}`).sort().join('')}`;
  }
  let nv = byValue.get(key);
  if (!nv) byValue.set(key, (nv = { nodes, pairs }));
  return nv;
}

/** What becomes of an attribute of a type: the same for every resource of the type. */
type AttributePlan =
  | { kind: 'resource' | 'static' | 'ignored' | 'unmapped'; /** One of the statics a Shape is made of (whatever the type declares it as). */ converted: boolean }
  | { kind: 'param'; converted: boolean; param: ParamMapping };

/** The plan for attribute `name` of `type` (mapped by `m`), added to `plans`. */
function attributePlan(ctx: ResourceContext, plans: Map<string, AttributePlan>, type: string, m: TypeMapping, name: string): AttributePlan {
  let plan: AttributePlan;
  const converted = CONVERTED_STATICS.has(name);
  if (builtinAttribute('resource', name)) plan = { kind: 'resource', converted };
  else if (cachedTypeAttribute(ctx.config, type, name)?.static) plan = { kind: 'static', converted };
  else {
    const pm = Object.hasOwn(m.params, name) ? m.params[name] : m.otherAttributes === 'pass' ? { name, form: 'as-is' as const } : undefined;
    plan = pm === null ? { kind: 'ignored', converted } : pm === undefined ? { kind: 'unmapped', converted } : { kind: 'param', converted, param: pm };
  }
  plans.set(name, plan);
  return plan;
}

/** The value of the last assignment without a system. */
function lastGlobal(assignments: AttributeAssignment[]): Value | undefined {
  for (let i = assignments.length - 1; i >= 0; i--) if (assignments[i]!.system === undefined) return assignments[i]!.value;
  return undefined;
}

/** Sets parameter `pm` in `into` from assignment `a` of attribute `name`, or reports why it cannot. */
function putParam(ctx: ResourceContext, r: ResourceDef, name: string, pm: ParamMapping, into: NvPair[], a: AttributeAssignment): void {
  if (pm.form === 'as-is') {
    setPair(into, pm.name, asIs(a.value));
    return;
  }
  const f = formatParam(a.value, pm.form);
  if ('problem' in f) {
    const where = a.system === undefined ? '' : `@${a.system}`;
    ctx.findings.add('attributeValue', a.pos, `${r.name}: ${name}${where}: ${f.problem}; parameter ${pm.name} not set`);
    return;
  }
  setPair(into, pm.name, f.value);
}

/**
 * The shape of `r` (its type's, under this group's policy, with its own
 * static values `staticKey`), made on first use.
 */
function resourceShape(ctx: ResourceContext, r: ResourceDef, m: TypeMapping, staticKey: string): Shape {
  let byStatics = ctx.shapes.get(r.type);
  if (!byStatics) ctx.shapes.set(r.type, (byStatics = new Map()));
  let shape = byStatics.get(staticKey);
  if (!shape) {
    const meta: NvPair[] = [];
    const tolerance = faultMeta(ctx, r, meta);
    for (const name in m.meta) setPair(meta, name, m.meta[name]!);
    // ethmonitor only sets its attribute: an offline monitor has nothing to watch.
    const ops = operations(ctx, r, m.meta['allow-migrate'] === 'true', m.special !== 'nic');
    shape = { ops, meta, tolerance, onlineRetryLimit: intOf(staticValue(ctx.config, r, 'OnlineRetryLimit'), 0) };
    byStatics.set(staticKey, shape);
  }
  return shape;
}

function setPair(list: NvPair[], name: string, value: string): void {
  for (let i = 0; i < list.length; i++) {
    const p = list[i]!;
    if (p.name === name) {
      p.value = value;
      return;
    }
  }
  list.push({ name, value });
}

/** Critical, Enabled, MonitorOnly, AutoStart; triggers reported; bookkeeping ignored. */
function resourceAttribute(ctx: ResourceContext, r: ResourceDef, name: string, assignments: AttributeAssignment[], meta: NvPair[]): void {
  const first = assignments[0]!;
  if (assignments.some((a) => a.system !== undefined) && !RESOURCE_BOOKKEEPING.has(name)) {
    ctx.findings.add('attributeDropped', first.pos, `${r.name}: ${name} has per-system values; Pacemaker meta attributes cannot vary by node, the global value is used`);
  }
  const v = intOf(attributeValue(r, name), 1);
  switch (name) {
    case 'Critical':
      if (v === 0) setPair(meta, 'critical', 'false');
      return;
    case 'Enabled':
    case 'AutoStart':
      if (v === 0) setPair(meta, 'target-role', 'Stopped');
      return;
    case 'MonitorOnly':
      if (v === 1) setPair(meta, 'is-managed', 'false');
      return;
  }
  if (RESOURCE_TRIGGERS.has(name)) {
    ctx.findings.add('trigger', first.pos, `${r.name}: ${name}: VCS triggers do not convert; Pacemaker alerts (pcs alert) run an agent on resource events`);
    return;
  }
  if (!RESOURCE_BOOKKEEPING.has(name)) ctx.findings.add('attributeDropped', first.pos, `${r.name}: ${name} has no Pacemaker equivalent and is not converted`);
}

/** migration-threshold, failure-timeout; returns ToleranceLimit (reported by the caller). */
function faultMeta(ctx: ResourceContext, r: ResourceDef, meta: NvPair[]): number {
  const st = (name: string, fallback: number) => intOf(staticValue(ctx.config, r, name), fallback);
  const restart = st('RestartLimit', 0);
  const retry = Math.max(st('OnlineRetryLimit', 0), ctx.policy.onlineRetryLimit);
  const threshold = Math.max(restart, retry) + 1;
  if (threshold !== 1) setPair(meta, 'migration-threshold', String(threshold));
  if (ctx.policy.autoClearInterval > 0) setPair(meta, 'failure-timeout', `${ctx.policy.autoClearInterval}s`);
  else if (threshold > 1) setPair(meta, 'failure-timeout', `${st('ConfInterval', 600)}s`);
  return st('ToleranceLimit', 0);
}

function operations(ctx: ResourceContext, r: ResourceDef, migrate: boolean, offlineMonitor: boolean): Operation[] {
  const st = (name: string, fallback: number) => Math.max(0, intOf(staticValue(ctx.config, r, name), fallback));
  const mi = st('MonitorInterval', 60);
  const mt = Math.max(1, st('MonitorTimeout', 60));
  const onFail = ctx.policy.onFail;
  const withFail = (op: Operation, allowed: boolean): Operation => (onFail && allowed ? { ...op, onFail } : op);
  const ops: Operation[] = [
    withFail({ name: 'start', interval: 0, timeout: Math.max(1, st('OnlineTimeout', 300) + st('OnlineWaitLimit', 2) * mi) }, true),
    withFail({ name: 'stop', interval: 0, timeout: Math.max(1, st('OfflineTimeout', 300) + st('OfflineWaitLimit', 0) * mi + st('CleanTimeout', 60)) }, onFail === 'block'),
  ];
  if (mi > 0) ops.push(withFail({ name: 'monitor', interval: mi, timeout: mt }, true));
  let omi = offlineMonitor ? st('OfflineMonitorInterval', 300) : 0;
  if (omi > 0) {
    // Pacemaker tells operations apart by name and interval.
    if (omi === mi) omi += 1;
    ops.push({ name: 'monitor', interval: omi, timeout: mt, role: 'Stopped' });
  }
  if (migrate) {
    const t = Math.max(1, st('MigrateTimeout', 600) + st('MigrateWaitLimit', 2) * mi);
    ops.push({ name: 'migrate_to', interval: 0, timeout: t }, { name: 'migrate_from', interval: 0, timeout: t });
  }
  return ops;
}

/** The group's ContainerInfo as the ContainerInfo parameter (global and per-system). */
function containerInfo(ctx: ResourceContext, globalPairs: NvPair[], perNode: NodeParams): void {
  for (const a of ctx.group.attributes) {
    if (a.name !== 'ContainerInfo') continue;
    const value = asIs(a.value);
    if (a.system === undefined) setPair(globalPairs, 'ContainerInfo', value);
    else setPair(nodePairs(perNode, a.system), 'ContainerInfo', value);
  }
}

/** A resource VCS runs inside the group's WPAR: Pacemaker runs its agent on the node. */
function containerCheck(ctx: ResourceContext, r: ResourceDef): void {
  const opts = assocOf(staticValue(ctx.config, r, 'ContainerOpts'));
  if (String(opts?.RunInContainer ?? '0') !== '1') return;
  ctx.findings.add('inContainer', r.pos, `${r.name}: ${r.type} runs inside WPAR ${ctx.container} under VCS (RunInContainer = 1); Pacemaker runs its agent on the node, outside the WPAR`);
}
