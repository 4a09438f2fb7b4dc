/**
 * VIO servers: whether those named in VIOSName still serve the partition
 * (the seed's failure table: all down → fail over, any one up → stay), and
 * reading their mappings (`lsmap`) to create or remove them.
 */
import { viosServing } from './state.js';

export interface PartitionLike {
  name: string;
  state: string;
  env?: string;
}

export interface ViosHealth {
  /** VIOSName for this system, as configured. */
  configured: string[];
  /** Running. */
  serving: string[];
  /** Present but not Running, with their state. */
  down: Array<{ name: string; state: string }>;
  /** Named in VIOSName but not a partition of this managed system (a typo, or the wrong system). */
  missing: string[];
  /** Present but not a VIO server partition. */
  notVios: string[];
  /**
   * - 'ok': at least one serves, or none is configured (the seed: without
   *   VIOSName, a VIOS outage is not a reason to fail over);
   * - 'all-down': every VIOS that exists is down → the partition is failed over;
   * - 'unknown': none of the names exists on this system → cannot judge.
   */
  verdict: 'ok' | 'all-down' | 'unknown';
}

export function viosHealth(viosNames: readonly string[], partitions: readonly PartitionLike[]): ViosHealth {
  const configured = [...new Set(viosNames.filter((n) => n !== ''))];
  const h: ViosHealth = { configured, serving: [], down: [], missing: [], notVios: [], verdict: 'ok' };
  for (const name of configured) {
    const p = partitions.find((x) => x.name === name);
    if (!p) {
      h.missing.push(name);
      continue;
    }
    if (p.env !== undefined && p.env !== 'vioserver') h.notVios.push(name);
    if (viosServing(p.state)) h.serving.push(name);
    else h.down.push({ name, state: p.state });
  }
  if (configured.length === 0 || h.serving.length > 0) h.verdict = 'ok';
  else if (h.down.length === 0) h.verdict = 'unknown';
  else h.verdict = 'all-down';
  return h;
}

export function describeHealth(h: ViosHealth): string {
  const parts = [
    ...h.serving.map((n) => `${n} Running`),
    ...h.down.map((d) => `${d.name} ${d.state}`),
    ...h.missing.map((n) => `${n} not on this managed system`),
  ];
  return parts.join(', ');
}

/* ---------- lsmap ---------- */

export interface Vtd {
  name: string;
  status: string;
  backing: string;
}

export interface VhostMap {
  /** Server virtual SCSI adapter device (vhostN). */
  device: string;
  physloc: string;
  /** Virtual slot, from the `-C<slot>` end of the location code. */
  slot: number | undefined;
  /** 0 when no client is logged in. */
  clientId: number;
  vtds: Vtd[];
}

/** The slot of a virtual adapter location code `U8286.42A.123ABCD-V2-C11`. */
export function slotOfPhysloc(physloc: string): number | undefined {
  const m = /-C(\d+)(?:-|$)/.exec(physloc);
  return m ? Number(m[1]) : undefined;
}

/**
 * `lsmap -all` (virtual SCSI, default layout; research/hmc-facts.md §4.5):
 * a header per vhost, its `vhostN physloc 0xCLIENT` line, then blocks of
 * `VTD`, `Status`, `LUN`, `Backing device`, `Physloc` (or `NO VIRTUAL TARGET DEVICE FOUND`).
 */
export function parseLsmap(stdout: string): VhostMap[] {
  const out: VhostMap[] = [];
  let cur: VhostMap | undefined;
  let vtd: Vtd | undefined;
  for (const raw of stdout.replace(/\r/g, '').split('\n')) {
    const line = raw.trimEnd();
    if (line === '' || /^SVSA\s/.test(line) || /^-+(\s+-+)*$/.test(line)) continue;
    const head = /^(\S+)\s+(U\S+)\s+(0x[0-9a-fA-F]+)$/.exec(line);
    if (head) {
      cur = { device: head[1]!, physloc: head[2]!, slot: slotOfPhysloc(head[2]!), clientId: parseInt(head[3]!, 16), vtds: [] };
      out.push(cur);
      vtd = undefined;
      continue;
    }
    if (!cur) continue;
    const kv = /^(VTD|Status|LUN|Backing device|Physloc|Mirrored)\s*(.*)$/.exec(line);
    if (!kv) continue;
    const [, key, value] = kv as unknown as [string, string, string];
    if (key === 'VTD') {
      if (/NO VIRTUAL TARGET DEVICE FOUND/.test(value)) continue;
      vtd = { name: value.trim(), status: '', backing: '' };
      cur.vtds.push(vtd);
    } else if (vtd && key === 'Status') vtd.status = value.trim();
    else if (vtd && key === 'Backing device') vtd.backing = value.trim();
  }
  return out;
}

export interface VfchostMap {
  device: string;
  physloc: string;
  slot: number | undefined;
  /** The physical FC port it is mapped to, '' when none. */
  port: string;
}

/** `lsmap -all -npiv -fmt :` — name:physloc:clntid:clntname:clntos:status:fcname:... one line per vfchost. */
export function parseLsmapNpiv(stdout: string): VfchostMap[] {
  return stdout
    .replace(/\r/g, '')
    .split('\n')
    .filter((l) => /^\S+:U/.test(l))
    .map((l) => {
      const f = l.split(':');
      return { device: f[0]!, physloc: f[1]!, slot: slotOfPhysloc(f[1]!), port: f[6] ?? '' };
    });
}

/** `mkvdev` prints `vtscsi3 Available`: the new device's name. */
export function createdDevice(stdout: string): string | undefined {
  const m = /^(\S+)\s+Available\s*$/m.exec(stdout);
  return m?.[1];
}
