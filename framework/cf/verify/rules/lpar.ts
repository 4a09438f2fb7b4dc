/**
 * The LPAR rules of the Virtualization Guide for AIX ("Virtual machine
 * (logical partition) availability", "High availability and live
 * migration"): what a group managing LPARs from management LPARs needs.
 */
import type { GroupDef, ResourceDef, SystemDef } from '../../model.js';
import { assignmentFor, assignmentsOf, intValue, itemsOf, scalarValue, type VerifyContext } from '../context.js';
import type { Rule } from '../finding.js';
import { unsetOn } from './required.js';

function lparGroups(ctx: VerifyContext): { group: GroupDef; lpars: ResourceDef[] }[] {
  return ctx.groupsWithType('LPAR').map(({ group, resources }) => ({ group, lpars: resources }));
}

function physicalServer(s: SystemDef): string | undefined {
  const v = scalarValue(assignmentFor(s.attributes, 'PhysicalServer')?.value);
  return v === undefined || v === '' ? undefined : String(v);
}

const sysDownPolicy: Rule = {
  code: 'VCF501',
  name: 'lpar-sysdownpolicy',
  severity: 'error',
  description: 'a group holding an LPAR resource sets SysDownPolicy = { AutoDisableNoOffline }',
  check(ctx, report) {
    for (const { group, lpars } of lparGroups(ctx)) {
      const a = assignmentFor(group.attributes, 'SysDownPolicy');
      const items = a ? itemsOf(a.value).map(String) : [];
      if (!items.includes('AutoDisableNoOffline'))
        report(
          a?.pos ?? group.pos,
          `group ${group.name} holds LPAR ${lpars[0]!.name} but does not set SysDownPolicy = { AutoDisableNoOffline }: ` +
            'when a management LPAR goes down the managed LPAR may still run, and must not be started elsewhere',
        );
    }
  },
};

const physicalServerSet: Rule = {
  code: 'VCF502',
  name: 'lpar-physicalserver',
  severity: 'error',
  description: "every system in an LPAR group's SystemList sets PhysicalServer (the managed system's name)",
  check(ctx, report) {
    if (ctx.isFragment) return;
    for (const { group } of lparGroups(ctx)) {
      for (const name of ctx.systemList(group) ?? []) {
        const sys = ctx.config.systems.find((s) => s.name === name);
        if (sys && !physicalServer(sys))
          report(
            sys.pos,
            `system ${name} is in the SystemList of LPAR group ${group.name} but has no PhysicalServer (set it to the managed system name, lssyscfg -r sys -F name)`,
          );
      }
    }
  },
};

const sharedPhysicalServer: Rule = {
  code: 'VCF503',
  name: 'lpar-shared-physicalserver',
  severity: 'error',
  description: "no two systems of an LPAR group's SystemList share a PhysicalServer (one management LPAR per physical server)",
  check(ctx, report) {
    for (const { group } of lparGroups(ctx)) {
      const seen = new Map<string, string>();
      for (const name of ctx.systemList(group) ?? []) {
        const sys = ctx.config.systems.find((s) => s.name === name);
        const ps = sys && physicalServer(sys);
        if (!sys || !ps) continue;
        const other = seen.get(ps);
        if (other)
          report(
            assignmentFor(sys.attributes, 'PhysicalServer')?.pos ?? sys.pos,
            `systems ${other} and ${name} of LPAR group ${group.name} are both on physical server ${ps}: VCS supports one management LPAR per physical server`,
          );
        else seen.set(ps, name);
      }
    }
  },
};

const hmcCount: Rule = {
  code: 'VCF504',
  name: 'lpar-hmc-users',
  severity: 'error',
  description: 'MCName and MCUser of an LPAR resource have the same number of entries (one user per HMC)',
  check(ctx, report) {
    for (const { group, lpars } of lparGroups(ctx)) {
      for (const r of lpars) {
        let local = false;
        for (const a of r.attributes) if (a.system !== undefined && (a.name === 'MCName' || a.name === 'MCUser')) local = true;
        // With per-system values, what counts is the value each system of the
        // SystemList sees (its own, else the global one); a global value that
        // every system overrides is never used.
        const list = ctx.systemList(group) ?? [];
        const systems = new Set<string | undefined>(local && list.length > 0 ? list : [undefined]);
        if (local && list.length === 0)
          for (const a of [...assignmentsOf(r.attributes, 'MCName'), ...assignmentsOf(r.attributes, 'MCUser')]) systems.add(a.system);
        const reported = new Set<string>();
        for (const sys of systems) {
          const names = assignmentFor(r.attributes, 'MCName', sys);
          const users = assignmentFor(r.attributes, 'MCUser', sys);
          const n = names ? itemsOf(names.value).length : 0;
          const u = users ? itemsOf(users.value).length : 0;
          if (n === u) continue;
          const key = `${names?.pos.line}:${users?.pos.line}`;
          if (reported.has(key)) continue;
          reported.add(key);
          report(
            (users ?? names)!.pos,
            `LPAR ${r.name}: MCName has ${n} entr${n === 1 ? 'y' : 'ies'} but MCUser has ${u}${sys ? ` on ${sys}` : ''}: give one HMC user per HMC, in the same order`,
          );
        }
      }
    }
  },
};

const viosName: Rule = {
  code: 'VCF505',
  name: 'lpar-viosname',
  severity: 'warning',
  description: 'an LPAR resource sets VIOSName for each system (without it the LPAR does not fail over when its VIO servers go down)',
  check(ctx, report) {
    for (const { group, lpars } of lparGroups(ctx)) {
      for (const r of lpars) {
        const unset = unsetOn(ctx, r, group, 'VIOSName');
        if (unset.length === 0) continue;
        const where = unset[0] === undefined ? '' : ` for ${unset.join(', ')}`;
        report(
          r.pos,
          `LPAR ${r.name} has no VIOSName${where}: if the VIO servers serving it go down, VCS does not fail it over`,
        );
      }
    }
  },
};

const profileFile: Rule = {
  code: 'VCF506',
  name: 'lpar-profilefile',
  severity: 'error',
  description: 'an LPAR resource with RemoveProfileOnOffline = 1 sets ProfileFile for each system (else it cannot be recreated)',
  check(ctx, report) {
    for (const { group, lpars } of lparGroups(ctx)) {
      for (const r of lpars) {
        // Usual case: RemoveProfileOnOffline is not set and the type's default is 0.
        if (!r.attributes.some((a) => a.name === 'RemoveProfileOnOffline') && intValue(scalarValue(ctx.effectiveValue(r, 'RemoveProfileOnOffline'))) !== 1)
          continue;
        const systems = ctx.systemList(group) ?? [undefined];
        const missing = systems.filter((sys) => {
          if (intValue(scalarValue(ctx.effectiveValue(r, 'RemoveProfileOnOffline', sys))) !== 1) return false;
          const v = scalarValue(assignmentFor(r.attributes, 'ProfileFile', sys)?.value);
          return v === undefined || v === '';
        });
        if (missing.length === 0) continue;
        const rm = assignmentFor(r.attributes, 'RemoveProfileOnOffline', missing[0]);
        report(
          rm?.pos ?? r.pos,
          `LPAR ${r.name} removes its profile on offline (RemoveProfileOnOffline = 1) but has no ProfileFile` +
            (missing[0] === undefined ? '' : ` for ${missing.join(', ')}`) +
            ': the LPAR could not be created again there',
        );
      }
    }
  },
};

const profilePath: Rule = {
  code: 'VCF507',
  name: 'lpar-profilefile-path',
  severity: 'error',
  description: 'ProfileFile of an LPAR resource is an absolute path',
  check(ctx, report) {
    for (const { lpars } of lparGroups(ctx))
      for (const r of lpars)
        for (const a of assignmentsOf(r.attributes, 'ProfileFile')) {
          const v = scalarValue(a.value);
          if (v !== undefined && v !== '' && !String(v).startsWith('/'))
            report(a.pos, `LPAR ${r.name}: ProfileFile ${JSON.stringify(String(v))} is not an absolute path`);
        }
  },
};

const failoverGroup: Rule = {
  code: 'VCF508',
  name: 'lpar-failover-group',
  severity: 'error',
  description: 'a group holding an LPAR resource is a failover group (Parallel = 0): an LPAR runs on one physical server',
  check(ctx, report) {
    for (const { group } of lparGroups(ctx)) {
      const a = assignmentFor(group.attributes, 'Parallel');
      const p = intValue(scalarValue(a?.value));
      if (a && p !== undefined && p !== 0)
        report(a.pos, `group ${group.name} holds an LPAR resource and must be a failover group, not Parallel = ${p}`);
    }
  },
};

export const rules: Rule[] = [
  sysDownPolicy,
  physicalServerSet,
  sharedPhysicalServer,
  hmcCount,
  viosName,
  profileFile,
  profilePath,
  failoverGroup,
];
