/**
 * The LPAR monitor as VCS pays for it, against hmcsim over real SSH:
 *
 * 1. one LPAR, whole process: `vcsagent LPAR monitor RES ArgList...` (the VCS
 *    calling convention, PhysicalServer cached by open) against OpenSSH's
 *    `ssh hmc6 lssyscfg -r lpar -m sys1 -F name,state` run the same way, in
 *    the same run, interleaved (goal ≤ 1.5×): with a warm connection broker
 *    (the default), without one (VCS_REMOTE_PERSIST=no: its own SSH login),
 *    the --config form; and for reading the ratio, `node -e 0` (no Node
 *    process can start faster) and OpenSSH through a warm ControlMaster;
 * 2. HMC work per monitor cycle for 100 LPARs on 2 managed systems: every
 *    resource monitored once, 10 at a time (VCS's NumThreads default), then
 *    `hmcsim ctl stats` gives logins and commands: without a broker, and with
 *    one (the first cycle, which starts it, and the next one).
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brokerPing, filesOfSocket } from '../framework/remote/index.js';
import { launchHmcsim } from '../sim/hmc/launch.js';
import { percentile, writeFigures } from './report.js';
import { isProcessAlive as alive } from '../framework/process.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const vcsagent = join(root, 'bin', 'vcsagent');
const hmcsim = join(root, 'bin', 'hmcsim');
const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const WARMUP = 3;

interface Sim {
  dir: string;
  env: NodeJS.ProcessEnv;
  mainCf: string;
  ports: number[];
  control: string;
  stop(): Promise<void>;
}

function keygen(file: string): void {
  const r = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', file], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ssh-keygen: ${r.stderr}`);
}

/** hmcsim with two HMC endpoints, and a HOME whose ~/.ssh names them hmc6 and hmc7. */
async function startSim(mainCfText: string): Promise<Sim> {
  const dir = mkdtempSync(join(tmpdir(), 'lpar-bench-'));
  const home = join(dir, 'home');
  mkdirSync(join(home, '.ssh'), { recursive: true, mode: 0o700 });
  mkdirSync(join(dir, 'log', 'log'), { recursive: true });
  mkdirSync(join(dir, 'conf', 'conf', 'config'), { recursive: true });
  const mainCf = join(dir, 'conf', 'conf', 'config', 'main.cf');
  writeFileSync(mainCf, mainCfText);
  keygen(join(dir, 'hostkey'));
  keygen(join(home, '.ssh', 'id_ed25519'));
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(home, '.ssh', 'id_ed25519.pub')));
  const control = join(dir, 'ctl.sock');
  const proc = await launchHmcsim(
    hmcsim,
    ['--from-maincf', mainCf, '--host-key', join(dir, 'hostkey'), '--authorized-keys', join(dir, 'authorized_keys'), '--control', control, '--speed', '20', '--listen', '127.0.0.1:0', '--listen', '127.0.0.1:0'],
    { ports: 2, inheritStderr: true },
  );
  const { ports } = proc;
  const pub = readFileSync(join(dir, 'hostkey.pub'), 'utf8').trim().split(' ').slice(0, 2).join(' ');
  writeFileSync(join(home, '.ssh', 'known_hosts'), ports.map((p) => `[127.0.0.1]:${p} ${pub}\n`).join(''));
  const cfg = ['hmc6', 'hmc7'].map((n, i) => `Host ${n}\n  HostName 127.0.0.1\n  Port ${ports[i]}\n  User hscroot\n  IdentityFile ${join(home, '.ssh', 'id_ed25519')}\n  UserKnownHostsFile ${join(home, '.ssh', 'known_hosts')}\n  IdentitiesOnly yes\n  StrictHostKeyChecking yes\n`).join('\n');
  writeFileSync(join(home, '.ssh', 'config'), cfg);
  chmodSync(join(home, '.ssh', 'config'), 0o600);
  const env: NodeJS.ProcessEnv = { PATH: `${join(root, 'sim', 'aix', 'bin')}:${process.env.PATH}`, HOME: home, VCS_REMOTE_HOME: home, USER: 'root', AIXSIM_ROOT: join(dir, 'aix'), VCS_LOG: join(dir, 'log'), VCS_CONF: join(dir, 'conf'), VCS_HOME: join(dir, 'vcs') };
  const sim: Sim = {
    dir,
    env,
    mainCf,
    ports,
    control,
    async stop() {
      await stopBrokers(sim);
      await proc.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return sim;
}

function ctl(sim: Sim, ...args: string[]): any {
  const r = spawnSync(process.execPath, [hmcsim, 'ctl', '--control', sim.control, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ctl ${args.join(' ')}: ${r.stderr}`);
  try {
    return JSON.parse(r.stdout);
  } catch {
    return r.stdout;
  }
}

/** Ends the connection brokers the monitors started (by pid, as each one says). */
async function stopBrokers(sim: Sim): Promise<void> {
  const dir = join(sim.env.VCS_LOG!, 'tmp', 'remote');
  let socks: string[] = [];
  try {
    socks = readdirSync(dir).filter((f) => f.endsWith('.sock'));
  } catch {
    return;
  }
  for (const s of socks) {
    const p = await brokerPing(filesOfSocket(join(dir, s)));
    if (!p) continue;
    process.kill(p.pid, 'SIGTERM');
    for (let i = 0; i < 60 && alive(p.pid); i++) await new Promise((r) => setTimeout(r, 50));
    if (alive(p.pid)) process.kill(p.pid, 'SIGKILL');
  }
}

async function waitForBroker(sim: Sim): Promise<void> {
  const dir = join(sim.env.VCS_LOG!, 'tmp', 'remote');
  for (let i = 0; i < 200; i++) {
    try {
      for (const s of readdirSync(dir).filter((f) => f.endsWith('.sock'))) {
        if (await brokerPing(filesOfSocket(join(dir, s)))) return;
      }
    } catch {
      // Not created yet.
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('no connection broker started');
}

function lparResource(name: string, vios: [string, string]): string {
  return `LPAR ${name} (
    LPARName = ${name}
    MCUser = { hscroot, hscroot }
    MCName = { hmc6, hmc7 }
    VIOSName @mgmt1 = { ${vios[0]} }
    VIOSName @mgmt2 = { ${vios[1]} }
)
`;
}

function mainCfWith(lpars: number): string {
  let text = 'include "types.cf"\n\ncluster bench ( )\n\nsystem mgmt1 ( PhysicalServer = sys1 )\n\nsystem mgmt2 ( PhysicalServer = sys2 )\n\n';
  for (let i = 0; i < lpars; i++) {
    const name = `lpar${String(i).padStart(3, '0')}`;
    text += `group g_${name} (\n    SystemList = { mgmt1 = ${i % 2}, mgmt2 = ${1 - (i % 2)} }\n    SysDownPolicy = { AutoDisableNoOffline }\n)\n\n${lparResource(name, ['sys1-vios1', 'sys2-vios1'])}\n`;
  }
  return text;
}

function argList(name: string, vios: string): string[] {
  return ['LPARName', '1', name, 'MCUser', '2', 'hscroot', 'hscroot', 'MCName', '2', 'hmc6', 'hmc7', 'VIOSName', '1', vios, 'ProfileFile', '1', '', 'RemoveProfileOnOffline', '1', '0', 'DROpts', '0'];
}

function timed(cmd: string, args: string[], env: NodeJS.ProcessEnv, expect: number): number {
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { env, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== expect) throw new Error(`${cmd} ${args.slice(0, 4).join(' ')} exited ${r.status}, expected ${expect}: ${r.stderr}`);
  return ms;
}

function runAsync(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<number | null> {
  return new Promise((res) => {
    const p = spawn(cmd, args, { env, stdio: 'ignore' });
    p.on('close', (code) => res(code));
  });
}

/* ---------- 1. one LPAR, whole process ---------- */

const sim = await startSim(mainCfWith(2));
let single: Record<string, { median: number; p95: number }>;
let ratio: number;
let ratioNoBroker: number;
let ratioConfig: number;
try {
  const online = spawnSync(process.execPath, [vcsagent, 'LPAR', 'online', 'lpar000', '--config', sim.mainCf, '--system', 'mgmt1'], { env: sim.env, encoding: 'utf8' });
  if (online.status !== 0) throw new Error(`online: ${online.stderr}`);
  const open = spawnSync(process.execPath, [vcsagent, '--system', 'mgmt1', 'LPAR', 'open', 'lpar000', ...argList('lpar000', 'sys1-vios1')], { env: sim.env });
  if (open.status !== 0) throw new Error('open failed');
  const sshArgs = ['-F', join(sim.env.HOME!, '.ssh', 'config'), '-o', 'BatchMode=yes', 'hmc6', 'lssyscfg -r lpar -m sys1 -F name,state'];
  // OpenSSH's own connection sharing, for comparison: a master kept by ControlPersist.
  const control = ['-o', 'ControlMaster=auto', '-o', `ControlPath=${join(sim.dir, 'cm-%C')}`, '-o', 'ControlPersist=60'];
  const monitorArgs = [vcsagent, '--system', 'mgmt1', 'LPAR', 'monitor', 'lpar000', ...argList('lpar000', 'sys1-vios1')];
  const direct = { ...sim.env, VCS_REMOTE_PERSIST: 'no' };
  const cases = [
    { name: 'ssh hmc6 lssyscfg (OpenSSH)', cmd: 'ssh', args: sshArgs, expect: 0, env: sim.env },
    // The floor any Node entry point stands on, for reading the ratio.
    { name: 'node -e 0', cmd: process.execPath, args: ['-e', '0'], expect: 0, env: sim.env },
    { name: 'ssh hmc6 lssyscfg (OpenSSH ControlMaster)', cmd: 'ssh', args: [...control, ...sshArgs], expect: 0, env: sim.env },
    { name: 'vcsagent LPAR monitor (VCS form), warm broker', cmd: process.execPath, args: monitorArgs, expect: 110, env: sim.env },
    { name: 'vcsagent LPAR monitor (VCS form), no broker', cmd: process.execPath, args: monitorArgs, expect: 110, env: direct },
    { name: 'vcsagent LPAR monitor --config, warm broker', cmd: process.execPath, args: [vcsagent, 'LPAR', 'monitor', 'lpar000', '--config', sim.mainCf, '--system', 'mgmt1'], expect: 110, env: sim.env },
  ];
  // The first monitor starts the broker; the warm-up runs let it connect.
  timed(process.execPath, monitorArgs, sim.env, 110);
  await waitForBroker(sim);
  const times = new Map<string, number[]>(cases.map((c) => [c.name, []]));
  for (let i = 0; i < WARMUP + RUNS; i++) {
    for (const c of cases) {
      const ms = timed(c.cmd, c.args, c.env, c.expect);
      if (i >= WARMUP) times.get(c.name)!.push(ms);
    }
  }
  spawnSync('ssh', [...control, '-O', 'exit', ...sshArgs.slice(0, -1)], { env: sim.env, stdio: 'ignore' });
  single = Object.fromEntries(
    cases.map((c) => {
      const s = [...times.get(c.name)!].sort((a, b) => a - b);
      return [c.name, { median: percentile(s, 50), p95: percentile(s, 95) }];
    }),
  );
  const base = single['ssh hmc6 lssyscfg (OpenSSH)']!.median;
  ratio = single['vcsagent LPAR monitor (VCS form), warm broker']!.median / base;
  ratioNoBroker = single['vcsagent LPAR monitor (VCS form), no broker']!.median / base;
  ratioConfig = single['vcsagent LPAR monitor --config, warm broker']!.median / base;
  console.log(`one LPAR: ${RUNS} runs each, interleaved; milliseconds`);
  for (const c of cases) {
    const s = single[c.name]!;
    console.log(`${c.name.padEnd(48)} median ${s.median.toFixed(1).padStart(6)}  p95 ${s.p95.toFixed(1).padStart(6)}  ${(s.median / base).toFixed(2)}×`);
  }
  console.log(`goal: monitor ≤ 1.5× OpenSSH lssyscfg — ${ratio <= 1.5 ? 'met' : 'NOT met'} (${ratio.toFixed(2)}× with a warm broker, ${ratioNoBroker.toFixed(2)}× without; node -e 0 alone is ${(single['node -e 0']!.median / base).toFixed(2)}×)`);
} finally {
  await sim.stop();
}

/* ---------- 2. 100 LPARs on 2 managed systems: HMC work per monitor cycle ---------- */

const N = 100;
const big = await startSim(mainCfWith(N));
interface Cycle {
  logins: number;
  commands: Record<string, number>;
  perMonitor: { logins: number; commands: number };
  seconds: number;
}
const cycles: Record<string, Cycle> = {};
try {
  // Half of them online (each on the system of its priority-0 system), half offline.
  const names = Array.from({ length: N }, (_, i) => `lpar${String(i).padStart(3, '0')}`);
  const systemOf = (i: number) => (i % 2 === 0 ? 'mgmt1' : 'mgmt2');
  for (let i = 0; i < N; i += 2) {
    const r = spawnSync(process.execPath, [vcsagent, 'LPAR', 'online', names[i]!, '--config', big.mainCf, '--system', systemOf(i)], { env: big.env });
    if (r.status !== 0) throw new Error(`online ${names[i]} failed`);
  }
  for (const s of ['mgmt1', 'mgmt2']) spawnSync(process.execPath, [vcsagent, '--system', s, 'LPAR', 'open', names[0]!, ...argList(names[0]!, 'x')], { env: big.env });

  /** Every resource monitored once, 10 at a time; what the HMCs saw. */
  const cycle = async (env: NodeJS.ProcessEnv): Promise<Cycle> => {
    ctl(big, 'stats', '--reset');
    const started = Date.now();
    const queue = names.map((n, i) => ({ n, sys: systemOf(i), vios: i % 2 === 0 ? 'sys1-vios1' : 'sys2-vios1' }));
    const codes: Array<number | null> = [];
    const worker = async () => {
      for (let job = queue.shift(); job; job = queue.shift()) {
        codes.push(await runAsync(process.execPath, [vcsagent, '--system', job.sys, 'LPAR', 'monitor', job.n, ...argList(job.n, job.vios)], env));
      }
    };
    await Promise.all(Array.from({ length: 10 }, worker));
    const seconds = (Date.now() - started) / 1000;
    const online = codes.filter((c) => c === 110).length;
    const offline = codes.filter((c) => c === 100).length;
    if (online !== N / 2 || offline !== N / 2) throw new Error(`unexpected monitor results: ${online} online, ${offline} offline, ${codes.length - online - offline} other`);
    const stats = ctl(big, 'stats');
    let logins = 0;
    const commands: Record<string, number> = {};
    for (const s of Object.values<any>(stats)) {
      logins += s.logins ?? 0;
      for (const [c, n] of Object.entries<number>(s.commands ?? {})) commands[c] = (commands[c] ?? 0) + n;
    }
    const total = Object.values(commands).reduce((a, b) => a + b, 0);
    return { logins, commands, perMonitor: { logins: logins / N, commands: total / N }, seconds };
  };

  await stopBrokers(big);
  cycles['no broker'] = await cycle({ ...big.env, VCS_REMOTE_PERSIST: 'no' });
  cycles['broker, first cycle (starts it)'] = await cycle(big.env);
  cycles['broker, next cycle'] = await cycle(big.env);
  console.log(`\n${N} LPARs on 2 managed systems (${N / 2} online, ${N / 2} offline), one monitor cycle, 10 at a time:`);
  for (const [name, c] of Object.entries(cycles)) {
    const total = Object.values(c.commands).reduce((a, b) => a + b, 0);
    console.log(`  ${name.padEnd(32)} HMC logins ${String(c.logins).padStart(3)} (${c.perMonitor.logins.toFixed(2)} per monitor), commands ${total} (${c.perMonitor.commands.toFixed(2)} per monitor): ${JSON.stringify(c.commands)}; ${c.seconds.toFixed(1)} s`);
  }
} finally {
  await big.stop();
}

writeFigures({
  runs: RUNS,
  unit: 'ms',
  single,
  ratio,
  ratioNoBroker,
  ratioConfig,
  goal: 1.5,
  cycle100: cycles['broker, next cycle'],
  cycles100: cycles,
});
