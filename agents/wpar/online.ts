/**
 * online: ResourceSet and WorkLoad checked and set (`chwpar -R`), DROpts
 * checked — a bad value stops here, before anything changes — then
 * `startwpar NAME`, lswpar until Active within OnlineTimeout, then DROpts
 * written into the WPAR's /etc/resolv.conf. A Broken WPAR is stopped with
 * -F first (what clean does); one starting or stopping is waited for; a
 * Frozen or Paused one is left to its administrator.
 */
import { listWpar, type WparListing } from './lswpar.js';
import { forceStop } from './offline.js';
import { applyDnsSettings, hasDnsSettings } from './resolv.js';
import { aix, firstLine, remainingMs, sleep, type Wpar, wparError } from './resource.js';
import { wparSettings } from './settings.js';
import { HELD, SETTLING, stateName } from './state.js';

/** lswpar until `done` holds or the entry point's time is nearly up. */
export async function waitFor(w: Wpar, done: (l: WparListing | undefined) => boolean, reserveMs = 1000): Promise<WparListing | undefined> {
  for (;;) {
    const l = await listWpar(w, remainingMs(w, reserveMs));
    if (done(l) || remainingMs(w, reserveMs) <= 1000 || w.ctx.signal.aborted) return l;
    await sleep(500, w.ctx.signal);
  }
}

export async function online(w: Wpar): Promise<number> {
  const { attributes: a, log } = w.ctx;
  const verdict = wparSettings(a);
  if (!verdict.ok) throw wparError(w.name, `${verdict.problems.join('; ')}; nothing started or written`);
  const { controls, dns, warnings } = verdict.settings;
  for (const warning of warnings) log.warn({ msgId: 6426 }, 'WPAR %s: %s', w.name, warning);
  let l = await listWpar(w);
  if (!l) throw wparError(w.name, `not defined on ${w.ctx.system} (lswpar does not list it): create it with mkwpar on every system of the group`);
  if (SETTLING.has(l.state)) {
    log.info({ msgId: 55140 }, 'WPAR %s is %s: waiting for it to settle', w.name, stateName(l.state));
    l = await waitFor(w, (x) => !x || !SETTLING.has(x.state));
    if (!l) throw wparError(w.name, 'no longer defined');
  }
  if (HELD.has(l.state)) throw wparError(w.name, `is ${stateName(l.state)}: resume it (it holds its resources); not started`);
  if (l.state === 'B') {
    log.warn({ msgId: 43734 }, 'WPAR %s is Broken: stopping it with stopwpar -F before starting it', w.name);
    l = await forceStop(w);
    if (l?.state !== 'D') throw wparError(w.name, `still ${stateName(l?.state)} after stopwpar -F; not started`);
  }
  if (l.state === 'D') {
    if (controls.length) {
      const r = await aix(w, ['chwpar', '-R', ...controls, w.name], { timeoutMs: remainingMs(w, 2000) });
      if (r.code !== 0) throw wparError(w.name, `chwpar -R ${controls.join(' ')} exited ${r.code ?? r.signal}: ${firstLine(r)}; not started`);
      log.info({ msgId: 56562 }, 'WPAR %s resource controls set: %s', w.name, controls.join(' '));
    }
    const r = await aix(w, ['startwpar', w.name], { timeoutMs: remainingMs(w, 2000) });
    if (r.code !== 0) log.error({ msgId: 16605 }, 'startwpar %s exited %s%s: %s', w.name, r.code ?? r.signal, r.timedOut ? ' (killed at the online timeout)' : '', firstLine(r));
    l = await waitFor(w, (x) => x?.state === 'A' || x?.state === 'B' || x?.state === 'D');
  } else log.info({ msgId: 62746 }, 'WPAR %s is already Active', w.name);
  if (l?.state !== 'A') throw wparError(w.name, `is ${stateName(l?.state)} after startwpar, not Active`);
  log.info({ msgId: 59796 }, 'WPAR %s is Active', w.name);
  if (hasDnsSettings(dns)) {
    const { path, changed, backup } = applyDnsSettings(l.directory, dns);
    log.info({ msgId: 54387 }, 'DROpts %s %s%s', changed ? 'written to' : 'already in', path, backup ? ' (the old file kept as resolv.conf.previous)' : '');
  }
  return 0;
}
