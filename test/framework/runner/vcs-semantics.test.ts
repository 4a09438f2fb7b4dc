/**
 * Where the runner once differed from VCS's agent framework (Agent
 * Developer's Guide; research/vcs-facts.md), each on a fake clock:
 *
 *   1. processes an entry point leaves running are VCS's business only on a
 *      timeout: an online that starts a daemon keeps it;
 *   2. without clean, OnlineWaitLimit does not fault: monitoring goes on
 *      until the resource comes online;
 *   3. ConfInterval is never less than (MI + MT) × TL + MI + 10;
 *   4. InfoTimeout is capped at MonitorInterval / 2; a resource-level
 *      AEPTimeout is not an override VCS accepts.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../../framework/clock.js';
import { loadConfig } from '../../../framework/cf/load.js';
import { ProcessExecutor } from '../../../framework/runner/executor.js';
import type { RunnerEvent } from '../../../framework/runner/events.js';
import { buildPlan } from '../../../framework/runner/plan.js';
import { Runner } from '../../../framework/runner/runner.js';
import { effectiveConfInterval, settingsFrom } from '../../../framework/runner/settings.js';
import { type Installation, install, mainCf } from './helpers/script-agent.js';
import { setup } from './helpers/scripted.js';

/** A process that runs (a zombie nobody reaped does not). */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

async function until(cond: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('1. processes an entry point leaves running', () => {
  let inst: Installation | undefined;
  let runner: Runner | undefined;
  let executor: ProcessExecutor | undefined;
  afterEach(async () => {
    await runner?.stop();
    executor?.killAll();
    if (inst) {
      try {
        process.kill(Number(readFileSync(join(inst.ctl, 'r1.daemon'), 'utf8')), 'SIGKILL');
      } catch {
        // Not started, or gone.
      }
      inst.cleanup();
    }
    inst = runner = executor = undefined;
  });

  /** The script agent over real processes, driven by a fake clock. */
  function start(resource: string) {
    inst = install(mainCf(resource));
    const { config, errors } = loadConfig(inst.configPath);
    expect(errors).toEqual([]);
    const clock = new FakeClock();
    const events: RunnerEvent[] = [];
    executor = new ProcessExecutor({ vcsHome: inst.vcsHome, env: inst.env, killGraceMs: 300 });
    runner = new Runner(buildPlan(config, 'sysA'), { executor, clock, onEvent: (e) => events.push(e) });
    const daemon = () => Number(readFileSync(join(inst!.ctl, 'r1.daemon'), 'utf8'));
    return { inst, runner, clock, events, daemon };
  }

  it('an online that starts a daemon keeps it: the resource stays ONLINE, monitor after monitor', async () => {
    const t = start(`TestAgent r1 (\n    MonitorInterval = 10\n)\n`);
    t.inst.behave('r1', 'online', 'daemon');
    await t.runner.start();
    expect(await t.runner.online('G')).toBe('online');
    expect(running(t.daemon())).toBe(true);
    for (let i = 0; i < 3; i++) {
      await t.clock.advance(10_000);
      await t.runner.idle();
    }
    expect(running(t.daemon())).toBe(true);
    expect(t.events.filter((e) => e.kind === 'monitor' && e.via === 'poll').map((e) => (e as { result: string }).result)).toEqual(['online', 'online', 'online']);
    expect(t.runner.resource('r1')!.state).toBe('online');
    expect(t.events.some((e) => e.kind === 'clean')).toBe(false);
  });

  it('a daemon that keeps the entry point output open does not hold the online up', async () => {
    const t = start(`TestAgent r1 (\n    MonitorInterval = 10\n)\n`);
    t.inst.behave('r1', 'online', 'daemon-io');
    await t.runner.start();
    const started = Date.now();
    expect(await t.runner.online('G')).toBe('online');
    // Well under the daemon's 600 s: the runner stopped reading after online exited.
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(running(t.daemon())).toBe(true);
    const online = t.events.find((e) => e.kind === 'ep-finished' && e.entryPoint === 'online');
    expect(online).toMatchObject({ exitCode: 0, timedOut: false });
  });

  it('a timeout still kills the whole process group, background processes included', async () => {
    const t = start(`TestAgent r1 (\n    OnlineTimeout = 30\n)\n`);
    t.inst.behave('r1', 'online', 'hang-daemon');
    await t.runner.start();
    const p = t.runner.online('G');
    await until(() => t.inst.calls().some((c) => c.ep === 'online'));
    await until(() => {
      try {
        return running(t.daemon());
      } catch {
        return false;
      }
    });
    const pid = t.daemon();
    await t.clock.advance(30_000);
    await until(() => t.events.some((e) => e.kind === 'ep-finished' && e.entryPoint === 'online'));
    await until(() => !running(pid));
    t.inst.behave('r1', 'online', undefined);
    expect(await p).toBe('faulted');
    expect(t.events.find((e) => e.kind === 'clean')).toMatchObject({ reason: 'online-hung' });
  });
});

describe('2. OnlineWaitLimit without a clean entry point', () => {
  it('does not fault: monitors every MonitorInterval until the resource comes online', async () => {
    const clock = new FakeClock();
    const s = setup(clock, [{ name: 'G', resources: [{ name: 'r', settings: { MonitorInterval: 10, OnlineWaitLimit: 2 } }] }], {}, (x) => {
      x.implemented.delete('clean');
      // The online works, slowly: the resource is up only for the 7th monitor after it.
      x.on('r', 'online', { exit: 0 });
      x.on('r', 'monitor', (_c, n) => ({ exit: n >= 8 ? 110 : 100 }));
    });
    await s.runner.start();
    let outcome: string | undefined;
    void s.runner.online('G').then((g) => (outcome = g));
    await clock.advance(35_000);
    // OnlineWaitLimit (2) has passed: VCS would have faulted it if it had clean.
    expect(s.of('online-still-waiting', 'r')).toHaveLength(1);
    expect(s.runner.resource('r')!.agentState).toBe('going-online-waiting');
    expect(outcome).toBeUndefined();
    await clock.advance(40_000);
    expect(s.runner.resource('r')!.state).toBe('online');
    expect(outcome).toBe('online');
    expect(s.exec.callsOf('r', 'monitor').slice(1, 8).map((c) => s.secs(c.t))).toEqual([0, 10, 20, 30, 40, 50, 60]);
    expect(s.of('resource-state', 'r').some((e) => e.to === 'faulted')).toBe(false);
    expect(s.of('online-failed', 'r')).toHaveLength(0);
    expect(s.of('resource-state', 'r').at(-1)).toMatchObject({ to: 'online', cause: 'vcs-initiated' });
    // Once online, an OFFLINE report is a fault as usual.
    s.exec.off('r', 'monitor');
    s.exec.world.set('r', 'offline');
    await clock.advance(10_000);
    expect(s.runner.resource('r')!.state).toBe('faulted');
  });

  it('an offline request ends the wait (the waiting online reports failed)', async () => {
    const clock = new FakeClock();
    const s = setup(clock, [{ name: 'G', resources: [{ name: 'r', settings: { MonitorInterval: 10, OnlineWaitLimit: 0 } }] }], {}, (x) => {
      x.implemented.delete('clean');
      x.on('r', 'online', { exit: 0 });
    });
    await s.runner.start();
    let outcome: string | undefined;
    void s.runner.online('G').then((g) => (outcome = g));
    await clock.advance(25_000);
    expect(s.runner.resource('r')!.agentState).toBe('going-online-waiting');
    const off = s.runner.offline('G');
    await clock.advance(1000);
    expect(await off).toBe('offline');
    expect(outcome).toBe('offline');
    expect(s.exec.callsOf('r', 'offline')).toHaveLength(1);
    const monitors = s.exec.callsOf('r', 'monitor').length;
    await clock.advance(100_000);
    // Offline resources are monitored at OfflineMonitorInterval (300 by default), no more waiting.
    expect(s.exec.callsOf('r', 'monitor').length).toBe(monitors);
  });

  it('with clean, OnlineWaitLimit still ends in clean (reason 3) and FAULTED', async () => {
    const clock = new FakeClock();
    const s = setup(clock, [{ name: 'G', resources: [{ name: 'r', settings: { MonitorInterval: 10, OnlineWaitLimit: 2 } }] }], {}, (x) => x.on('r', 'online', { exit: 0 }));
    await s.runner.start();
    const p = s.runner.online('G');
    await clock.advance(30_000);
    expect(await p).toBe('faulted');
    expect(s.exec.callsOf('r', 'clean').map((c) => c.args[0])).toEqual(['3']);
  });
});

describe('3. the ConfInterval floor', () => {
  it('is (MonitorInterval + MonitorTimeout) × ToleranceLimit + MonitorInterval + 10', () => {
    expect(effectiveConfInterval(settingsFrom({ MonitorInterval: 60, MonitorTimeout: 60, ToleranceLimit: 0, ConfInterval: 30 }))).toBe(70);
    expect(effectiveConfInterval(settingsFrom({ MonitorInterval: 60, MonitorTimeout: 60, ToleranceLimit: 2, ConfInterval: 600 }))).toBe(600);
    expect(effectiveConfInterval(settingsFrom({ MonitorInterval: 60, MonitorTimeout: 60, ToleranceLimit: 5, ConfInterval: 600 }))).toBe(670);
  });

  it('a ConfInterval below it is ignored: offline reports 80 s apart still add up', async () => {
    const clock = new FakeClock();
    // Floor: (10 + 60) × 1 + 10 + 10 = 90, so ConfInterval 50 is not what counts.
    const s = setup(clock, [{ name: 'G', resources: [{ name: 'r', settings: { MonitorInterval: 10, MonitorTimeout: 60, ToleranceLimit: 1, ConfInterval: 50 } }] }], { r: 'online' }, (x) =>
      x.on('r', 'monitor', (_c, n) => ({ exit: n === 2 || n === 10 ? 100 : 110 })),
    );
    await s.runner.start();
    await clock.advance(100_000);
    expect(s.of('counters-reset', 'r')).toHaveLength(0);
    expect(s.exec.callsOf('r', 'clean').map((c) => [s.secs(c.t), c.args[0]])).toEqual([[90, '4']]);
  });

  it('counters clear after the floor, and the event says which interval counted', async () => {
    const clock = new FakeClock();
    const s = setup(clock, [{ name: 'G', resources: [{ name: 'r', settings: { MonitorInterval: 10, MonitorTimeout: 60, ToleranceLimit: 1, ConfInterval: 50 } }] }], { r: 'online' }, (x) =>
      x.on('r', 'monitor', (_c, n) => ({ exit: n === 2 ? 100 : 110 })),
    );
    await s.runner.start();
    await clock.advance(95_000);
    expect(s.of('counters-reset', 'r')).toHaveLength(0);
    await clock.advance(10_000);
    expect(s.of('counters-reset', 'r').map((e) => [s.secs(e.time), e.after])).toEqual([[100, 90]]);
  });
});

describe('4. InfoTimeout and AEPTimeout', () => {
  it('runs info every InfoInterval while ONLINE, resinfo_op 1 then 2, its output the ResourceInfo', async () => {
    const clock = new FakeClock();
    const s = setup(clock, [{ name: 'G', resources: [{ name: 'r', settings: { MonitorInterval: 60, InfoInterval: 30 } }] }], { r: 'online' }, (x) => {
      x.implemented.add('info');
    });
    await s.runner.start();
    await clock.advance(95_000);
    expect(s.exec.callsOf('r', 'info').map((c) => [s.secs(c.t), c.args[0]])).toEqual([
      [30, '1'],
      [60, '2'],
      [90, '2'],
    ]);
    expect(s.of('info', 'r').every((e) => e.ok)).toBe(true);
  });

  it('caps InfoTimeout at MonitorInterval / 2: a hung info is killed then', async () => {
    const clock = new FakeClock();
    const s = setup(clock, [{ name: 'G', resources: [{ name: 'r', settings: { MonitorInterval: 20, InfoInterval: 100, InfoTimeout: 30 } }] }], { r: 'online' }, (x) => {
      x.implemented.add('info');
      x.on('r', 'info', { hang: true });
    });
    await s.runner.start();
    await clock.advance(100_000);
    expect(s.exec.callsOf('r', 'info')).toHaveLength(1);
    await clock.advance(9_000);
    expect(s.of('info', 'r')).toHaveLength(0);
    await clock.advance(1_000);
    expect(s.of('info', 'r')).toEqual([expect.objectContaining({ ok: false, timedOut: true, op: 1 })]);
    expect(s.of('ep-finished', 'r').find((e) => e.entryPoint === 'info')).toMatchObject({ timedOut: true, durationMs: 10_000 });
  });

  it('ignores a resource-level AEPTimeout, which VCS does not let a resource override', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aep-'));
    try {
      writeFileSync(
        join(dir, 'main.cf'),
        `type T (\n    static int MonitorTimeout = 45\n    static str ArgList[] = { Name }\n    str Name\n)\n\ntype U (\n    static int AEPTimeout = 1\n    static str ArgList[] = { Name }\n    str Name\n)\n\ncluster c (\n)\n\nsystem sysA (\n)\n\ngroup G (\n    SystemList = { sysA = 0 }\n)\n\nT t1 (\n    Name = a\n    AEPTimeout = 1\n)\n\nU u1 (\n    Name = b\n    AEPTimeout = 0\n)\n`,
      );
      const { config } = loadConfig(join(dir, 'main.cf'));
      const plan = buildPlan(config, 'sysA');
      const [t1, u1] = plan.groups[0]!.resources;
      expect(t1!.settings.AEPTimeout).toBe(0);
      expect(u1!.settings.AEPTimeout).toBe(1);
      // Nor is it a hares -modify.
      expect(() => t1!.modify!('AEPTimeout', ['1'])).toThrow(/cannot be overridden/);

      const clock = new FakeClock();
      const calls: { subject: string; args: readonly string[] }[] = [];
      const runner = new Runner(plan, {
        clock,
        executor: {
          implements: (_t, ep) => ep === 'monitor',
          run: async (call) => {
            calls.push({ subject: call.subject, args: call.args });
            return { exitCode: 100, signal: null, aborted: false, stdout: '', stderr: '', pipeLines: [] };
          },
          start: () => {
            throw new Error('no IMF here');
          },
        },
      });
      await runner.start();
      expect(calls.find((c) => c.subject === 't1')!.args).toEqual(['Name', '1', 'a']);
      expect(calls.find((c) => c.subject === 'u1')!.args).toEqual(['Name', '1', 'b', 'AEPTimeout', '1', '60']);
      await runner.stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
