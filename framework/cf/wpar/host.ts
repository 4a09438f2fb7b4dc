/**
 * hawparverify's checks on the host (Virtualization Guide for AIX,
 * "Verifying the WPAR configuration", "Prerequisites for configuring VCS in
 * WPARs", "Deciding on the WPAR root location"): where the group's
 * ContainerInfo enables the WPAR on this system, the system can run WPARs
 * (lswpar is there), the WPAR exists, is Defined or Active (nothing in
 * between), has a host name (the one expected, when given), and the storage
 * the group mounts is where the WPAR sees it — a Mount resource's
 * MountPoint under the WPAR's root (a direct mount) or shared into it by a
 * namefs mount of the WPAR. The WPAR root's location (local or NFS) is
 * reported with what it implies for the other systems.
 */
import type { RunResult } from '../../agent/command.js';
import type { GroupDef } from '../model.js';
import { assocOf, attributeValue, scalarOf } from '../values.js';
import { containerMode } from './values.js';

export type Check = { level: 'ok' | 'warn' | 'error'; text: string };
export type Runner = (argv: string[]) => Promise<RunResult>;

interface Listed {
  state: string;
  hostname: string;
  directory: string;
}

interface Mount {
  mountpoint: string;
  device: string;
  vfs: string;
  node: string;
}

const STATE: Record<string, string> = { D: 'Defined', L: 'Loaded', A: 'Active', F: 'Frozen', P: 'Paused', B: 'Broken', T: 'Transitional' };
const under = (p: string, dir: string) => p === dir || p.startsWith(dir.endsWith('/') ? dir : `${dir}/`);

async function lswpar(run: Runner, args: string[]): Promise<{ lines: string[][] } | { missing: true } | { failed: string }> {
  try {
    const r = await run(['lswpar', ...args]);
    if (r.code !== 0) return { failed: (r.stderr || r.stdout).trim().split('\n')[0] ?? `exit ${r.code}` };
    return { lines: r.stdout.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split(':')) };
  } catch (e) {
    return /not found/.test((e as Error).message) ? { missing: true } : { failed: (e as Error).message };
  }
}

export async function hostChecks(group: GroupDef, system: string, run: Runner, opts: { hostname?: string } = {}): Promise<Check[]> {
  const out: Check[] = [];
  const info = assocOf(attributeValue(group, 'ContainerInfo', system));
  if (!info || !info.Name) return [{ level: 'error', text: `group ${group.name} has no ContainerInfo for ${system}` }];
  const name = String(info.Name);
  const mode = containerMode(info.Enabled);
  const listing = await lswpar(run, ['-c', '-q', '-a', 'name,state,hostname,directory']);
  if (mode === 'ignored') {
    out.push({ level: 'ok', text: `ContainerInfo Enabled = 2 on ${system}: the WPAR is ignored there, the application runs on the system itself` });
    return out;
  }
  if ('missing' in listing) {
    out.push(mode === 'disabled' ? { level: 'ok', text: `ContainerInfo Enabled = 0 on ${system} and no WPAR commands here` } : { level: 'error', text: `lswpar is not found on ${system}: this system cannot run WPARs (install the WPAR filesets, or set ContainerInfo@${system} Enabled = 2)` });
    return out;
  }
  if ('failed' in listing) return [...out, { level: 'error', text: `lswpar failed on ${system}: ${listing.failed}` }];
  const row = listing.lines.find((l) => l[0] === name);
  const w: Listed | undefined = row && { state: (row[1] ?? '').trim(), hostname: row[2] ?? '', directory: row.slice(3).join(':') };
  if (mode === 'disabled') {
    out.push(w && w.state !== 'D' ? { level: 'error', text: `WPAR ${name} is ${STATE[w.state] ?? w.state} on ${system}, where ContainerInfo Enabled = 0 (the application runs in the global environment): stop it or set Enabled = 1` } : { level: 'ok', text: `ContainerInfo Enabled = 0 on ${system}: the container is disabled there` });
    return out;
  }
  if (!w) return [...out, { level: 'error', text: `WPAR ${name} does not exist on ${system}: create it (mkwpar, or mkwpar -p -f SPEC for a root on shared storage) on every system of the group` }];
  if (w.state === 'A' || w.state === 'D') out.push({ level: 'ok', text: `WPAR ${name} exists on ${system}, ${STATE[w.state]} (${w.state})` });
  else out.push({ level: 'error', text: `WPAR ${name} is ${STATE[w.state] ?? 'in state'} (${w.state}) on ${system}: VCS expects it Defined (D) where the group is offline, Active (A) where it is online` });
  if (!w.hostname) out.push({ level: 'error', text: `WPAR ${name} has no host name (mkwpar -h, chwpar -h)` });
  else if (opts.hostname !== undefined && w.hostname !== opts.hostname) out.push({ level: 'error', text: `WPAR ${name}'s host name is ${w.hostname}, not ${opts.hostname}` });
  else out.push({ level: 'ok', text: `WPAR ${name}'s host name is ${w.hostname}` });

  const m = await lswpar(run, ['-M', '-c', '-q', name]);
  const mounts: Mount[] = 'lines' in m ? m.lines.map((l) => ({ mountpoint: l[1] ?? '', device: l[2] ?? '', vfs: l[3] ?? '', node: l[4] ?? '' })) : [];
  if ('failed' in m) out.push({ level: 'warn', text: `lswpar -M failed on ${system}: ${m.failed}; the storage layout is not checked` });
  const root = mounts.find((x) => x.mountpoint === '/');
  if (root?.vfs === 'nfs')
    out.push({ level: 'ok', text: `WPAR ${name}'s root is on NFS (${root.node}:${root.device}): defined on every system from one specification (mkwpar -w -o FILE -e ${name}, then mkwpar -p -f FILE -n ${name}), never created twice` });
  else out.push({ level: 'ok', text: `WPAR ${name}'s root is on local storage (${w.directory}): it is created, and the application installed, on every system of the group` });

  // The group's mounts, where the WPAR sees them.
  const namefs = mounts.filter((x) => x.vfs === 'namefs');
  for (const r of group.resources.filter((x) => x.type === 'Mount')) {
    const mp = scalarOf(attributeValue(r, 'MountPoint', system));
    if (mp === undefined || mp === '') continue;
    const point = String(mp);
    const shared = namefs.find((x) => under(point, x.device));
    if (under(point, w.directory)) out.push({ level: 'ok', text: `Mount ${r.name} (${point}) is a direct mount under the WPAR's root: inside it is ${point.slice(w.directory.length) || '/'}` });
    else if (shared) out.push({ level: 'ok', text: `Mount ${r.name} (${point}) is shared into the WPAR by a namefs mount at ${shared.mountpoint}` });
    else
      out.push({
        level: 'error',
        text: `Mount ${r.name}: MountPoint ${point} is neither under the WPAR's root (${w.directory}) nor shared into it by a namefs mount (lswpar -M ${name}): the application in the WPAR would not see it`,
      });
  }
  return out;
}
