/**
 * The sysoffline trigger for LPAR groups (`$VCS_HOME/bin/triggers/sysoffline
 * SYSTEM SYSTEMSTATE`, run by VCS on a surviving node when a system leaves
 * the cluster). The seed's failure table: with SysDownPolicy =
 * AutoDisableNoOffline, a group with LPAR resources is not failed over when
 * its management LPAR faults, because its managed LPARs may still run. This
 * trigger asks the HMC:
 *
 * - the faulted system's physical server is Power Off (waiting a little while
 *   it is Power Off In Progress), and none of the group's partitions is powered
 *   on there → `hagrp -autoenable GROUP -sys SYSTEM`, then `hagrp -online GROUP -any`;
 * - the physical server is up (only the management LPAR is down), or the HMC
 *   cannot tell (No Connection, ...), or no HMC answers → nothing: the group
 *   stays autodisabled for the administrator, and the log says why.
 *
 * Only groups that were online on the faulted system are considered, and only
 * when the system FAULTED (not when it left on purpose: EXITED).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { realpathSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCommandRunner, type CommandRunner } from '../../../framework/agent/command.js';
import type { AgentLogger } from '../../../framework/agent/log.js';
import type { VcsPaths } from '../../../framework/agent/define.js';
import { findVcsCommand, systemAttribute } from '../../../framework/agent/system-attributes.js';
import type { Config, GroupDef, ResourceDef } from '../../../framework/cf/model.js';
import { HmcSession } from '../hmc/session.js';
import * as cmd from '../hmc/commands.js';
import { partitionsOf } from '../hmc/queries.js';
import { parseFields } from '../hmc/records.js';
import { membershipOf } from '../membership.js';
import { partitionName, systemName } from '../names.js';
import { judge, LISTS_PARTITIONS, POWERED_OFF, type OtherSystem } from '../safety.js';

/** How long the trigger may take in all (VCS runs triggers without a limit; an HMC may hang). */
export const TRIGGER_BUDGET_MS = 180_000;
/** How long a physical server may stay Power Off In Progress before we give up on it. */
export const POWER_OFF_WAIT_MS = 60_000;

export interface TriggerContext {
  vcs: VcsPaths;
  log: AgentLogger;
  run: CommandRunner;
  config: Config;
  /** This node's system name (for per-system MCName/MCUser values). */
  localSystem: string;
  deadline: number;
  env?: Readonly<Record<string, string | undefined>>;
}

export type Decision =
  | { action: 'online'; reason: string }
  | { action: 'none'; reason: string };

/** Groups with LPAR resources whose SystemList holds `system`. */
export function lparGroupsOf(config: Config, system: string): Array<{ group: GroupDef; resources: ResourceDef[] }> {
  const out: Array<{ group: GroupDef; resources: ResourceDef[] }> = [];
  for (const g of config.groups) {
    const resources = g.resources.filter((r) => r.type === 'LPAR');
    if (resources.length === 0) continue;
    const list = g.attributes.find((a) => a.name === 'SystemList' && a.system === undefined)?.value;
    const members = list?.kind === 'association' ? list.entries.map((e) => e.key) : list && 'items' in list ? list.items.map(String) : [];
    if (members.includes(system)) out.push({ group: g, resources });
  }
  return out;
}

/** `hagrp -state G -sys S` prints the state (`ONLINE`, `|OFFLINE|FAULTED|`, ...). */
export function wasOnline(stateText: string): boolean {
  const words = stateText.split(/[|\s]+/).filter((w) => w !== '');
  return words.includes('ONLINE') || words.includes('PARTIAL');
}

async function valueOf(r: ResourceDef, name: string, system: string) {
  const { attributeValue, listOf, scalarOf } = await import('../../../framework/cf/values.js');
  const v = attributeValue(r, name, system);
  return { scalar: scalarOf(v), list: listOf(v) };
}

/**
 * Asks the HMCs of one group's LPAR resources about the faulted system's
 * physical server, and judges it with the safety table online uses
 * (safety.ts): Power Off (waiting while Power Off In Progress), or No
 * Connection / Error with the faulted node (and any other node there) gone
 * from the cluster — the server is down, its partitions with it; a server
 * whose partitions the HMCs list is asked whether this one is powered on
 * there. Anything else: nothing is done.
 */
export async function decide(t: TriggerContext, server: string, resources: ResourceDef[]): Promise<Decision> {
  const membership = membershipOf({ vcs: t.vcs, run: t.run, log: t.log }, t.env ?? process.env);
  for (const r of resources) {
    const names = ((await valueOf(r, 'MCName', t.localSystem)).list ?? []).map(String);
    const users = ((await valueOf(r, 'MCUser', t.localSystem)).list ?? []).map(String);
    const lpar = partitionName(String((await valueOf(r, 'LPARName', t.localSystem)).scalar ?? ''), `LPARName of ${r.name}`);
    const hmc = new HmcSession({ names, users, log: t.log, deadline: t.deadline, ...(t.env ? { env: t.env } : {}) });
    try {
      let view: { state: string; seen: string[]; index: number } | undefined;
      const end = Math.min(t.deadline, Date.now() + POWER_OFF_WAIT_MS);
      for (;;) {
        try {
          view = await serverView(hmc, server);
        } catch (e) {
          return { action: 'none', reason: `no HMC could tell the state of ${server} (${e instanceof Error ? e.message : String(e)})` };
        }
        if (view === undefined) return { action: 'none', reason: `no HMC of ${r.name} manages a system named ${server}` };
        if (view.state !== 'Power Off In Progress' || Date.now() >= end) break;
        await sleep(1_000);
      }
      const other: OtherSystem = { system: server, state: view.state, seen: view.seen, lpar: undefined, nodes: [], clusterServer: true, confirmedDown: false };
      if (LISTS_PARTITIONS.has(view.state)) {
        try {
          const p = (await partitionsOf(hmc, server)).find((x) => x.name === lpar);
          other.lpar = p ? p.state : 'absent';
        } catch {
          other.lpar = undefined;
        }
      } else if (!POWERED_OFF.has(view.state)) {
        const nodes = await membership.nodes();
        const { attributeValue, scalarOf } = await import('../../../framework/cf/values.js');
        const onServer = t.config.systems.filter((s) => String(scalarOf(attributeValue(s, 'PhysicalServer')) ?? '') === server).map((s) => s.name);
        other.nodes = onServer.map((node) => ({ node, ...(nodes.get(node) ?? { state: 'unknown' as const, detail: 'not in the cluster membership' }) }));
      }
      const v = judge(other, lpar);
      if (LISTS_PARTITIONS.has(view.state)) {
        // The server is up: only its management LPAR is down (the seed's row); never failed over from here.
        const there = v.kind === 'powered' ? ` (${v.why})` : v.kind === 'cannot-tell' ? ` (${v.why})` : '';
        return { action: 'none', reason: `physical server ${server} is ${view.state}: only the management LPAR is down and ${lpar} may still run there${there} [${v.row}]` };
      }
      if (v.kind !== 'clear') return { action: 'none', reason: `HMC ${hmc.hmc ?? '?'} cannot tell whether ${lpar} runs: ${v.why} [${v.row}]` };
    } finally {
      await hmc.close();
    }
  }
  return { action: 'online', reason: `physical server ${server} is down (Power Off, or unreachable with its cluster node gone) and its managed LPARs are not running` };
}

/** The server's state in the best view of the HMCs: one that sees it, else the first answer. */
async function serverView(hmc: HmcSession, server: string): Promise<{ state: string; seen: string[]; index: number } | undefined> {
  const seen: string[] = [];
  let best: { state: string; index: number } | undefined;
  let lastError: Error | undefined;
  for (let i = 0; i < hmc.names.length; i++) {
    try {
      const r = await hmc.runOn(i, cmd.listSystems(), { idempotent: true });
      if (r.code !== 0) {
        seen.push(`${r.hmc}: ${r.stdout.trim().split('\n')[0] ?? `exit ${r.code}`}`);
        continue;
      }
      const state = parseFields(r.stdout, cmd.SYS_LIST_FIELDS).find((x) => x.name === server)?.state;
      if (state === undefined) continue;
      seen.push(`${r.hmc}: ${state}`);
      if (!best) best = { state, index: i };
      if (LISTS_PARTITIONS.has(state) || POWERED_OFF.has(state)) {
        best = { state, index: i };
        break;
      }
    } catch (e) {
      lastError = e as Error;
      seen.push(`${hmc.names[i]}: ${(e as Error).message}`);
    }
  }
  if (!best && lastError && seen.every((x) => !/: (Operating|Power Off|No Connection)/.test(x))) throw lastError;
  return best ? { ...best, seen } : undefined;
}


export async function sysoffline(system: string, systemState: string, t: TriggerContext): Promise<number> {
  const log = t.log;
  if (systemState !== 'FAULTED') {
    log.info({ msgId: 45129 }, 'system %s is %s (not FAULTED): LPAR groups are left alone', system, systemState);
    return 0;
  }
  const groups = lparGroupsOf(t.config, system);
  if (groups.length === 0) return 0;
  const hagrp = findVcsCommand('hagrp', t.vcs);
  if (!hagrp) {
    log.error({ msgId: 52958 }, 'the VCS CLI (hagrp) is not found in %s/bin or on PATH: cannot fail LPAR groups over from %s', t.vcs.home, system);
    return 1;
  }
  let server: string;
  try {
    const v = await systemAttribute({ vcs: t.vcs, run: t.run }, system, 'PhysicalServer');
    if (!v) throw new Error(`system ${system} has no PhysicalServer attribute`);
    server = systemName(v, `PhysicalServer of ${system}`);
  } catch (e) {
    log.error({ msgId: 46875 }, 'cannot learn the physical server of %s: %s; its LPAR groups stay autodisabled', system, e instanceof Error ? e.message : String(e));
    return 1;
  }

  let failures = 0;
  for (const { group, resources } of groups) {
    const st = await t.run([hagrp, '-state', group.name, '-sys', system], { timeoutMs: 30_000 });
    if (st.code !== 0) {
      log.error({ msgId: 49245 }, 'hagrp -state %s -sys %s failed (%s): leaving the group alone', group.name, system, (st.stderr || st.stdout).trim());
      failures++;
      continue;
    }
    if (!wasOnline(st.stdout)) {
      log.info({ msgId: 58679 }, 'group %s was not online on %s (%s): nothing to fail over', group.name, system, st.stdout.trim());
      continue;
    }
    let d: Decision;
    try {
      d = await decide(t, server, resources);
    } catch (e) {
      d = { action: 'none', reason: e instanceof Error ? e.message : String(e) };
    }
    if (d.action === 'none') {
      log.warn(
        { msgId: 58318 }, 'group %s stays autodisabled (SysDownPolicy AutoDisableNoOffline): %s. After making sure its LPARs are down on %s: hagrp -autoenable %s -sys %s; hagrp -online %s -any',
        group.name, d.reason, server, group.name, system, group.name,
      );
      continue;
    }
    log.notice({ msgId: 54218 }, 'group %s: %s; bringing it online on another system', group.name, d.reason);
    const en = await t.run([hagrp, '-autoenable', group.name, '-sys', system], { timeoutMs: 30_000 });
    if (en.code !== 0) log.warn({ msgId: 62706 }, 'hagrp -autoenable %s -sys %s: %s', group.name, system, (en.stderr || en.stdout).trim());
    const on = await t.run([hagrp, '-online', group.name, '-any'], { timeoutMs: 60_000 });
    if (on.code !== 0) {
      log.error({ msgId: 16563 }, 'hagrp -online %s -any failed: %s', group.name, (on.stderr || on.stdout).trim());
      failures++;
    } else {
      log.notice({ msgId: 4573 }, 'group %s: hagrp -online -any accepted%s', group.name, on.stdout.trim() ? ` (${on.stdout.trim()})` : '');
    }
  }
  return failures ? 1 : 0;
}

/** The executable: `sysoffline SYSTEM SYSTEMSTATE`, as VCS runs it. */
export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { vcsPaths } = await import('../../../framework/agent/main-options.js');
  const { openAgentLog, createAgentLogger, closeLog } = await import('../../../framework/agent/log.js');
  const { localSystemName } = await import('../../../framework/agent/dispatch.js');
  const vcs = vcsPaths(env);
  const [system, state] = argv;
  let fd: number;
  try {
    fd = openAgentLog(vcs.log, 'LPAR');
  } catch (e) {
    process.stderr.write(`sysoffline: ${(e as Error).message}\n`);
    return 2;
  }
  const log = createAgentLogger(fd, { type: 'LPAR', resource: system ?? '', entryPoint: 'sysoffline', catalog: 50000, debugTags: new Set(), secrets: [], secretNames: [] });
  // SSH connections do not hold the process open (framework/remote unrefs them); this does, until we are done.
  const keepAlive = setInterval(() => undefined, 60_000);
  try {
    if (system === undefined || state === undefined) {
      log.error({ msgId: 46900 }, 'usage: sysoffline SYSTEM SYSTEMSTATE (as VCS runs the trigger)');
      return 2;
    }
    const path = join(vcs.conf, 'conf', 'config', 'main.cf');
    const { loadConfig } = await import('../../../framework/cf/load.js');
    const { config, errors } = loadConfig(path);
    const fatal = errors.find((e) => e.code !== 'VCSPVM_CF_INCLUDE');
    if (fatal) {
      log.error({ msgId: 28474 }, 'cannot read the configuration %s: %s', path, fatal.message);
      return 1;
    }
    return await sysoffline(system, state, {
      vcs,
      log,
      run: createCommandRunner({ log }),
      config,
      localSystem: localSystemName(vcs),
      deadline: Date.now() + TRIGGER_BUDGET_MS,
      env,
    });
  } catch (e) {
    log.error({ msgId: 62081 }, 'sysoffline: %s', e instanceof Error ? e.message : String(e));
    return 1;
  } finally {
    const { closeAllConnections } = await import('../../../framework/remote/remote.js');
    await closeAllConnections();
    clearInterval(keepAlive);
    closeLog(fd);
  }
}

function isMain(): boolean {
  try {
    return process.argv[1] !== undefined && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMain()) process.exit(await main(process.argv.slice(2)));
