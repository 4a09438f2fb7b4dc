/**
 * LPAR IMF on the simulator, all real parts: hmcsim over SSH, the LPAR
 * agent installed with `vcsagent install`, the runner starting its entry
 * points as processes (imf_getnotification long-lived, polling the HMC once
 * per managed system per poll). A crash seen through the notification path;
 * imf_getnotification killed mid-run and the fallback; RegisterRetryLimit
 * exhausted. Needs dist/ (npm test builds).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../../framework/cf/load.js';
import { socketPath } from '../../../../framework/imf/paths.js';
import { realClock } from '../../../../framework/clock.js';
import type { RunnerEvent } from '../../../../framework/runner/events.js';
import { ProcessExecutor } from '../../../../framework/runner/executor.js';
import { buildPlan } from '../../../../framework/runner/plan.js';
import { Runner } from '../../../../framework/runner/runner.js';
import { EventRecorder } from '../../../framework/runner/helpers/events.js';
import { requireBuild } from '../../../bin/helpers.js';
import { realMs, shortestTimeoutS, speedFor } from '../../../support/timing.js';
import { Bench, SEED_MAINCF, VCSAGENT } from '../helpers/harness.js';

const GROUP = 'LPAR_aixnode5556mp2';
const RES = 'aixnode5556mp2';
const SYSTEM = 'aixnode55mp1';

interface Live {
  bench: Bench;
  runner: Runner;
  executor: ProcessExecutor;
  env: NodeJS.ProcessEnv;
  events: RunnerEvent[];
  waitFor(pred: (e: RunnerEvent) => boolean, ms?: number): Promise<RunnerEvent>;
  since(mark: number): RunnerEvent[];
}

let live: Live | undefined;
afterEach(async () => {
  if (!live) return;
  await live.runner.stop();
  live.executor.killAll();
  await live.bench.stop();
  live = undefined;
});
beforeAll(() => requireBuild());

/**
 * The runner's speed-up: at most 10×, as long as every entry point keeps a safe real-time budget
 * (test/support/timing.ts). The shortest timeout is 60 s: the bench's OfflineTimeout (20 s) and
 * CleanTimeout (30 s) are raised to it, 6 s of real time each at speed 10 rather than 2 and 3.
 */
const SHORTEST_TIMEOUT_S = 60;
const SPEED = speedFor({ shortestTimeoutS: SHORTEST_TIMEOUT_S, max: 10 });

/** The seed's LPAR resource with IMF on and a short MonitorInterval. */
function mainCf(statics: string): string {
  return SEED_MAINCF.replace('    RestartLimit = 1\n', `    RestartLimit = 1\n${statics}`)
    .replace('    OfflineTimeout = 20\n', `    OfflineTimeout = ${SHORTEST_TIMEOUT_S}\n`)
    .replace('    CleanTimeout = 30\n', `    CleanTimeout = ${SHORTEST_TIMEOUT_S}\n`);
}

async function start(statics: string): Promise<Live> {
  const bench = await new Bench({ mainCf: mainCf(statics), speed: 10 }).start();
  writeFileSync(join(bench.vcsConf, 'conf', 'sysname'), `${SYSTEM}\n`);
  const env = bench.env({ VCS_IMF_POLL_INTERVAL: '0.3', VCS_IMF_DIR: join(bench.dir, 'imf') });
  const inst = spawnSync(process.execPath, [VCSAGENT, 'install', '--vcs-home', env.VCS_HOME!, 'LPAR'], { env, encoding: 'utf8' });
  if (inst.status !== 0) throw new Error(`vcsagent install: ${inst.stderr}`);
  const { config, errors } = loadConfig(bench.mainCfPath);
  if (errors.length) throw new Error(errors.map((e) => e.message).join('\n'));
  const executor = new ProcessExecutor({ vcsHome: env.VCS_HOME!, env, killGraceMs: 1000 });
  expect(shortestTimeoutS(bench.mainCfPath, SYSTEM)).toBe(SHORTEST_TIMEOUT_S);
  const rec = new EventRecorder(realMs(400, SPEED), () => bench.log().split('\n').slice(-15).join('\n'));
  const runner = new Runner(buildPlan(config, SYSTEM), {
    executor,
    clock: realClock({ speed: SPEED }),
    imf: { restartDelayMs: 20_000 },
    onEvent: rec.onEvent,
  });
  const events = rec.events;
  live = {
    bench,
    runner,
    executor,
    env,
    events,
    waitFor: (pred, ms) => rec.waitFor(pred, ms),
    since: (mark) => events.slice(mark),
  };
  return live;
}

const IMF_ON = '    IMF = { Mode = 3, MonitorFreq = 5, RegisterRetryLimit = 2 }\n    MonitorInterval = 10\n    OfflineMonitorInterval = 10\n';

async function registered(l: Live, ms = realMs(400, SPEED)): Promise<void> {
  const end = Date.now() + ms;
  while (l.runner.resource(RES)!.imfStatus.status !== 'registered') {
    if (Date.now() > end) throw new Error('never registered');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('LPAR IMF on the simulated HMC', { timeout: realMs(1200, SPEED) + 30_000 }, () => {
  it('sees a crash through the notification path and restarts the partition', async () => {
    const l = await start(IMF_ON);
    await l.runner.start();
    expect(await l.runner.online(GROUP)).toBe('online');
    await registered(l);
    await l.bench.ctl('stats', '--reset');
    const mark = l.events.length;
    await l.bench.ctl('lpar-crash', 'sys1', RES);
    const note = await l.waitFor((e) => e.kind === 'imf-notification' && l.events.indexOf(e) >= mark);
    expect(note).toMatchObject({ resource: RES, state: 'offline' });
    // Confirmed by a traditional monitor, cleaned with reason 4 (unexpected offline), restarted (RestartLimit 1).
    const clean = await l.waitFor((e) => e.kind === 'clean' && l.events.indexOf(e) >= mark);
    expect(clean).toMatchObject({ reason: 'unexpected-offline', code: 4, ok: true });
    await l.waitFor((e) => e.kind === 'restart' && l.events.indexOf(e) >= mark);
    await l.waitFor((e) => e.kind === 'ep-finished' && e.entryPoint === 'online' && l.events.indexOf(e) > mark, realMs(600, SPEED));
    // The first monitor to find it down ran because of the notification, not at the MonitorFreq interval.
    expect(l.since(mark).find((e) => e.kind === 'monitor' && e.result === 'offline')).toMatchObject({ via: 'imf' });
    expect((await l.bench.states()).sys1![RES]).toMatch(/Running|Starting/);
  });

  it('imf_getnotification killed mid-run: polling meanwhile, then restarted with its registration', async () => {
    const l = await start(IMF_ON);
    await l.runner.start();
    expect(await l.runner.online(GROUP)).toBe('online');
    await registered(l);
    const pid = l.runner.imfService('LPAR')!.pid()!;
    const mark = l.events.length;
    process.kill(pid, 'SIGKILL');
    await l.waitFor((e) => e.kind === 'imf-daemon' && e.action === 'exited' && l.events.indexOf(e) >= mark);
    expect(l.runner.resource(RES)!.imfStatus.status).toBe('none');
    // Traditional monitoring at MonitorInterval while it is gone.
    await l.waitFor((e) => e.kind === 'monitor' && e.via === 'poll' && l.events.indexOf(e) > mark);
    // Back after the restart delay; the stale socket removed; the registration recovered, not redone.
    await l.waitFor((e) => e.kind === 'imf-daemon' && e.action === 'ready' && l.events.indexOf(e) > mark);
    await registered(l);
    expect(l.since(mark).filter((e) => e.kind === 'ep-started' && e.entryPoint === 'imf_register')).toHaveLength(0);
    expect(l.bench.log()).toMatch(/removing the stale socket/);
    // Notifications work again.
    const mark2 = l.events.length;
    await l.bench.ctl('lpar-crash', 'sys1', RES);
    await l.waitFor((e) => e.kind === 'imf-notification' && l.events.indexOf(e) >= mark2);
  });

  it('RegisterRetryLimit exhausted: falls back to polling the partition', async () => {
    // A longer MonitorInterval leaves time to take the socket away before the first registration.
    const l = await start('    IMF = { Mode = 3, MonitorFreq = 5, RegisterRetryLimit = 2 }\n    MonitorInterval = 30\n    OfflineMonitorInterval = 30\n');
    await l.runner.start();
    await l.waitFor((e) => e.kind === 'imf-daemon' && e.action === 'ready');
    // The daemon still runs, but its socket is gone (a tmp cleaner, a careless rm): registrations fail.
    const sock = socketPath(l.env.VCS_IMF_DIR!, 'LPAR');
    expect(existsSync(sock)).toBe(true);
    rmSync(sock);
    await l.waitFor((e) => e.kind === 'imf-disabled' && e.resource === RES, realMs(600, SPEED));
    expect(l.events.filter((e) => e.kind === 'imf-register-failed').map((e) => (e as { attempt: number }).attempt)).toEqual([1, 2, 3]);
    expect(l.bench.log()).toMatch(/is not serving/);
    const mark = l.events.length;
    await l.waitFor((e) => e.kind === 'monitor' && e.via === 'poll' && l.events.indexOf(e) > mark, realMs(600, SPEED));
    expect(l.since(mark).filter((e) => e.kind === 'ep-started' && e.entryPoint === 'imf_register')).toHaveLength(0);
  });
});
