/**
 * A WPAR's file system as the simulator lays it out. There is no chroot
 * here, so "inside the WPAR" is a mapping of paths, used by clogin:
 *
 *   - a path under a namefs mount (`-M directory=D vfs=namefs dev=G`) is
 *     the global directory G: as given when it exists on this host (a
 *     directory of the global environment shared into the WPAR), else under
 *     $AIXSIM_ROOT;
 *   - a system WPAR that is not detached (mkwpar without -l) shares the
 *     global /usr and /opt read-only, as AIX mounts them (namefs), and /proc;
 *   - a path under an NFS mount (`vfs=nfs host=H dev=E`) is the export E of
 *     H, kept under $AIXSIM_NFS (shared by every simulated host that names
 *     it; default $AIXSIM_ROOT/nfs): two hosts with one $AIXSIM_NFS see the
 *     same WPAR root, as the seed's "WPAR root on shared storage using NFS";
 *   - anything else is under the WPAR's root directory.
 */
import { existsSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import { hostPath, simPath } from './root.js';
import type { SimMount, SimWpar } from './wpar-state.js';

const SHARED: SimMount[] = [
  { directory: '/usr', vfs: 'namefs', dev: '/usr', mode: 'ro' },
  { directory: '/opt', vfs: 'namefs', dev: '/opt', mode: 'ro' },
  { directory: '/proc', vfs: 'namefs', dev: '/proc', mode: 'rw' },
];

/** Where NFS exports live: shared between simulated hosts through $AIXSIM_NFS. */
export function nfsExport(host: string, dev: string): string {
  const base = process.env.AIXSIM_NFS || simPath('nfs');
  return join(base, host.replace(/[^A-Za-z0-9_.-]/g, '_'), posix.normalize(`/${dev}`));
}

/** Every mount of the WPAR, the shared ones of a non-detached WPAR included. */
export function mountsOf(w: SimWpar): SimMount[] {
  return [...(w.mounts ?? []), ...(w.detached ? [] : SHARED.filter((s) => !(w.mounts ?? []).some((m) => m.directory === s.directory)))];
}

const isDir = (p: string) => {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
};

/** Where a mount's device is on this host. */
export function mountSource(m: SimMount): string | undefined {
  if (m.vfs === 'nfs' && m.host && m.dev) return nfsExport(m.host, m.dev);
  if (m.vfs === 'namefs' && m.dev) return isDir(m.dev) || existsSync(m.dev) ? m.dev : hostPath(m.dev);
  return undefined;
}

/** The host path of `inside`, an absolute path as processes in the WPAR see it. */
export function insidePath(w: SimWpar, inside: string): string {
  const p = posix.normalize(inside);
  let best: { m: SimMount; src: string } | undefined;
  for (const m of mountsOf(w)) {
    const d = posix.normalize(m.directory);
    if (d === '/' || !(p === d || p.startsWith(`${d}/`))) continue;
    const src = mountSource(m);
    if (src !== undefined && (!best || d.length > best.m.directory.length)) best = { m: { ...m, directory: d }, src };
  }
  if (best) return join(best.src, p.slice(best.m.directory.length));
  return join(w.directory, p);
}
