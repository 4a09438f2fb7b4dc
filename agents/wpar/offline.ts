/**
 * offline: `stopwpar -t GRACE NAME` — GRACE is ShutdownGracePeriod (seconds),
 * or what OfflineTimeout leaves when it is 0 or longer, always keeping a
 * reserve for the forced stop — then, if the WPAR is not Defined,
 * `stopwpar -F`. clean: `stopwpar -F NAME`, then `stopwpar -h NAME` if it
 * is still not Defined; clean fails (exit 1, VCS retries) when neither
 * brought it to Defined.
 */
import type { CleanReason } from '../../framework/agent/define.js';
import { listWpar, type WparListing } from './lswpar.js';
import { aix, firstLine, remainingMs, type Wpar, wparError } from './resource.js';
import { HELD, stateName } from './state.js';

async function stop(w: Wpar, flags: string[], timeoutMs: number): Promise<WparListing | undefined> {
  const r = await aix(w, ['stopwpar', ...flags, w.name], { timeoutMs });
  if (r.code !== 0) w.ctx.log.warn({ msgId: 10709 }, 'stopwpar %s %s exited %s%s: %s', flags.join(' '), w.name, r.code ?? r.signal, r.timedOut ? ' (killed: it hung)' : '', firstLine(r));
  return listWpar(w, remainingMs(w, 200));
}

export async function forceStop(w: Wpar): Promise<WparListing | undefined> {
  let l = await stop(w, ['-F'], remainingMs(w, 3000) / 2);
  if (l && l.state !== 'D') {
    w.ctx.log.warn({ msgId: 51786 }, 'WPAR %s is %s after stopwpar -F: stopping it with -h', w.name, stateName(l.state));
    l = await stop(w, ['-h'], remainingMs(w, 1000));
  }
  return l;
}

export async function offline(w: Wpar): Promise<number> {
  let l = await listWpar(w);
  if (!l || l.state === 'D') {
    w.ctx.log.info({ msgId: 62579 }, 'WPAR %s is already %s', w.name, stateName(l?.state));
    return 0;
  }
  if (HELD.has(l.state)) throw wparError(w.name, `is ${stateName(l.state)}: resume it first (it holds its file systems); not stopped`);
  if (l.state !== 'B') {
    const reserve = Math.max(5000, remainingMs(w) * 0.3);
    const budget = Math.floor(remainingMs(w, reserve) / 1000);
    const asked = w.ctx.attributes.ShutdownGracePeriod ?? 0;
    const grace = Math.max(1, asked > 0 ? Math.min(asked, budget) : budget);
    if (asked > budget) w.ctx.log.warn({ msgId: 198 }, 'ShutdownGracePeriod %d s is more than OfflineTimeout leaves: %d s', asked, grace);
    l = await stop(w, ['-t', String(grace)], (grace + 5) * 1000);
  }
  if (l && l.state !== 'D') {
    w.ctx.log.warn({ msgId: 33142 }, 'WPAR %s is %s after a normal stop: stopping it with -F', w.name, stateName(l.state));
    l = await forceStop(w);
  }
  if (l && l.state !== 'D') throw wparError(w.name, `is ${stateName(l.state)} after stopwpar`);
  w.ctx.log.info({ msgId: 25306 }, 'WPAR %s is Defined (stopped)', w.name);
  return 0;
}

export async function clean(w: Wpar, reason: CleanReason): Promise<boolean> {
  const l = await listWpar(w);
  if (!l || l.state === 'D') return true;
  if (HELD.has(l.state)) {
    // stopwpar -F would kill the checkpoint an administrator made; the group stays where it is until they decide.
    w.ctx.log.error({ msgId: 64616 }, 'WPAR %s is %s: not cleaned (that would kill what was checkpointed); resume it, or stop it with stopwpar -F yourself', w.name, stateName(l.state));
    return false;
  }
  w.ctx.log.notice({ msgId: 60414 }, 'cleaning WPAR %s (%s), which is %s: stopwpar -F', w.name, reason, stateName(l.state));
  const after = await forceStop(w);
  if (after && after.state !== 'D') {
    w.ctx.log.error({ msgId: 65408 }, 'WPAR %s is still %s after stopwpar -F and -h', w.name, stateName(after.state));
    return false;
  }
  return true;
}
