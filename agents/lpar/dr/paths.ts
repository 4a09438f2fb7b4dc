/**
 * Where the DR side of the LPAR agent keeps its state on the management
 * LPAR, under $VCS_LOG/tmp/LPAR/dr (owner-only):
 *
 *   served/<partition>.json   what is served to that partition (and the profile adapter this site added)
 *   vlan.json                 the management LPAR's VLAN 123 adapter and interface, as online set them up
 *   responder.pid             the responder's pid and address, written by the responder once it listens
 *   responder.log             the responder's own log (requests answered and refused)
 *   responder.starting        an entry point is starting a responder (others wait)
 *
 * The responder serves exactly the partitions with a file in served/; it
 * exits when the last one goes.
 */
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface DrPaths {
  dir: string;
  served: string;
  vlan: string;
  pid: string;
  log: string;
  starting: string;
}

export function drPaths(vcsLog: string): DrPaths {
  return drPathsIn(join(vcsLog, 'tmp', 'LPAR', 'dr'));
}

export function drPathsIn(dir: string): DrPaths {
  return {
    dir,
    served: join(dir, 'served'),
    vlan: join(dir, 'vlan.json'),
    pid: join(dir, 'responder.pid'),
    log: join(dir, 'responder.log'),
    starting: join(dir, 'responder.starting'),
  };
}

export function ensureDrDirs(p: DrPaths): void {
  mkdirSync(p.served, { recursive: true, mode: 0o700 });
}

/** One served partition, as online (or monitor, taking over after a migration) records it. */
export interface Served {
  v: 2;
  partition: string;
  resource: string;
  system: string;
  /** Its partition ID on that managed system (the guest sends its own: they must match). */
  lparId: number;
  settings: Record<string, string>;
  /** The profile it is started with. */
  profile: string;
  /** The VLAN 123 adapter slot this site added to that profile (offline removes it); null when it was there. */
  guestSlot: number | null;
}

export function servedFile(p: DrPaths, partition: string): string {
  return join(p.served, `${partition}.json`);
}

export function readJsonFile<T>(file: string): T | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/** Partition names with a served file. */
export function servedPartitions(p: DrPaths): string[] {
  try {
    return readdirSync(p.served)
      .filter((f) => f.endsWith('.json') && !f.startsWith('.'))
      .map((f) => f.slice(0, -5));
  } catch {
    return [];
  }
}

export interface ResponderInfo {
  pid: number;
  host: string;
  port: number;
}

/** The management LPAR's end of VLAN 123. */
export interface VlanState {
  system: string;
  /** The management LPAR. */
  partition: string;
  slot: number;
  /** The adapter was added by online (offline removes it, and its devices). */
  added: boolean;
  /** Its interface (enN). */
  device: string;
  /** online gave the interface its address (offline detaches it). */
  configured: boolean;
}
