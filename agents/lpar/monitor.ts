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
import { migrationRole, partitionsOf, systemsOf, type PartitionRow } from './hmc/queries.js';
import { expectedOnline, expectOnline } from './expected-online.js';
import type { Lpar } from './resource.js';
import { isPowered, migratingRunning, serverVerdict, stateRow } from './state.js';
import { describeHealth, viosHealth } from './vios.js';

export interface Elsewhere {
  system: string;
  state: string;
}

/** Where else the partition is powered on, among the other managed systems this HMC manages. */
export async function poweredElsewhere(l: Lpar): Promise<{ found: Elsewhere | undefined; unknown: string[] }> {
  const systems = await systemsOf(l.hmc);
  const unknown: string[] = [];
  for (const s of systems) {
    if (s.name === l.system) continue;
    const v = serverVerdict(s.state);
    if (v === 'down') continue;
    if (v === 'cannot-tell') {
      unknown.push(`${s.name} (${s.state})`);
      continue;
    }
    let rows: PartitionRow[];
    try {
      rows = await partitionsOf(l.hmc, s.name);
    } catch (e) {
      unknown.push(`${s.name} (${e instanceof Error ? e.message : String(e)})`);
      continue;
    }
    const p = rows.find((r) => r.name === l.name);
    if (p && isPowered(p.state)) return { found: { system: s.name, state: p.state }, unknown };
  }
  return { found: undefined, unknown };
}

export async function monitor(l: Lpar): Promise<MonitorResult> {
  const log = l.ctx.log;
  const partitions = await partitionsOf(l.hmc, l.system);
  const me = partitions.find((p) => p.name === l.name);

  if (!me) {
    const { found } = await poweredElsewhere(l);
    if (found) {
      log.info('%s is not on %s: it is %s on %s (migrated outside VCS?); intentionally offline here', l.name, l.system, found.state, found.system);
      return 'intentional-offline';
    }
    log.debug('%s is not defined on %s%s', l.name, l.system, l.profileFile ? '; online creates it from ProfileFile' : '');
    return 'offline';
  }

  const row = stateRow(me.state);
  let result: MonitorResult = row.monitor;
  if (me.state === 'Migrating - Running') {
    const role = await migrationRole(l.hmc, l.system, l.name);
    result = migratingRunning(role);
    log.info('%s is migrating (%s of the migration): %s here', l.name, role, result);
  } else if (result === 'unknown') {
    log.warn('%s is in state "%s" on %s: %s', l.name, me.state, l.system, row.why);
  }

  const online = result === 'online' || typeof result === 'object';
  if (online && l.vios.length > 0) {
    const h = viosHealth(l.vios, partitions);
    for (const n of h.missing) log.warn('VIOSName %s is not a partition of %s', n, l.system);
    for (const n of h.notVios) log.warn('VIOSName %s on %s is not a VIO server partition', n, l.system);
    if (h.verdict === 'all-down') {
      log.error('all VIO servers of %s on %s are down (%s): reporting offline so that VCS fails it over', l.name, l.system, describeHealth(h));
      return 'offline';
    }
    if (h.verdict === 'unknown') log.error('none of VIOSName (%s) is a partition of %s: VIOS health is not checked', h.configured.join(', '), l.system);
    else if (h.down.length > 0) log.warn('VIO server(s) of %s down, but %s still serve: no failover (%s)', l.name, h.serving.join(', '), describeHealth(h));
  }
  if (result === 'offline' && isPowered(me.state)) log.warn('%s is %s on %s: %s', l.name, me.state, l.system, row.why);
  if (online) expectOnline(l.ctx, l.ctx.resource);
  else if (result === 'offline' && !isPowered(me.state) && expectedOnline(l.ctx, l.ctx.resource)) {
    const { found } = await poweredElsewhere(l);
    if (found) {
      log.info('%s is %s on %s but %s on %s (started there outside VCS?); intentionally offline here', l.name, me.state, l.system, found.state, found.system);
      return 'intentional-offline';
    }
  }
  return result;
}
