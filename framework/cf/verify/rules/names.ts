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
    once('resource', ctx.config.groups.flatMap((g) => g.resources));
  },
};

/** Where systems are named: SystemList and AutoStartList keys, and every `@sys`. */
function* systemMentions(ctx: VerifyContext): Generator<{ system: string; pos: SourcePos; where: string }> {
  for (const g of ctx.config.groups) {
    for (const name of ['SystemList', 'AutoStartList', 'SystemZones']) {
      for (const a of assignmentsOf(g.attributes, name))
        for (const s of keysOf(a.value)) yield { system: s, pos: keyPos(a, s), where: `group ${g.name} ${name}` };
    }
    for (const a of g.attributes)
      if (a.system !== undefined) yield { system: a.system, pos: a.pos, where: `group ${g.name} ${a.name}@${a.system}` };
    for (const r of g.resources)
      for (const a of r.attributes)
        if (a.system !== undefined) yield { system: a.system, pos: a.pos, where: `${r.type} ${r.name} ${a.name}@${a.system}` };
  }
  for (const s of ctx.config.systems)
    for (const a of s.attributes)
      if (a.system !== undefined) yield { system: a.system, pos: a.pos, where: `system ${s.name} ${a.name}@${a.system}` };
}

function keyPos(a: AttributeAssignment, key: string): SourcePos {
  if (a.value.kind === 'association') return a.value.entries.find((e) => e.key === key)?.pos ?? a.pos;
  return a.pos;
}

const undefinedSystem: Rule = {
  code: 'VCF202',
  name: 'undefined-system',
  severity: 'error',
  description: 'SystemList, AutoStartList, SystemZones and per-system values name systems defined in main.cf',
  check(ctx, report) {
    if (ctx.isFragment) return; // a fragment has no system definitions to check against
    for (const m of systemMentions(ctx))
      if (!ctx.systems.has(m.system)) report(m.pos, `${m.where}: system ${m.system} is not defined`);
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
    for (const g of ctx.config.groups) {
      const list = ctx.systemList(g);
      if (!list) continue;
      const check = (what: string, attrs: AttributeAssignment[]) => {
        for (const a of attrs)
          if (a.system !== undefined && !list.includes(a.system))
            report(a.pos, `${what}: ${a.name}@${a.system} is for a system that is not in group ${g.name}'s SystemList`);
      };
      check(`group ${g.name}`, g.attributes);
      for (const r of g.resources) check(`${r.type} ${r.name}`, r.attributes);
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

export const rules: Rule[] = [duplicateName, undefinedSystem, autoStartInSystemList, localValueSystem, missingSystemList];
