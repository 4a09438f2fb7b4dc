/**
 * ContainerInfo Enabled 0 or 2 on this system: the WPAR is ignored and the
 * group's applications run in the global environment (Virtualization Guide,
 * "About configuring failovers"). The WPAR resource then only records that
 * VCS brought it online here, in $VCS_LOG/tmp/WPAR/<resource>.online, so the
 * group can go online, fail over and be monitored like any other; no WPAR
 * command runs.
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../framework/fs.js';
import type { Wpar } from './resource.js';

const marker = (w: Wpar) => join(w.ctx.vcs.log, 'tmp', 'WPAR', `${w.ctx.resource}.online`);

export function globalMonitor(w: Wpar): 'online' | 'offline' {
  return existsSync(marker(w)) ? 'online' : 'offline';
}

export function globalOnline(w: Wpar): void {
  mkdirSync(join(w.ctx.vcs.log, 'tmp', 'WPAR'), { recursive: true });
  writeFileAtomic(marker(w), `${w.ctx.system}\n`, { backup: false });
  w.ctx.log.info('WPAR %s is not used on %s (ContainerInfo Enabled %s): online in the global environment', w.name, w.ctx.system, w.ctx.containerInfo?.Enabled ?? '');
}

export function globalOffline(w: Wpar): void {
  rmSync(marker(w), { force: true });
}
