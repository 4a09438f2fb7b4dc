/**
 * ContainerInfo Enabled 2 (the WPAR is ignored: the application runs on the
 * physical system, the seed's physical-to-WPAR failover) or 0 (the container
 * is disabled on this system) — no WPAR is managed here. The WPAR resource
 * then stands for "VCS brought the group online on this system": online
 * records it in $VCS_LOG/tmp/WPAR/<resource>.online, offline and clean
 * remove it, monitor reads it. The record is stamped with the boot and the
 * agent process (stamp.ts): after a reboot, a crash of the node or a restart
 * of VCS or its agent it proves nothing — the group may be online elsewhere
 * by then — so monitor reports offline and removes it; only an online by the
 * running agent makes it online again.
 *
 * With Enabled 0 the WPAR still exists on the system (Enabled 2 needs no
 * WPAR at all): online refuses while lswpar shows it running, because the
 * application would then run twice, in the global environment and in there.
 */
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../framework/fs.js';
import { listWpar } from './lswpar.js';
import type { Wpar } from './resource.js';
import { wparError } from './resource.js';
import { currentStamp, type Stamp, staleness } from './stamp.js';
import { stateName } from './state.js';

const dir = (w: Wpar) => join(w.ctx.vcs.log, 'tmp', 'WPAR');
const marker = (w: Wpar) => join(dir(w), `${w.ctx.resource}.online`);

interface Record_ extends Stamp {
  system: string;
  wpar: string;
  enabled: string;
  written: string;
}

const why = (w: Wpar) => (w.mode === 'ignored' ? 'ContainerInfo Enabled 2: the WPAR is ignored, the application runs on the system itself' : 'ContainerInfo Enabled 0: the container is disabled here');

function readRecord(w: Wpar): Record_ | 'absent' | 'unreadable' {
  let text: string;
  try {
    text = readFileSync(marker(w), 'utf8');
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'absent' : 'unreadable';
  }
  try {
    const r = JSON.parse(text) as Record_;
    return typeof r?.boot === 'string' && typeof r.agent?.pid === 'number' ? r : 'unreadable';
  } catch {
    return 'unreadable';
  }
}

export async function globalMonitor(w: Wpar): Promise<'online' | 'offline'> {
  const r = readRecord(w);
  if (r === 'absent') return 'offline';
  const stale = r === 'unreadable' ? 'it is not a record this agent wrote' : r.system !== w.ctx.system ? `it was written for ${r.system}` : await staleness(r, w.ctx.run);
  if (stale) {
    rmSync(marker(w), { force: true });
    w.ctx.log.notice({ msgId: 35971 }, 'WPAR resource %s: the online record %s is void (%s); reporting offline until VCS brings the group online here again', w.ctx.resource, marker(w), stale);
    return 'offline';
  }
  return 'online';
}

export async function globalOnline(w: Wpar): Promise<void> {
  if (w.mode === 'disabled') {
    // A host without WPAR commands has no WPAR to be running.
    const l = await listWpar(w).catch((e: Error) => (/not found/.test(e.message) ? undefined : Promise.reject(e)));
    if (l && l.state !== 'D') throw wparError(w.name, `is ${stateName(l.state)} on ${w.ctx.system}, where ContainerInfo Enabled = 0 (the container is disabled: the application runs in the global environment); stop the WPAR or set Enabled = 1; not online`);
  }
  mkdirSync(dir(w), { recursive: true });
  const record: Record_ = { system: w.ctx.system, wpar: w.name, enabled: w.ctx.containerInfo?.Enabled ?? '', ...(await currentStamp(w.ctx.run)), written: new Date().toISOString() };
  writeFileAtomic(marker(w), `${JSON.stringify(record)}\n`, { backup: false });
  w.ctx.log.info({ msgId: 32147 }, 'WPAR %s is not used on %s (%s): online in the global environment', w.name, w.ctx.system, why(w));
}

export function globalOffline(w: Wpar): void {
  rmSync(marker(w), { force: true });
}
