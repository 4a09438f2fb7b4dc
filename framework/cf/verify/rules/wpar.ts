/**
 * The WPAR checks hawparverify makes, and the IMF rules that go with them
 * (Virtualization Guide for AIX: "About the ContainerInfo attribute", "About
 * configuring failovers", "Verifying the WPAR configuration"): ContainerInfo
 * is complete, one WPAR resource per group, resources that run inside the
 * WPAR depend on it, IMF is off where the WPAR is ignored (Enabled = 2), and
 * IMF Mode is 0..3 everywhere.
 */
import type { AttributeAssignment, GroupDef, ResourceDef, SourcePos, Value } from '../../model.js';
import { assignmentFor, assignmentsOf, entriesOf, entryPos, intValue, type VerifyContext } from '../context.js';
import type { Rule } from '../finding.js';

const CONTAINERINFO_KEYS = ['Name', 'Type', 'Enabled'];

function assocGet(v: Value | undefined, key: string): string | undefined {
  if (!v || v.kind !== 'association') return undefined;
  const e = v.entries.find((x) => x.key === key);
  return e === undefined ? undefined : e.value === null ? '' : String(e.value);
}

/** ContainerInfo Enabled on `system` (per-system value first); undefined when not set. */
function enabledOn(group: GroupDef, system: string | undefined): number | undefined {
  return intValue(assocGet(assignmentFor(group.attributes, 'ContainerInfo', system)?.value, 'Enabled'));
}

const containerInfo: Rule = {
  code: 'VCF701',
  name: 'containerinfo',
  severity: 'error',
  description: 'ContainerInfo has Name, Type = WPAR and Enabled 0, 1 or 2, and no other key',
  check(ctx, report) {
    for (const g of ctx.config.groups)
      for (const a of assignmentsOf(g.attributes, 'ContainerInfo')) {
        if (a.value.kind !== 'association') continue; // a wrong kind is VCF103's finding
        const at = `group ${g.name} ContainerInfo${a.system ? '@' + a.system : ''}`;
        const keys = new Set(a.value.entries.map((e) => e.key));
        if (keys.size === 0) continue; // an empty ContainerInfo means no container
        for (const k of keys)
          if (!CONTAINERINFO_KEYS.includes(k)) report(entryPos(a, k), `${at}: ${k} is not a ContainerInfo key (Name, Type, Enabled)`);
        const name = assocGet(a.value, 'Name');
        if (name === undefined || name === '') report(a.pos, `${at}: Name (the WPAR name) is not set`);
        const type = assocGet(a.value, 'Type');
        if (type === undefined || type === '') report(a.pos, `${at}: Type is not set (WPAR)`);
        else if (type !== 'WPAR') report(entryPos(a, 'Type'), `${at}: Type is ${type}; on AIX the container type is WPAR`);
        const enabled = assocGet(a.value, 'Enabled');
        if (enabled !== undefined) {
          const n = intValue(enabled);
          if (n === undefined || n < 0 || n > 2)
            report(entryPos(a, 'Enabled'), `${at}: Enabled is ${JSON.stringify(enabled)}; it must be 0, 1 or 2`);
        }
      }
  },
};

const singleWpar: Rule = {
  code: 'VCF702',
  name: 'wpar-single',
  severity: 'error',
  description: 'a group has at most one WPAR resource',
  check(ctx, report) {
    for (const g of ctx.config.groups) {
      const wpars = ctx.resourcesOfType(g, 'WPAR');
      for (const extra of wpars.slice(1))
        report(extra.pos, `group ${g.name} has more than one WPAR resource (${wpars.map((w) => w.name).join(', ')}); a group runs in one WPAR`);
    }
  },
};

/** Effective ContainerOpts RunInContainer of a resource (its override, else its type's). */
function runsInContainer(ctx: VerifyContext, r: ResourceDef): boolean {
  const v = ctx.effectiveValue(r, 'ContainerOpts');
  return v?.kind === 'association' && intValue(assocGet(v, 'RunInContainer')) === 1;
}

/** Whether `from` reaches `to` following `parent requires child` links. */
function dependsOn(group: GroupDef, from: string, to: string): boolean {
  const children = new Map<string, string[]>();
  for (const d of group.dependencies) children.set(d.parent, [...(children.get(d.parent) ?? []), d.child]);
  const seen = new Set<string>([from]);
  const todo = [from];
  while (todo.length) {
    const n = todo.pop()!;
    for (const c of children.get(n) ?? []) {
      if (c === to) return true;
      if (!seen.has(c)) {
        seen.add(c);
        todo.push(c);
      }
    }
  }
  return false;
}

/** Whether the group runs anything in a WPAR: ContainerInfo with Enabled = 1 (or unset) somewhere. */
function usesContainer(ctx: VerifyContext, g: GroupDef): boolean {
  const infos = assignmentsOf(g.attributes, 'ContainerInfo').filter((a) => entriesOf(a.value).length > 0);
  return infos.some((a) => {
    const e = intValue(assocGet(a.value, 'Enabled'));
    return e === undefined || e === 1;
  });
}

const wparDependency: Rule = {
  code: 'VCF703',
  name: 'wpar-dependency',
  severity: 'error',
  description: 'resources that run inside the WPAR (ContainerOpts RunInContainer = 1) depend, directly or not, on the WPAR resource',
  check(ctx, report) {
    for (const g of ctx.config.groups) {
      const wpar = ctx.resourcesOfType(g, 'WPAR')[0];
      if (!wpar || !usesContainer(ctx, g)) continue;
      for (const r of g.resources) {
        if (r === wpar || !runsInContainer(ctx, r)) continue;
        if (!dependsOn(g, r.name, wpar.name))
          report(
            r.pos,
            `${r.type} ${r.name} runs inside the WPAR (ContainerOpts RunInContainer = 1) but does not depend on WPAR resource ${wpar.name}: add "${r.name} requires ${wpar.name}" (or through another resource)`,
          );
      }
    }
  },
};

/** IMF Mode of a resource on a system: per-system value, resource override, type default. */
function imfMode(ctx: VerifyContext, r: ResourceDef, system: string): { mode: number | undefined; pos: SourcePos } {
  const own = assignmentFor(r.attributes, 'IMF', system);
  const v = own?.value ?? ctx.effectiveValue(r, 'IMF', system);
  return { mode: intValue(assocGet(v, 'Mode')), pos: own?.pos ?? r.pos };
}

const imfWhereIgnored: Rule = {
  code: 'VCF704',
  name: 'wpar-imf-enabled2',
  severity: 'error',
  description: 'where ContainerInfo Enabled = 2 on a system (WPAR ignored), the WPAR resource sets IMF Mode = 0 for that system',
  check(ctx, report) {
    for (const g of ctx.config.groups) {
      const wpars = ctx.resourcesOfType(g, 'WPAR');
      if (!wpars.length) continue;
      const systems = new Set<string>(ctx.systemList(g) ?? []);
      for (const a of assignmentsOf(g.attributes, 'ContainerInfo')) if (a.system) systems.add(a.system);
      for (const sys of systems) {
        if (enabledOn(g, sys) !== 2) continue;
        for (const w of wpars) {
          const { mode, pos } = imfMode(ctx, w, sys);
          if (mode !== 0)
            report(
              pos,
              `WPAR ${w.name}: ContainerInfo Enabled = 2 on ${sys} (the application runs on the system itself) but IMF Mode there is ${mode ?? 'unset'}; set IMF@${sys} = { Mode = 0, ... }`,
            );
        }
      }
    }
  },
};

const IMF_KEYS = ['Mode', 'MonitorFreq', 'RegisterRetryLimit'];

function imfProblems(a: { value: Value }): { key: string; message: string }[] {
  const out: { key: string; message: string }[] = [];
  for (const e of entriesOf(a.value)) {
    if (!IMF_KEYS.includes(e.key)) {
      out.push({ key: e.key, message: `${e.key} is not an IMF key (Mode, MonitorFreq, RegisterRetryLimit)` });
      continue;
    }
    const n = intValue(e.value);
    if (e.key === 'Mode' && (n === undefined || n < 0 || n > 3))
      out.push({ key: e.key, message: `IMF Mode is ${JSON.stringify(e.value)}; it must be 0 (off), 1 (offline), 2 (online) or 3 (both)` });
    else if (e.key !== 'Mode' && (n === undefined || n < 0))
      out.push({ key: e.key, message: `IMF ${e.key} is ${JSON.stringify(e.value)}; it must be an integer of 0 or more` });
  }
  return out;
}

const imfMode03: Rule = {
  code: 'VCF705',
  name: 'imf-mode',
  severity: 'error',
  description: 'IMF has only Mode (0..3), MonitorFreq and RegisterRetryLimit (0 or more), in types, resources and per-system values',
  check(ctx, report) {
    for (const t of ctx.config.types) {
      const d = t.attributes.find((x) => x.name === 'IMF');
      if (d?.default) for (const p of imfProblems({ value: d.default })) report(d.pos ?? t.pos, `type ${t.name}: ${p.message}`);
    }
    for (const g of ctx.config.groups)
      for (const r of g.resources)
        for (const a of assignmentsOf(r.attributes, 'IMF') as AttributeAssignment[])
          for (const p of imfProblems(a))
            report(entryPos(a, p.key), `${r.type} ${r.name} IMF${a.system ? '@' + a.system : ''}: ${p.message}`);
  },
};

const containerInfoMissing: Rule = {
  code: 'VCF706',
  name: 'wpar-containerinfo',
  severity: 'error',
  description: 'a group with a WPAR resource sets ContainerInfo (the WPAR resource takes the WPAR name from it)',
  check(ctx, report) {
    for (const g of ctx.config.groups) {
      const w = ctx.resourcesOfType(g, 'WPAR')[0];
      if (!w) continue;
      if (!assignmentsOf(g.attributes, 'ContainerInfo').some((a) => entriesOf(a.value).length > 0))
        report(
          g.pos,
          `group ${g.name} has WPAR resource ${w.name} but no ContainerInfo: set ContainerInfo = { Name = <wpar>, Type = WPAR, Enabled = 1 } (hawparsetup does)`,
        );
    }
  },
};

export const rules: Rule[] = [containerInfo, singleWpar, wparDependency, imfWhereIgnored, imfMode03, containerInfoMissing];
