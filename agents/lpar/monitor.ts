/**
 * monitor: one `lssyscfg -r lpar -m SYS -F name,lpar_id,lpar_env,state,...`
 * gives the partition's state and its VIO servers' states at once.
 *
 * - present: the state map (state.ts); while online, all VIOSName servers
 *   down → offline, so that VCS fails the group over (any one Running → no
 *   failover); a live migration in progress is online on its source only
 *   (one lslparmigr);
 * - absent: it may have been migrated away outside VCS. Each other managed
 *   system the HMC manages is asked (lssyscfg -r sys, then one listing per
 *   system); powered on elsewhere → intentional offline (200) here, while
 *   the target system's monitor reports it online; nowhere → offline.
 * - present but not powered, where VCS onlined it (expected-online.ts): the
 *   definition exists on every server (the seed's setup), so a partition
 *   started on another one outside VCS looks the same; asked the same way.
 *
 * An HMC that cannot be reached makes the monitor fail, which VCS reads as
 * unknown: never a reason to fail over.
 */
import type { MonitorResult } from '../../framework/agent/exitcodes.js';
import { raceMove } from './activation.js';
import { bootStallMs, describeCode, forgetBoot, observeBoot } from './boot.js';
import { survey } from './elsewhere.js';
import { migrationRole, partitionsOf, referenceCode } from './hmc/queries.js';
import { expectedOnline, expectOffline, expectOnline } from './expected-online.js';
import type { Lpar } from './resource.js';
import { isPowered, migratingRunning, stateRow } from './state.js';
import { describeHealth, viosHealth } from './vios.js';

/** DR is configured for this resource (the DR module loads only then). */
const hasDrOpts = (l: Lpar) => Object.keys(l.ctx.attributes.DROpts ?? {}).length > 0;

export async function monitor(l: Lpar): Promise<MonitorResult> {
  const log = l.ctx.log;
  const partitions = await partitionsOf(l.hmc, l.system);
  const me = partitions.find((p) => p.name === l.name);

  if (!me) {
    const { powered } = await survey(l, { clusterServers: false });
    if (powered) {
      log.info({ msgId: 7214 }, '%s is not on %s: %s (migrated outside VCS?); intentionally offline here', l.name, l.system, powered.verdict.why);
      if (hasDrOpts(l)) await (await import('./dr/index.js')).drNotHere(l, powered.other.system);
      // VCS has it offline here from now on: a partition migrated back later is not this system's to claim.
      expectOffline(l.ctx, l.ctx.resource);
      return 'intentional-offline';
    }
    log.debug('%s is not defined on %s%s', l.name, l.system, l.profileFile ? '; online creates it from ProfileFile' : '');
    return 'offline';
  }

  const row = stateRow(me.state);
  let result: MonitorResult = row.monitor;
  if (me.state === 'Migrating - Running') {
    const view = await migrationRole(l.hmc, l.system, l.name);
    // lslparmigr's attribute names are not confirmed: when it does not say, VCS's own record does
    // (online here and not taken away by offline, clean or migrate: this is the source).
    const role = view.role ?? (expectedOnline(l.ctx, l.ctx.resource) ? 'source' : 'destination');
    result = migratingRunning(role);
    log.info({ msgId: 10681 }, '%s is migrating (%s of the migration%s; %s): %s here', l.name, role, view.role ? '' : ', as VCS had it', view.detail, typeof result === 'string' ? result : 'online');
  } else if (me.state === 'Starting') {
    const verdict = await watchStarting(l);
    if (verdict) return verdict;
  } else if (result === 'unknown') {
    log.warn({ msgId: 1508 }, '%s is in state "%s" on %s: %s', l.name, me.state, l.system, row.why);
  }
  if (me.state !== 'Starting') forgetBoot(l.ctx, l.ctx.resource);

  const online = result === 'online' || typeof result === 'object';
  if (online && l.vios.length > 0) {
    const h = viosHealth(l.vios, partitions);
    for (const n of h.missing) log.warn({ msgId: 43882 }, 'VIOSName %s is not a partition of %s', n, l.system);
    for (const n of h.notVios) log.warn({ msgId: 58616 }, 'VIOSName %s on %s is not a VIO server partition', n, l.system);
    if (h.verdict === 'all-down') {
      log.error({ msgId: 43822 }, 'all VIO servers of %s on %s are down (%s): reporting offline so that VCS fails it over', l.name, l.system, describeHealth(h));
      return 'offline';
    }
    if (h.verdict === 'unknown') log.error({ msgId: 46489 }, 'none of VIOSName (%s) is a partition of %s: VIOS health is not checked', h.configured.join(', '), l.system);
    else if (h.down.length > 0) log.warn({ msgId: 37355 }, 'VIO server(s) of %s down, but %s still serve: no failover (%s)', l.name, h.serving.join(', '), describeHealth(h));
  }
  if (result === 'offline' && isPowered(me.state)) log.warn({ msgId: 34732 }, '%s is %s on %s: %s', l.name, me.state, l.system, row.why);
  // The DR side (dr/index.ts): responder restarted, DROpts changes served, a partition migrated here served.
  if (online && me.state === 'Running' && hasDrOpts(l)) await (await import('./dr/index.js')).drMonitor(l, me);
  if (online) expectOnline(l.ctx, l.ctx.resource);
  else if (result === 'offline' && !isPowered(me.state) && expectedOnline(l.ctx, l.ctx.resource)) {
    const { powered } = await survey(l, { clusterServers: false });
    if (powered) {
      log.info({ msgId: 8804 }, '%s is %s on %s but %s (started there outside VCS?); intentionally offline here', l.name, me.state, l.system, powered.verdict.why);
      expectOffline(l.ctx, l.ctx.resource);
      return 'intentional-offline';
    }
  }
  return result;
}

/**
 * A partition Starting here: its boot followed through the reference code
 * (a code unchanged for the stall bound is a hung boot: offline, so that VCS
 * cleans it and fails over), and the other systems looked at (a boot that
 * must give way to another, activation.ts's rule, is not online either).
 * Undefined: nothing against it (online, confidence 50).
 */
async function watchStarting(l: Lpar): Promise<MonitorResult | undefined> {
  const log = l.ctx.log;
  const bound = bootStallMs();
  const code = (await referenceCode(l.hmc, l.system, l.name).catch(() => undefined)) ?? '';
  const seen = observeBoot(l.ctx, l.ctx.resource, l.system, code, bound);
  if (seen.hung) {
    log.error(
      { msgId: 53727 }, '%s has been Starting on %s at reference code %s for %d s (bound %d s, VCSPVM_LPAR_BOOT_STALL): its boot is hung; reporting offline so that VCS cleans it (immediate shutdown) and fails over',
      l.name, l.system, describeCode(code), Math.round(seen.stalledMs / 1000), bound / 1000,
    );
    return 'offline';
  }
  const s = await survey(l, { clusterServers: false });
  for (const j of s.others) {
    const there = j.other.lpar;
    if (there === undefined || there === 'absent' || !isPowered(there)) continue;
    if (raceMove('Starting', l.system, there, j.other.system) === 'back-off') {
      log.error({ msgId: 17820 }, '%s is Starting on %s while it is %s on %s: this boot gives way (the partition on the later-sorting managed system, or the one not yet running); reporting offline so that VCS cleans it here', l.name, l.system, there, j.other.system);
      return 'offline';
    }
  }
  return undefined;
}
