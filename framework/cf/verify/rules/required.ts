/**
 * Required attributes of the bundled types (Bundled Agents Reference Guide
 * for AIX, "Required attributes" of each agent; LPAR from the Virtualization
 * Guide). A value counts when it is set for every system of the group's
 * SystemList, globally or per system, and is not empty.
 */
import type { AttributeAssignment, GroupDef, ResourceDef, Value } from '../../model.js';
import { assignmentFor, type VerifyContext } from '../context.js';
import type { Rule } from '../finding.js';

interface Requirement {
  /** Every one of these. */
  all?: string[];
  /** At least one of each inner list. */
  oneOf?: string[][];
  /** Extra condition, returning the missing attribute's name. */
  extra?: (ctx: VerifyContext, r: ResourceDef, g: GroupDef) => string[];
}

const IPV4_MASK_OR_PREFIX = ['NetMask', 'PrefixLen'];

const REQUIRED_BY_TYPE: Record<string, Requirement> = {
  Application: { all: ['StartProgram', 'StopProgram'], oneOf: [['MonitorProgram', 'PidFiles', 'MonitorProcesses']] },
  DiskGroup: { all: ['DiskGroup'] },
  DiskGroupSnap: { all: ['TargetResName'] },
  DNS: { all: ['Domain', 'ResRecord'] },
  ElifNone: { all: ['PathName'] },
  FileNone: { all: ['PathName'] },
  FileOnOff: { all: ['PathName'] },
  FileOnOnly: { all: ['PathName'] },
  IP: { all: ['Device', 'Address'], oneOf: [IPV4_MASK_OR_PREFIX] },
  IPMultiNIC: { all: ['Address', 'MultiNICAResName'], oneOf: [IPV4_MASK_OR_PREFIX] },
  IPMultiNICB: { all: ['Address', 'BaseResName'], oneOf: [IPV4_MASK_OR_PREFIX] },
  LPAR: { all: ['LPARName', 'MCName', 'MCUser'] },
  LVMVG: { all: ['VolumeGroup', 'MajorNumber'] },
  MemCPUAllocator: { all: ['ManagedSystem', 'HMCName'] },
  Mount: {
    all: ['MountPoint', 'BlockDevice', 'FSType'],
    // fsck options are mandatory for local file systems, meaningless for NFS and namefs.
    extra: (ctx, r, g) => {
      const missing: string[] = [];
      for (const sys of systemsOf(ctx, g)) {
        const fs = ctx.effectiveValue(r, 'FSType', sys);
        const type = fs?.kind === 'scalar' ? String(fs.value).toLowerCase() : '';
        if (type && type !== 'nfs' && type !== 'namefs' && isEmpty(assignmentFor(r.attributes, 'FsckOpt', sys)?.value)) {
          missing.push(`FsckOpt (required for FSType ${type})`);
          break;
        }
      }
      return missing;
    },
  },
  MultiNICA: { all: ['Device'] },
  MultiNICB: { all: ['Device'] },
  NFSRestart: { all: ['NFSRes'] },
  NIC: { all: ['Device'] },
  Process: { all: ['PathName'] },
  ProcessOnOnly: { all: ['PathName'] },
  Proxy: { all: ['TargetResName'] },
  RemoteGroup: { all: ['IpAddress', 'Username', 'Password', 'GroupName', 'VCSSysName', 'ControlMode'] },
  Share: { all: ['PathName'] },
  Volume: { all: ['Volume', 'DiskGroup'] },
  VolumeSet: { all: ['DiskGroup', 'VolumeSet'] },
};

/** Required attributes by bundled type name (a Map: resource type names come from the parser). */
const REQUIRED: ReadonlyMap<string, Requirement> = new Map(Object.entries(REQUIRED_BY_TYPE));

function isEmpty(v: Value | undefined): boolean {
  if (!v) return true;
  switch (v.kind) {
    case 'scalar':
      return v.value === '';
    case 'association':
      return v.entries.length === 0;
    default:
      return v.items.length === 0;
  }
}

/** The systems a value must be set for: the SystemList, or "anywhere" (undefined) without one. */
function systemsOf(ctx: VerifyContext, g: GroupDef): (string | undefined)[] {
  const list = ctx.systemList(g);
  return list && list.length > 0 ? list : [undefined];
}

const NOWHERE: readonly (string | undefined)[] = Object.freeze([]);

/** Systems of the group on which `attr` has no (non-empty) value. */
export function unsetOn(ctx: VerifyContext, r: ResourceDef, g: GroupDef, attr: string): readonly (string | undefined)[] {
  // Usual case, allocation-free: a non-empty global value, with no per-system value that could be empty.
  let global = false;
  let local = false;
  for (const a of r.attributes) {
    if (a.name !== attr) continue;
    if (a.system === undefined) global = !isEmpty(a.value);
    else local = true;
  }
  if (global && !local) return NOWHERE;
  const systems = systemsOf(ctx, g);
  if (systems.length === 1 && systems[0] === undefined) {
    const any = r.attributes.some((a: AttributeAssignment) => a.name === attr && !isEmpty(a.value));
    return any ? [] : [undefined];
  }
  return systems.filter((s) => isEmpty(assignmentFor(r.attributes, attr, s)?.value));
}

function describeMissing(attr: string, systems: readonly (string | undefined)[], all: number): string {
  if (systems.length === all || systems[0] === undefined) return attr;
  return `${attr} for ${systems.join(', ')}`;
}

const requiredAttribute: Rule = {
  code: 'VCF401',
  name: 'required-attribute',
  severity: 'error',
  description: 'resources of the bundled types set the attributes their agent requires (for every system of the SystemList)',
  check(ctx, report) {
    for (const g of ctx.config.groups) {
      const nsys = systemsOf(ctx, g).length;
      for (const r of g.resources) {
        const req = REQUIRED.get(r.type);
        if (!req || !ctx.types.has(r.type)) continue;
        const missing: string[] = [];
        for (const attr of req.all ?? []) {
          const unset = unsetOn(ctx, r, g, attr);
          if (unset.length) missing.push(describeMissing(attr, unset, nsys));
        }
        for (const choices of req.oneOf ?? []) {
          // Systems on which none of the choices has a value: named unless it is all of them.
          const unset = choices.map((c) => unsetOn(ctx, r, g, c));
          if (unset.some((u) => u.length === 0)) continue;
          const none = unset[0]!.filter((s) => unset.every((u) => u.includes(s)));
          if (none.length > 0) missing.push(describeMissing(`one of ${choices.join(', ')}`, none, nsys));
        }
        missing.push(...(req.extra?.(ctx, r, g) ?? []));
        if (missing.length) report(r.pos, `${r.type} ${r.name} requires ${missing.join('; ')}`);
      }
    }
  },
};

export const rules: Rule[] = [requiredAttribute];
