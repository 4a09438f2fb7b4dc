/**
 * The IMF side of the agent framework on a fake clock: when registration
 * happens, what a notification does, MonitorFreq, RegisterRetryLimit, Mode,
 * imf_getnotification going away and coming back, IMFRegList changes.
 */
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../framework/clock.js';
import { setup } from './helpers/scripted.js';

const imf = (Mode: number, MonitorFreq = 5, RegisterRetryLimit = 3) => ({ Mode, MonitorFreq, RegisterRetryLimit });

async function started(clock: FakeClock, settings: Record<string, unknown>, world: 'online' | 'offline' = 'online', configure?: Parameters<typeof setup>[3]) {
  const s = setup(clock, [{ name: 'G', resources: [{ name: 'r', settings: { MonitorInterval: 60, OfflineMonitorInterval: 60, ...settings } }] }], { r: world }, (x) => {
    x.withImf();
    configure?.(x);
  });
  await s.runner.start();
  s.exec.pipe('READY');
  return s;
}

const registers = (s: Awaited<ReturnType<typeof started>>) => s.exec.callsOf('r', 'imf_register').map((c) => [s.secs(c.t), c.args[0], c.args[1]]);

describe('IMF registration', () => {
  it('runs imf_init then starts imf_getnotification with the type name', async () => {
    const clock = new FakeClock();
    const s = await started(clock, { IMF: imf(3) });
    expect(s.exec.calls.filter((c) => c.ep === 'imf_init').map((c) => c.resource)).toEqual(['Test']);
    expect(s.exec.daemon!.call.subject).toBe('Test');
    expect(s.of('imf-daemon').map((e) => e.action)).toEqual(['started', 'ready']);
  });

  it('registers only after two equal monitor results', async () => {
    const clock = new FakeClock();
    const s = await started(clock, { IMF: imf(3) });
    expect(registers(s)).toEqual([]); // one result (the probe) is not a steady state
    await clock.advance(60_000);
    expect(registers(s)).toEqual([[60, 'VCSAgIMFMonitorStart', 'VCSAgIMFResOnline']]);
    expect(s.of('imf-registered', 'r')).toMatchObject([{ state: 'online', id: 'id-r' }]);
  });

  it('does not register when two results differ', async () => {
    const clock = new FakeClock();
    const s = await started(clock, { IMF: imf(3), ToleranceLimit: 5 }, 'online', (x) => x.on('r', 'monitor', (_c, n) => ({ exit: n % 2 ? 110 : 100 })));
    await clock.advance(300_000);
    expect(registers(s)).toEqual([]);
  });

  it('while registered, a traditional monitor runs only every MonitorFreq-th interval', async () => {
    const clock = new FakeClock();
    const s = await started(clock, { IMF: imf(3, 5) });
    await clock.advance(700_000);
    expect(s.exec.callsOf('r', 'monitor').map((c) => s.secs(c.t))).toEqual([0, 60, 360, 660]);
  });

  it('MonitorFreq 0: no traditional monitor at all once registered', async () => {
    const clock = new FakeClock();
    const s = await started(clock, { IMF: imf(3, 0) });
    await clock.advance(3_600_000);
    expect(s.exec.callsOf('r', 'monitor').map((c) => s.secs(c.t))).toEqual([0, 60]);
  });

  it('Mode 2 watches online resources only; Mode 1 offline ones only', async () => {
    const clock = new FakeClock();
    const a = await started(clock, { IMF: imf(2) }, 'offline');
    await clock.advance(300_000);
    expect(registers(a)).toEqual([]);

    const clock2 = new FakeClock();
    const b = await started(clock2, { IMF: imf(1) }, 'offline');
    await clock2.advance(60_000);
    expect(registers(b)).toEqual([[60, 'VCSAgIMFMonitorStart', 'VCSAgIMFResOffline']]);

    const clock3 = new FakeClock();
    const c = await started(clock3, { IMF: imf(1) }, 'online');
    await clock3.advance(300_000);
    expect(registers(c)).toEqual([]);
  });

  it('Mode 0 starts no imf_getnotification and registers nothing', async () => {
    const clock = new FakeClock();
    const s = setup(clock, [{ name: 'G', resources: [{ name: 'r', settings: { IMF: imf(0) } }] }], { r: 'online' }, (x) => x.withImf());
    await s.runner.start();
    await clock.advance(600_000);
    expect(s.exec.daemon).toBeUndefined();
    expect(s.exec.callsOf('r', 'imf_register')).toEqual([]);
  });
});

describe('IMF notifications', () => {
  it('a notification runs a traditional monitor at once, which confirms the fault', async () => {
    const clock = new FakeClock();
    const s = await started(clock, { IMF: imf(3, 5) });
    await clock.advance(100_000); // registered at 60
    s.exec.world.set('r', 'offline');
    await clock.advance(7_000); // crash at t=107 — the next poll would be at 360
    s.exec.pipe('NOTIFY id-r r OFFLINE');
    await clock.advance(0);
    const clean = s.exec.callsOf('r', 'clean');
    expect(clean.map((c) => [s.secs(c.t), c.args[0]])).toEqual([[107, '4']]);
    expect(s.of('monitor', 'r').at(-1)?.via).toBe('imf');
    expect(s.runner.resource('r')!.state).toBe('faulted');
    // Unregistered on the way: the registration was for an online resource.
    expect(s.exec.callsOf('r', 'imf_register').map((c) => c.args[0])).toEqual(['VCSAgIMFMonitorStart', 'VCSAgIMFMonitorStop']);
  });

  it('a notification the monitor does not confirm changes nothing and keeps the registration', async () => {
    const clock = new FakeClock();
    const s = await started(clock, { IMF: imf(3, 5) });
    await clock.advance(100_000);
    s.exec.pipe('NOTIFY id-r r OFFLINE');
    await clock.advance(0);
    expect(s.exec.callsOf('r', 'monitor')).toHaveLength(3);
    expect(s.runner.resource('r')!.state).toBe('online');
    expect(s.runner.resource('r')!.imfStatus.status).toBe('registered');
  });

  it('ignores a notification for another registration id', async () => {
    const clock = new FakeClock();
    const s = await started(clock, { IMF: imf(3, 5) });
    await clock.advance(100_000);
    s.exec.pipe('NOTIFY stale-id r OFFLINE');
    await clock.advance(0);
    expect(s.exec.callsOf('r', 'monitor')).toHaveLength(2);
  });
});

describe('RegisterRetryLimit', () => {
  it('retries a failed registration RegisterRetryLimit times, then polls', async () => {
    const clock = new FakeClock();
    const s = await started(clock, { IMF: imf(3, 5, 2) }, 'online', (x) => x.on('r', 'imf_register', { exit: 1 }));
    await clock.advance(600_000);
    // First attempt at 60, then one per interval: 1 + RegisterRetryLimit attempts.
    expect(registers(s).map((r) => r[0])).toEqual([60, 120, 180]);
    expect(s.of('imf-disabled', 'r')).toHaveLength(1);
    // Traditional monitoring every MonitorInterval from then on.
    expect(s.exec.callsOf('r', 'monitor').map((c) => s.secs(c.t))).toEqual([0, 60, 120, 180, 240, 300, 360, 420, 480, 540, 600]);
  });

  it('an imf_register that writes no resource ID has failed', async () => {
    const clock = new FakeClock();
    const s = await started(clock, { IMF: imf(3, 5, 0) }, 'online', (x) => x.on('r', 'imf_register', { exit: 0, pipe: [] }));
    await clock.advance(200_000);
    expect(s.of('imf-register-failed', 'r')[0]!.detail).toMatch(/no resource ID/);
    expect(s.of('imf-disabled', 'r')).toHaveLength(1);
  });

  it('a state change gives IMF another chance', async () => {
    const clock = new FakeClock();
    let fail = true;
    const s = await started(clock, { IMF: imf(3, 5, 0) }, 'offline', (x) => x.on('r', 'imf_register', () => ({ exit: fail ? 1 : 0, pipe: ['id-r'] })));
    await clock.advance(200_000);
    expect(s.of('imf-disabled', 'r')).toHaveLength(1);
    fail = false;
    const p = s.runner.online('G');
    await clock.advance(60_000);
    expect(await p).toBe('online');
    await clock.advance(60_000);
    expect(s.of('imf-registered', 'r')).toMatchObject([{ state: 'online' }]);
  });
});

describe('imf_getnotification going away', () => {
  it('falls back to traditional monitoring, restarts it, and adopts what it recovered', async () => {
    const clock = new FakeClock();
    const s = await started(clock, { IMF: imf(3, 5) });
    await clock.advance(61_000); // registered at 60
    expect(s.runner.resource('r')!.imfStatus.status).toBe('registered');
    s.exec.daemon!.exit(1);
    await clock.advance(0);
    expect(s.runner.resource('r')!.imfStatus.status).toBe('none');
    expect(s.of('imf-daemon').map((e) => e.action)).toEqual(['started', 'ready', 'exited']);
    // Traditional monitoring at MonitorInterval meanwhile: 120 is a poll, not the 5th interval.
    await clock.advance(60_000);
    expect(s.exec.callsOf('r', 'monitor').map((c) => s.secs(c.t))).toEqual([0, 60, 120]);
    // Restarted after restartDelayMs (5 s) — at 66.
    expect(s.exec.daemonStarts).toBe(2);
    s.exec.pipe('READY');
    s.exec.pipe('RECOVERED id-r r ONLINE');
    await clock.advance(0);
    expect(s.runner.resource('r')!.imfStatus).toMatchObject({ status: 'registered', id: 'id-r' });
    // Adopted without a new imf_register.
    expect(s.exec.callsOf('r', 'imf_register')).toHaveLength(1);
  });

  it('a monitor in flight when the registration comes back does not register it a second time', async () => {
    const clock = new FakeClock();
    const s = await started(clock, { IMF: imf(3, 5) });
    s.exec.on('r', 'monitor', { after: 2000, exit: 110 }); // monitors take 2 s from now on
    await clock.advance(63_000); // poll at 60-62: registered at 62
    expect(s.runner.resource('r')!.imfStatus.status).toBe('registered');
    s.exec.daemon!.exit(1);
    await clock.advance(60_000); // traditional poll at 122, in flight until 124
    expect(s.exec.running.get('r')).toBe(1);
    s.exec.pipe('READY');
    s.exec.pipe('RECOVERED id-r r ONLINE');
    await clock.advance(5_000);
    expect(s.runner.resource('r')!.imfStatus).toMatchObject({ status: 'registered', id: 'id-r' });
    expect(s.exec.callsOf('r', 'imf_register')).toHaveLength(1);
  });

  it('drops a recovered registration that no longer matches the resource', async () => {
    const clock = new FakeClock();
    const s = await started(clock, { IMF: imf(3, 5) }, 'offline');
    s.exec.daemon!.exit(4);
    await clock.advance(5_000);
    s.exec.pipe('READY');
    s.exec.pipe('RECOVERED id-r r ONLINE'); // it is offline
    await clock.advance(0);
    expect(s.runner.resource('r')!.imfStatus.status).toBe('none');
    expect(s.exec.callsOf('r', 'imf_register').map((c) => [c.args[0], c.args[1]])).toEqual([['VCSAgIMFMonitorStop', 'VCSAgIMFResOnline']]);
  });

  it('gives up after imf_getnotification keeps dying before it is ready', async () => {
    const clock = new FakeClock();
    const s = setup(clock, [{ name: 'G', resources: [{ name: 'r', settings: { IMF: imf(3) } }] }], { r: 'online' }, (x) => x.withImf());
    await s.runner.start();
    for (let i = 0; i < 5; i++) {
      s.exec.daemon!.exit(1);
      await clock.advance(5_000);
    }
    expect(s.of('imf-daemon').filter((e) => e.action === 'gave-up')).toHaveLength(1);
    expect(s.exec.daemonStarts).toBe(5);
  });

  it('imf_init failing means no imf_getnotification and traditional monitoring', async () => {
    const clock = new FakeClock();
    const s = setup(clock, [{ name: 'G', resources: [{ name: 'r', settings: { IMF: imf(3), MonitorInterval: 60 } }] }], { r: 'online' }, (x) => x.withImf().on('Test', 'imf_init', { exit: 1 }));
    await s.runner.start();
    await clock.advance(300_000);
    expect(s.exec.daemonStarts).toBe(0);
    expect(s.of('imf-daemon')).toMatchObject([{ action: 'init-failed' }]);
    expect(s.exec.callsOf('r', 'monitor')).toHaveLength(6);
  });
});

describe('IMFRegList', () => {
  it('a change of an IMFRegList attribute unregisters; other attributes do not', async () => {
    const clock = new FakeClock();
    const s = await started(clock, { IMF: imf(3, 5), IMFRegList: ['PathName'] });
    await clock.advance(61_000);
    await s.runner.modify('r', 'Other', ['x']);
    expect(s.exec.callsOf('r', 'imf_register')).toHaveLength(1);
    // What the runner fixes at start-up is refused, not silently ignored.
    await expect(s.runner.modify('r', 'Enabled', ['0'])).rejects.toThrow(/Enabled is read when the run starts/);
    await s.runner.modify('r', 'PathName', ['/new']);
    expect(s.exec.callsOf('r', 'imf_register').map((c) => c.args[0])).toEqual(['VCSAgIMFMonitorStart', 'VCSAgIMFMonitorStop']);
    expect(s.of('imf-unregistered', 'r').at(-1)!.why).toMatch(/IMFRegList/);
    // The new value reaches the entry points, and registration comes back after two equal results.
    await clock.advance(120_000);
    const last = s.exec.callsOf('r', 'imf_register').at(-1)!;
    expect(last.args[0]).toBe('VCSAgIMFMonitorStart');
    expect(last.args.join(' ')).toContain('PathName 1 /new');
  });

  it('setting IMF Mode to 0 unregisters', async () => {
    const clock = new FakeClock();
    const s = await started(clock, { IMF: imf(3, 5) });
    await clock.advance(61_000);
    await s.runner.modify('r', 'IMF', ['Mode', '0', 'MonitorFreq', '5', 'RegisterRetryLimit', '3']);
    expect(s.runner.resource('r')!.imfStatus.status).toBe('none');
    await clock.advance(300_000);
    expect(s.exec.callsOf('r', 'imf_register').map((c) => c.args[0])).toEqual(['VCSAgIMFMonitorStart', 'VCSAgIMFMonitorStop']);
    expect(s.exec.callsOf('r', 'monitor').map((c) => s.secs(c.t))).toEqual([0, 60, 120, 180, 240, 300, 360]);
  });
});
