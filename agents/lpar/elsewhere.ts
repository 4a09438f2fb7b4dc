/**
 * Where else the partition may run: what every HMC shows of every other
 * managed system, judged row by row with the safety table (safety.ts).
 *
 * Redundant HMCs are several views of one world, not spares: a managed
 * system the serving HMC lists in a state where it cannot see the
 * partitions (No Connection, Incomplete...) or does not list at all is asked
 * of the other HMCs, and the partition's state on a system is asked of an
 * HMC that sees it, the next one when that one answers with an error. In the
 * usual case (every system Operating) this costs `lssyscfg -r sys` plus one
 * `lssyscfg -r lpar --filter` per other system on the serving HMC.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { BaseContext } from '../../framework/agent/define.js';
import { SshError, VcsPowervmError } from '../../framework/errors.js';
import { writeFileAtomic } from '../../framework/fs.js';
import * as cmd from './hmc/commands.js';
import { HSCL_PARTITION_NOT_FOUND } from './hmc/hscl.js';
import { parseFields } from './hmc/records.js';
import type { HmcResult } from './hmc/session.js';
import { membershipOf, type Membership, type NodeState } from './membership.js';
import { systemName } from './names.js';
import { physicalServerOf, type Lpar } from './resource.js';
import { judge, LISTS_PARTITIONS, POWERED_OFF, type OtherSystem, type Verdict } from './safety.js';

export interface Judged {
  other: OtherSystem;
  verdict: Verdict;
}

export interface Survey {
  others: Judged[];
  /** The first system where it is powered on (refuse). */
  powered: Judged | undefined;
  /** Systems where the HMCs cannot exclude that it runs (refuse). */
  cannotTell: Judged[];
  /** Clear, but worth a warning (S9, S10). */
  warnings: Judged[];
}

/** A state in which the HMC shows the system's partitions as they are, or knows them off. */
const seesPartitions = (state: string | undefined) => state !== undefined && (LISTS_PARTITIONS.has(state) || POWERED_OFF.has(state));

interface SystemView {
  state: string;
  /** MCName position of the HMC that showed it so. */
  index: number;
}

function parseSystems(r: HmcResult): Map<string, string> | undefined {
  if (r.code !== 0) return undefined;
  try {
    return new Map(parseFields(r.stdout, cmd.SYS_LIST_FIELDS).map((x) => [x.name!, x.state!]));
  } catch {
    return undefined;
  }
}

export interface SurveyOptions {
  /** The cluster's servers and their nodes (for S8 and S10); monitor leaves them out. Default true. */
  clusterServers?: boolean;
  membership?: Membership;
}

/** Surveys every other managed system and judges each (safety.ts). */
export async function survey(l: Lpar, opts: SurveyOptions = {}): Promise<Survey> {
  const { hmc, ctx } = l;
  const views = new Map<string, SystemView>();
  const seen = new Map<string, string[]>();
  const note = (sys: string, text: string) => seen.set(sys, [...(seen.get(sys) ?? []), text]);

  // 1. The managed systems, as the serving HMC lists them; the others asked for what it cannot see.
  const first = await hmc.run(cmd.listSystems(), { idempotent: true });
  const asked = new Set<number>([first.index]);
  const merge = (r: HmcResult) => {
    const systems = parseSystems(r);
    if (!systems) {
      note('*', `${r.hmc}: ${r.stdout.trim().split('\n')[0] || `exit ${r.code}`}`);
      return;
    }
    for (const [name, state] of systems) {
      note(name, `${r.hmc}: ${state}`);
      const had = views.get(name);
      if (!had || (!seesPartitions(had.state) && seesPartitions(state))) views.set(name, { state, index: r.index });
    }
  };
  merge(first);
  const cluster = opts.clusterServers === false ? undefined : await clusterServers(l, opts.membership);
  const unclear = () => {
    const names = new Set([...views.keys(), ...(cluster ? [...cluster.keys()] : [])]);
    names.delete(l.system);
    return [...names].some((n) => !seesPartitions(views.get(n)?.state));
  };
  for (let i = 0; i < hmc.names.length && unclear(); i++) {
    if (asked.has(i)) continue;
    asked.add(i);
    try {
      merge(await hmc.runOn(i, cmd.listSystems(), { idempotent: true }));
    } catch (e) {
      if (!(e instanceof SshError)) throw e;
      note('*', `${hmc.names[i]}: ${e.message}`);
    }
  }
  if (views.size === 0) throw new SshError('VCSPVM_SSH_NO_ENDPOINT', { detail: `no HMC could list the managed systems (${(seen.get('*') ?? []).join('; ')})` });

  // 2. Each other system, judged.
  const names = new Set([...views.keys(), ...(cluster ? [...cluster.keys()] : [])]);
  names.delete(l.system);
  const nodesCache = { value: undefined as Map<string, { state: NodeState; detail: string }> | undefined };
  const out: Judged[] = [];
  for (const system of names) {
    const view = views.get(system);
    const other: OtherSystem = {
      system,
      state: view?.state,
      seen: seen.get(system) ?? [],
      lpar: undefined,
      nodes: [],
      clusterServer: cluster ? cluster.has(system) : true,
      confirmedDown: confirmedDown(ctx, l.ctx.resource, system),
    };
    if (view && LISTS_PARTITIONS.has(view.state)) other.lpar = await partitionThere(l, system, view.index);
    else if (view && !seesPartitions(view.state)) {
      nodesCache.value ??= await (opts.membership ?? membershipOf(ctx)).nodes();
      const serverNodes = cluster?.get(system) ?? (await nodesOnServer(l, system, nodesCache.value));
      other.nodes = serverNodes.map((node) => ({ node, ...(nodesCache.value!.get(node) ?? { state: 'unknown' as NodeState, detail: 'not in the cluster membership' }) }));
    }
    out.push({ other, verdict: judge(other, l.name) });
  }
  return {
    others: out,
    powered: out.find((j) => j.verdict.kind === 'powered'),
    cannotTell: out.filter((j) => j.verdict.kind === 'cannot-tell'),
    warnings: out.filter((j) => j.verdict.kind === 'clear' && j.verdict.warning),
  };
}

/**
 * The partition's state on `system`: `absent` (HSCL8012), a state, or
 * undefined when no HMC could list it. Asked of the HMC that saw the system,
 * then of the others.
 */
async function partitionThere(l: Lpar, system: string, index: number): Promise<string | undefined> {
  const argv = cmd.partitionState(system, l.name);
  const order = [index, ...l.hmc.names.map((_, i) => i).filter((i) => i !== index)];
  for (const i of order) {
    let r: HmcResult;
    try {
      r = await l.hmc.runOn(i, argv, { idempotent: true });
    } catch (e) {
      if (!(e instanceof SshError)) throw e;
      continue;
    }
    if (r.code !== 0) {
      if (r.hscl.includes(HSCL_PARTITION_NOT_FOUND)) return 'absent';
      l.ctx.log.info({ msgId: 25608 }, 'HMC %s: %s: %s', r.hmc, argv.join(' '), r.stdout.trim().split('\n')[0] ?? `exit ${r.code}`);
      continue;
    }
    try {
      const state = parseFields(r.stdout, ['state'])[0]?.state;
      if (state === 'Not Available' && i !== order[order.length - 1]) continue; // this HMC cannot see it; the next may
      return state ?? 'absent';
    } catch {
      continue;
    }
  }
  return undefined;
}

/** The cluster's servers: each node's PhysicalServer → the nodes on it. Undefined when the cluster's nodes are not known. */
async function clusterServers(l: Lpar, membership: Membership | undefined): Promise<Map<string, string[]> | undefined> {
  const nodes = l.ctx.config ? l.ctx.config.systems.map((s) => s.name) : [...(await (membership ?? membershipOf(l.ctx)).nodes()).keys()];
  if (nodes.length === 0) return undefined;
  const out = new Map<string, string[]>();
  for (const node of nodes) {
    let ms: string;
    try {
      ms = await physicalServerOf(l.ctx, node);
    } catch {
      continue; // a node without PhysicalServer manages no LPAR
    }
    out.set(ms, [...(out.get(ms) ?? []), node]);
  }
  return out;
}

async function nodesOnServer(l: Lpar, system: string, nodes: Map<string, unknown>): Promise<string[]> {
  const out: string[] = [];
  for (const node of nodes.keys()) {
    try {
      if ((await physicalServerOf(l.ctx, node)) === system) out.push(node);
    } catch {
      // no PhysicalServer: not a management LPAR
    }
  }
  return out;
}

/* ---------- confirm-down: the administrator's word (S9) ---------- */

/** How long an administrator's confirmation holds: one failover's worth. */
export const CONFIRM_TTL_MS = 30 * 60_000;

function confirmFile(ctx: BaseContext, resource: string, system: string): string {
  return join(ctx.vcs.log, 'tmp', 'LPAR', `confirmed-down.${encodeURIComponent(resource)}@${encodeURIComponent(system)}`);
}

export function confirmedDown(ctx: BaseContext, resource: string, system: string): boolean {
  const f = confirmFile(ctx, resource, system);
  try {
    if (Date.now() - statSync(f).mtimeMs <= CONFIRM_TTL_MS) return true;
    rmSync(f, { force: true });
  } catch {
    // none
  }
  return false;
}

export function recordConfirmation(ctx: BaseContext, resource: string, system: string, by: string): string {
  mkdirSync(join(ctx.vcs.log, 'tmp', 'LPAR'), { recursive: true, mode: 0o700 });
  const f = confirmFile(ctx, resource, system);
  writeFileAtomic(f, `${new Date().toISOString()} ${by}\n`, { mode: 0o600, backup: false });
  return f;
}

/** A confirmation is used once: by the start it allowed. */
export function useConfirmation(ctx: BaseContext, resource: string, system: string): void {
  rmSync(confirmFile(ctx, resource, system), { force: true });
}

export function confirmationText(ctx: BaseContext, resource: string, system: string): string | undefined {
  const f = confirmFile(ctx, resource, system);
  return existsSync(f) ? readFileSync(f, 'utf8').trim() : undefined;
}

/**
 * Action `confirm-down` (`hares -action RES confirm-down -actionargs SYS... -sys NODE`):
 * the administrator's word that the partition is down on managed system SYS,
 * for a case the HMCs cannot settle (rows S3, S6–S8 of the safety table).
 * Used once, by the next online on NODE within 30 minutes. Never overrides
 * what an HMC sees: a partition an HMC shows powered on stays refused.
 */
export async function confirmDown(l: Lpar, args: readonly string[]): Promise<string> {
  const fail = (detail: string) => new VcsPowervmError('VCSPVM_LPAR', { lpar: l.name, detail });
  if (args.length === 0) throw fail('confirm-down needs the managed system(s) on which the partition is known to be down: -actionargs SYS');
  const systems = args.map((a) => systemName(a, 'confirm-down managed system'));
  for (const sys of systems) if (sys === l.system) throw fail(`${sys} is this system's own managed system: confirm-down is for the others`);
  const s = await survey(l);
  const lines: string[] = [];
  for (const sys of systems) {
    const j = s.others.find((x) => x.other.system === sys);
    if (!j) throw fail(`no HMC of MCName knows managed system ${sys}, and no cluster node runs on it`);
    if (j.verdict.kind === 'powered') throw fail(`${j.verdict.why}: not recorded (power it off there first)`);
    const by = `${process.env.USER ?? 'unknown user'} via ${l.ctx.system}`;
    recordConfirmation(l.ctx, l.ctx.resource, sys, by);
    l.ctx.log.notice({ msgId: 13014 }, '%s: an administrator (%s) confirmed it is down on %s; the next online on %s within %d minutes may start it (%s)', l.name, by, sys, l.ctx.system, CONFIRM_TTL_MS / 60_000, j.verdict.why);
    lines.push(`recorded: ${l.name} is down on ${sys} (${j.verdict.why}); the next online on ${l.ctx.system} within ${CONFIRM_TTL_MS / 60_000} minutes may start it`);
  }
  return lines.join('\n');
}
