/**
 * The WPAR agent under the local agent framework, every entry point a
 * process laid out by `vcsagent install`, the simulated WPAR commands on
 * PATH: the WPAR of sim/configs/wpar/main.cf (its Application left out,
 * RestartLimit 1 on the WPAR resource) comes online (ContainerInfo
 * reaching the agent through the runner's ArgList), registers with IMF, and
 * a crash (Broken) is noticed by the lswpar polling source before any
 * MonitorFreq poll, cleaned with stopwpar -F and restarted in place.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../framework/cf/load.js';
import { realClock } from '../../../framework/clock.js';
import { ProcessExecutor } from '../../../framework/runner/executor.js';
import { buildPlan } from '../../../framework/runner/plan.js';
import { Runner } from '../../../framework/runner/runner.js';
import { requireBuild, ROOT, VCSAGENT } from '../../bin/helpers.js';
import { EventRecorder } from '../../framework/runner/helpers/events.js';
import { realMs, shortestTimeoutS, speedFor } from '../../support/timing.js';

const BIN = join(ROOT, 'sim', 'aix', 'bin');
const MAIN_CF = join(ROOT, 'sim', 'configs', 'wpar', 'main.cf');
let root: string | undefined;
let stop: (() => Promise<void>) | undefined;

beforeAll(() => requireBuild());
afterEach(async () => {
  await stop?.();
  if (root) rmSync(root, { recursive: true, force: true });
  root = undefined;
  stop = undefined;
});

describe('WPAR under the agent framework, with IMF', { timeout: 300_000 }, () => {
  it('online with DROpts, a crash seen by IMF, clean (stopwpar -F) and a restart in place', async () => {
    root = mkdtempSync(join(tmpdir(), 'wpar-imf-'));
    const env: NodeJS.ProcessEnv = {
      PATH: `${BIN}:${process.env.PATH}`,
      HOME: process.env.HOME,
      AIXSIM_ROOT: join(root, 'aix'),
      VCS_HOME: join(root, 'opt'),
      VCS_LOG: join(root, 'log'),
      VCS_CONF: join(root, 'conf'),
      VCS_IMF_DIR: join(root, 'imf'),
      VCS_IMF_POLL_INTERVAL: '0.2',
    };
    mkdirSync(join(root, 'log', 'log'), { recursive: true });
    mkdirSync(join(root, 'conf', 'conf'), { recursive: true });
    const sh = (cmd: string, ...args: string[]) => {
      const r = spawnSync(cmd.includes('/') ? cmd : join(BIN, cmd), args, { env, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
      return r.stdout;
    };
    sh(VCSAGENT, 'install', '--vcs-home', env.VCS_HOME!, 'WPAR');
    sh('mkwpar', '-n', 'wpar1');
    sh('wparsim', 'delay', 'wpar1', '50');
    // The WPAR alone, restarted in place: the application and its dependency left out.
    const text = readFileSync(MAIN_CF, 'utf8')
      .replace(/\tApplication app1 \([\s\S]*?\n\t\t\)\n\n/, '')
      .replace('\tapp1 requires wpar1_res\n', '')
      .replace('\t\tShutdownGracePeriod = 30\n', '\t\tShutdownGracePeriod = 30\n\t\tRestartLimit = 1\n');
    const mainCf = join(root, 'main.cf');
    writeFileSync(mainCf, text.replace('include "types.cf"', `include "${join(ROOT, 'types-cf', 'types.cf')}"`));
    const { config, errors } = loadConfig(mainCf);
    expect(errors).toEqual([]);
    expect(config.groups[0]!.resources.map((r) => r.name)).toEqual(['wpar1_res']);
    const executor = new ProcessExecutor({ vcsHome: env.VCS_HOME!, env, killGraceMs: 1000 });
    // As fast as leaves every entry point a safe real-time budget (speed 10: MonitorInterval 60 s
    // passes in 6 s): IMF's 0.2 s polls must beat the MonitorFreq (5) poll by far.
    const speed = speedFor({ shortestTimeoutS: shortestTimeoutS(MAIN_CF, 'aixnode56mp1'), max: 20 });
    const rec = new EventRecorder(realMs(900, speed));
    const runner = new Runner(buildPlan(config, 'aixnode56mp1'), { executor, clock: realClock({ speed }), imf: { restartDelayMs: 2000 }, onEvent: rec.onEvent });
    stop = async () => {
      await runner.stop();
      executor.killAll();
    };
    await runner.start();
    expect(await runner.online('WPAR_wpar1')).toBe('online');
    expect(sh('lswpar', '-cq', '-a', 'state', 'wpar1')).toBe('A\n');
    expect(sh('clogin', 'wpar1', 'cat', '/etc/resolv.conf')).toBe('domain site2.example.com\nsearch site2.example.com example.com\nnameserver 10.20.1.53\n');
    await rec.waitFor((e) => e.kind === 'imf-registered' && e.resource === 'wpar1_res');

    const mark = rec.events.length;
    sh('wparsim', 'crash', 'wpar1');
    const note = await rec.waitFor((e) => e.kind === 'imf-notification' && e.resource === 'wpar1_res');
    expect(note).toMatchObject({ state: 'offline' });
    await rec.waitFor((e) => e.kind === 'restart' && e.resource === 'wpar1_res');
    await rec.waitFor((e, i = rec.events.indexOf(e)) => i > mark && e.kind === 'agent-state' && e.resource === 'wpar1_res' && e.to === 'online');
    const after = rec.events.slice(mark);
    expect(after.find((e) => e.kind === 'monitor' && e.resource === 'wpar1_res' && e.result === 'offline')).toMatchObject({ via: 'imf' });
    expect(after.filter((e) => e.kind === 'clean')).toMatchObject([{ reason: 'unexpected-offline', ok: true }]);
    expect(sh('lswpar', '-cq', '-a', 'state', 'wpar1')).toBe('A\n');
    const cmds = readFileSync(join(root, 'aix', 'var', 'adm', 'wpar.log'), 'utf8').trim().split('\n').map((l) => (JSON.parse(l).argv as string[]).join(' '));
    expect(cmds.filter((c) => /^(start|stop)wpar/.test(c))).toEqual(['startwpar wpar1', 'stopwpar -F wpar1', 'startwpar wpar1']);
  });
});
