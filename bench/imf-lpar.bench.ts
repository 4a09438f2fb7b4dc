/**
 * IMF for LPARs against traditional monitoring, on the simulated HMC:
 * 200 running LPARs on 4 managed systems behind 2 HMCs (sim/hmc over SSH,
 * each managed system reached through its HMC pair in either order).
 *
 * 1. HMC load. Traditional: one monitor cycle, i.e. the 200 `vcsagent LPAR
 *    monitor` processes VCS starts every MonitorInterval (10 at a time, the
 *    default NumThreads). IMF: the LPAR notification source polling every
 *    second. Figures from `hmcsim ctl stats`: SSH logins, commands, and the
 *    simulator's CPU time. Goal: one command per managed system per poll.
 * 2. Crash detection latency. IMF at a 1 s poll: imf_getnotification
 *    running as VCS runs it (a process, its pipe on fd 3), the 200
 *    resources registered by imf_register processes; partitions crashed
 *    one at a time at random moments; measured from the crash to the
 *    NOTIFY line, and to the confirming monitor's verdict. Traditional
 *    (MonitorInterval 60): the wait for the next monitor is uniform over
 *    the interval (a crash happens at a random moment of the cycle), plus a
 *    monitor's own run time — sampled from the durations measured in (1),
 *    since waiting out real 60 s intervals would only measure the clock.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createHmcPollSource } from '../agents/lpar/imf/hmc-poll-source.js';
import { lparGroup } from '../agents/lpar/imf/target.js';
import { loadConfig } from '../framework/cf/load.js';
import { imfRequest } from '../framework/imf/client.js';
import { parsePipeEvent } from '../framework/imf/protocol.js';
import { socketPath } from '../framework/imf/paths.js';
import { silentSourceLogger } from '../framework/imf/source.js';
import { IMF_PIPE_ENV, ProcessExecutor } from '../framework/runner/executor.js';
import { buildPlan } from '../framework/runner/plan.js';
import type { ResourcePlan } from '../framework/runner/runner.js';
import { launchHmcsim } from '../sim/hmc/launch.js';
import { percentile, writeFigures } from './report.js';

const SYSTEMS = 4;
const PER_SYSTEM = 50;
const HMCS = ['hmc1', 'hmc2'];
const POLL_MS = 1000;
const THREADS = 10;
const CRASHES = Number(process.env.BENCH_CRASHES ?? 40);
const LOAD_WINDOW_MS = 10_000;

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const vcsagent = join(root, 'bin', 'vcsagent');
const hmcsim = join(root, 'bin', 'hmcsim');
const aixBin = join(root, 'sim', 'aix', 'bin');
const work = mkdtempSync(join(tmpdir(), 'imf-lpar-bench-'));

const lpar = (s: number, i: number) => `lp${s}_${String(i).padStart(2, '0')}`;

function sh(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
}

/** CPU seconds a process has used (Linux /proc). */
function cpuOf(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}

const stats = (sorted: number[]) => ({ p50: Math.round(percentile(sorted, 50)), p95: Math.round(percentile(sorted, 95)), max: Math.round(sorted.at(-1) ?? NaN) });

// ---------------------------------------------------------------- the world

const home = join(work, 'home');
mkdirSync(join(home, '.ssh'), { recursive: true, mode: 0o700 });
sh('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(work, 'hostkey')]);
sh('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(home, '.ssh', 'id_ed25519')]);
writeFileSync(join(work, 'authorized_keys'), readFileSync(join(home, '.ssh', 'id_ed25519.pub')));
writeFileSync(
  join(work, 'world.json'),
  JSON.stringify({
    hmcs: HMCS,
    systems: Array.from({ length: SYSTEMS }, (_, s) => ({
      name: `sys${s + 1}`,
      serial: `B${String(s + 1).padStart(6, '0')}`,
      memoryMB: 4 * 1024 * 1024,
      procUnits: 1024,
      partitions: [
        { name: `sys${s + 1}-vios1`, id: 1, env: 'vioserver', state: 'Running' },
        ...Array.from({ length: PER_SYSTEM }, (_, i) => ({ name: lpar(s + 1, i + 1), id: i + 2, state: 'Running' })),
      ],
    })),
  }),
);

const control = join(work, 'ctl.sock');
const { proc: sim, ports, stop: stopSim } = await launchHmcsim(
  hmcsim,
  ['--world', join(work, 'world.json'), '--host-key', join(work, 'hostkey'), '--authorized-keys', join(work, 'authorized_keys'), '--control', control, ...HMCS.flatMap(() => ['--listen', '127.0.0.1:0'])],
  { ports: HMCS.length, inheritStderr: true },
);
const hostPub = readFileSync(join(work, 'hostkey.pub'), 'utf8').trim().split(' ').slice(0, 2).join(' ');
writeFileSync(join(home, '.ssh', 'known_hosts'), ports.map((p) => `[127.0.0.1]:${p} ${hostPub}\n`).join(''));
writeFileSync(
  join(home, '.ssh', 'config'),
  HMCS.map((n, i) => `Host ${n}\n  HostName 127.0.0.1\n  Port ${ports[i]}\n  User hscroot\n  IdentityFile ~/.ssh/id_ed25519\n  StrictHostKeyChecking yes\n`).join('\n'),
);
chmodSync(join(home, '.ssh', 'config'), 0o600);

/** hmcsim's control socket, one connection for the whole run. */
const ctlConn = connect(control);
const ctlReplies: ((r: { ok: boolean; result?: unknown; error?: string }) => void)[] = [];
createInterface({ input: ctlConn }).on('line', (l) => ctlReplies.shift()?.(JSON.parse(l)));
function ctl(command: string, ...args: string[]): Promise<any> {
  return new Promise((res, rej) => {
    ctlReplies.push((r) => (r.ok ? res(r.result) : rej(new Error(`${command}: ${r.error}`))));
    ctlConn.write(`${JSON.stringify({ command, args })}\n`);
  });
}
async function hmcStats(): Promise<{ logins: number; commands: number; lssyscfg: number }> {
  const s = (await ctl('stats')) as Record<string, { logins?: number; commands?: Record<string, number> }>;
  let logins = 0;
  let commands = 0;
  let lssyscfg = 0;
  for (const e of Object.values(s)) {
    logins += e.logins ?? 0;
    for (const [name, n] of Object.entries(e.commands ?? {})) {
      commands += n;
      if (name === 'lssyscfg') lssyscfg += n;
    }
  }
  return { logins, commands, lssyscfg };
}

// ------------------------------------------------------- the configuration

const nodes = Array.from({ length: SYSTEMS }, (_, s) => `node${s + 1}`);
const cf = [
  'include "types.cf"',
  'cluster bench (\n)',
  ...nodes.map((n, s) => `system ${n} (\n    PhysicalServer = sys${s + 1}\n)`),
  ...nodes.map((n, s) => {
    const mc = s < SYSTEMS / 2 ? HMCS : [...HMCS].reverse();
    const resources = Array.from(
      { length: PER_SYSTEM },
      (_, i) => `LPAR ${lpar(s + 1, i + 1)} (\n    LPARName = ${lpar(s + 1, i + 1)}\n    MCUser = { hscroot, hscroot }\n    MCName = { ${mc.join(', ')} }\n)`,
    );
    return `group G${s + 1} (\n    SystemList = { ${n} = 0 }\n)\n\n${resources.join('\n\n')}`;
  }),
].join('\n\n');
const vcsLog = join(work, 'vcslog');
mkdirSync(join(vcsLog, 'log'), { recursive: true });
/** One VCS_CONF per cluster system: its sysname and the main.cf hasys reads. */
const confOf = (node: string) => join(work, 'conf', node);
for (const n of nodes) {
  mkdirSync(join(confOf(n), 'conf', 'config'), { recursive: true });
  writeFileSync(join(confOf(n), 'conf', 'sysname'), `${n}\n`);
  writeFileSync(join(confOf(n), 'conf', 'config', 'main.cf'), `${cf}\n`);
}
const { config, errors } = loadConfig(join(confOf('node1'), 'conf', 'config', 'main.cf'));
if (errors.length) throw new Error(errors.map((e) => e.message).join('\n'));
const resources: { node: string; plan: ResourcePlan }[] = nodes.flatMap((n) => buildPlan(config, n).groups.flatMap((g) => g.resources.map((plan) => ({ node: n, plan }))));

const envOf = (node: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
  PATH: `${aixBin}:${process.env.PATH}`,
  HOME: home,
  VCS_REMOTE_HOME: home,
  USER: 'root',
  AIXSIM_ROOT: join(work, 'aix'),
  VCS_LOG: vcsLog,
  VCS_CONF: confOf(node),
  VCS_HOME: join(work, 'vcshome'),
  VCS_IMF_DIR: join(work, 'imf'),
  VCS_IMF_POLL_INTERVAL: String(POLL_MS / 1000),
  // Each process its own SSH connection, as before the connection broker: IMF against
  // traditional monitoring as such (what the broker saves is measured by lpar-monitor).
  VCS_REMOTE_PERSIST: 'no',
  ...extra,
});

/** Runs `vcsagent LPAR EP RES ...` as VCS would, the ArgList flattened from the configuration. */
function runEp(node: string, ep: string, res: ResourcePlan, leading: string[] = []): Promise<{ code: number | null; ms: number; out: string }> {
  const started = performance.now();
  return new Promise((ok) => {
    // fd 3 is the IMF pipe, as the runner exposes it (imf_register writes the resource ID there).
    const p = spawn(process.execPath, [vcsagent, 'LPAR', ep, res.name, ...leading, ...res.argList({})], { env: envOf(node, { [IMF_PIPE_ENV]: '3' }), stdio: ['ignore', 'ignore', 'pipe', 'pipe'] });
    let out = '';
    (p.stdio[3] as NodeJS.ReadableStream | null)?.on('data', (d: Buffer) => (out += d));
    p.on('close', (code) => ok({ code, ms: performance.now() - started, out }));
  });
}

async function pool<T>(items: T[], n: number, fn: (t: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < items.length) await fn(items[next++]!);
  }));
}

const figures: Record<string, unknown> = {};
let daemon: ReturnType<ProcessExecutor['start']> | undefined;
const daemonStop = new AbortController();
try {
  // open once per system: it caches PhysicalServer, as it does under VCS before any monitor.
  for (const n of nodes) {
    const r = await runEp(n, 'open', resources.find((x) => x.node === n)!.plan);
    if (r.code !== 0) throw new Error(`open on ${n} exited ${r.code}`);
  }

  // -------------------------------------------- 1a. traditional: one cycle
  await ctl('stats', '--reset');
  const simCpu0 = cpuOf(sim.pid!);
  const monitorMs: number[] = [];
  const cycleStart = performance.now();
  await pool(resources, THREADS, async ({ node, plan }) => {
    const r = await runEp(node, 'monitor', plan);
    if (r.code !== 110) throw new Error(`monitor ${plan.name} exited ${r.code}`);
    monitorMs.push(r.ms);
  });
  const cycleMs = performance.now() - cycleStart;
  const trad = await hmcStats();
  const tradCpu = cpuOf(sim.pid!) - simCpu0;
  monitorMs.sort((a, b) => a - b);

  // ------------------------------------------ 1b. IMF: the polling source
  let polls = 0;
  let pollMsSum = 0;
  let measuring = false;
  const inner = createHmcPollSource({
    intervalMs: POLL_MS,
    log: silentSourceLogger,
    env: { HOME: home, VCS_REMOTE_HOME: home, USER: 'root', VCS_REMOTE_PERSIST: 'no' },
    onPoll: (st) => {
      if (!measuring) return;
      polls++;
      pollMsSum += st.ms;
    },
  });
  await ctl('stats', '--reset');
  inner.start(() => undefined);
  // What imf_register registers for each resource (agents/lpar/imf/target.ts), without 200 processes here.
  for (const { node, plan } of resources) {
    const s = Number(node.slice(4)) - 1;
    const w = { names: s < SYSTEMS / 2 ? [...HMCS] : [...HMCS].reverse(), users: ['hscroot', 'hscroot'], system: `sys${s + 1}`, vios: [] as string[] };
    inner.add({ id: plan.name, resource: plan.name, state: 'online', target: { group: lparGroup(w), key: plan.name, data: w }, since: 0 });
  }
  await new Promise((r) => setTimeout(r, 2 * POLL_MS)); // connections made, first polls done
  const setupLogins = (await hmcStats()).logins;
  await ctl('stats', '--reset');
  const imfCpu0 = cpuOf(sim.pid!);
  measuring = true;
  await new Promise((r) => setTimeout(r, LOAD_WINDOW_MS));
  measuring = false;
  const imf = await hmcStats();
  const imfCpu = cpuOf(sim.pid!) - imfCpu0;
  await inner.close();

  // ------------------------------------ 2. crash detection: IMF, for real
  const executor = new ProcessExecutor({ vcsagent: [process.execPath, vcsagent], vcsagentEntryPoints: () => new Set(['imf_getnotification', 'imf_register', 'monitor']), env: envOf('node1') });
  const notified = new Map<string, number>();
  let ready!: () => void;
  const isReady = new Promise<void>((r) => (ready = r));
  daemon = executor.start({
    type: 'LPAR',
    entryPoint: 'imf_getnotification',
    subject: 'LPAR',
    args: [],
    signal: daemonStop.signal,
    onPipeLine: (line) => {
      const e = parsePipeEvent(line);
      if (e?.event === 'READY') ready();
      if (e?.event === 'NOTIFY' && !notified.has(e.resource)) notified.set(e.resource, performance.now());
    },
  });
  await isReady;
  const regStart = performance.now();
  await pool(resources, THREADS, async ({ node, plan }) => {
    const r = await runEp(node, 'imf_register', plan, ['VCSAgIMFMonitorStart', 'VCSAgIMFResOnline']);
    if (r.code !== 0 || !/^\d+$/.test(r.out.trim())) throw new Error(`imf_register ${plan.name} exited ${r.code} (${r.out})`);
  });
  const registerMs = performance.now() - regStart;
  const list = await imfRequest(socketPath(join(work, 'imf'), 'LPAR'), 'LPAR', { op: 'list' });
  const registered = list.ok ? (list.registrations?.length ?? 0) : 0;

  const notifyLatency: number[] = [];
  const confirmLatency: number[] = [];
  const victims = [...resources].sort(() => Math.random() - 0.5).slice(0, CRASHES);
  for (const { node, plan } of victims) {
    await new Promise((r) => setTimeout(r, Math.random() * POLL_MS)); // a random moment of the poll cycle
    const sysName = `sys${Number(node.slice(4))}`;
    const t0 = performance.now();
    await ctl('lpar-crash', sysName, plan.name);
    while (!notified.has(plan.name)) {
      if (performance.now() - t0 > 30_000) throw new Error(`no notification for ${plan.name}`);
      await new Promise((r) => setTimeout(r, 5));
    }
    notifyLatency.push(notified.get(plan.name)! - t0);
    // What VCS does on a notification: a traditional monitor confirms it.
    const m = await runEp(node, 'monitor', plan);
    if (m.code !== 100) throw new Error(`confirming monitor of ${plan.name} exited ${m.code}`);
    confirmLatency.push(performance.now() - t0);
  }
  notifyLatency.sort((a, b) => a - b);
  confirmLatency.sort((a, b) => a - b);

  // ------------------------- 2b. traditional detection (MonitorInterval 60)
  const traditional: number[] = [];
  for (let i = 0; i < 10_000; i++) traditional.push(Math.random() * 60_000 + monitorMs[Math.floor(Math.random() * monitorMs.length)]!);
  traditional.sort((a, b) => a - b);

  const managedSystems = SYSTEMS;
  Object.assign(figures, {
    lpars: resources.length,
    managedSystems,
    hmcs: HMCS.length,
    pollMs: POLL_MS,
    traditional: {
      perCycle: { logins: trad.logins, commands: trad.commands, lssyscfg: trad.lssyscfg, monitors: resources.length, cycleMs: Math.round(cycleMs), hmcCpuMs: Math.round(tradCpu * 1000) },
      monitorMs: stats(monitorMs),
    },
    imf: {
      polls,
      perPoll: { logins: +(imf.logins / polls).toFixed(2), commands: +(imf.commands / polls).toFixed(2), lssyscfg: +(imf.lssyscfg / polls).toFixed(2), pollMs: Math.round(pollMsSum / polls), hmcCpuMs: +((imfCpu * 1000) / polls).toFixed(1) },
      loginsInWindow: imf.logins,
      /** SSH logins to start polling: one per HMC serving a group, for the life of imf_getnotification. */
      setupLogins,
      registrations: registered,
      registerAllMs: Math.round(registerMs),
    },
    detection: {
      imfNotifyMs: stats(notifyLatency),
      imfConfirmedMs: stats(confirmLatency),
      traditionalMs: stats(traditional),
      crashes: notifyLatency.length,
    },
    ratios: {
      commandsPerPollVsCycle: +(trad.commands / (imf.commands / polls)).toFixed(1),
      p95DetectionSpeedup: +(percentile(traditional, 95) / percentile(confirmLatency, 95)).toFixed(1),
    },
  });

  const f = figures as any;
  console.log(`${resources.length} LPARs on ${managedSystems} managed systems behind ${HMCS.length} HMCs (simulated, SSH)`);
  console.log('HMC load');
  console.log(`  traditional, one MonitorInterval cycle: ${f.traditional.perCycle.logins} logins, ${f.traditional.perCycle.commands} commands (${trad.lssyscfg} lssyscfg), ${f.traditional.perCycle.hmcCpuMs} ms HMC CPU; cycle took ${f.traditional.perCycle.cycleMs} ms with ${THREADS} at a time; monitor p50 ${f.traditional.monitorMs.p50} ms`);
  console.log(`  IMF, per ${POLL_MS} ms poll (${polls} polls measured): ${f.imf.perPoll.logins} logins, ${f.imf.perPoll.commands} commands (goal: ${managedSystems}, one per managed system), ${f.imf.perPoll.hmcCpuMs} ms HMC CPU, poll ${f.imf.perPoll.pollMs} ms`);
  console.log(`  IMF logins to start polling: ${setupLogins} (one per HMC in use, kept for the life of imf_getnotification)`);
  console.log(`  ratio: ${f.ratios.commandsPerPollVsCycle}x fewer commands per poll than per traditional cycle; logins per poll 0 against ${trad.logins}`);
  console.log('Crash detection latency');
  console.log(`  IMF at a ${POLL_MS / 1000} s poll (${notifyLatency.length} crashes): notification p50 ${f.detection.imfNotifyMs.p50} ms, p95 ${f.detection.imfNotifyMs.p95} ms; confirmed by monitor p50 ${f.detection.imfConfirmedMs.p50} ms, p95 ${f.detection.imfConfirmedMs.p95} ms (goal p95 <= 2000 ms)`);
  console.log(`  traditional, MonitorInterval 60 (uniform wait + measured monitor time): p50 ${f.detection.traditionalMs.p50} ms, p95 ${f.detection.traditionalMs.p95} ms`);
  console.log(`  p95 ratio: ${f.ratios.p95DetectionSpeedup}x`);
  console.log(`  registering ${registered} resources with imf_register processes took ${f.imf.registerAllMs} ms`);
  writeFigures(figures);
} finally {
  daemonStop.abort();
  if (daemon) await daemon.exited;
  ctlConn.destroy();
  await stopSim();
  rmSync(work, { recursive: true, force: true });
}
