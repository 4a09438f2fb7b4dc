/**
 * A randomized fault soak of the LPAR agent, in the spirit of Jepsen and
 * Pacemaker's cluster test suite: two management-LPAR nodes, each running
 * the agent framework (`vcsagent run`, soak/node.ts) over one simulated
 * PowerVM world behind two HMCs (hmcsim over SSH); a seeded random schedule
 * of faults and administrator actions (soak/faults.ts); the world's truth
 * judged continuously (soak/invariants.ts).
 *
 * The soak plays the cluster engine between the nodes, as HAD would: a group
 * FAULTED on one node is brought online on the other; a group online on both
 * (a concurrency violation) is taken offline where it came online last; an
 * administrator clears faults between rounds and brings the group online
 * when it is online nowhere.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { joinCluster } from '../../sim/aix/hasys.js';
import { Lab } from '../../sim/scenario/lab.js';
import type { RunnerEvent } from '../../framework/runner/events.js';
import { between, drawFault, pick, rngOf, type FaultKind, type Rng } from './faults.js';
import { Judge, type Violation } from './invariants.js';
import { SoakNode } from './node.js';

export interface SoakOptions {
  /** The repository (bin/, dist/). */
  root: string;
  rounds: number;
  seed: number;
  /** hmcsim's speed (default 2: a 30 s boot takes 15 s, 12.5 of them in firmware). */
  speed?: number;
  /** Real milliseconds a round lasts, drawn between these (default 3000–7000). */
  roundMs?: [number, number];
  /** Only these faults (default all). */
  faults?: readonly FaultKind[];
  log?: (line: string) => void;
  keep?: boolean;
  /** The longest both-booting overlap tolerated (default 15 s: the documented window, with room for load). */
  windowMs?: number;
}

export interface SoakReport {
  seed: number;
  rounds: number;
  /** Faults and actions injected, by kind (quiet rounds not counted). */
  faults: Record<string, number>;
  injected: number;
  violations: Violation[];
  /** Longest time the partition was powered on two systems at once (both booting), and how often. */
  maxOverlapMs: number;
  overlaps: number;
  failovers: number;
  /** Rounds that ended with the group online on exactly one node. */
  roundsOnline: number;
  durationMs: number;
}

const GROUP = 'G';
const RES = 'lp01';
const LPAR = 'lp01';
const NODES = [
  { name: 'n1', system: 'sys1', vios: ['n1vio1', 'n1vio2'] },
  { name: 'n2', system: 'sys2', vios: ['n2vio1', 'n2vio2'] },
] as const;
const MONITOR_INTERVAL_S = 5;
const BOOT_STALL_S = 20;

function mainCf(profiles: string): string {
  return `include "types.cf"

cluster soak (
)

system n1 (
    PhysicalServer = sys1
)

system n2 (
    PhysicalServer = sys2
)

group ${GROUP} (
    SystemList = { n1 = 0, n2 = 1 }
    SysDownPolicy = { AutoDisableNoOffline }
)

LPAR ${RES} (
    LPARName = ${LPAR}
    MCUser = { hscroot, hscroot }
    MCName = { hmc6, hmc7 }
    VIOSName @n1 = { n1vio1, n1vio2 }
    VIOSName @n2 = { n2vio1, n2vio2 }
    ProfileFile @n1 = "${profiles}/${LPAR}_on_sys1.cfg"
    ProfileFile @n2 = "${profiles}/${LPAR}_on_sys2.cfg"
    MonitorInterval = ${MONITOR_INTERVAL_S}
    OfflineMonitorInterval = ${MONITOR_INTERVAL_S}
    MonitorTimeout = 30
    OnlineTimeout = 90
    OfflineTimeout = 40
    CleanTimeout = 40
    MigrateTimeout = 90
    OnlineWaitLimit = 2
    RestartLimit = 1
    ToleranceLimit = 0
    OnlineRetryLimit = 0
)
`;
}

export async function runSoak(o: SoakOptions): Promise<SoakReport> {
  const started = Date.now();
  const log = o.log ?? (() => undefined);
  const speed = o.speed ?? 2;
  const rng: Rng = rngOf(o.seed);
  const lab = new Lab(o.root, speed);
  const nodes: SoakNode[] = [];
  let judge: Judge | undefined;
  const faults: Record<string, number> = {};
  let failovers = 0;
  let roundsOnline = 0;
  try {
    const profiles = join(lab.dir, 'profiles');
    const cfPath = join(lab.dir, 'soak-main.cf');
    writeFileSync(cfPath, mainCf(profiles));
    const hmcs = (await lab.startHmcs(cfPath, ['hmc6', 'hmc7'])).map((e) => e.name);
    const cluster = join(lab.dir, 'cluster');
    const vcsagent = join(o.root, 'bin', 'vcsagent');
    for (const n of NODES) {
      const d = await lab.node(n.name, cfPath);
      const env = { ...d.env, VCSSIM_CLUSTER: cluster, VCSPVM_LPAR_BOOT_STALL: String(BOOT_STALL_S) };
      // This node's ProfileFile, exported from the HMC as an administrator would.
      const exp = await lab.run([process.execPath, vcsagent, 'LPAR', 'action/profile-export', RES, '--config', d.mainCf, '--system', n.name], env);
      if (exp.code !== 0) throw new Error(`profile-export on ${n.name}: ${exp.stderr || exp.stdout}`);
      nodes.push(new SoakNode(d, vcsagent, env, n.system));
    }
    judge = new Judge({
      control: lab.control,
      lpar: LPAR,
      systems: NODES.map((n) => n.system),
      windowMs: o.windowMs ?? 15_000,
      monitorIntervalMs: MONITOR_INTERVAL_S * 1000,
      bootStallMs: BOOT_STALL_S * 1000,
    });
    judge.start();
    const j = judge;

    // The cluster engine between the nodes.
    const onlineSince = new Map<string, number>();
    const other = (n: SoakNode) => nodes.find((x) => x !== n)!;
    for (const n of nodes) {
      const starts = new Map<string, number>();
      n.on((e: RunnerEvent) => {
        j.follow(n.server, e, starts);
        if (e.kind !== 'group-state') return;
        if (e.to === 'online') onlineSince.set(n.name, Date.now());
        else onlineSince.delete(n.name);
        if (e.to === 'faulted') {
          const peer = other(n);
          if (peer.alive && peer.groupState !== 'faulted' && peer.groupState !== 'online') {
            failovers++;
            log(`  engine: ${GROUP} FAULTED on ${n.name}: bringing it online on ${peer.name}`);
            peer.send(`online ${GROUP}`);
          }
        }
        if ((e.to === 'online' || e.to === 'partial') && (other(n).groupState === 'online' || other(n).groupState === 'partial')) {
          // Online on both: after a live migration outside VCS the source reports intentional offline at its
          // next monitor. Still on both two MonitorIntervals later is a concurrency violation: VCS takes the
          // group offline where it came online last.
          setTimeout(() => {
            const both = nodes.every((x) => x.groupState === 'online' || x.groupState === 'partial');
            if (!both) return;
            const later = (onlineSince.get(n.name) ?? 0) >= (onlineSince.get(other(n).name) ?? 0) ? n : other(n);
            log(`  engine: ${GROUP} online on both nodes: taking it offline on ${later.name}`);
            later.send(`offline ${GROUP}`);
          }, 2 * MONITOR_INTERVAL_S * 1000 + 2_000).unref();
        }
      });
    }
    for (const n of nodes) {
      await n.start();
      joinCluster(cluster, n.name, n.pid!);
    }
    // The first online races nothing: it boots at hmcsim's usual pace.
    nodes[0]!.send(`online ${GROUP}`);
    await waitUntil(() => nodes.some((n) => n.groupState === 'online'), 120_000);
    // From the first fault on, boots as long as real ones spend in firmware, relative to HMC round
    // trips (docs/lpar.md, residual window).
    await lab.ctl('timings', 'boot=30');

    const [lo, hi] = o.roundMs ?? [3_000, 7_000];
    const allowed = o.faults ? new Set(o.faults) : undefined;
    for (let round = 1; round <= o.rounds; round++) {
      const kind = drawFault(rng, allowed);
      const undo = await inject(kind);
      if (kind !== 'quiet') faults[kind] = (faults[kind] ?? 0) + 1;
      await sleep(between(rng, lo, hi));
      await undo();
      await heal();
      const on = nodes.filter((n) => n.groupState === 'online').length;
      if (on === 1) roundsOnline++;
      log(`round ${round}/${o.rounds}: ${kind}; online on ${nodes.filter((n) => n.groupState === 'online').map((n) => n.name).join(', ') || 'none'}; truth ${fmtTruth(j.latest())}; violations ${j.violations.length}`);
    }
    // Settle: faults healed, faults cleared, the group online somewhere, then what was left half made.
    await heal();
    await waitUntil(() => nodes.some((n) => n.groupState === 'online'), 120_000).catch(() => undefined);
    await sleep(MONITOR_INTERVAL_S * 2000);
    for (const n of nodes) {
      const dir = join(n.dirs.vcsLog, 'tmp', 'LPAR');
      let left: string[] = [];
      try {
        left = readdirSync(dir).filter((f) => f.startsWith('undo.'));
      } catch {
        // no such directory: nothing left
      }
      for (const f of left) j.violation(Date.now(), 'half-made', `${n.name} ends with undo steps left: ${readFileSync(join(dir, f), 'utf8').replace(/\s+/g, ' ').slice(0, 300)}`);
    }
    judge.stop();
    return {
      seed: o.seed,
      rounds: o.rounds,
      faults,
      injected: Object.values(faults).reduce((a, b) => a + b, 0),
      violations: judge.violations,
      maxOverlapMs: judge.maxOverlapMs,
      overlaps: judge.overlaps,
      failovers,
      roundsOnline,
      durationMs: Date.now() - started,
    };
  } finally {
    judge?.stop();
    for (const n of nodes) await n.stop().catch(() => undefined);
    await stopBrokers(nodes);
    await lab.close(o.keep ?? false);
  }

  /** Applies one fault or action; resolves with what undoes it at the end of the round. */
  async function inject(kind: FaultKind): Promise<() => Promise<void>> {
    const none = async () => undefined;
    const ctl = (...a: string[]) => lab.ctl(...a).catch((e: Error) => log(`  (${a.join(' ')}: ${e.message})`));
    const sys = () => pick(rng, NODES).system;
    const hmc = () => pick(rng, ['hmc6', 'hmc7']);
    const where = () => [...judge!.latest()].filter(([, st]) => st === 'Running' || st === 'Starting').map(([s]) => s);
    const online = () => nodes.find((n) => n.groupState === 'online');
    log(`  inject ${kind}`);
    switch (kind) {
      case 'hmc-down':
      case 'hmc-hang': {
        const h = hmc();
        await ctl(kind, h);
        return async () => void (await ctl('hmc-up', h));
      }
      case 'hmc-slow': {
        const h = hmc();
        await ctl('hmc-slow', h, String(between(rng, 200, 1500)));
        return async () => void (await ctl('hmc-slow', h, '0'));
      }
      case 'hmc-lose-system': {
        const h = hmc();
        const s = sys();
        await ctl('hmc-lose-system', h, s);
        return async () => void (await ctl('hmc-regain-system', h, s));
      }
      case 'vios-down': {
        const n = pick(rng, NODES);
        const v = pick(rng, n.vios);
        await ctl('vios-down', n.system, v);
        return async () => void (await ctl('vios-up', n.system, v));
      }
      case 'lpar-crash': {
        const s = where()[0];
        if (s) await ctl('lpar-crash', s, LPAR, '--state', rng() < 0.5 ? 'Error' : 'Not Activated');
        return none;
      }
      case 'boot-hang':
        await ctl('boot-hang', sys(), LPAR);
        return none;
      case 'system-disconnect': {
        const s = sys();
        await ctl('system-disconnect', s);
        return async () => void (await ctl('system-reconnect', s));
      }
      case 'forced-onlines': {
        // Split brain, or an administrator forcing it: the group taken offline, then online on both nodes at once.
        const n = online();
        if (n) {
          n.send(`offline ${GROUP}`);
          await waitUntil(() => n.groupState !== 'online' && n.groupState !== 'partial', 60_000).catch(() => undefined);
        }
        for (const x of nodes) if (x.groupState === 'faulted') x.send(`clear ${GROUP}`);
        for (const x of nodes) x.send(`online ${GROUP}`);
        return none;
      }
      case 'broker-killed': {
        const n = pick(rng, nodes);
        for (const pid of brokerPids(n)) {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            // gone already
          }
        }
        return none;
      }
      case 'lpm-outside-vcs': {
        const from = [...judge!.latest()].find(([, st]) => st === 'Running')?.[0];
        if (!from) return none;
        const to = NODES.map((n) => n.system).find((s) => s !== from)!;
        // The seed's step 2: the destination's own definition out of the way (if it is down), then LPM.
        if (judge!.latest().size > 1) {
          const r = await lab.ssh('hmc7', `rmsyscfg -r lpar -m ${to} -n ${LPAR}_adm 2>&1; chsyscfg -r lpar -m ${to} -i "name=${LPAR},new_name=${LPAR}_adm"`);
          if (r.code !== 0) log(`  (rename on ${to}: ${r.stdout.trim()})`);
        }
        await ctl('migrate', from, LPAR, to);
        return none;
      }
      case 'admin-switch': {
        const n = online();
        if (n) {
          n.send(`offline ${GROUP}`);
          const peer = nodes.find((x) => x !== n)!;
          void waitUntil(() => n.groupState === 'offline', 60_000).then(() => peer.send(`online ${GROUP}`), () => undefined);
        }
        return none;
      }
      case 'admin-migrate': {
        const n = online();
        if (n) n.send(`migrate ${GROUP} ${nodes.find((x) => x !== n)!.name}`);
        return none;
      }
      case 'admin-offline-online': {
        const n = online();
        if (n) {
          n.send(`offline ${GROUP}`);
          n.send(`online ${GROUP}`);
        }
        return none;
      }
      case 'quiet':
        return none;
    }
  }

  /** The administrator between rounds: faults cleared; the group brought online when it is online nowhere. */
  async function heal(): Promise<void> {
    for (const n of nodes) if (n.groupState === 'faulted') n.send(`clear ${GROUP}`);
    if (!nodes.some((n) => n.groupState === 'online' || n.groupState === 'partial')) {
      const truth = judge!.latest();
      // Where it still runs (VCS finds it there at the next monitor), else the first node that can.
      const running = NODES.find((n) => ['Running', 'Starting'].includes(truth.get(n.system) ?? ''));
      const n = running ? nodes.find((x) => x.name === running.name) : nodes.find((x) => x.groupState !== 'faulted');
      if (n && !running) n.send(`online ${GROUP}`);
    }
  }
}

function fmtTruth(t: Map<string, string>): string {
  return [...t].map(([s, st]) => `${s}:${st}`).join(' ') || '-';
}

async function waitUntil(cond: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await sleep(200);
  }
}

/** The connection brokers a node started: processes whose command line names its broker directory. */
function brokerPids(n: SoakNode): number[] {
  const dir = join(n.dirs.vcsLog, 'tmp', 'remote');
  const out: number[] = [];
  for (const p of readdirSync('/proc').filter((x) => /^\d+$/.test(x))) {
    try {
      const cmd = readFileSync(`/proc/${p}/cmdline`, 'utf8');
      if (cmd.includes('broker-main') && cmd.includes(dir)) out.push(Number(p));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

async function stopBrokers(nodes: readonly SoakNode[]): Promise<void> {
  for (const n of nodes) {
    for (const pid of brokerPids(n)) {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        // gone
      }
    }
  }
}
