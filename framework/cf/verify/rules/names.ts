/**
 * Names and systems: unique names; SystemList, AutoStartList and per-system
 * values (`Attr@sys`) name systems the cluster defines and the group runs on.
 */
import type { AttributeAssignment, SourcePos } from '../../model.js';
import { assignmentsOf, keysOf, type VerifyContext } from '../context.js';
import type { Rule } from '../finding.js';

const duplicateName: Rule = {
  code: 'VCF201',
  name: 'duplicate-name',
  severity: 'error',
  description: 'clusters, systems, groups and resources have unique names (resources across all groups)',
  check(ctx, report) {
    const once = (what: string, items: { name: string; pos: SourcePos }[]) => {
      const seen = new Map<string, SourcePos>();
      for (const i of items) {
        const p = seen.get(i.name);
        if (p) report(i.pos, `${what} ${i.name} is defined twice (first at ${p.file}:${p.line})`);
        else seen.set(i.name, i.pos);
      }
    };
    once('cluster', ctx.config.clusters);
    once('system', ctx.config.systems);
    once('group', ctx.config.groups);
    // Resources are indexed by name already; only names held twice need a look.
    for (const [name, refs] of ctx.resources)
      for (const { resource } of refs.slice(1))
        report(resource.pos, `resource ${name} is defined twice (first at ${refs[0]!.resource.pos.file}:${refs[0]!.resource.pos.line})`);
  },
};

const oneCluster: Rule = {
  code: 'VCF206',
  name: 'one-cluster',
  severity: 'error',
  description: 'main.cf defines one cluster (peers are remotecluster blocks)',
  check(ctx, report) {
    const [first, ...others] = ctx.config.clusters;
    for (const c of others)
      if (c.name !== first!.name) report(c.pos, `a second cluster ${c.name} (the first is ${first!.name} at ${first!.pos.file}:${first!.pos.line}); a peer cluster is a remotecluster block`);
  },
};

/**
 * Calls `visit` for every place a system is named: SystemList, AutoStartList
 * and SystemZones keys, and every `@sys`. `where` builds the description only
 * when a finding needs it.
 */
function forEachSystemMention(
  ctx: VerifyContext,
  visit: (system: string, pos: SourcePos, where: () => string) => void,
): void {
  const lists = ['SystemList', 'AutoStartList', 'SystemZones'];
  for (const g of ctx.config.groups)
    for (const a of g.attributes)
      if (lists.includes(a.name)) for (const s of keysOf(a.value)) visit(s, keyPos(a, s), () => `group ${g.name} ${a.name}`);
  // A site (stretch cluster) lists the systems it holds.
  for (const b of ctx.config.blocks)
    if (b.keyword.toLowerCase() === 'site')
      for (const a of b.attributes)
        if (a.name === 'SystemList' && a.system === undefined) for (const s of keysOf(a.value)) visit(s, keyPos(a, s), () => `site ${b.name} SystemList`);
  for (const { owner, a } of ctx.attributeFacts.local) {
    // remotecluster and heartbeat values are per cluster (`Arguments@C2`): VCF801 checks those.
    if (owner.kind === 'remotecluster' || owner.kind === 'heartbeat') continue;
    visit(a.system!, a.pos, () => `${owner.what} ${a.name}@${a.system}`);
  }
}

function keyPos(a: AttributeAssignment, key: string): SourcePos {
  if (a.value.kind === 'association') return a.value.entries.find((e) => e.key === key)?.pos ?? a.pos;
  return a.pos;
}

const undefinedSystem: Rule = {
  code: 'VCF202',
  name: 'undefined-system',
  severity: 'error',
  description: 'SystemList, AutoStartList, SystemZones, site SystemList and per-system values name systems defined in main.cf',
  check(ctx, report) {
    if (ctx.isFragment) return; // a fragment has no system definitions to check against
    const { warn, note } = ctx.mayBeInMissingInclude;
    forEachSystemMention(ctx, (system, pos, where) => {
      if (!ctx.systems.has(system)) report(pos, `${where()}: system ${system} is not defined${note}`, { warn });
    });
  },
};

const autoStartInSystemList: Rule = {
  code: 'VCF203',
  name: 'autostart-systemlist',
  severity: 'error',
  description: "a group's AutoStartList names only systems of its SystemList",
  check(ctx, report) {
    for (const g of ctx.config.groups) {
      const list = ctx.systemList(g);
      if (!list) continue;
      for (const a of assignmentsOf(g.attributes, 'AutoStartList'))
        for (const s of keysOf(a.value))
          if (!list.includes(s)) report(a.pos, `group ${g.name}: AutoStartList names ${s}, which is not in its SystemList`);
    }
  },
};

const localValueSystem: Rule = {
  code: 'VCF204',
  name: 'local-value-system',
  severity: 'error',
  description: "per-system values (Attr@sys) of a group or its resources are only for systems in the group's SystemList",
  check(ctx, report) {
    for (const { owner, a } of ctx.attributeFacts.local) {
      const g = owner.group;
      const list = g && ctx.systemList(g);
      if (!list || list.includes(a.system!)) continue;
      report(a.pos, `${owner.what}: ${a.name}@${a.system} is for a system that is not in group ${g.name}'s SystemList`);
    }
  },
};

const missingSystemList: Rule = {
  code: 'VCF205',
  name: 'missing-systemlist',
  severity: 'warning',
  description: 'a group has a SystemList (without one it cannot come online anywhere)',
  check(ctx, report) {
    for (const g of ctx.config.groups)
      if (!ctx.systemList(g)) report(g.pos, `group ${g.name} has no SystemList: VCS cannot bring it online on any system`);
  },
};

export const rules: Rule[] = [duplicateName, undefinedSystem, autoStartInSystemList, localValueSystem, missingSystemList, oneCluster];
