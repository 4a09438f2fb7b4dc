/**
 * The runner over real entry point processes: a VCS script agent installed
 * under $VCS_HOME/bin/TestAgent/, each entry point started by absolute path
 * with the resource name and the flattened ArgList, its behaviour set by the
 * test through files. One test (at least) per semantic family; the clock is
 * real, sped up 10× (MonitorInterval 1 s passes in 100 ms).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type Live, live, mainCf } from './helpers/script-agent.js';
import { isProcessAlive as alive } from '../../../framework/process.js';

let current: Live | undefined;
afterEach(async () => {
  await current?.stop();
  current = undefined;
});

function start(resources: string, opts: Parameters<typeof mainCf>[1] = {}): Live {
  current = live(mainCf(resources, opts));
  return current;
}

describe('entry points as processes', () => {
  it('open, probe, online, periodic monitors, offline, close, shutdown — by absolute path with the ArgList', async () => {
    const l = start(`TestAgent r1 (\n    Tag = one\n    Items = { a, "b c" }\n)\n`);
    await l.runner.start();
    expect(await l.runner.online('G')).toBe('online');
    await l.waitFor((e) => e.kind === 'monitor' && e.via === 'poll' && e.resource === 'r1');
    expect(await l.runner.offline('G')).toBe('offline');
    await l.runner.stop();
    const calls = l.inst.calls().filter((c) => c.phase === 'start');
    const eps = calls.map((c) => c.ep);
    expect(eps[0]).toBe('open');
    expect(eps[1]).toBe('monitor');
    expect(eps.indexOf('online')).toBeGreaterThan(1);
    expect(eps.slice(-2)).toEqual(['close', 'shutdown']);
    const online = calls.find((c) => c.ep === 'online')!;
    expect(online.rest).toEqual(['r1', 'Tag', '1', 'one', 'Items', '2', 'a', 'b', 'c']);
    // shutdown gets no arguments at all; every entry point was its own process.
    expect(calls.at(-1)!.rest).toEqual([]);
    expect(new Set(calls.map((c) => c.pid)).size).toBe(calls.length);
  });

  it('one entry point per resource at a time, even with probes requested during a slow online', async () => {
    const l = start(`TestAgent r1 (\n    Tag = one\n)\n`);
    l.inst.behave('r1', 'online', 'slow 0.3');
    await l.runner.start();
    const p = l.runner.online('G');
    await new Promise((r) => setTimeout(r, 50));
    await Promise.all([l.runner.probe('r1'), l.runner.probe('r1'), p]);
    const spans: { from: number; to: number }[] = [];
    const open = new Map<number, number>();
    for (const c of l.inst.calls()) {
      if (c.phase === 'start') open.set(c.pid, c.ms);
      else spans.push({ from: open.get(c.pid)!, to: c.ms });
    }
    spans.sort((a, b) => a.from - b.from);
    for (let i = 1; i < spans.length; i++) expect(spans[i]!.from).toBeGreaterThanOrEqual(spans[i - 1]!.to);
    expect(spans.length).toBeGreaterThanOrEqual(6);
  });
});

describe('online and offline failures', () => {
  it('an ineffective online is monitored OnlineWaitLimit more times, cleaned with reason 3, then FAULTED', async () => {
    const l = start(`TestAgent r1 (\n    OnlineWaitLimit = 1\n)\n`);
    l.inst.behave('r1', 'online', 'noop');
    await l.runner.start();
    expect(await l.runner.online('G')).toBe('faulted');
    const after = l.starts('r1').slice(l.starts('r1').findIndex((c) => c.ep === 'online'));
    expect(after.map((c) => c.ep)).toEqual(['online', 'monitor', 'monitor', 'clean']);
    expect(after[3]!.rest[1]).toBe('3');
    expect(l.of('resource-state', 'r1').at(-1)).toMatchObject({ to: 'faulted' });
  });

  it('a hung online is killed at OnlineTimeout — its whole process group — and cleaned with reason 2', async () => {
    const l = start(`TestAgent r1 (\n    OnlineTimeout = 2\n)\n`);
    l.inst.behave('r1', 'online', 'hang');
    await l.runner.start();
    const t0 = Date.now();
    expect(await l.runner.online('G')).toBe('faulted');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(180);
    const online = l.inst.calls().find((c) => c.ep === 'online' && c.phase === 'start')!;
    expect(alive(online.pid)).toBe(false);
    expect(l.inst.calls().some((c) => c.ep === 'online' && c.phase === 'end')).toBe(false);
    expect(l.starts('r1', 'clean').map((c) => c.rest[1])).toEqual(['2']);
    expect(l.of('ep-finished', 'r1').find((e) => e.entryPoint === 'online')).toMatchObject({ timedOut: true });
  });

  it('OnlineRetryLimit: each retry is preceded by clean', async () => {
    const l = start(`TestAgent r1 (\n    OnlineWaitLimit = 0\n    OnlineRetryLimit = 2\n)\n`);
    l.inst.behave('r1', 'online', 'noop');
    await l.runner.start();
    expect(await l.runner.online('G')).toBe('faulted');
    const seq = l.starts('r1').map((c) => c.ep).filter((e) => e === 'online' || e === 'clean');
    expect(seq).toEqual(['online', 'clean', 'online', 'clean', 'online', 'clean']);
  });

  it('an ineffective offline is cleaned with reason 1 after OfflineWaitLimit; a hung one with reason 0', async () => {
    const l = start(`TestAgent r1 (\n    OfflineWaitLimit = 1\n    OfflineTimeout = 2\n)\n`);
    l.inst.setState('r1', 'online');
    l.inst.behave('r1', 'offline', 'noop');
    await l.runner.start();
    expect(await l.runner.offline('G')).toBe('offline');
    const after = l.starts('r1').slice(l.starts('r1').findIndex((c) => c.ep === 'offline'));
    expect(after.map((c) => c.ep)).toEqual(['offline', 'monitor', 'monitor', 'clean']);
    expect(after[3]!.rest[1]).toBe('1');

    l.inst.behave('r1', 'offline', 'hang');
    expect(await l.runner.online('G')).toBe('online');
    expect(await l.runner.offline('G')).toBe('offline');
    expect(l.starts('r1', 'clean').map((c) => c.rest[1])).toEqual(['1', '0']);
  });

  it('online exits with the seconds to wait before the first monitor', async () => {
    const l = start(`TestAgent r1 (\n)\n`);
    l.inst.behave('r1', 'online', 'wait 3');
    await l.runner.start();
    expect(await l.runner.online('G')).toBe('online');
    const calls = l.inst.calls();
    const onlineEnd = calls.find((c) => c.ep === 'online' && c.phase === 'end')!;
    const firstMonitor = calls.find((c) => c.ep === 'monitor' && c.phase === 'start' && c.ms >= onlineEnd.ms)!;
    // 3 s at speed 10.
    expect(firstMonitor.ms - onlineEnd.ms).toBeGreaterThanOrEqual(250);
  });
});

describe('faults of an online resource', () => {
  it('ToleranceLimit, then clean 4 and a RestartLimit restart', async () => {
    const l = start(`TestAgent r1 (\n    ToleranceLimit = 1\n    RestartLimit = 1\n)\n`);
    await l.runner.start();
    expect(await l.runner.online('G')).toBe('online');
    l.inst.setState('r1', 'offline');
    await l.waitFor((e) => e.kind === 'tolerated-offline');
    await l.waitFor((e) => e.kind === 'restart');
    await l.waitFor((e) => e.kind === 'ep-finished' && e.entryPoint === 'online' && l.of('restart').length === 1 && e.time >= l.of('restart')[0]!.time);
    await l.runner.idle();
    expect(l.runner.resource('r1')!.state).toBe('online');
    expect(l.starts('r1', 'clean').map((c) => c.rest[1])).toEqual(['4']);
    expect(l.starts('r1', 'online')).toHaveLength(2);
  });

  it('ConfInterval: after that long online, the restart count starts over', async () => {
    const l = start(`TestAgent r1 (\n    RestartLimit = 1\n    ConfInterval = 3\n)\n`);
    await l.runner.start();
    await l.runner.online('G');
    l.inst.setState('r1', 'offline');
    await l.waitFor((e) => e.kind === 'restart');
    await l.waitFor((e) => e.kind === 'counters-reset');
    l.inst.setState('r1', 'offline');
    await l.waitFor((e) => e.kind === 'restart' && l.of('restart').length === 2);
    await l.runner.idle();
    expect(l.runner.resource('r1')!.state).toBe('online');
    expect(l.of('resource-state', 'r1').some((e) => e.to === 'faulted')).toBe(false);
  });

  it('a hung monitor: FaultOnMonitorTimeouts consecutive timeouts, clean 5, FAULTED', async () => {
    const l = start(`TestAgent r1 (\n    MonitorTimeout = 1\n    FaultOnMonitorTimeouts = 2\n)\n`);
    l.inst.setState('r1', 'online');
    await l.runner.start();
    l.inst.behave('r1', 'monitor', 'hang');
    await l.waitFor((e) => e.kind === 'resource-state' && e.to === 'faulted');
    expect(l.of('monitor-timeout', 'r1').map((e) => e.count)).toEqual([1, 2]);
    expect(l.starts('r1', 'clean').map((c) => c.rest[1])).toEqual(['5']);
    for (const c of l.inst.calls().filter((x) => x.ep === 'monitor' && x.phase === 'start')) expect(alive(c.pid)).toBe(false);
  });

  it('IntentionalOffline 1: monitor 200 is OFFLINE, not a fault', async () => {
    const l = start(`TestAgent r1 (\n    IntentionalOffline = 1\n)\n`);
    l.inst.setState('r1', 'online');
    await l.runner.start();
    l.inst.setState('r1', 'intentional');
    const e = await l.waitFor((x) => x.kind === 'resource-state' && x.to === 'offline');
    expect(e).toMatchObject({ cause: 'intentional-offline' });
    await new Promise((r) => setTimeout(r, 300));
    expect(l.starts('r1', 'clean')).toHaveLength(0);
    expect(l.runner.groupState('G')).toBe('offline');
  });
});

describe('migrate and dependencies', () => {
  it('migrate: exit × 10 s, then monitor sees it gone', async () => {
    const l = start(`TestAgent r1 (\n)\n`);
    l.inst.setState('r1', 'online');
    l.inst.behave('r1', 'migrate', 'wait 1');
    await l.runner.start();
    expect(await l.runner.migrate('G', 'sysB')).toBe('migrated');
    const calls = l.inst.calls();
    const mig = calls.find((c) => c.ep === 'migrate' && c.phase === 'start')!;
    expect(mig.rest.slice(-4)).toEqual(['VCSInfo', '2', 'TargetHost', 'sysB']);
    const migEnd = calls.find((c) => c.ep === 'migrate' && c.phase === 'end')!;
    const next = calls.find((c) => c.ep === 'monitor' && c.phase === 'start' && c.ms >= migEnd.ms)!;
    expect(next.ms - migEnd.ms).toBeGreaterThanOrEqual(900);
    expect(l.of('resource-state', 'r1').at(-1)).toMatchObject({ to: 'offline', cause: 'migrated' });
  });

  it('brings children online first and takes parents offline first', async () => {
    const l = start(`TestAgent app (\n)\n\nTestAgent db (\n)\n\nTestAgent disk (\n)\n`, { deps: 'app requires db\ndb requires disk\n' });
    await l.runner.start();
    expect(await l.runner.online('G')).toBe('online');
    const order = (ep: string) =>
      l.inst
        .calls()
        .filter((c) => c.phase === 'start' && c.ep === ep)
        .map((c) => c.rest[0]);
    expect(order('online')).toEqual(['disk', 'db', 'app']);
    expect(await l.runner.offline('G')).toBe('offline');
    expect(order('offline')).toEqual(['app', 'db', 'disk']);
  });
});
