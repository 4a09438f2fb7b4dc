/**
 * monitor: one lswpar listing. A WPAR found starting or stopping (T, L) is
 * listed again for a few seconds before the answer, so a transition about to
 * end is reported as its end state rather than unknown.
 */
import type { MonitorResult } from '../../framework/agent/exitcodes.js';
import { listWpar } from './lswpar.js';
import { remainingMs, sleep, type Wpar } from './resource.js';
import { HELD, monitorResultOf, SETTLING, stateName } from './state.js';

export async function monitor(w: Wpar): Promise<MonitorResult> {
  const settleUntil = Date.now() + Math.min(5000, remainingMs(w) / 3);
  let l = await listWpar(w, remainingMs(w, 500));
  while (l && SETTLING.has(l.state) && Date.now() < settleUntil && !w.ctx.signal.aborted) {
    await sleep(500, w.ctx.signal);
    l = await listWpar(w, remainingMs(w, 500));
  }
  if (!l) w.ctx.log.warn({ msgId: 8409 }, 'WPAR %s is not defined on %s (lswpar does not list it)', w.name, w.ctx.system);
  const result = monitorResultOf(l?.state);
  if (l && HELD.has(l.state)) w.ctx.log.warn({ msgId: 10308 }, 'WPAR %s is %s: neither running nor stopped, reported unknown; resume it (or stop it) yourself', w.name, stateName(l.state));
  else if (l && l.state !== 'A' && l.state !== 'D') w.ctx.log.info({ msgId: 31265 }, 'WPAR %s is %s', w.name, stateName(l.state));
  return result;
}
