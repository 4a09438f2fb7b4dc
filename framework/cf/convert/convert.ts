/**
 * A VCS configuration (the model loadConfig returns) as a Pacemaker
 * configuration, with a finding for each construct that does not convert.
 * The mapping, row by row with its sources, is docs/convert.md.
 *
 * Shape of the result (cluster-level parts in cluster.ts, one resource in resource.ts):
 * - systems → nodes (PhysicalServer and Site as node attributes; Frozen → standby);
 * - a failover service group → a Pacemaker group whose members start in an
 *   order that keeps every `requires` (member-order.ts); Parallel = 1 → a
 *   clone of that group;
 * - SystemList → location constraints in an opt-in cluster
 *   (symmetric-cluster=false), scored so that Pacemaker picks the system VCS
 *   would, and with enough stickiness that nothing fails back;
 * - group dependencies → colocation and order constraints (group-deps.ts);
 * - NIC → an ethmonitor clone and a location rule on the group; Proxy → a
 *   constraint on what it mirrors.
 *
 * With `onResource`, each top-level resource is handed over as soon as it is
 * complete and not kept: the CLI writes it out at once, so a large
 * configuration holds text, not its whole Pacemaker model.
 */
import type { Finding } from '../verify/finding.js';
import type { Config, GroupDef, ResourceDef } from '../model.js';
import { assocOf, attributeValue, listOf, localSystems, scalarOf } from '../values.js';
import { ACCESS, convertBlocks, convertCluster, convertNodes, differsFromDefault, num } from './cluster.js';
import { Findings } from './findings.js';
import { dependencyRule } from './group-deps.js';
import { IdSpace, subId } from './ids.js';
import { BUILTIN_MAPPINGS, type TypeMapping } from './map.js';
import { startOrder, type IndexEdges } from './member-order.js';
import { nodesRule, PROPERTIES_ID, RSC_DEFAULTS_ID, type AttrSet, type Constraint, type Expression, type Group, type NvPair, type PacemakerConfig, type Primitive, type TopResource } from './pacemaker.js';
import { buildPrimitive, conversionCache, resourceContext, type GroupPolicy } from './resource.js';

export interface ConvertOptions {
  /** The type mappings (default: the built-in table). */
  mappings?: Readonly<Record<string, TypeMapping>>;
  /**
   * Takes each top-level resource as soon as it is complete, in document
   * order; the result's `resources` is then empty.
   */
  onResource?: (r: TopResource) => void;
}

export interface ConvertResult {
  pacemaker: PacemakerConfig;
  findings: Finding[];
}

/** Group attributes of VCS's own bookkeeping or runtime state: nothing to convert. */
const GROUP_BOOKKEEPING = new Set([
  'SourceFile', 'PrintTree', 'UserIntGlobal', 'UserIntLocal', 'UserStrGlobal', 'UserStrLocal', 'UserAssoc', 'GroupOwner', 'GroupRecipients',
  'ActiveCount', 'AutoDisabled', 'CurrentCount', 'IntentOnline', 'LastSuccess', 'NumRetries', 'PathCount', 'Evacuating', 'PreOnlining',
  'DeferAutoStart', 'TFrozen', 'MemberWeight', 'VCSi3Info', 'DisableFaultMessages', 'TypeDependencies',
]);
/** Group attributes this converter reads. */
const GROUP_CONVERTED = new Set([
  'SystemList', 'AutoStartList', 'AutoStart', 'AutoStartPolicy', 'Parallel', 'Frozen', 'Enabled', 'ManageFaults', 'AutoFailOver',
  'OnlineRetryLimit', 'AutoClearInterval', 'ContainerInfo', 'FailOverPolicy',
]);
const GCO_GROUP = new Set(['ClusterList', 'Authority', 'ClusterFailOverPolicy']);
const TRIGGERS = new Set(['TriggerEvent', 'TriggerPath', 'TriggerResFault', 'TriggerResRestart', 'TriggerResStateChange', 'TriggersEnabled', 'PreOnline', 'PreOffline', 'PreSwitch', 'PreOnlineTimeout', 'PreSwitchTimeout']);

const ALLOWED = '0';
/**
 * NIC clones are named `ethmonitor-NIC`, as the node attribute they set: one
 * location constraint with this pattern lets all of them run (Pacemaker
 * looks up the resource of each constraint in a list of every resource, so
 * 2,000 constraints of one NIC clone each cost crm_verify seconds).
 */
const NIC_CLONE_PREFIX = 'ethmonitor-';
const NIC_CLONE_PATTERN = `^${NIC_CLONE_PREFIX}`;


interface ConvertedGroup {
  def: GroupDef;
  /** The id of its top-level resource (the group, or its clone); undefined when nothing of it converted. */
  topId?: string;
  parallel: boolean;
  /** System → location score, before the dependencies adjust it. */
  scores: Map<string, number>;
  disabledOn: Set<string>;
  /** Its own NICs, then those its Proxy resources mirror. */
  nics?: NicInfo[];
}

interface NicInfo {
  primitiveId: string;
  cloneId: string;
  attribute: string;
  /** Nodes the clone must be allowed on. */
  nodes: Set<string>;
}

class Converter {
  readonly ids = new IdSpace();
  readonly findings: Findings;
  readonly mappings: Readonly<Record<string, TypeMapping>>;
  readonly resources: TopResource[] = [];
  readonly emit: (r: TopResource) => void;
  readonly constraints: Constraint[] = [];
  readonly properties: NvPair[] = [];
  /** Resource name → its group's converted record (made when a Proxy first needs it). */
  private groupOfResource?: Map<string, ConvertedGroup>;
  readonly groups = new Map<string, ConvertedGroup>();
  readonly nics = new Map<string, NicInfo>();
  readonly resourceIds = new Map<string, string>();
  readonly seen = conversionCache();
  private readonly byType = new Map<string, TypeMapping | undefined>();
  /** Second definitions of a name, which are left out. */
  readonly duplicates = new Set<object>();
  startRetries = false;
  maxSpread = 0;

  constructor(readonly config: Config, opts: ConvertOptions) {
    // The property blocks pcs names this way; nothing else may take their ids.
    this.ids.claim(PROPERTIES_ID);
    this.ids.claim(RSC_DEFAULTS_ID);
    this.findings = new Findings(config.file);
    this.mappings = opts.mappings ?? BUILTIN_MAPPINGS;
    this.emit = opts.onResource ?? ((r) => void this.resources.push(r));
  }

  /** The mapping of `type`, or undefined. */
  mapping(type: string): TypeMapping | undefined {
    // A map lookup: a property lookup by a name read from main.cf would look the name up in V8's string table each time.
    let m = this.byType.get(type);
    if (m === undefined && !this.byType.has(type)) this.byType.set(type, (m = Object.hasOwn(this.mappings, type) ? this.mappings[type] : undefined));
    return m;
  }

  run(): ConvertResult {
    this.findDuplicates();
    // Resource names first: they keep their VCS names, groups yield on a clash. (Indexed loops:
    // this runs for every resource before the JIT has warmed up, where for-of costs an object per step.)
    const all = this.config.groups;
    for (let i = 0; i < all.length; i++) {
      const resources = all[i]!.resources;
      for (let j = 0; j < resources.length; j++) {
        const r = resources[j]!;
        const m = this.mapping(r.type);
        if (m && m.special !== 'proxy' && !this.duplicates.has(r)) this.resourceIds.set(r.name, this.ids.claim(r.name));
      }
    }
    const nodes = convertNodes(this.config, this.findings);
    const clusterName = convertCluster(this.config, this.findings, this.properties);
    convertBlocks(this.config, this.findings);
    const groups = this.config.groups.filter((g) => !this.duplicates.has(g));
    for (const g of groups) this.group(g);
    for (const g of groups) this.proxies(g);
    this.nicConstraints();
    for (const cg of this.groups.values()) this.locations(cg);
    for (const cg of this.groups.values()) this.groupDependencies(cg);

    // cluster-name comes from corosync.conf (pcs refuses to set it): the name goes in the header only.
    this.properties.push({ name: 'symmetric-cluster', value: 'false' });
    if (this.startRetries) this.properties.push({ name: 'start-failure-is-fatal', value: 'false' });
    const stickiness = Math.max(100, Math.ceil((this.maxSpread + 1) / 100) * 100);
    const pacemaker: PacemakerConfig = {
      properties: this.properties,
      rscDefaults: [
        { name: 'resource-stickiness', value: String(stickiness) },
        { name: 'migration-threshold', value: '1' },
      ],
      nodes,
      resources: this.resources,
      constraints: this.constraints,
    };
    if (clusterName) pacemaker.clusterName = clusterName;
    return { pacemaker, findings: this.findings.list };
  }

  findDuplicates(): void {
    const groups = new Map<string, GroupDef>();
    const resources = new Map<string, ResourceDef>();
    const where = (p: { file: string; line: number }) => `${p.file}:${p.line}`;
    for (const g of this.config.groups) {
      const first = groups.get(g.name);
      if (first) {
        this.duplicates.add(g);
        this.findings.add('duplicate', g.pos, `group ${g.name} is already defined at ${where(first.pos)}; this definition is left out`);
        continue;
      }
      groups.set(g.name, g);
      for (let i = 0; i < g.resources.length; i++) {
        const r = g.resources[i]!;
        const seen = resources.get(r.name);
        if (seen) {
          this.duplicates.add(r);
          this.findings.add('duplicate', r.pos, `resource ${r.name} is already defined at ${where(seen.pos)}; this definition is left out`);
        } else resources.set(r.name, r);
      }
    }
  }

  policy(g: GroupDef): GroupPolicy {
    const manage = String(scalarOf(attributeValue(g, 'ManageFaults')) ?? 'ALL').toUpperCase();
    const autoFailOver = num(attributeValue(g, 'AutoFailOver'), 1);
    const p: GroupPolicy = {
      onlineRetryLimit: num(attributeValue(g, 'OnlineRetryLimit'), 0),
      autoClearInterval: num(attributeValue(g, 'AutoClearInterval'), 0),
    };
    if (manage === 'NONE') p.onFail = 'block';
    else if (autoFailOver === 0) p.onFail = 'stop';
    return p;
  }

  group(g: GroupDef): void {
    const policy = this.policy(g);
    const parallel = num(attributeValue(g, 'Parallel'), 0);
    const ctx = resourceContext(this.seen, this.config, g, policy, this.ids, this.findings);
    this.groupAttributes(g, parallel);

    const cg: ConvertedGroup = { def: g, parallel: parallel === 1, scores: new Map(), disabledOn: new Set() };
    const resources = this.duplicates.size === 0 ? g.resources : g.resources.filter((r) => !this.duplicates.has(r));
    const n = resources.length;
    // By index in `resources`: its position, whether it is critical, its primitive (a group member).
    const index = new Map<string, number>();
    const critical: boolean[] = [];
    const members: Array<Primitive | undefined> = [];
    const nicClones: TopResource[] = [];
    for (let i = 0; i < n; i++) {
      const r = resources[i]!;
      index.set(r.name, i);
      critical.push(num(attributeValue(r, 'Critical'), 1) !== 0);
      members.push(undefined);
      const m = this.mapping(r.type);
      if (!m) {
        this.findings.add('noMapping', r.pos, `${r.name}: no Pacemaker agent for type ${r.type}; the resource is left out (map the type with --map FILE)`);
        continue;
      }
      if (m.special === 'proxy') continue;
      const prim = buildPrimitive(ctx, r, m, this.resourceIds.get(r.name)!);
      if (ctx.onlineRetries || policy.onlineRetryLimit > 0) this.startRetries = true;
      if (m.special === 'nic') {
        const { clone, nic } = this.nicClone(r, prim);
        nicClones.push(clone);
        (cg.nics ??= []).push(nic);
        continue;
      }
      members[i] = prim;
    }

    const edges: IndexEdges = { parents: [], children: [] };
    for (let k = 0; k < g.dependencies.length; k++) {
      const d = g.dependencies[k]!;
      const p = index.get(d.parent);
      const c = index.get(d.child);
      if (p === undefined || c === undefined) {
        this.findings.add('resourceDependency', d.pos, `${d.parent} requires ${d.child}: both must be resources of group ${g.name}; not converted`);
        continue;
      }
      edges.parents.push(p);
      edges.children.push(c);
    }
    const { order, cyclic } = startOrder(n, critical, edges);
    if (cyclic.length > 0) {
      this.findings.add('resourceDependency', g.pos, `group ${g.name}: resources ${cyclic.map((i) => resources[i]!.name).join(', ')} depend on each other in a cycle; they start last, in main.cf order`);
    }
    const list: Primitive[] = [];
    for (let k = 0; k < order.length; k++) {
      const member = members[order[k]!];
      if (member) list.push(member);
    }

    this.groups.set(g.name, cg);
    if (list.length === 0) {
      const onlyShapes = g.resources.length > 0 && g.resources.every((r) => this.mapping(r.type)?.special);
      if (!onlyShapes) this.findings.add('emptyGroup', g.pos, `group ${g.name}: no resource converts; the group is left out`);
      for (const c of nicClones) this.emit(c);
      return;
    }

    const groupId = this.ids.claim(g.name);
    const group: Group = { kind: 'group', id: groupId, members: list, meta: [] };
    const topMeta: NvPair[] = [];
    const notStarted = this.notAutoStarted(g);
    if (notStarted) {
      topMeta.push({ name: 'target-role', value: 'Stopped' });
    }
    if (num(attributeValue(g, 'Frozen'), 0) === 1) topMeta.push({ name: 'is-managed', value: 'false' });
    const description = `VCS service group ${g.name}${notStarted ? `; ${notStarted}` : ''}`;
    if (cg.parallel) {
      const cloneId = this.ids.claim(`${groupId}-clone`);
      cg.topId = cloneId;
      this.emit({ kind: 'clone', id: cloneId, child: group, meta: [{ name: 'interleave', value: 'true' }, ...topMeta], description });
    } else {
      group.meta = topMeta;
      group.description = description;
      cg.topId = groupId;
      this.emit(group);
    }
    for (const c of nicClones) this.emit(c);
  }

  /** Why VCS would not start the group by itself, or undefined. */
  notAutoStarted(g: GroupDef): string | undefined {
    if (num(attributeValue(g, 'Enabled'), 1) === 0) return 'disabled (Enabled = 0)';
    if (num(attributeValue(g, 'AutoStart'), 1) === 0) return 'not started automatically (AutoStart = 0)';
    if ((listOf(attributeValue(g, 'AutoStartList')) ?? []).length === 0) return 'not started automatically (no AutoStartList)';
    return undefined;
  }

  groupAttributes(g: GroupDef, parallel: number): void {
    const seenLocal = new Set<string>();
    for (const a of g.attributes) {
      if (a.system !== undefined && a.name !== 'Enabled' && a.name !== 'ContainerInfo' && !GROUP_BOOKKEEPING.has(a.name) && !seenLocal.has(a.name)) {
        seenLocal.add(a.name);
        this.findings.add('groupAttribute', a.pos, `group ${g.name}: ${a.name} has per-system values; only the global value is converted`);
      }
      if (GROUP_BOOKKEEPING.has(a.name) || !differsFromDefault('group', a)) continue;
      if (GCO_GROUP.has(a.name)) {
        this.findings.add('globalCluster', a.pos, `group ${g.name}: ${a.name}: global service groups do not convert; Pacemaker ties resources to a site with booth tickets (rsc_ticket)`);
      } else if (TRIGGERS.has(a.name)) {
        this.findings.add('trigger', a.pos, `group ${g.name}: ${a.name}: VCS triggers and pre-online scripts do not convert; Pacemaker alerts (pcs alert) run an agent on cluster events`);
      } else if (ACCESS.has(a.name)) {
        this.findings.add('clusterAttribute', a.pos, `group ${g.name}: ${a.name}: VCS users and privileges do not convert; Pacemaker uses ACLs (pcs acl)`);
      } else if (a.name === 'FailOverPolicy' && String(scalarOf(a.value)) !== 'Priority') {
        this.findings.add('groupAttribute', a.pos, `group ${g.name}: FailOverPolicy = ${String(scalarOf(a.value))}: Pacemaker places by location scores (SystemList priority); utilization with placement-strategy is the nearest to load-based policies`);
      } else if (a.name === 'AutoStartPolicy' && String(scalarOf(a.value)) === 'Load') {
        this.findings.add('groupAttribute', a.pos, `group ${g.name}: AutoStartPolicy = Load: converted as Order (the first available system of AutoStartList)`);
      } else if (a.name === 'AutoFailOver' && num(a.value, 1) !== 1) {
        const v = num(a.value, 1);
        this.findings.add(
          'faultHandling',
          a.pos,
          v === 0
            ? `group ${g.name}: AutoFailOver = 0: a resource fault stops the group where it is (on-fail=stop, no local restart), but after a node failure Pacemaker still starts the group elsewhere`
            : `group ${g.name}: AutoFailOver = ${v} (site-aware failover) is not converted; the group fails over to any system of its SystemList`,
        );
      } else if (a.name === 'Parallel' && parallel !== 0 && parallel !== 1) {
        this.findings.add('groupAttribute', a.pos, `group ${g.name}: Parallel = ${parallel} (hybrid) is not converted; the group is converted as a failover group`);
      } else if (!GROUP_CONVERTED.has(a.name)) {
        const hint =
          a.name === 'SysDownPolicy'
            ? ' (Pacemaker probes every resource on a node that joins, and with fencing recovers a lost node\'s resources only after fencing it)'
            : a.name === 'Load' || a.name === 'Prerequisites'
              ? ' (Pacemaker utilization attributes and placement-strategy are the nearest feature)'
              : '';
        this.findings.add('groupAttribute', a.pos, `group ${g.name}: ${a.name} has no Pacemaker equivalent and is not converted${hint}`);
      }
    }
  }

  /** A NIC's primitive as the clone that runs it on every node where a group needs the NIC. */
  nicClone(r: ResourceDef, prim: Primitive): { clone: TopResource; nic: NicInfo } {
    const attribute = `ethmonitor-${prim.id}`;
    let base: AttrSet | undefined;
    for (let i = 0; i < prim.params.length && !base; i++) if (!prim.params[i]!.nodes) base = prim.params[i];
    if (base) base.pairs.push({ name: 'name', value: attribute });
    else prim.params.unshift({ id: subId(prim.id, 'params'), pairs: [{ name: 'name', value: attribute }] });
    const cloneId = this.ids.claim(`${NIC_CLONE_PREFIX}${prim.id}`);
    const nic: NicInfo = { primitiveId: prim.id, cloneId, attribute, nodes: new Set() };
    this.nics.set(r.name, nic);
    return { clone: { kind: 'clone', id: cloneId, child: prim, meta: [], description: `VCS NIC ${r.name}: sets node attribute ${attribute}` }, nic };
  }

  /** The converted group of the resource named `name`. */
  groupOf(name: string): ConvertedGroup | undefined {
    if (!this.groupOfResource) {
      this.groupOfResource = new Map();
      for (const cg of this.groups.values()) for (const r of cg.def.resources) if (!this.duplicates.has(r)) this.groupOfResource.set(r.name, cg);
    }
    return this.groupOfResource.get(name);
  }

  /** Proxy resources: a rule on a NIC's attribute, or a colocation with what they mirror. */
  proxies(g: GroupDef): void {
    const cg = this.groups.get(g.name)!;
    for (const r of g.resources) {
      if (this.duplicates.has(r) || this.mapping(r.type)?.special !== 'proxy') continue;
      const target = scalarOf(attributeValue(r, 'TargetResName'));
      if (r.attributes.some((a) => a.name === 'TargetSysName')) {
        this.findings.add('attributeDropped', r.pos, `${r.name}: TargetSysName (mirror a resource on another system) has no Pacemaker equivalent and is not converted`);
      }
      if (target === undefined) {
        this.findings.add('resourceDependency', r.pos, `${r.name}: Proxy without TargetResName; not converted`);
        continue;
      }
      const nic = this.nics.get(String(target));
      if (nic) {
        if (!cg.nics?.includes(nic)) (cg.nics ??= []).push(nic);
        continue;
      }
      const tg = this.groupOf(String(target));
      if (!tg?.topId || !this.resourceIds.has(String(target))) {
        this.findings.add('resourceDependency', r.pos, `${r.name}: Proxy of ${String(target)}, which is not in the Pacemaker configuration; not converted`);
        continue;
      }
      if (tg === cg || !cg.topId) continue;
      this.constraints.push({ kind: 'colocation', id: this.ids.claim(`colocation-${cg.topId}-${tg.topId}`), rsc: cg.topId, withRsc: tg.topId, score: 'INFINITY', influence: false });
    }
  }

  /**
   * Where the NIC clones run (every system of the groups that need the NIC),
   * and each group kept off the nodes where one of its NICs (own or
   * mirrored by a Proxy) is down: one rule per group, any NIC down bans it.
   */
  nicConstraints(): void {
    if (this.nics.size === 0) return;
    for (const cg of this.groups.values()) {
      if (!cg.nics) continue;
      const systems = Object.keys(assocOf(attributeValue(cg.def, 'SystemList')) ?? {});
      for (const nic of cg.nics) for (const s of systems) nic.nodes.add(s);
    }
    const nics = [...this.nics.values()];
    // Every node some NIC clone must run on, in the order first met.
    const inUnion = new Set<string>();
    const union: string[] = [];
    for (const nic of nics) {
      for (const n of nic.nodes) {
        if (inUnion.has(n)) continue;
        inUnion.add(n);
        union.push(n);
      }
    }
    // The pattern is used only when it matches the NIC clones and nothing else.
    const clash = [...this.groups.values()].some((cg) => cg.topId?.startsWith(NIC_CLONE_PREFIX));
    if (nics.length > 1 && !clash && union.length > 0) {
      const id = this.ids.claim(`location-${NIC_CLONE_PREFIX}clones`);
      this.constraints.push({ kind: 'location', id, rscPattern: NIC_CLONE_PATTERN, rule: nodesRule(subId(id, 'rule'), union, ALLOWED) });
      for (const nic of nics) {
        // Its nodes are among the union's: as many means all of them.
        if (nic.nodes.size === union.length) continue;
        const not = union.filter((n) => !nic.nodes.has(n));
        const banId = this.ids.claim(`location-${nic.cloneId}`);
        this.constraints.push({ kind: 'location', id: banId, rsc: nic.cloneId, rule: nodesRule(subId(banId, 'rule'), not, '-INFINITY') });
      }
    } else {
      for (const nic of nics) {
        if (nic.nodes.size === 0) continue;
        const locId = this.ids.claim(`location-${nic.cloneId}`);
        this.constraints.push({ kind: 'location', id: locId, rsc: nic.cloneId, rule: nodesRule(subId(locId, 'rule'), [...nic.nodes], ALLOWED) });
      }
    }
    for (const cg of this.groups.values()) {
      if (!cg.topId || !cg.nics) continue;
      const locId = this.ids.claim(`location-${cg.topId}-nics`);
      const expressions: Expression[] = cg.nics.flatMap((nic): Expression[] => [
        { attribute: nic.attribute, operation: 'not_defined' },
        { attribute: nic.attribute, operation: 'ne', value: '1' },
      ]);
      this.constraints.push({ kind: 'location', id: locId, rsc: cg.topId, rule: { id: subId(locId, 'rule'), score: '-INFINITY', booleanOp: 'or', expressions } });
    }
  }

  /** SystemList → scores (see docs/convert.md, "Placement"). */
  locations(cg: ConvertedGroup): void {
    if (!cg.topId) return;
    const g = cg.def;
    const systemList = assocOf(attributeValue(g, 'SystemList')) ?? {};
    const systems = Object.keys(systemList);
    for (const s of localSystems(g, 'Enabled')) if (num(attributeValue(g, 'Enabled', s), 1) === 0) cg.disabledOn.add(s);
    // A parent that must run where its failover child runs goes wherever the child is: its own
    // priorities would only pull the child (placed first) towards the parent's favourite system.
    const follows = g.groupDependencies.some((d) => {
      const r = dependencyRule(d.category, d.location, d.rigidity);
      const child = this.groups.get(d.group);
      return 'rule' in r && r.rule.parentFollowsChild && child?.topId !== undefined && !child.parallel;
    });
    if (cg.parallel || follows) {
      for (const s of systems) cg.scores.set(s, 0);
    } else {
      const prio = (s: string) => {
        const n = Number(systemList[s] ?? 0);
        return Number.isFinite(n) ? n : 0;
      };
      const distinct = [...new Set(systems.map(prio))].sort((a, b) => a - b);
      const k = distinct.length;
      for (const s of systems) cg.scores.set(s, 10 * (k - distinct.indexOf(prio(s))));
      const first = this.autoStartFirst(g, systems, prio, cg.disabledOn);
      if (first !== undefined) cg.scores.set(first, cg.scores.get(first)! + 10 * k);
      const values = [...cg.scores.values()];
      if (values.length > 0) this.maxSpread = Math.max(this.maxSpread, Math.max(...values) - Math.min(...values));
    }
    for (const s of systems) {
      const score = cg.disabledOn.has(s) ? '-INFINITY' : String(cg.scores.get(s));
      this.constraints.push({ kind: 'location', id: this.ids.claim(`location-${cg.topId}-${s}`), rsc: cg.topId, node: s, score });
    }
  }

  /** The system VCS auto-starts the group on when every system is up. */
  autoStartFirst(g: GroupDef, systems: string[], prio: (s: string) => number, disabled: Set<string>): string | undefined {
    const asl = (listOf(attributeValue(g, 'AutoStartList')) ?? []).map(String).filter((s) => systems.includes(s) && !disabled.has(s));
    if (asl.length === 0) return undefined;
    const policy = String(scalarOf(attributeValue(g, 'AutoStartPolicy')) ?? 'Order');
    if (policy === 'Priority') return [...asl].sort((a, b) => prio(a) - prio(b))[0];
    return asl[0];
  }

  groupDependencies(cg: ConvertedGroup): void {
    for (const d of cg.def.groupDependencies) {
      const written = `requires group ${d.group} ${d.category} ${d.location}${d.rigidity ? ` ${d.rigidity}` : ''}`;
      const child = this.groups.get(d.group);
      if (!cg.topId || !child?.topId) {
        const missing = !cg.topId ? cg.def.name : d.group;
        this.findings.add('groupDependencyDropped', d.pos, `group ${cg.def.name}: ${written}: group ${missing} is not in the Pacemaker configuration; the dependency is left out`);
        continue;
      }
      const lookup = dependencyRule(d.category, d.location, d.rigidity);
      if ('unsupported' in lookup) {
        this.findings.add('groupDependencyDropped', d.pos, `group ${cg.def.name}: ${written}: ${lookup.unsupported}; left out`);
        continue;
      }
      if (lookup.note) this.findings.add('groupDependency', d.pos, `group ${cg.def.name}: ${written}: ${lookup.note}`);
      const unsupported = parallelCombination(cg.parallel, child.parallel, d.location, d.rigidity);
      if (unsupported) this.findings.add('groupDependency', d.pos, `group ${cg.def.name}: ${written}: ${unsupported}; converted with the constraints of the failover case`);
      const parent = cg.topId;
      const childId = child.topId;
      const { rule } = lookup;
      if (rule.colocation) {
        this.constraints.push({
          kind: 'colocation',
          id: this.ids.claim(`colocation-${parent}-${childId}`),
          rsc: parent,
          withRsc: childId,
          score: rule.colocation.score,
          influence: rule.colocation.influence,
        });
      }
      if (rule.order) {
        const o: Constraint = { kind: 'order', id: this.ids.claim(`order-${childId}-${parent}`), first: childId, then: parent, orderKind: 'Mandatory' };
        if (!rule.order.symmetrical) o.symmetrical = false;
        this.constraints.push(o);
      }
    }
  }
}

/**
 * The combinations of parallel groups VCS does not support (Administrator's Guide, "Service
 * group dependency configurations"), or undefined.
 */
function parallelCombination(parentParallel: boolean, childParallel: boolean, location: string, rigidity: string | undefined): string | undefined {
  if (!parentParallel && !childParallel) return undefined;
  if (rigidity === 'hard') return 'VCS supports hard dependencies only between failover groups';
  if (parentParallel && !childParallel && location === 'local') return 'VCS does not support online local between a parallel parent and a failover child';
  if (parentParallel && childParallel && location !== 'local') return `VCS does not support ${location} dependencies between parallel groups`;
  return undefined;
}

/** Converts a loaded configuration. */
export function convertConfig(config: Config, opts: ConvertOptions = {}): ConvertResult {
  return new Converter(config, opts).run();
}
