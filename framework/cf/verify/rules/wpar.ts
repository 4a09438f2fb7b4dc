/**
 * The WPAR checks hawparverify makes, and the IMF rules that go with them
 * (Virtualization Guide for AIX: "About the ContainerInfo attribute", "About
 * configuring failovers", "Verifying the WPAR configuration"): ContainerInfo
 * is complete and names a WPAR mkwpar would accept, on every system of the
 * group; one WPAR resource per group; resources that run inside the WPAR
 * depend on it; IMF is off where the WPAR is not used (Enabled = 0 or 2);
 * IMF Mode is 0..3 everywhere; ResourceSet and WorkLoad are what chwpar -R
 * takes. The value checks are framework/cf/wpar/values.ts's, the ones the
 * WPAR agent makes.
 */
import type { AttributeAssignment, GroupDef, ResourceDef, SourcePos, Value } from '../../model.js';
import { containerInfoFindings, containerMode, resourceSetProblem, workLoadFindings } from '../../wpar/values.js';
import { assignmentFor, assignmentsOf, entriesOf, entryPos, intValue, type VerifyContext } from '../context.js';
import type { Rule } from '../finding.js';

function assocGet(v: Value | undefined, key: string): string | undefined {
  if (!v || v.kind !== 'association') return undefined;
  const e = v.entries.find((x) => x.key === key);
  return e === undefined ? undefined : e.value === null ? '' : String(e.value);
}

function assocRecord(v: Value): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of entriesOf(v)) out[e.key] = e.value === null ? '' : String(e.value);
  return out;
}

/** ContainerInfo on `system` (per-system value first); undefined when not set or empty. */
function containerInfoOn(group: GroupDef, system: string | undefined): AttributeAssignment | undefined {
  const a = assignmentFor(group.attributes, 'ContainerInfo', system);
  return a && entriesOf(a.value).length > 0 ? a : undefined;
}

const containerInfo: Rule = {
  code: 'VCF701',
  name: 'containerinfo',
  severity: 'error',
  description: 'ContainerInfo has Name (a WPAR name mkwpar accepts), Type = WPAR (in a group with a WPAR resource) and Enabled 0, 1 or 2, and no other key',
  check(ctx, report) {
    for (const g of ctx.config.groups) {
      const wparGroup = ctx.resourcesOfType(g, 'WPAR').length > 0;
      for (const a of assignmentsOf(g.attributes, 'ContainerInfo')) {
        if (a.value.kind !== 'association') continue; // a wrong kind is VCF103's finding
        const at = `group ${g.name} ContainerInfo${a.system ? '@' + a.system : ''}`;
        for (const f of containerInfoFindings(assocRecord(a.value), wparGroup)) report(f.key ? entryPos(a, f.key) : a.pos, `${at}: ${f.message}`);
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

/** Resources of the group that depend on `child`, directly or through others. */
function dependentsOf(group: GroupDef, child: string): Set<string> {
  const parents = new Map<string, string[]>();
  for (const d of group.dependencies) {
    const p = parents.get(d.child);
    if (p) p.push(d.parent);
    else parents.set(d.child, [d.parent]);
  }
  const seen = new Set<string>();
  const todo = [child];
  while (todo.length) {
    for (const p of parents.get(todo.pop()!) ?? []) {
      if (!seen.has(p)) {
        seen.add(p);
        todo.push(p);
      }
    }
  }
  return seen;
}

/** ContainerInfo Enabled on `system` (per-system value first); undefined when not set. */
function enabledOn(group: GroupDef, system: string | undefined): number | undefined {
  return intValue(assocGet(containerInfoOn(group, system)?.value, 'Enabled'));
}

/** Whether the group runs anything in a WPAR: ContainerInfo with Enabled = 1 (or unset) somewhere. */
function usesContainer(g: GroupDef): boolean {
  const infos = assignmentsOf(g.attributes, 'ContainerInfo').filter((a) => entriesOf(a.value).length > 0);
  return infos.some((a) => containerMode(assocGet(a.value, 'Enabled')) === 'wpar');
}

const wparDependency: Rule = {
  code: 'VCF703',
  name: 'wpar-dependency',
  severity: 'error',
  description: 'resources that run inside the WPAR (ContainerOpts RunInContainer = 1) depend, directly or not, on the WPAR resource',
  check(ctx, report) {
    for (const g of ctx.config.groups) {
      const wpar = ctx.resourcesOfType(g, 'WPAR')[0];
      if (!wpar || !usesContainer(g)) continue;
      const dependents = dependentsOf(g, wpar.name);
      for (const r of g.resources) {
        if (r === wpar || !runsInContainer(ctx, r)) continue;
        if (!dependents.has(r.name))
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
  description: 'where ContainerInfo Enabled = 2 (WPAR ignored) or 0 (container disabled) on a system, the WPAR resource sets IMF Mode = 0 for that system: there is no WPAR for IMF to watch',
  check(ctx, report) {
    for (const g of ctx.config.groups) {
      const wpars = ctx.resourcesOfType(g, 'WPAR');
      if (!wpars.length) continue;
      const systems = new Set<string>(ctx.systemList(g) ?? []);
      for (const a of assignmentsOf(g.attributes, 'ContainerInfo')) if (a.system) systems.add(a.system);
      for (const sys of systems) {
        const enabled = enabledOn(g, sys);
        if (enabled !== 2 && enabled !== 0) continue;
        const why = enabled === 2 ? 'the WPAR is ignored there: the application runs on the system itself' : 'the container is disabled there';
        for (const w of wpars) {
          const { mode, pos } = imfMode(ctx, w, sys);
          if (mode !== 0)
            report(pos, `WPAR ${w.name}: ContainerInfo Enabled = ${enabled} on ${sys} (${why}) but IMF Mode there is ${mode ?? 'unset'}; set IMF@${sys} = { Mode = 0, ... }`);
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
    for (const { owner, a } of ctx.attributeFacts.staticOnResource)
      if (a.name === 'IMF')
        for (const p of imfProblems(a)) report(entryPos(a, p.key), `${owner.what} IMF${a.system ? '@' + a.system : ''}: ${p.message}`);
  },
};

const containerInfoMissing: Rule = {
  code: 'VCF706',
  name: 'wpar-containerinfo',
  severity: 'error',
  description: 'a group with a WPAR resource sets ContainerInfo for every system of its SystemList (the WPAR resource takes the WPAR name from it)',
  check(ctx, report) {
    for (const g of ctx.config.groups) {
      const w = ctx.resourcesOfType(g, 'WPAR')[0];
      if (!w) continue;
      if (!assignmentsOf(g.attributes, 'ContainerInfo').some((a) => entriesOf(a.value).length > 0)) {
        report(g.pos, `group ${g.name} has WPAR resource ${w.name} but no ContainerInfo: set ContainerInfo = { Name = <wpar>, Type = WPAR, Enabled = 1 } (vcsagent wpar setup does)`);
        continue;
      }
      const missing = (ctx.systemList(g) ?? []).filter((sys) => !containerInfoOn(g, sys));
      if (missing.length)
        report(
          g.pos,
          `group ${g.name}: ContainerInfo is not set for ${missing.join(', ')}, so WPAR resource ${w.name} has no WPAR to manage there: set ContainerInfo@${missing[0]} (or one ContainerInfo for every system)`,
        );
    }
  },
};

const wparControls: Rule = {
  code: 'VCF707',
  name: 'wpar-controls',
  severity: 'error',
  description: 'ResourceSet of a WPAR resource is an rset name (namespace/name) and WorkLoad holds chwpar -R resource controls with well-formed values',
  check(ctx, report) {
    for (const { resources } of ctx.groupsWithType('WPAR'))
      for (const r of resources)
        for (const a of r.attributes) {
          const at = `WPAR ${r.name} ${a.name}${a.system ? '@' + a.system : ''}`;
          if (a.name === 'ResourceSet' && a.value.kind === 'scalar') {
            const p = resourceSetProblem(String(a.value.value));
            if (p) report(a.pos, `${at}: ${p}`);
          } else if (a.name === 'WorkLoad' && a.value.kind === 'association') {
            for (const f of workLoadFindings(assocRecord(a.value))) if (f.severity === 'error') report(f.key ? entryPos(a, f.key) : a.pos, `${at}: ${f.message}`);
          }
        }
  },
};

export const rules: Rule[] = [containerInfo, singleWpar, wparDependency, imfWhereIgnored, imfMode03, containerInfoMissing, wparControls];
