/**
 * The LPAR agent's HMC connections through the connection broker, all real:
 * hmcsim over SSH, `vcsagent` processes for every entry point, the broker a
 * detached process under $VCS_LOG/tmp/remote, IMF's imf_getnotification
 * under the runner. What the HMC sees (hmcsim ctl stats) is the measure:
 * logins and open sessions. Needs dist/ (npm test builds).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../framework/cf/load.js';
import { brokerPing, filesOfSocket } from '../../../framework/remote/index.js';
import { realClock } from '../../../framework/clock.js';
import { ProcessExecutor } from '../../../framework/runner/executor.js';
import { buildPlan } from '../../../framework/runner/plan.js';
import { Runner } from '../../../framework/runner/runner.js';
import { requireBuild } from '../../bin/helpers.js';
import { brokerPids, waitFor } from '../../framework/remote/helpers/brokers.js';
import { allowMs, realMs, shortestTimeoutS, speedFor } from '../../support/timing.js';
import { Bench, ROOT, SEED_MAINCF, VCSAGENT, seedArgList } from './helpers/harness.js';

const SYSTEM = 'aixnode55mp1';
const RES = 'aixnode5556mp2';
const ARGLIST = seedArgList(['aixnode55vio1', 'aixnode55vio2']);

beforeAll(() => requireBuild());

interface Stats {
  logins: number;
  open: number;
  lssyscfg: number;
  byName: Record<string, { logins: number; openSessions: number }>;
}

async function stats(bench: Bench): Promise<Stats> {
  const raw = await bench.ctl('stats');
  const out: Stats = { logins: 0, open: 0, lssyscfg: 0, byName: {} };
  for (const s of Object.values<any>(raw)) {
    out.logins += s.logins ?? 0;
    out.open += s.openSessions ?? 0;
    out.lssyscfg += s.commands?.lssyscfg ?? 0;
    out.byName[s.name] = { logins: s.logins ?? 0, openSessions: s.openSessions ?? 0 };
  }
  return out;
}

/** The one broker socket the agent's entry points use, once a broker serves it. */
async function servingBroker(bench: Bench): Promise<{ socket: string; pid: number }> {
  let found: { socket: string; pid: number } | undefined;
  await waitFor(
    async () => {
      if (!existsSync(bench.brokerDir)) return false;
      for (const f of readdirSync(bench.brokerDir).filter((n) => n.endsWith('.sock'))) {
        const socket = join(bench.brokerDir, f);
        const p = await brokerPing(filesOfSocket(socket));
        if (p) found = { socket, pid: p.pid };
      }
      return found !== undefined;
    },
    15_000,
    'a connection broker',
  );
  return found!;
}

function brokerLog(socket: string): string {
  try {
    return readFileSync(filesOfSocket(socket).log, 'utf8');
  } catch {
    return '';
  }
}

describe('LPAR monitors through the connection broker', () => {
  let bench: Bench;
  beforeAll(async () => {
    bench = await new Bench().start();
    expect((await bench.agent('online', SYSTEM)).code).toBe(0);
  });
  afterAll(() => bench?.stop());

  it('monitor processes share one HMC login: none per monitor once the broker is warm', async () => {
    await bench.stopBrokers();
    await bench.ctl('stats', '--reset');
    // The first monitor finds no broker: it logs in itself and starts one.
    expect((await bench.agent('monitor', SYSTEM)).code).toBe(110);
    const { socket, pid } = await servingBroker(bench);
    // Its own login: the log file also holds the lines of the brokers before it, so the HMCs say when it is connected.
    await waitFor(async () => (await stats(bench)).open === 1, 15_000, 'the broker to log in');
    expect(brokerLog(socket)).toContain('connected ahead of the first command');
    const before = await stats(bench);
    expect(before.logins).toBe(2); // the first monitor's own, and the broker's
    await bench.ctl('stats', '--reset');
    const runs = [];
    for (let round = 0; round < 3; round++) {
      runs.push(...(await Promise.all(Array.from({ length: 4 }, () => bench.agent('monitor', SYSTEM)))));
    }
    expect(runs.map((r) => r.code)).toEqual(Array(12).fill(110));
    // The other system's monitor (its PhysicalServer is sys2) goes through the same broker.
    expect((await bench.agent('monitor', 'aixnode56mp1')).code).not.toBe(99);
    const after = await stats(bench);
    expect(after.logins).toBe(0);
    expect(after.lssyscfg).toBeGreaterThanOrEqual(13);
    // One SSH session open on the HMCs: the broker's.
    expect(after.open).toBe(1);
    expect(brokerPids(bench.brokerDir)).toEqual([pid]);
  });

  it('the VCS calling convention goes through it too', async () => {
    const { pid } = await servingBroker(bench);
    await bench.ctl('stats', '--reset');
    expect((await bench.vcs('open', SYSTEM, [], ARGLIST)).code).toBe(0);
    expect((await bench.vcs('monitor', SYSTEM, [], ARGLIST)).code).toBe(110);
    expect((await stats(bench)).logins).toBe(0);
    expect((await servingBroker(bench)).pid).toBe(pid);
  });

  it('with a warm broker, a monitor process loads no ssh2, ajv or pino', async () => {
    await servingBroker(bench);
    const trace = join(ROOT, 'test', 'agents', 'lpar', 'fixtures', 'trace-loads.mjs');
    const r = await bench.run(process.execPath, ['--import', trace, VCSAGENT, '--system', SYSTEM, 'LPAR', 'monitor', RES, ...ARGLIST]);
    expect(r.code).toBe(110);
    const loaded = r.stderr.split('\n').filter((l) => l.startsWith('LOAD '));
    expect(loaded.some((l) => l.includes('/dist/vcsagent/cli.js'))).toBe(true); // the trace works
    expect(loaded.filter((l) => /\/node_modules\/(ssh2|ajv|pino|cpu-features|asn1)\//.test(l))).toEqual([]);
    // And without the broker it does load ssh2 (what the broker saves).
    const direct = await bench.run(process.execPath, ['--import', trace, VCSAGENT, '--system', SYSTEM, 'LPAR', 'monitor', RES, ...ARGLIST], { VCS_REMOTE_PERSIST: 'no' });
    expect(direct.code).toBe(110);
    expect(direct.stderr).toMatch(/LOAD .*\/node_modules\/ssh2\//);
  });

  it('an HMC goes down: the broker passes to the next one and the agent log says so', async () => {
    const { pid } = await servingBroker(bench);
    await bench.ctl('hmc-down', 'hmc6');
    try {
      await bench.ctl('stats', '--reset');
      expect((await bench.agent('monitor', SYSTEM)).code).toBe(110);
      expect((await bench.agent('monitor', SYSTEM)).code).toBe(110);
      const s = await stats(bench);
      expect(s.byName.hmc7!.logins).toBe(1); // the broker's, shared by both monitors
      const log = bench.log();
      expect(log).toMatch(new RegExp(`WARNING .*monitor:ssh: endpoint unavailable; trying the next one \\(endpoint=hscroot@hmc6.*broker=${pid}`));
      expect(log).toMatch(/INFO .*monitor:HMC hmc7 serves this request \(hmc=hmc7 .*position=2\)/);
    } finally {
      await bench.ctl('hmc-up', 'hmc6');
    }
  });

  it('shutdown (the agent stops) ends the broker', async () => {
    expect((await bench.agent('monitor', SYSTEM)).code).toBe(110);
    const { pid } = await servingBroker(bench);
    const r = await bench.run(process.execPath, [VCSAGENT, '--system', SYSTEM, 'LPAR', 'shutdown']);
    expect(r.code).toBe(0);
    expect(bench.log()).toMatch(new RegExp(`the HMC connection broker \\(pid ${pid}\\) exits with the agent`));
    await waitFor(() => brokerPids(bench.brokerDir).length === 0, 10_000, 'the broker to exit');
    expect((await stats(bench)).open).toBe(0);
  });

  it('VCS_REMOTE_PERSIST=no: each monitor logs in itself, no broker', async () => {
    await bench.stopBrokers();
    await bench.ctl('stats', '--reset');
    for (let i = 0; i < 3; i++) expect((await bench.agent('monitor', SYSTEM, [], { env: { VCS_REMOTE_PERSIST: 'no' } })).code).toBe(110);
    expect((await stats(bench)).logins).toBe(3);
    expect(brokerPids(bench.brokerDir)).toEqual([]);
  });
});

describe('IMF and monitors: one SSH connection per HMC for the whole agent', { timeout: 300_000 }, () => {
  let bench: Bench | undefined;
  let runner: Runner | undefined;
  let executor: ProcessExecutor | undefined;
  afterEach(async () => {
    await runner?.stop();
    executor?.killAll();
    await bench?.stop();
  });

  it('imf_getnotification polls through the broker the monitors use', async () => {
    // The bench's OfflineTimeout (20 s) and CleanTimeout (30 s) raised to 60 s, so that the runner
    // may run up to 10× faster and still leave every entry point a safe real-time budget.
    const mainCf = SEED_MAINCF.replace('    RestartLimit = 1\n', '    RestartLimit = 1\n    IMF = { Mode = 3, MonitorFreq = 2, RegisterRetryLimit = 2 }\n    MonitorInterval = 10\n    OfflineMonitorInterval = 10\n')
      .replace('    OfflineTimeout = 20\n', '    OfflineTimeout = 60\n')
      .replace('    CleanTimeout = 30\n', '    CleanTimeout = 60\n');
    bench = await new Bench({ mainCf, speed: 10 }).start();
    writeFileSync(join(bench.vcsConf, 'conf', 'sysname'), `${SYSTEM}\n`);
    const env = bench.env({ VCS_IMF_POLL_INTERVAL: '0.3', VCS_IMF_DIR: join(bench.dir, 'imf') });
    const inst = spawnSync(process.execPath, [VCSAGENT, 'install', '--vcs-home', env.VCS_HOME!, 'LPAR'], { env, encoding: 'utf8' });
    expect(inst.status, inst.stderr).toBe(0);
    const { config, errors } = loadConfig(bench.mainCfPath);
    expect(errors).toEqual([]);
    executor = new ProcessExecutor({ vcsHome: env.VCS_HOME!, env, killGraceMs: 1000 });
    const speed = speedFor({ shortestTimeoutS: shortestTimeoutS(bench.mainCfPath, SYSTEM), max: 10 });
    runner = new Runner(buildPlan(config, SYSTEM), { executor, clock: realClock({ speed }), imf: { restartDelayMs: 20_000 } });
    await runner.start();
    expect(await runner.online(GROUP_OF(config))).toBe('online');
    await waitFor(() => runner!.resource(RES)!.imfStatus.status === 'registered', realMs(400, speed), 'the IMF registration');
    await servingBroker(bench);
    await bench.ctl('stats', '--reset');
    // Polls every 0.3 s (real time, more when a poll is slow) and a traditional monitor every
    // other MonitorInterval: more than 8 commands (3 s on a quiet machine), none with a login of its own.
    await waitFor(async () => (await stats(bench!)).lssyscfg > 8, allowMs(20_000), 'more than 8 polls');
    const s = await stats(bench);
    expect(s.lssyscfg).toBeGreaterThan(8);
    expect(s.logins).toBe(0);
    expect(s.open).toBe(1);
    expect(brokerPids(bench.brokerDir)).toHaveLength(1);
  });
});

function GROUP_OF(config: NonNullable<ReturnType<typeof loadConfig>['config']>): string {
  const g = config.groups.find((x) => x.resources.some((r) => r.name === RES));
  if (!g) throw new Error(`no group holds ${RES}`);
  return g.name;
}
