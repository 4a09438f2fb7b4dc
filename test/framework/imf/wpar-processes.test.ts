/**
 * IMF end to end over real processes: a WPAR agent installed with
 * `vcsagent install`, run by the runner as VCS would (imf_init,
 * imf_getnotification kept running, imf_register per resource), watching
 * stand-in WPAR commands. A crash seen through the notification path;
 * imf_getnotification killed mid-run and the fallback; RegisterRetryLimit
 * exhausted.
 */
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../framework/cf/load.js';
import { realClock } from '../../../framework/clock.js';
import type { RunnerEvent } from '../../../framework/runner/events.js';
import { ProcessExecutor } from '../../../framework/runner/executor.js';
import { buildPlan } from '../../../framework/runner/plan.js';
import { Runner } from '../../../framework/runner/runner.js';
import { requireBuild, VCSAGENT } from '../../bin/helpers.js';
import { EventRecorder } from '../runner/helpers/events.js';
import { shortestTimeoutS, speedFor } from '../../support/timing.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const BIN = join(HERE, 'fixtures', 'bin');
const AGENT = join(HERE, 'fixtures', 'wpar-agent', 'agent.mjs');

interface World {
  root: string;
  wpars: string;
  env: NodeJS.ProcessEnv;
  runner: Runner;
  executor: ProcessExecutor;
  events: RunnerEvent[];
  waitFor(pred: (e: RunnerEvent) => boolean, ms?: number): Promise<RunnerEvent>;
  of<K extends RunnerEvent['kind']>(kind: K, resource?: string): Extract<RunnerEvent, { kind: K }>[];
  set(wpar: string, letter: string): void;
  lswparPolls(): number;
}

let world: World | undefined;
afterEach(async () => {
  if (!world) return;
  await world.runner.stop();
  world.executor.killAll();
  rmSync(world.root, { recursive: true, force: true });
  world = undefined;
});
beforeAll(() => requireBuild());

function setupWorld(resources: { name: string; wpar: string; state?: string }[], statics = ''): World {
  const root = mkdtempSync(join(tmpdir(), 'imf-wpar-'));
  const vcsHome = join(root, 'opt');
  const wpars = join(root, 'wpars');
  const conf = join(root, 'conf');
  for (const d of [vcsHome, wpars, conf, join(root, 'log', 'log')]) mkdirSync(d, { recursive: true });
  const env: NodeJS.ProcessEnv = {
    PATH: `${BIN}:${process.env.PATH}`,
    HOME: process.env.HOME,
    VCS_HOME: vcsHome,
    VCS_LOG: join(root, 'log'),
    VCS_CONF: conf,
    VCS_IMF_DIR: join(root, 'imf'),
    VCS_IMF_POLL_INTERVAL: '0.2',
    WPAR_STATE_DIR: wpars,
  };
  const inst = spawnSync(VCSAGENT, ['install', '--vcs-home', vcsHome, '--module', AGENT], { env, encoding: 'utf8' });
  if (inst.status !== 0) throw new Error(`vcsagent install failed: ${inst.stderr}`);
  copyFileSync(join(dirname(AGENT), 'TestWparTypes.cf'), join(conf, 'TestWparTypes.cf'));
  for (const r of resources) if (r.state) writeFileSync(join(wpars, `${r.wpar}.wpar`), `${r.state}\n`);
  const cf = [
    'include "TestWparTypes.cf"',
    'cluster c (\n)',
    'system sysA (\n)',
    'group G (\n    SystemList = { sysA = 0 }\n)',
    ...resources.map((r) => `TestWpar ${r.name} (\n    WPARName = "${r.wpar}"\n    MonitorInterval = 2\n    OfflineMonitorInterval = 2\n${statics})`),
  ].join('\n\n');
  writeFileSync(join(conf, 'main.cf'), `${cf}\n`);
  const { config, errors } = loadConfig(join(conf, 'main.cf'));
  if (errors.length) throw new Error(errors.map((e) => e.message).join('\n'));
  const executor = new ProcessExecutor({ vcsHome, env, killGraceMs: 1000 });
  const rec = new EventRecorder(20_000);
  // MonitorInterval 2 s passes in 0.5 s (at speed 4, lower if the machine is too busy to leave
  // MonitorTimeout a safe real-time budget): IMF (0.2 s polls) must beat MonitorFreq 5 × that by far.
  const runner = new Runner(buildPlan(config, 'sysA'), {
    executor,
    clock: realClock({ speed: speedFor({ shortestTimeoutS: shortestTimeoutS(join(conf, 'main.cf')), max: 4 }) }),
    imf: { restartDelayMs: 2000 },
    onEvent: rec.onEvent,
  });
  return {
    root,
    wpars,
    env,
    runner,
    executor,
    events: rec.events,
    waitFor: (pred, ms) => rec.waitFor(pred, ms),
    of: (kind, resource) => rec.of(kind, resource),
    set: (wpar, letter) => writeFileSync(join(wpars, `${wpar}.wpar`), `${letter}\n`),
    lswparPolls: () => {
      const f = join(wpars, 'calls.log');
      return existsSync(f) ? readFileSync(f, 'utf8').split('\n').filter((l) => l === 'lswpar -c -q').length : 0;
    },
  };
}

async function allRegistered(w: World, names: string[], ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (names.every((n) => w.runner.resource(n)!.imfStatus.status === 'registered')) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`not registered: ${names.filter((n) => w.runner.resource(n)!.imfStatus.status !== 'registered').join(', ')}`);
}

describe('IMF over real entry point processes (WPAR)', { timeout: 90_000 }, () => {
  it('sees a crash through the notification path, well before MonitorFreq polling would', async () => {
    world = setupWorld([
      { name: 'r1', wpar: 'w1', state: 'A' },
      { name: 'r2', wpar: 'w2', state: 'A' },
      { name: 'r3', wpar: 'w3', state: 'A' },
    ]);
    const w = world;
    await w.runner.start();
    await w.waitFor((e) => e.kind === 'imf-daemon' && e.action === 'ready');
    await allRegistered(w, ['r1', 'r2', 'r3']);
    const pollsBefore = w.lswparPolls();
    const mark = w.events.length;
    w.set('w2', 'D');
    const note = await w.waitFor((e) => e.kind === 'imf-notification' && e.resource === 'r2');
    await w.waitFor((e) => e.kind === 'resource-state' && e.resource === 'r2' && e.to === 'faulted');
    expect(note).toMatchObject({ state: 'offline' });
    // Seen through the notification: the first monitor to find it offline ran because of it,
    // not at the traditional MonitorFreq interval.
    const firstOffline = w.events.slice(mark).find((e) => e.kind === 'monitor' && e.resource === 'r2' && e.result === 'offline');
    expect(firstOffline).toMatchObject({ via: 'imf' });
    expect(w.of('clean', 'r2')).toMatchObject([{ reason: 'unexpected-offline', code: 4, ok: true }]);
    // The other WPARs were not disturbed, and each poll was one lswpar for all three.
    expect(w.runner.resource('r1')!.state).toBe('online');
    expect(w.lswparPolls()).toBeGreaterThan(pollsBefore);
  });

  it('imf_getnotification killed mid-run: traditional monitoring, then restarted with its registrations', async () => {
    world = setupWorld([
      { name: 'r1', wpar: 'w1', state: 'A' },
      { name: 'r2', wpar: 'w2', state: 'D' },
    ]);
    const w = world;
    await w.runner.start();
    await allRegistered(w, ['r1', 'r2']);
    const svc = w.runner.imfService('TestWpar')!;
    const pid = svc.pid()!;
    const registersBefore = w.of('ep-finished').filter((e) => e.entryPoint === 'imf_register').length;
    process.kill(pid, 'SIGKILL');
    await w.waitFor((e) => e.kind === 'imf-daemon' && e.action === 'exited');
    expect(w.runner.resource('r1')!.imfStatus.status).toBe('none');
    expect(w.of('imf-unregistered').map((e) => e.resource).sort()).toEqual(['r1', 'r2']);
    // Meanwhile: traditional monitors at MonitorInterval.
    const killedAt = w.events.length;
    await w.waitFor((e) => w.events.indexOf(e) > killedAt && e.kind === 'monitor' && e.via === 'poll' && e.resource === 'r1');
    // Restarted: the stale socket removed, the registrations recovered (no new imf_register for them).
    await w.waitFor((e) => e.kind === 'imf-daemon' && e.action === 'ready' && w.events.indexOf(e) > killedAt);
    await allRegistered(w, ['r1', 'r2']);
    const log = readFileSync(join(w.env.VCS_LOG!, 'log', 'TestWpar_A.log'), 'utf8');
    expect(log).toMatch(/removing the stale socket/);
    expect(log).toMatch(/2 registrations recovered/);
    const adopted = w.events.slice(killedAt).filter((e) => e.kind === 'imf-registered');
    expect(adopted.map((e) => (e as { resource: string }).resource).sort()).toEqual(['r1', 'r2']);
    const registersAfter = w.of('ep-finished').filter((e) => e.entryPoint === 'imf_register').length;
    expect(registersAfter).toBe(registersBefore);
    // And notifications flow again.
    w.set('w1', 'D');
    await w.waitFor((e) => e.kind === 'imf-notification' && e.resource === 'r1');
    await w.waitFor((e) => e.kind === 'resource-state' && e.resource === 'r1' && e.to === 'faulted');
  });

  it('imf_getnotification exits by itself when its agent framework is gone (no orphan daemon)', async () => {
    world = setupWorld([{ name: 'r1', wpar: 'w1', state: 'A' }]);
    const w = world;
    const ep = join(w.env.VCS_HOME!, 'bin', 'TestWpar', 'imf_getnotification');
    // A stand-in framework: starts imf_getnotification with the pipe on fd 3, reports its pid, waits.
    const script = `const { spawn } = require('node:child_process');
      const c = spawn(${JSON.stringify(ep)}, ['TestWpar'], { stdio: ['ignore', 'ignore', 'ignore', 'pipe'], env: { ...process.env, VCS_IMF_PIPE_FD: '3' } });
      c.stdio[3].on('data', (d) => { if (String(d).includes('READY')) console.log(c.pid); });
      setInterval(() => {}, 1000);`;
    const fw = spawn(process.execPath, ['-e', script], { env: w.env, stdio: ['ignore', 'pipe', 'inherit'] });
    const pid = await new Promise<number>((res) => fw.stdout!.once('data', (d) => res(Number(String(d).trim()))));
    expect(pid).toBeGreaterThan(0);
    const sock = join(w.env.VCS_IMF_DIR!, 'TestWpar.sock');
    expect(existsSync(sock)).toBe(true);
    fw.kill('SIGKILL');
    const end = Date.now() + 10_000;
    let alive = true;
    while (alive && Date.now() < end) {
      await new Promise((r) => setTimeout(r, 50));
      try {
        process.kill(pid, 0);
      } catch {
        alive = false;
      }
    }
    expect(alive).toBe(false);
    // It went cleanly: the socket is gone, the registrations file stays for the next one.
    expect(existsSync(sock)).toBe(false);
    expect(readFileSync(join(w.env.VCS_LOG!, 'log', 'TestWpar_A.log'), 'utf8')).toMatch(/the agent framework went away/);
  });

  it('RegisterRetryLimit exhausted: the resource is polled instead', async () => {
    world = setupWorld([{ name: 'bad', wpar: 'not a wpar!' }], '    IMF = { Mode = 3, MonitorFreq = 5, RegisterRetryLimit = 2 }\n');
    const w = world;
    await w.runner.start();
    await w.waitFor((e) => e.kind === 'imf-disabled' && e.resource === 'bad');
    expect(w.of('imf-register-failed', 'bad').map((e) => e.attempt)).toEqual([1, 2, 3]);
    const attempts = w.of('ep-finished', 'bad').filter((e) => e.entryPoint === 'imf_register');
    expect(attempts.map((e) => e.exitCode)).toEqual([1, 1, 1]);
    const disabledAt = w.events.length;
    // Traditional monitoring goes on at MonitorInterval; no more registrations.
    await w.waitFor((e) => w.events.indexOf(e) > disabledAt && e.kind === 'monitor' && e.resource === 'bad');
    await w.waitFor((e) => w.events.indexOf(e) > disabledAt + 1 && e.kind === 'monitor' && e.resource === 'bad' && e.via === 'poll');
    expect(w.of('ep-finished', 'bad').filter((e) => e.entryPoint === 'imf_register')).toHaveLength(3);
    const agentLog = readFileSync(join(w.env.VCS_LOG!, 'log', 'TestWpar_A.log'), 'utf8');
    expect(agentLog).toMatch(/not a WPAR name/);
  });
});
