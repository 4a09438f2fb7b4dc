/**
 * The simulated HMC under load: 20 concurrent SSH sessions (one ssh2
 * connection each, an exec channel per command, as agents reuse
 * connections) × 100 commands `lssyscfg -r lpar -m SYS -F name,state`
 * against 10 managed systems × 100 partitions.
 *
 * Reported: commands/s, p50/p99 latency, and in the same run the baseline of
 * a trivial HMC command (`lshmc -V`, constant output) over the same transport,
 * so that the ratio shows what listing 100 partitions costs; the same load
 * through interactive pty shells (as fence_lpar works); and the cost of a
 * fresh login per command (what reusing connections saves).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ssh2 from 'ssh2';
import { launchHmcsim } from '../sim/hmc/launch.js';
import { percentile, writeFigures } from './report.js';

const SYSTEMS = 10;
const PARTITIONS = 100;
const SESSIONS = Number(process.env.BENCH_SESSIONS ?? 20);
const COMMANDS = 100;
const FRESH_LOGINS = 50;

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const hmcsim = join(root, 'bin', 'hmcsim');

function worldDoc(): unknown {
  const states = ['Running', 'Not Activated', 'Running', 'Error', 'Open Firmware'];
  return {
    hmcs: ['hmcbench'],
    systems: Array.from({ length: SYSTEMS }, (_, s) => ({
      name: `sys${s + 1}`,
      serial: `B${String(s + 1).padStart(6, '0')}`,
      memoryMB: 4 * 1024 * 1024,
      procUnits: 1024,
      partitions: Array.from({ length: PARTITIONS }, (_, i) =>
        i < 2
          ? { name: `sys${s + 1}-vios${i + 1}`, id: i + 1, env: 'vioserver', state: 'Running', vios: { disks: [{ name: 'hdisk2', pvid: `00f6${String(s).padStart(4, '0')}0000${String(i).padStart(4, '0')}` }] } }
          : { name: `lpar${s + 1}_${i + 1}`, id: i + 1, state: states[i % states.length] },
      ),
    })),
  };
}

type Client = InstanceType<typeof ssh2.Client>;

/** CPU seconds a process has used (Linux /proc). */
function serverCpu(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}

function login(port: number): Promise<Client> {
  return new Promise((res, rej) => {
    const c = new ssh2.Client();
    c.on('ready', () => {
      // Agents should do the same: without it Nagle holds small SSH packets for a delayed ACK (~40 ms).
      c.setNoDelay(true);
      res(c);
    }).on('error', rej);
    c.connect({ host: '127.0.0.1', port, username: 'hscroot', password: 'abc123', readyTimeout: 30_000 });
  });
}

function exec(c: Client, command: string): Promise<{ out: string; code: number | null }> {
  return new Promise((res, rej) => {
    c.exec(command, (err, stream) => {
      if (err) return rej(err);
      let out = '';
      let code: number | null = null;
      stream.on('data', (d: Buffer) => (out += d)).on('exit', (x: number | null) => (code = x));
      stream.stderr.resume();
      stream.on('close', () => res({ out, code }));
    });
  });
}

/** An interactive pty shell: a command per line, its output ends at the next prompt (how fence_lpar works). */
class PtyShell {
  private buf = '';
  private waiter: (() => void) | null = null;
  private constructor(private readonly stream: ssh2.ClientChannel) {
    stream.on('data', (d: Buffer) => {
      this.buf += d;
      if (this.waiter && this.buf.endsWith(PROMPT)) this.waiter();
    });
  }

  static open(c: Client): Promise<PtyShell> {
    return new Promise((res, rej) =>
      c.shell({ term: 'vt100', cols: 200, rows: 50 }, async (err, stream) => {
        if (err) return rej(err);
        const sh = new PtyShell(stream);
        await sh.untilPrompt();
        res(sh);
      }),
    );
  }

  private untilPrompt(): Promise<string> {
    return new Promise((res) => {
      const done = () => {
        this.waiter = null;
        const out = this.buf;
        this.buf = '';
        res(out);
      };
      if (this.buf.endsWith(PROMPT)) done();
      else this.waiter = done;
    });
  }

  run(command: string): Promise<string> {
    this.stream.write(`${command}\n`);
    return this.untilPrompt();
  }
}

const PROMPT = 'hscroot@hmcbench:~> ';

/** Each session runs its commands one after the other; sessions run concurrently. */
async function load(clients: Client[], command: (session: number, i: number) => string): Promise<{ latencies: number[]; seconds: number }> {
  const latencies: number[] = [];
  const t0 = process.hrtime.bigint();
  await Promise.all(
    clients.map(async (c, s) => {
      for (let i = 0; i < COMMANDS; i++) {
        const t = process.hrtime.bigint();
        const r = await exec(c, command(s, i));
        latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
        if (r.code !== 0) throw new Error(`${command(s, i)} exited ${r.code}: ${r.out}`);
      }
    }),
  );
  return { latencies: latencies.sort((a, b) => a - b), seconds: Number(process.hrtime.bigint() - t0) / 1e9 };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'hmc-bench-'));
  const worldFile = join(dir, 'world.json');
  writeFileSync(worldFile, JSON.stringify(worldDoc()));
  const sim = await launchHmcsim(hmcsim, ['--world', worldFile, '--listen', '127.0.0.1:0', '--control', join(dir, 'ctl.sock')], { ports: 1, inheritStderr: true });
  const { proc, ports: [port] } = sim;
  try {

    const clients = await Promise.all(Array.from({ length: SESSIONS }, () => login(port)));
    // Warm-up: let V8 compile the hot paths of both commands before measuring.
    await Promise.all(
      clients.map(async (c) => {
        for (let i = 0; i < 20; i++) await exec(c, i % 2 ? 'lshmc -V' : 'lssyscfg -r lpar -m sys1 -F name,state');
      }),
    );
    const sample = await exec(clients[0]!, 'lssyscfg -r lpar -m sys1 -F name,state');
    if (sample.out.split('\n').filter(Boolean).length !== PARTITIONS) throw new Error('unexpected lssyscfg output');

    const cpu0 = process.cpuUsage();
    const srv0 = serverCpu(proc.pid!);
    // Each load runs twice, alternating, and the second run counts: the first of a kind pays
    // for warming the client and the server up to that command.
    const lssCommand = (s: number, i: number) => `lssyscfg -r lpar -m sys${((s + i) % SYSTEMS) + 1} -F name,state`;
    await load(clients, () => 'lshmc -V');
    await load(clients, lssCommand);
    const base = await load(clients, () => 'lshmc -V');
    const lss = await load(clients, lssCommand);
    const cpu1 = process.cpuUsage(cpu0);
    const srv1 = serverCpu(proc.pid!);
    console.log(`  cpu: bench client ${((cpu1.user + cpu1.system) / 1e6).toFixed(2)} s, hmcsim ${(srv1 - srv0).toFixed(2)} s`);
    // One session alone: the latency without queueing behind the other 19.
    const alone = await load(clients.slice(0, 1), lssCommand);
    const shells = await Promise.all(clients.map((c) => PtyShell.open(c)));
    const ptyLatencies: number[] = [];
    const tPty = process.hrtime.bigint();
    await Promise.all(
      shells.map(async (sh, s) => {
        for (let i = 0; i < COMMANDS; i++) {
          const t = process.hrtime.bigint();
          const out = await sh.run(`lssyscfg -r lpar -m sys${((s + i) % SYSTEMS) + 1} -F name,state`);
          ptyLatencies.push(Number(process.hrtime.bigint() - t) / 1e6);
          if (out.split('\r\n').length !== PARTITIONS + 2) throw new Error(`unexpected shell output: ${out.slice(0, 200)}`);
        }
      }),
    );
    const ptySeconds = Number(process.hrtime.bigint() - tPty) / 1e9;
    ptyLatencies.sort((a, b) => a - b);
    for (const c of clients) c.end();

    const fresh: number[] = [];
    for (let i = 0; i < FRESH_LOGINS; i++) {
      const t = process.hrtime.bigint();
      const c = await login(port);
      await exec(c, `lssyscfg -r lpar -m sys${(i % SYSTEMS) + 1} -F name,state`);
      c.end();
      fresh.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    fresh.sort((a, b) => a - b);

    const total = SESSIONS * COMMANDS;
    const figures = {
      world: `${SYSTEMS} managed systems x ${PARTITIONS} partitions`,
      sessions: SESSIONS,
      commandsPerSession: COMMANDS,
      lssyscfg: {
        commandsPerSecond: Math.round(total / lss.seconds),
        p50Ms: +percentile(lss.latencies, 50).toFixed(2),
        p99Ms: +percentile(lss.latencies, 99).toFixed(2),
        goalP50Ms: 5,
      },
      baselineLshmc: {
        commandsPerSecond: Math.round(total / base.seconds),
        p50Ms: +percentile(base.latencies, 50).toFixed(2),
        p99Ms: +percentile(base.latencies, 99).toFixed(2),
      },
      lssyscfgOneSession: {
        p50Ms: +percentile(alone.latencies, 50).toFixed(2),
        p99Ms: +percentile(alone.latencies, 99).toFixed(2),
      },
      lssyscfgInteractiveShell: {
        commandsPerSecond: Math.round(total / ptySeconds),
        p50Ms: +percentile(ptyLatencies, 50).toFixed(2),
        p99Ms: +percentile(ptyLatencies, 99).toFixed(2),
      },
      loadAverage: loadavg()[0],
      cpus: cpus().length,
      lssyscfgToBaselineP50: +(percentile(lss.latencies, 50) / percentile(base.latencies, 50)).toFixed(2),
      freshLoginPerCommand: { p50Ms: +percentile(fresh, 50).toFixed(2), p99Ms: +percentile(fresh, 99).toFixed(2) },
    };
    console.log(`hmc-sim: ${figures.world}, ${SESSIONS} sessions x ${COMMANDS} commands`);
    console.log(`  lssyscfg -r lpar -m SYS -F name,state: ${figures.lssyscfg.commandsPerSecond} commands/s, p50 ${figures.lssyscfg.p50Ms} ms, p99 ${figures.lssyscfg.p99Ms} ms (goal p50 <= 5 ms)`);
    console.log(`  baseline lshmc -V (same transport):  ${figures.baselineLshmc.commandsPerSecond} commands/s, p50 ${figures.baselineLshmc.p50Ms} ms, p99 ${figures.baselineLshmc.p99Ms} ms; ratio p50 ${figures.lssyscfgToBaselineP50}`);
    console.log(`  same, one session alone:             p50 ${figures.lssyscfgOneSession.p50Ms} ms, p99 ${figures.lssyscfgOneSession.p99Ms} ms`);
    console.log(`  same, interactive pty shells:        ${figures.lssyscfgInteractiveShell.commandsPerSecond} commands/s, p50 ${figures.lssyscfgInteractiveShell.p50Ms} ms, p99 ${figures.lssyscfgInteractiveShell.p99Ms} ms`);
    console.log(`  load average ${figures.loadAverage.toFixed(2)} on ${figures.cpus} CPUs (client and simulator share them)`);
    console.log(`  a fresh login per command:            p50 ${figures.freshLoginPerCommand.p50Ms} ms, p99 ${figures.freshLoginPerCommand.p99Ms} ms`);
    writeFigures(figures);
  } finally {
    await sim.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
