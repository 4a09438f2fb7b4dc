/**
 * What every act works with: the lab (simulated HMCs, nodes' directories),
 * the cluster nodes and their runners on one shared clock, the names the
 * configuration gives (group, LPAR, systems and their managed systems, VIO
 * servers, HMCs), and the checks an act records to PASS or FAIL.
 */
import type { Config } from '../../framework/cf/model.js';
import { VcsPowervmError } from '../../framework/errors.js';
import { attributeValue, listOf, scalarOf } from '../../framework/cf/values.js';
import type { Clock } from '../../framework/clock.js';
import type { RunnerEvent } from '../../framework/runner/events.js';
import { systemListOf } from '../../framework/runner/plan.js';
import type { EndpointStats, Lab } from './lab.js';
import type { ClusterNode } from './node.js';
import type { Output } from './output.js';

/** The LPAR service group the scenario drives, as main.cf defines it. */
export interface LparSetup {
  cluster: string;
  group: string;
  resource: string;
  lpar: string;
  hmcs: string[];
  restartLimit: number;
  /** SystemList order: the first is where the group starts. */
  systems: Array<{ name: string; physicalServer: string; vios: string[] }>;
}

/** Reads the first group holding an LPAR resource. */
export function lparSetup(config: Config): LparSetup {
  for (const g of config.groups) {
    const r = g.resources.find((x) => x.type === 'LPAR');
    if (!r) continue;
    const systems = systemListOf(g).map((name) => {
      const sys = config.systems.find((s) => s.name === name);
      const ps = sys ? scalarOf(attributeValue(sys, 'PhysicalServer')) : undefined;
      if (ps === undefined) throw setupError(`system ${name} has no PhysicalServer`);
      return { name, physicalServer: String(ps), vios: (listOf(attributeValue(r, 'VIOSName', name)) ?? []).map(String) };
    });
    if (systems.length < 2) throw setupError(`group ${g.name} needs two systems in its SystemList`);
    return {
      cluster: config.clusters[0]?.name ?? '(unnamed)',
      group: g.name,
      resource: r.name,
      lpar: String(scalarOf(attributeValue(r, 'LPARName')) ?? r.name),
      hmcs: (listOf(attributeValue(r, 'MCName')) ?? []).map(String),
      restartLimit: Number(scalarOf(attributeValue(r, 'RestartLimit')) ?? 0),
      systems,
    };
  }
  throw setupError('the configuration has no group with an LPAR resource');
}

/** An act's checks: each one a line, all of them its verdict. */
export class Checks {
  readonly failed: string[] = [];
  constructor(private readonly out: Output) {}

  check(ok: boolean, text: string): boolean {
    this.out.verdict(ok, text);
    if (!ok) this.failed.push(text);
    return ok;
  }
}

/** Stop waiting: the act cannot go on (its checks so far stand, and it fails). */
export class ActAbort extends VcsPowervmError {
  constructor(detail: string) {
    super('VCSPVM_SCENARIO_STEP', { detail });
  }
}

/** The lab could not be built (keys, simulator, agents, configuration). */
export function setupError(detail: string): VcsPowervmError {
  return new VcsPowervmError('VCSPVM_SCENARIO_SETUP', { detail });
}

export interface Scenario {
  root: string;
  seedPath: string;
  speed: number;
  lab: Lab;
  out: Output;
  clock: Clock;
  setup: LparSetup;
  /** Aborted on Ctrl-C. */
  signal: AbortSignal;
  /** The cluster nodes, in SystemList order (empty until act 2 starts them). */
  nodes: ClusterNode[];
  /** HMC logins and commands over the whole run (each act resets the simulator's counters). */
  totals: { logins: number; commands: number };
}

/** Real milliseconds to allow for `vcsSeconds` of VCS time to pass, plus room for processes and SSH. */
export function allow(s: Scenario, vcsSeconds: number): number {
  return (vcsSeconds * 1000) / s.speed + 20_000;
}

export function node(s: Scenario, system: string): ClusterNode {
  const n = s.nodes.find((x) => x.system === system);
  if (!n) throw new ActAbort(`no cluster node ${system} (act 2 starts them)`);
  return n;
}

export const isState =
  (resource: string, to: string, cause?: string) =>
  (e: RunnerEvent): boolean =>
    e.kind === 'resource-state' && e.resource === resource && e.to === to && (cause === undefined || e.cause === cause);

export const isMonitor =
  (resource: string, result?: string) =>
  (e: RunnerEvent): boolean =>
    e.kind === 'monitor' && e.resource === resource && (result === undefined || e.result === result);

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Polls `probe` every `everyMs` until it returns a value, at most `ms`. */
export async function until<T>(s: Scenario, probe: () => Promise<T | undefined>, ms: number, what: string, everyMs = 100): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (s.signal.aborted) throw new ActAbort(`interrupted while waiting for ${what}`);
    if (Date.now() > end) throw new ActAbort(`${what} did not happen within ${Math.round(ms / 1000)} s`);
    await sleep(everyMs, s.signal);
  }
}

/** What the HMCs saw since the last call (`hmcsim ctl stats --reset`), added to the run's totals. */
export async function hmcStats(s: Scenario): Promise<EndpointStats[]> {
  const stats = await s.lab.stats(true);
  for (const e of stats) {
    s.totals.logins += e.logins;
    s.totals.commands += Object.values(e.commands).reduce((a, b) => a + b, 0);
  }
  return stats;
}

/** `p`, unless `vcsSeconds` of VCS time (plus room) pass first or Ctrl-C comes: then the act stops. */
export function bounded<T>(s: Scenario, p: Promise<T>, vcsSeconds: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const ms = allow(s, vcsSeconds);
    const finish = () => {
      clearTimeout(timer);
      s.signal.removeEventListener('abort', onAbort);
    };
    const timer = setTimeout(() => (finish(), reject(new ActAbort(`${what} did not finish within ${Math.round(ms / 1000)} s`))), ms);
    const onAbort = () => (finish(), reject(new ActAbort(`interrupted during ${what}`)));
    if (s.signal.aborted) return onAbort();
    s.signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => (finish(), resolve(v)),
      (e: unknown) => (finish(), reject(e)),
    );
  });
}
