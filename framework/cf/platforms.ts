/**
 * The platform a configuration is for (AIX, Linux, Solaris): chosen with
 * `--platform`, else guessed from what the configuration names — resource
 * types only one platform bundles, container types, network device names,
 * file system types and device paths — and always reported with the reason.
 * The platform picks the bundled types.cf a missing include falls back to.
 */
import { join } from 'node:path';
import type { Config, Value } from './model.js';

export const PLATFORMS = ['aix', 'linux', 'solaris'] as const;
export type Platform = (typeof PLATFORMS)[number];

export const PLATFORM_NAMES: Record<Platform, string> = { aix: 'AIX', linux: 'Linux', solaris: 'Solaris' };

export interface PlatformChoice {
  platform: Platform;
  /** false when given with --platform or in the configuration file. */
  guessed: boolean;
  /** Why: the first thing in the configuration that names the platform, or that nothing did. */
  reason: string;
}

/** Resource types bundled on one platform only (Bundled Agents Reference Guides). */
const TYPES: Record<string, Platform> = {
  LPAR: 'aix',
  WPAR: 'aix',
  LVMVG: 'aix',
  MemCPUAllocator: 'aix',
  LVMVolumeGroup: 'linux',
  LVMLogicalVolume: 'linux',
  KVMGuest: 'linux',
  DockerDaemon: 'linux',
  DockerContainer: 'linux',
  DiskReservation: 'linux',
  Zone: 'solaris',
  Zpool: 'solaris',
  LDom: 'solaris',
  Project: 'solaris',
  AlternateIO: 'solaris',
};

const CONTAINERS: Record<string, Platform> = { WPAR: 'aix', Zone: 'solaris', Docker: 'linux', KVM: 'linux' };

const FSTYPES: Record<string, Platform> = {
  jfs: 'aix',
  jfs2: 'aix',
  ext2: 'linux',
  ext3: 'linux',
  ext4: 'linux',
  xfs: 'linux',
  btrfs: 'linux',
  ufs: 'solaris',
  zfs: 'solaris',
};

/** Network interface names of each platform (en0 / eth0, ens192, bond0 / e1000g0, net0, ipmp0). */
function deviceName(d: string): Platform | undefined {
  if (/^ent?\d+$/.test(d)) return 'aix';
  if (/^(eth|ens|enp|eno|enx|bond|em|ib|team|br|veth)\w*$/.test(d) || /^p\d+p\d+$/.test(d)) return 'linux';
  if (/^(e1000g|bge|nxge|igb|ixgbe|ixgb|net|ipmp|vnet|ce|hme|qfe|aggr|nge|rge)\d+$/.test(d)) return 'solaris';
  return undefined;
}

/** Block device paths (/dev/hdisk1, /dev/sdb1, /dev/mapper/x, /dev/dsk/c0t0d0s0). */
function devicePath(p: string): Platform | undefined {
  if (/^\/dev\/r?hdisk\d+$/.test(p)) return 'aix';
  if (/^\/dev\/(sd[a-z]+\d*|mapper\/|nvme\d|xvd[a-z]|vd[a-z])/.test(p)) return 'linux';
  if (/^\/dev\/r?dsk\/c\d+/.test(p)) return 'solaris';
  return undefined;
}

function scalars(v: Value): string[] {
  switch (v.kind) {
    case 'scalar':
      return [String(v.value)];
    case 'association':
      return v.entries.map((e) => (e.value === null ? '' : String(e.value)));
    default:
      return v.items.map(String);
  }
}

/** The platform the configuration names first, in reading order of the evidence's strength. */
export function guessPlatform(config: Config): PlatformChoice {
  const at = (file: string, line: number) => `${file}:${line}`;
  for (const g of config.groups)
    for (const r of g.resources) {
      const p = TYPES[r.type];
      if (p) return { platform: p, guessed: true, reason: `resource type ${r.type} (${at(r.pos.file, r.pos.line)})` };
    }
  for (const g of config.groups)
    for (const a of g.attributes) {
      if (a.name !== 'ContainerInfo' || a.value.kind !== 'association') continue;
      const type = a.value.entries.find((e) => e.key === 'Type')?.value;
      const p = type === undefined || type === null ? undefined : CONTAINERS[String(type)];
      if (p) return { platform: p, guessed: true, reason: `ContainerInfo Type = ${type} (${at(a.pos.file, a.pos.line)})` };
    }
  for (const g of config.groups)
    for (const r of g.resources)
      for (const a of r.attributes) {
        let p: Platform | undefined;
        let what = '';
        for (const s of scalars(a.value)) {
          if (a.name === 'Device') p = deviceName(s);
          else if (a.name === 'FSType') p = FSTYPES[s.toLowerCase()];
          else if (a.name === 'BlockDevice') p = devicePath(s);
          if (p) {
            what = `${a.name} ${s}`;
            break;
          }
        }
        if (p) return { platform: p, guessed: true, reason: `${what} (${at(a.pos.file, a.pos.line)})` };
      }
  return { platform: 'aix', guessed: true, reason: 'nothing in the configuration names a platform; AIX assumed' };
}

/** Where the bundled types of `platform` live under types-cf/: AIX at the top (the agents' own), the others in a folder each. */
export function typesDirFor(platform: Platform, typesRoot: string): string {
  return platform === 'aix' ? typesRoot : join(typesRoot, platform);
}

export function parsePlatform(text: string): Platform | undefined {
  const t = text.trim().toLowerCase();
  return (PLATFORMS as readonly string[]).includes(t) ? (t as Platform) : undefined;
}
