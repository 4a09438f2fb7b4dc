/**
 * Activation with at most one boot: `chsysstate -o on`, then the boot is
 * watched until Running, with the partition's state on every other managed
 * system, so that two onlines that passed their checks at the same moment
 * (split brain, an administrator forcing an online) end with one partition.
 *
 * The rule, the same on every node, applied whenever a node sees the
 * partition powered on another managed system after its own activation:
 *
 *   other Running (or any powered state but Starting/Shutting Down) → I back off;
 *   other Starting, mine Starting → the partition on the managed system whose
 *     name sorts later backs off; the earlier one keeps booting;
 *   other Starting, mine Running → I keep it and wait for the other to back off;
 *   other Shutting Down → it is backing off: I wait for it to go.
 *
 * Backing off is `chsysstate -o shutdown --immed` of my own partition, then
 * the entry point fails (VCS keeps the group where the partition runs). Two
 * nodes that both keep would each have seen the other only Starting while
 * they themselves were Starting, each sorting first — impossible — or one
 * would have returned before the other activated, which its pre-activation
 * check would have seen. The residual window (docs/lpar.md): both partitions
 * may be in Starting together for one poll plus one HMC round trip plus the
 * immediate shutdown, while only partition firmware runs (no operating
 * system, so nothing is written to the shared disk).
 *
 * While Starting, the reference code is followed (boot.ts): a boot whose
 * code does not change within the stall bound fails online without powering
 * it off (clean does that), a slow one that makes progress is waited for.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { VcsPowervmError } from '../../framework/errors.js';
import { bootStallMs, describeCode, forgetBoot, observeBoot } from './boot.js';
import type { Survey } from './elsewhere.js';
import * as cmd from './hmc/commands.js';
import { partitionState, referenceCode } from './hmc/queries.js';
import { immediateShutdown } from './power.js';
import type { Lpar } from './resource.js';
import { LISTS_PARTITIONS } from './safety.js';
import { isPowered } from './state.js';

/** Between two looks at the boot and at the other systems. */
const WATCH_POLL_MS = 500;
/** The reference code is read at most this often while Starting. */
const REFCODE_EVERY_MS = 2_000;
/** One look while watching: a hung HMC costs this much before the next HMC is asked. */
const LOOK_MS = 5_000;
/** How long a Running partition waits for a Starting one elsewhere to back off. */
const YIELD_WAIT_MS = 60_000;

const fail = (l: Lpar, detail: string) => new VcsPowervmError('VCSPVM_LPAR', { lpar: l.name, detail });

export type RaceMove = 'keep' | 'back-off' | 'wait';

/** The rule above, for my state and the other's (both powered). Pure, tested row by row. */
export function raceMove(mine: string, mySystem: string, other: string, otherSystem: string): RaceMove {
  if (other === 'Shutting Down') return 'wait';
  if (other === 'Starting') {
    if (mine === 'Starting') return mySystem < otherSystem ? 'keep' : 'back-off';
    return 'wait';
  }
  return 'back-off';
}

/** The systems whose partition state is watched after activation: those that list their partitions. */
export function watchedSystems(s: Survey): Array<{ system: string }> {
  return s.others.filter((j) => j.other.state !== undefined && LISTS_PARTITIONS.has(j.other.state)).map((j) => ({ system: j.other.system }));
}

async function stateThere(l: Lpar, system: string): Promise<string | undefined> {
  try {
    const state = (await partitionState(l.hmc, system, l.name, { timeoutMs: LOOK_MS })) ?? 'absent';
    // The HMCs lost that system meanwhile: it was clear before activation, and a node there starting it
    // would see this one booting; no conflict seen, none made up.
    return state === 'Not Available' ? undefined : state;
  } catch (e) {
    l.ctx.log.warn({ msgId: 61260 }, 'cannot see %s on %s while it boots here: %s', l.name, system, e instanceof Error ? e.message : String(e));
    return undefined;
  }
}

/** Powers my partition off because another one runs; then fails the entry point. */
async function backOff(l: Lpar, why: string): Promise<never> {
  l.ctx.log.warn({ msgId: 2893 }, '%s: %s: backing off (powering it off on %s)', l.name, why, l.system);
  const r = await immediateShutdown(l, l.hmc.remaining());
  forgetBoot(l.ctx, l.ctx.resource);
  if (!r.reached) throw fail(l, `${why}; backing off, but it is still ${r.state} on ${l.system}: clean must power it off`);
  throw new VcsPowervmError('VCSPVM_LPAR_BACKED_OFF', { lpar: l.name, system: l.system, detail: why });
}

/**
 * `chsysstate -o on -f PROFILE`, then watches the boot (above). Returns the
 * seconds VCS should wait before monitoring (0).
 */
export async function activateAndWatch(l: Lpar, profile: string, watch: Array<{ system: string }>): Promise<number> {
  l.ctx.log.notice({ msgId: 8571 }, 'starting %s on %s with profile %s (chsysstate -o on)', l.name, l.system, profile);
  await l.hmc.change(cmd.activate(l.system, l.name, profile), l.system);
  return watchBoot(l, watch);
}

/**
 * Waits for Running within the entry point's time, watching the other
 * systems and the reference code. Also used when online finds the partition
 * already Starting here.
 */
export async function watchBoot(l: Lpar, watch: Array<{ system: string }>): Promise<number> {
  const log = l.ctx.log;
  const bound = bootStallMs();
  let lastRefcode = 0;
  let yieldingSince: number | undefined;
  for (;;) {
    const mine = await partitionState(l.hmc, l.system, l.name, { timeoutMs: LOOK_MS });
    if (mine === undefined || !isPowered(mine)) {
      forgetBoot(l.ctx, l.ctx.resource);
      throw fail(l, `it went to ${mine ?? 'absent'} on ${l.system} instead of Running`);
    }
    // Every other system, every time: a partition started elsewhere at the same moment is seen while both boot.
    const conflicts: Array<{ system: string; state: string }> = [];
    for (const w of watch) {
      const there = await stateThere(l, w.system);
      if (there !== undefined && there !== 'absent' && isPowered(there)) conflicts.push({ system: w.system, state: there });
    }
    let waiting = false;
    for (const c of conflicts) {
      const move = raceMove(mine, l.system, c.state, c.system);
      if (move === 'back-off') {
        await backOff(l, `it is also ${c.state} on ${c.system}, started at the same time (${c.state === 'Starting' ? `the partition on ${l.system}, which sorts after ${c.system}, gives way` : 'the one already running keeps it'})`);
      }
      if (move === 'wait') waiting = true;
      if (move === 'keep') log.info({ msgId: 59651 }, '%s is also Starting on %s: that one gives way (%s sorts first)', l.name, c.system, l.system);
    }
    if (mine === 'Running' && !waiting) {
      forgetBoot(l.ctx, l.ctx.resource);
      log.notice({ msgId: 35943 }, '%s is Running on %s', l.name, l.system);
      return 0;
    }
    if (mine === 'Running') {
      // Running here, Starting (or shutting down) there: the other gives way; wait for it, within reason.
      yieldingSince ??= Date.now();
      if (Date.now() - yieldingSince > Math.min(YIELD_WAIT_MS, l.hmc.remaining())) {
        log.warn({ msgId: 16117 }, '%s is Running on %s, and still %s on %s: the other node must power it off there', l.name, l.system, conflicts.map((c) => c.state).join('/'), conflicts.map((c) => c.system).join(', '));
        forgetBoot(l.ctx, l.ctx.resource);
        return 0;
      }
    } else if (mine !== 'Starting' && mine !== 'Resuming') {
      forgetBoot(l.ctx, l.ctx.resource);
      throw fail(l, `it went to ${mine} on ${l.system} instead of Running`);
    } else if (Date.now() - lastRefcode >= REFCODE_EVERY_MS) {
      lastRefcode = Date.now();
      const code = (await referenceCode(l.hmc, l.system, l.name).catch(() => undefined)) ?? '';
      const seen = observeBoot(l.ctx, l.ctx.resource, l.system, code, bound);
      if (seen.hung) {
        throw fail(l, `its boot on ${l.system} is hung: reference code ${describeCode(code)} unchanged for ${Math.round(seen.stalledMs / 1000)} s (bound ${bound / 1000} s, VCSPVM_LPAR_BOOT_STALL); clean powers it off`);
      }
    }
    if (l.hmc.remaining() <= WATCH_POLL_MS) {
      if (conflicts.length) await backOff(l, `it is also ${conflicts[0]!.state} on ${conflicts[0]!.system} as OnlineTimeout nears`);
      log.warn({ msgId: 7845 }, '%s is still %s on %s as OnlineTimeout nears; monitor will follow its boot', l.name, mine, l.system);
      return 0;
    }
    await sleep(WATCH_POLL_MS, undefined, l.ctx.signal ? { signal: l.ctx.signal } : undefined);
  }
}
