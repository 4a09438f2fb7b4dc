/**
 * The agent framework's schedule on a fake clock: every static attribute the
 * runner honours, each with a check that fails if its meaning is wrong.
 * Times are VCS seconds; the whole schedule runs in milliseconds.
 */
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../framework/clock.js';
import { setup } from './helpers/scripted.js';

describe('monitor intervals', () => {
  it('monitors an ONLINE resource every MonitorInterval', async () => {
    const clock = new FakeClock();
    const s = setup(clock, [{ name: 'G', resources: [{ name: 'r', settings: { MonitorInterval: 30 } }] }], { r: 'online' });
    await s.runner.start();
    await clock.advance(100_000);
    const times = s.exec.callsOf('r', 'monitor').map((c) => s.secs(c.t));
    expect(times).toEqual([0, 30, 60, 90]);
  });

  it('monitors an OFFLINE resource every OfflineMonitorInterval, and not at all when it is 0', async () => {
    const clock = new FakeClock();
    const s = setup(
      clock,
      [
        { name: 'G', resources: [{ name: 'a', settings: { MonitorInterval: 10, OfflineMonitorInterval: 300 } }] },
        { name: 'H', resources: [{ name: 'b', settings: { MonitorInterval: 10, OfflineMonitorInterval: 0 } }] },
      ],
      { a: 'offline', b: 'offline' },
    );
    await s.runner.start();
    await clock.advance(700_000);
    expect(s.exec.callsOf('a', 'monitor').map((c) => s.secs(c.t))).toEqual([0, 300, 600]);
    expect(s.exec.callsOf('b', 'monitor').map((c) => s.secs(c.t))).toEqual([0]);
  });

  it('keeps probing at MonitorInterval while the first monitor is unknown', async () => {
    const clock = new FakeClock();
    const s = setup(clock, [{ name: 'G', resources: [{ name: 'r', settings: { MonitorInterval: 20 } }] }], { r: 'online' }, (x) =>
      x.on('r', 'monitor', (_c, n) => ({ exit: n < 3 ? 99 : 110 })),
    );
    await s.runner.start();
    expect(s.runner.resource('r')!.agentState).toBe('probing');
    await clock.advance(45_000);
    expect(s.runner.resource('r')!.state).toBe('online');
    expect(s.of('resource-state', 'r').map((e) => [s.secs(e.time), e.to, e.cause])).toEqual([[40, 'online', 'probe']]);
  });
});

describe('online and OnlineWaitLimit', () => {
  it('monitors right after online, or after the seconds online asked for', async () => {
    const clock = new FakeClock();
    const s = setup(
      clock,
      [
        { name: 'G', resources: [{ name: 'a' }] },
        { name: 'H', resources: [{ name: 'b' }] },
      ],
      {},
      (x) => x.on('b', 'online', { exit: 7, effect: () => x.world.set('b', 'online') }),
    );
    await s.runner.start();
    const pa = s.runner.online('G');
    const pb = s.runner.online('H');
    await clock.advance(10_000);
    expect(await pa).toBe('online');
    expect(await pb).toBe('online');
    expect(s.exec.callsOf('a', 'monitor').map((c) => s.secs(c.t))).toEqual([0, 0]);
    expect(s.exec.callsOf('b', 'monitor').map((c) => s.secs(c.t))).toEqual([0, 7]);
    expect(s.of('resource-state', 'a').at(-1)).toMatchObject({ to: 'online', cause: 'vcs-initiated' });
  });

  it('waits OnlineWaitLimit more intervals for an online to take effect', async () => {
    const clock = new FakeClock();
    const s = setup(clock, [{ name: 'G', resources: [{ name: 'r', settings: { MonitorInterval: 10, OnlineWaitLimit: 3 } }] }], {}, (x) =>
      // The resource comes up slowly: only the 4th monitor after online sees it.
      x.on('r', 'online', { exit: 0 }).on('r', 'monitor', (_c, n) => ({ exit: n >= 5 ? 110 : 100 })),
    );
    await s.runner.start();
    const p = s.runner.online('G');
    await clock.advance(35_000);
    expect(await p).toBe('online');
    expect(s.exec.callsOf('r', 'monitor').map((c) => s.secs(c.t))).toEqual([0, 0, 10, 20, 30]);
    expect(s.exec.callsOf('r', 'clean')).toHaveLength(0);
  });

  it('cleans with reason 3 (online ineffective) after OnlineWaitLimit intervals, then FAULTED', async () => {
    const clock = new FakeClock();
    const s = setup(clock, [{ name: 'G', resources: [{ name: 'r', settings: { MonitorInterval: 10, OnlineWaitLimit: 2 } }] }], {}, (x) =>
      x.on('r', 'online', { exit: 0 }),
    );
    await s.runner.start();
    const p = s.runner.online('G');
    await clock.advance(60_000);
    expect(await p).toBe('faulted');
    // probe, then the monitor after online and two more.
    expect(s.exec.callsOf('r', 'monitor').map((c) => s.secs(c.t))).toEqual([0, 0, 10, 20]);
    const cleans = s.exec.callsOf('r', 'clean');
    expect(cleans.map((c) => [s.secs(c.t), c.args[0]])).toEqual([[20, '3']]);
    expect(s.runner.resource('r')!.state).toBe('faulted');
    expect(s.runner.groupState('G')).toBe('faulted');
  });

  it('kills an online that outlives OnlineTimeout and cleans with reason 2', async () => {
    const clock = new FakeClock();
    const s = setup(clock, [{ name: 'G', resources: [{ name: 'r', settings: { OnlineTimeout: 120 } }] }], {}, (x) => x.on('r', 'online', { hang: true }));
    await s.runner.start();
    const p = s.runner.online('G');
    await clock.advance(200_000);
    expect(await p).toBe('faulted');
    expect(s.exec.callsOf('r', 'clean').map((c) => [s.secs(c.t), c.args[0]])).toEqual([[120, '2']]);
    expect(s.of('ep-finished', 'r').find((e) => e.entryPoint === 'online')).toMatchObject({ timedOut: true });
  });

  it('retries a failed online OnlineRetryLimit times, cleaning before each retry', async () => {
    const clock = new FakeClock();
    const s = setup(clock, [{ name: 'G', resources: [{ name: 'r', settings: { MonitorInterval: 10, OnlineWaitLimit: 0, OnlineRetryLimit: 2 } }] }], {}, (x) =>
      x.on('r', 'online', { exit: 0 }),
    );
    await s.runner.start();
    const p = s.runner.online('G');
    await clock.advance(60_000);
    expect(await p).toBe('faulted');
    expect(s.exec.callsOf('r', 'online')).toHaveLength(3);
    expect(s.exec.callsOf('r', 'clean').map((c) => c.args[0])).toEqual(['3', '3', '3']);
    expect(s.of('online-retry', 'r').map((e) => e.attempt)).toEqual([1, 2]);
  });

  it('stops retrying once an online works', async () => {
    const clock = new FakeClock();
    const s = setup(clock, [{ name: 'G', resources: [{ name: 'r', settings: { OnlineWaitLimit: 0, OnlineRetryLimit: 5 } }] }], {}, (x) =>
      x.on('r', 'online', (_c, n) => (n === 2 ? { exit: 0, effect: () => x.world.set('r', 'online') } : { exit: 0 })),
    );
    await s.runner.start();
    const p = s.runner.online('G');
    await clock.advance(60_000);
    expect(await p).toBe('online');
    expect(s.exec.callsOf('r', 'online')).toHaveLength(2);
    expect(s.exec.callsOf('r', 'clean')).toHaveLength(1);
  });
});

describe('offline and OfflineWaitLimit', () => {
  it('takes a resource offline and monitors it right away', async () => {
    const clock = new FakeClock();
    const s = setup(clock, [{ name: 'G', resources: [{ name: 'r' }] }], { r: 'online' });
    await s.runner.start();
    const p = s.runner.offline('G');
    await clock.advance(1000);
    expect(await p).toBe('offline');
    expect(s.of('resource-state', 'r').at(-1)).toMatchObject({ to: 'offline', cause: 'vcs-initiated' });
  });

  it('waits OfflineWaitLimit intervals, then cleans with reason 1 (offline ineffective)', async () => {
    const clock = new FakeClock();
    const s = setup(clock, [{ name: 'G', resources: [{ name: 'r', settings: { MonitorInterval: 10, OfflineWaitLimit: 2 } }] }], { r: 'online' }, (x) =>
      x.on('r', 'offline', { exit: 0 }),
    );
    await s.runner.start();
    const p = s.runner.offline('G');
    await clock.advance(60_000);
    expect(await p).toBe('offline');
    expect(s.exec.callsOf('r', 'monitor').map((c) => s.secs(c.t))).toEqual([0, 0, 10, 20]);
    expect(s.exec.callsOf('r', 'clean').map((c) => [s.secs(c.t), c.args[0]])).toEqual([[20, '1']]);
    expect(s.of('resource-state', 'r').at(-1)).toMatchObject({ to: 'offline', cause: 'clean' });
  });

  it('cleans with reason 0 when offline outlives OfflineTimeout', async () => {
    const clock = new FakeClock();
    const s = setup(clock, [{ name: 'G', resources: [{ name: 'r', settings: { OfflineTimeout: 30 } }] }], { r: 'online' }, (x) =>
      x.on('r', 'offline', { hang: true }),
    );
    await s.runner.start();
    const p = s.runner.offline('G');
    await clock.advance(40_000);
    expect(await p).toBe('offline');
    expect(s.exec.callsOf('r', 'clean').map((c) => [s.secs(c.t), c.args[0]])).toEqual([[30, '0']]);
  });

  it('reports UNABLE TO OFFLINE when clean fails, and retries clean every MonitorInterval', async () => {
    const clock = new FakeClock();
    const s = setup(clock, [{ name: 'G', resources: [{ name: 'r', settings: { MonitorInterval: 10, OfflineTimeout: 5 } }] }], { r: 'online' }, (x) =>
      x.on('r', 'offline', { hang: true }).on('r', 'clean', (_c, n) => (n < 3 ? { exit: 1 } : { exit: 0, effect: () => x.world.set('r', 'offline') })),
    );
    await s.runner.start();
    const p = s.runner.offline('G');
    await clock.advance(6_000);
    // The group is still up: the resource would not go.
    expect(await p).toBe('online');
    expect(s.of('unable-to-offline', 'r')).toHaveLength(1);
    expect(s.runner.resource('r')!.state).toBe('online');
    await clock.advance(30_000);
    expect(s.exec.callsOf('r', 'clean').map((c) => [s.secs(c.t), c.args[0]])).toEqual([
      [5, '0'],
      [15, '0'],
      [25, '0'],
    ]);
    expect(s.runner.resource('r')!.state).toBe('offline');
  });
});

describe('unexpected offline: ToleranceLimit, RestartLimit, ConfInterval', () => {
  it('faults at once with ToleranceLimit 0: clean reason 4, FAULTED, group FAULTED', async () => {
    const clock = new FakeClock();
    const s = setup(clock, [{ name: 'G', resources: [{ name: 'r', settings: { MonitorInterval: 60 } }] }], { r: 'online' });
    await s.runner.start();
    await clock.advance(61_000);
    s.exec.world.set('r', 'offline');
    await clock.advance(60_000);
    expect(s.exec.callsOf('r', 'clean').map((c) => [s.secs(c.t), c.args[0]])).toEqual([[120, '4']]);
    expect(s.runner.resource('r')!.state).toBe('faulted');
    expect(s.runner.groupState('G')).toBe('faulted');
    expect(s.exec.callsOf('r', 'online')).toHaveLength(0);
  });

  it('tolerates ToleranceLimit OFFLINE reports before the fault', async () => {
    const clock = new FakeClock();
    const s = setup(clock, [{ name: 'G', resources: [{ name: 'r', settings: { MonitorInterval: 10, ToleranceLimit: 2 } }] }], { r: 'online' });
    await s.runner.start();
    s.exec.world.set('r', 'offline');
    await clock.advance(25_000);
    expect(s.of('tolerated-offline', 'r').map((e) => e.count)).toEqual([1, 2]);
    expect(s.exec.callsOf('r', 'clean')).toHaveLength(0);
    await clock.advance(10_000);
    expect(s.exec.callsOf('r', 'clean').map((c) => [s.secs(c.t), c.args[0]])).toEqual([[30, '4']]);
    expect(s.runner.resource('r')!.state).toBe('faulted');
  });

  it('a resource that comes back within ToleranceLimit stays ONLINE', async () => {
    const clock = new FakeClock();
    const s = setup(clock, [{ name: 'G', resources: [{ name: 'r', settings: { MonitorInterval: 10, ToleranceLimit: 1 } }] }], { r: 'online' }, (x) =>
      x.on('r', 'monitor', (_c, n) => ({ exit: n === 2 ? 100 : 110 })),
    );
    await s.runner.start();
    await clock.advance(60_000);
    expect(s.of('tolerated-offline', 'r')).toHaveLength(1);
    expect(s.runner.resource('r')!.state).toBe('online');
    expect(s.exec.callsOf('r', 'clean')).toHaveLength(0);
  });

  it('restarts in place RestartLimit times (clean 4, online), then FAULTED', async () => {
    const clock = new FakeClock();
    const s = setup(clock, [{ name: 'G', resources: [{ name: 'r', settings: { MonitorInterval: 10, RestartLimit: 1, ConfInterval: 600 } }] }], { r: 'online' });
    await s.runner.start();
    s.exec.world.set('r', 'offline');
    await clock.advance(10_000);
    expect(s.of('restart', 'r').map((e) => e.attempt)).toEqual([1]);
    expect(s.exec.callsOf('r', 'online')).toHaveLength(1);
    expect(s.runner.resource('r')!.state).toBe('online');
    expect(s.of('resource-state', 'r').some((e) => e.to === 'faulted')).toBe(false);
    // Crashes again well within ConfInterval: the limit is spent.
    await clock.advance(30_000);
    s.exec.world.set('r', 'offline');
    await clock.advance(10_000);
    expect(s.exec.callsOf('r', 'online')).toHaveLength(1);
    expect(s.runner.resource('r')!.state).toBe('faulted');
    expect(s.exec.callsOf('r', 'clean').map((c) => c.args[0])).toEqual(['4', '4']);
  });

  it('ConfInterval: after that long online, earlier restarts no longer count', async () => {
    const clock = new FakeClock();
    const s = setup(clock, [{ name: 'G', resources: [{ name: 'r', settings: { MonitorInterval: 10, RestartLimit: 1, ConfInterval: 100 } }] }], { r: 'online' });
    await s.runner.start();
    s.exec.world.set('r', 'offline');
    await clock.advance(10_000); // restart 1 at t=10
    await clock.advance(100_000); // online for ConfInterval: counters clear
    expect(s.of('counters-reset', 'r')).toHaveLength(1);
    s.exec.world.set('r', 'offline');
    await clock.advance(10_000);
    expect(s.of('restart', 'r').map((e) => e.attempt)).toEqual([1, 1]);
    expect(s.runner.resource('r')!.state).toBe('online');
  });

  it('ConfInterval also clears the ToleranceLimit count', async () => {
    const clock = new FakeClock();
    // MonitorTimeout 5 keeps the ConfInterval floor, (10 + 5) × 1 + 10 + 10 = 35, below 50.
    const s = setup(clock, [{ name: 'G', resources: [{ name: 'r', settings: { MonitorInterval: 10, MonitorTimeout: 5, ToleranceLimit: 1, ConfInterval: 50 } }] }], { r: 'online' }, (x) =>
      // Offline at the 2nd monitor (t=10) and at the 10th (t=90): each time the only one in ConfInterval.
      x.on('r', 'monitor', (_c, n) => ({ exit: n === 2 || n === 10 ? 100 : 110 })),
    );
    await s.runner.start();
    await clock.advance(100_000);
    expect(s.of('tolerated-offline', 'r').map((e) => e.count)).toEqual([1, 1]);
    expect(s.exec.callsOf('r', 'clean')).toHaveLength(0);
  });

  it('without ConfInterval elapsing, a second offline report exceeds ToleranceLimit 1', async () => {
    const clock = new FakeClock();
    const s = setup(clock, [{ name: 'G', resources: [{ name: 'r', settings: { MonitorInterval: 10, ToleranceLimit: 1, ConfInterval: 600 } }] }], { r: 'online' }, (x) =>
      x.on('r', 'monitor', (_c, n) => ({ exit: n === 2 || n === 10 ? 100 : 110 })),
    );
    await s.runner.start();
    await clock.advance(100_000);
    expect(s.exec.callsOf('r', 'clean').map((c) => [s.secs(c.t), c.args[0]])).toEqual([[90, '4']]);
  });
});

describe('MonitorTimeout and FaultOnMonitorTimeouts', () => {
  it('kills a monitor at MonitorTimeout and faults after FaultOnMonitorTimeouts in a row (clean reason 5)', async () => {
    const clock = new FakeClock();
    const s = setup(clock, [{ name: 'G', resources: [{ name: 'r', settings: { MonitorInterval: 60, MonitorTimeout: 20, FaultOnMonitorTimeouts: 3 } }] }], { r: 'online' }, (x) =>
      x.on('r', 'monitor', (_c, n) => (n === 1 ? { exit: 110 } : { hang: true })),
    );
    await s.runner.start();
    await clock.advance(240_000);
    const timeouts = s.of('monitor-timeout', 'r');
    expect(timeouts.map((e) => [s.secs(e.time), e.count])).toEqual([
      [80, 1],
      [160, 2],
      [240, 3],
    ]);
    expect(s.exec.callsOf('r', 'clean').map((c) => [s.secs(c.t), c.args[0]])).toEqual([[240, '5']]);
    expect(s.runner.resource('r')!.state).toBe('faulted');
  });

  it('never faults on monitor timeouts when FaultOnMonitorTimeouts is 0', async () => {
    const clock = new FakeClock();
    const s = setup(clock, [{ name: 'G', resources: [{ name: 'r', settings: { MonitorInterval: 10, MonitorTimeout: 5, FaultOnMonitorTimeouts: 0 } }] }], { r: 'online' }, (x) =>
      x.on('r', 'monitor', (_c, n) => (n === 1 ? { exit: 110 } : { hang: true })),
    );
    await s.runner.start();
    await clock.advance(300_000);
    expect(s.of('monitor-timeout', 'r').length).toBeGreaterThan(10);
    expect(s.exec.callsOf('r', 'clean')).toHaveLength(0);
    expect(s.runner.resource('r')!.state).toBe('online');
  });

  it('counts consecutive timeouts only: a monitor that completes starts the count again', async () => {
    const clock = new FakeClock();
    const s = setup(clock, [{ name: 'G', resources: [{ name: 'r', settings: { MonitorInterval: 10, MonitorTimeout: 5, FaultOnMonitorTimeouts: 2 } }] }], { r: 'online' }, (x) =>
      x.on('r', 'monitor', (_c, n) => (n % 2 === 0 ? { hang: true } : { exit: 110 })),
    );
    await s.runner.start();
    await clock.advance(200_000);
    expect(s.of('monitor-timeout', 'r').every((e) => e.count === 1)).toBe(true);
    expect(s.exec.callsOf('r', 'clean')).toHaveLength(0);
  });

  it('does not fault an OFFLINE resource on monitor timeouts', async () => {
    const clock = new FakeClock();
    const s = setup(clock, [{ name: 'G', resources: [{ name: 'r', settings: { OfflineMonitorInterval: 10, MonitorTimeout: 5, FaultOnMonitorTimeouts: 1 } }] }], { r: 'offline' }, (x) =>
      x.on('r', 'monitor', (_c, n) => (n === 1 ? { exit: 100 } : { hang: true })),
    );
    await s.runner.start();
    await clock.advance(100_000);
    expect(s.exec.callsOf('r', 'clean')).toHaveLength(0);
    expect(s.runner.resource('r')!.state).toBe('offline');
  });
});

describe('IntentionalOffline', () => {
  it('with IntentionalOffline 1, monitor 200 makes the resource OFFLINE without a fault', async () => {
    const clock = new FakeClock();
    const s = setup(clock, [{ name: 'G', resources: [{ name: 'r', settings: { MonitorInterval: 10, IntentionalOffline: 1 } }] }], { r: 'online' });
    await s.runner.start();
    s.exec.world.set('r', 'intentional');
    await clock.advance(10_000);
    expect(s.runner.resource('r')!.state).toBe('offline');
    expect(s.of('resource-state', 'r').at(-1)).toMatchObject({ to: 'offline', cause: 'intentional-offline', intentional: true });
    expect(s.exec.callsOf('r', 'clean')).toHaveLength(0);
    expect(s.runner.groupState('G')).toBe('offline');
  });

  it('with IntentionalOffline 0, monitor 200 is an unexpected offline (clean 4, FAULTED)', async () => {
    const clock = new FakeClock();
    const s = setup(clock, [{ name: 'G', resources: [{ name: 'r', settings: { MonitorInterval: 10, IntentionalOffline: 0 } }] }], { r: 'online' });
    await s.runner.start();
    s.exec.world.set('r', 'intentional');
    await clock.advance(10_000);
    expect(s.exec.callsOf('r', 'clean').map((c) => c.args[0])).toEqual(['4']);
    expect(s.runner.resource('r')!.state).toBe('faulted');
  });
});

describe('clean and ManageFaults', () => {
  it('does not restart or fault until clean succeeds', async () => {
    const clock = new FakeClock();
    const s = setup(clock, [{ name: 'G', resources: [{ name: 'r', settings: { MonitorInterval: 10, RestartLimit: 1 } }] }], { r: 'online' }, (x) =>
      x.on('r', 'clean', (_c, n) => (n < 3 ? { exit: 1 } : { exit: 0 })),
    );
    await s.runner.start();
    s.exec.world.set('r', 'offline');
    await clock.advance(15_000);
    expect(s.exec.callsOf('r', 'online')).toHaveLength(0);
    expect(s.runner.resource('r')!.state).toBe('online');
    await clock.advance(20_000);
    expect(s.exec.callsOf('r', 'clean').map((c) => [s.secs(c.t), c.args[0]])).toEqual([
      [10, '4'],
      [20, '4'],
      [30, '4'],
    ]);
    expect(s.exec.callsOf('r', 'online')).toHaveLength(1);
    expect(s.runner.resource('r')!.state).toBe('online');
  });

  it('CleanRetryLimit: gives up retrying clean and waits for the administrator', async () => {
    const clock = new FakeClock();
    const s = setup(clock, [{ name: 'G', resources: [{ name: 'r', cleanRetryLimit: 2, settings: { MonitorInterval: 10 } }] }], { r: 'online' }, (x) =>
      x.on('r', 'clean', { exit: 1 }),
    );
    await s.runner.start();
    s.exec.world.set('r', 'offline');
    await clock.advance(100_000);
    expect(s.exec.callsOf('r', 'clean')).toHaveLength(3);
    expect(s.runner.resource('r')!.agentState).toBe('admin-wait');
  });

  it('ManageFaults NONE: no clean, ADMIN_WAIT', async () => {
    const clock = new FakeClock();
    const s = setup(clock, [{ name: 'G', manageFaults: 'NONE', resources: [{ name: 'r', settings: { MonitorInterval: 10, RestartLimit: 3 } }] }], { r: 'online' });
    await s.runner.start();
    s.exec.world.set('r', 'offline');
    await clock.advance(50_000);
    expect(s.exec.callsOf('r', 'clean')).toHaveLength(0);
    expect(s.exec.callsOf('r', 'online')).toHaveLength(0);
    expect(s.of('admin-wait', 'r').map((e) => e.reason)).toEqual(['unexpected-offline']);
    // ADMIN_WAIT stops monitoring until the administrator acts.
    expect(s.exec.callsOf('r', 'monitor')).toHaveLength(2);
  });

  it('a resource type without clean cannot be restarted: it faults', async () => {
    const clock = new FakeClock();
    const s = setup(clock, [{ name: 'G', resources: [{ name: 'r', settings: { MonitorInterval: 10, RestartLimit: 3 } }] }], { r: 'online' }, (x) => x.implemented.delete('clean'));
    await s.runner.start();
    s.exec.world.set('r', 'offline');
    await clock.advance(10_000);
    expect(s.exec.callsOf('r', 'online')).toHaveLength(0);
    expect(s.runner.resource('r')!.state).toBe('faulted');
  });

  it('hares -clear: a FAULTED resource becomes OFFLINE with its counters reset', async () => {
    const clock = new FakeClock();
    const s = setup(clock, [{ name: 'G', resources: [{ name: 'r', settings: { MonitorInterval: 10 } }] }], { r: 'online' });
    await s.runner.start();
    s.exec.world.set('r', 'offline');
    await clock.advance(10_000);
    expect(s.runner.groupState('G')).toBe('faulted');
    await s.runner.clear('G');
    expect(s.runner.resource('r')!.state).toBe('offline');
    expect(s.runner.groupState('G')).toBe('offline');
    const p = s.runner.online('G');
    await clock.advance(1000);
    expect(await p).toBe('online');
  });
});

describe('migrate', () => {
  it('waits exit × 10 s, then monitors; OFFLINE here means migrated', async () => {
    const clock = new FakeClock();
    const s = setup(clock, [{ name: 'G', resources: [{ name: 'r' }] }], { r: 'online' }, (x) =>
      x.on('r', 'migrate', { after: 2000, exit: 3, effect: () => x.world.set('r', 'offline') }),
    );
    await s.runner.start();
    const p = s.runner.migrate('G', 'sysB');
    await clock.advance(60_000);
    expect(await p).toBe('migrated');
    const mig = s.exec.callsOf('r', 'migrate')[0]!;
    expect(mig.args.slice(-4)).toEqual(['VCSInfo', '2', 'TargetHost', 'sysB']);
    // 2 s of migrate, then 3 × 10 s.
    expect(s.exec.callsOf('r', 'monitor').map((c) => s.secs(c.t))).toEqual([0, 32]);
    expect(s.of('resource-state', 'r').at(-1)).toMatchObject({ to: 'offline', cause: 'migrated' });
    expect(s.runner.groupState('G')).toBe('offline');
  });

  it('fails when the resource is still online here after MigrateWaitLimit intervals', async () => {
    const clock = new FakeClock();
    const s = setup(clock, [{ name: 'G', resources: [{ name: 'r', settings: { MonitorInterval: 10, MigrateWaitLimit: 2 } }] }], { r: 'online' }, (x) =>
      x.on('r', 'migrate', { exit: 1 }),
    );
    await s.runner.start();
    const p = s.runner.migrate('G', 'sysB');
    await clock.advance(35_000);
    expect(await p).toBe('failed');
    expect(s.exec.callsOf('r', 'monitor').map((c) => s.secs(c.t))).toEqual([0, 10, 20, 30]);
    // exit 1: 10 s, then MigrateWaitLimit 2 more intervals before giving up.
    expect(s.of('migrate-failed', 'r').map((e) => s.secs(e.time))).toEqual([30]);
    expect(s.runner.resource('r')!.state).toBe('online');
    expect(s.exec.callsOf('r', 'clean')).toHaveLength(0);
  });

  it('says why it cannot migrate: a target outside SystemList, or nothing online here', async () => {
    const clock = new FakeClock();
    const s = setup(clock, [{ name: 'G', resources: [{ name: 'r' }], systems: ['sysA', 'sysB'] }], {});
    await s.runner.start();
    expect(() => s.runner.migrate('G', 'sysC')).toThrow(/not in its SystemList \(sysA, sysB\)/);
    expect(() => s.runner.migrate('G', 'sysA')).toThrow(/it is this system/);
    expect(await s.runner.migrate('G', 'sysB')).toBe('failed');
    expect(s.of('error').at(-1)).toMatchObject({ detail: expect.stringContaining('none of its resources is online here') });
    expect(s.exec.callsOf('r', 'migrate')).toHaveLength(0);
  });
});

describe('one entry point per resource at a time', () => {
  it('queues a probe behind a running online, never overlapping entry points', async () => {
    const clock = new FakeClock();
    const s = setup(clock, [{ name: 'G', resources: [{ name: 'r', settings: { MonitorInterval: 5 } }] }], {}, (x) =>
      x.on('r', 'online', { after: 30_000, exit: 0, effect: () => x.world.set('r', 'online') }).on('r', 'monitor', (c) => ({ after: 3000, exit: x.world.get(c.subject) === 'online' ? 110 : 100 })),
    );
    const started = s.runner.start();
    await clock.advance(3000);
    await started;
    const p = s.runner.online('G');
    await clock.advance(1000);
    void s.runner.probe('r');
    void s.runner.probe('r');
    await clock.advance(120_000);
    expect(await p).toBe('online');
    expect(s.exec.maxConcurrentPerResource).toBe(1);
    // The probes ran after the online and its first monitor, not during them.
    const onlineAt = s.exec.callsOf('r', 'online')[0]!.t;
    const monitorsDuringOnline = s.exec.callsOf('r', 'monitor').filter((c) => c.t > onlineAt && c.t < onlineAt + 30_000);
    expect(monitorsDuringOnline).toHaveLength(0);
  });
});

describe('open, close, shutdown, AEPTimeout', () => {
  it('opens each resource before its first monitor; closes each and shuts the type down at stop', async () => {
    const clock = new FakeClock();
    const s = setup(clock, [{ name: 'G', resources: [{ name: 'a' }, { name: 'b' }, { name: 'c', enabled: false }] }], { a: 'online' });
    await s.runner.start();
    expect(s.exec.calls.filter((c) => c.resource === 'a').map((c) => c.ep)).toEqual(['open', 'monitor']);
    expect(s.exec.calls.filter((c) => c.resource === 'c')).toEqual([]);
    await s.runner.stop();
    expect(s.exec.calls.filter((c) => c.ep === 'close').map((c) => c.resource).sort()).toEqual(['a', 'b']);
    const shutdown = s.exec.calls.filter((c) => c.ep === 'shutdown');
    expect(shutdown).toHaveLength(1);
    expect(shutdown[0]!.args).toEqual([]);
    expect(s.exec.calls.at(-1)!.ep).toBe('shutdown');
  });

  it('appends AEPTimeout with the entry point own timeout when AEPTimeout is 1', async () => {
    const clock = new FakeClock();
    const s = setup(clock, [{ name: 'G', resources: [{ name: 'r', settings: { AEPTimeout: 1, MonitorTimeout: 45, CleanTimeout: 33 } }] }], { r: 'online' });
    await s.runner.start();
    expect(s.exec.callsOf('r', 'monitor')[0]!.args.slice(-3)).toEqual(['AEPTimeout', '1', '45']);
    s.exec.world.set('r', 'offline');
    await clock.advance(60_000);
    const clean = s.exec.callsOf('r', 'clean')[0]!;
    expect(clean.args[0]).toBe('4');
    expect(clean.args.slice(-3)).toEqual(['AEPTimeout', '1', '33']);
  });
});
