/**
 * Resource dependencies within a group (`parent requires child`): online
 * children first, offline parents first, and a fault takes the resources
 * that depend on it offline; a Critical fault faults the group.
 */
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../framework/clock.js';
import { setup } from './helpers/scripted.js';

// app requires ip, app requires mnt, ip requires nic: nic -> ip -> app, mnt -> app
const deps = [
  { parent: 'app', child: 'ip' },
  { parent: 'app', child: 'mnt' },
  { parent: 'ip', child: 'nic' },
];

function chain(clock: FakeClock, world: Record<string, 'online' | 'offline'> = {}, extra: { critical?: Record<string, boolean> } = {}) {
  const names = ['app', 'ip', 'mnt', 'nic'];
  return setup(
    clock,
    [{ name: 'G', resources: names.map((n) => ({ name: n, critical: extra.critical?.[n] ?? true, settings: { MonitorInterval: 10 } })), dependencies: deps }],
    world,
    (x) => {
      // Each online and offline takes a little while, so ordering is visible.
      for (const n of names) {
        x.on(n, 'online', { after: 1000, exit: 0, effect: () => x.world.set(n, 'online') });
        x.on(n, 'offline', { after: 1000, exit: 0, effect: () => x.world.set(n, 'offline') });
      }
    },
  );
}

describe('resource dependencies', () => {
  it('brings children online before their parents, independent branches in parallel', async () => {
    const clock = new FakeClock();
    const s = chain(clock);
    await s.runner.start();
    const p = s.runner.online('G');
    await clock.advance(10_000);
    expect(await p).toBe('online');
    const at = (r: string) => s.secs(s.exec.callsOf(r, 'online')[0]!.t);
    expect(at('nic')).toBe(0);
    expect(at('mnt')).toBe(0);
    expect(at('ip')).toBeGreaterThanOrEqual(1);
    expect(at('app')).toBeGreaterThan(at('ip'));
    expect(at('app')).toBeGreaterThanOrEqual(at('mnt') + 1);
    expect(s.of('group-state').at(-1)).toMatchObject({ group: 'G', to: 'online' });
  });

  it('takes parents offline before their children', async () => {
    const clock = new FakeClock();
    const s = chain(clock, { app: 'online', ip: 'online', mnt: 'online', nic: 'online' });
    await s.runner.start();
    expect(s.runner.groupState('G')).toBe('online');
    const p = s.runner.offline('G');
    await clock.advance(10_000);
    expect(await p).toBe('offline');
    const at = (r: string) => s.secs(s.exec.callsOf(r, 'offline')[0]!.t);
    expect(at('app')).toBe(0);
    expect(at('ip')).toBeGreaterThanOrEqual(1);
    expect(at('mnt')).toBeGreaterThanOrEqual(1);
    expect(at('nic')).toBeGreaterThan(at('ip'));
  });

  it('does not online a parent whose child failed to come online', async () => {
    const clock = new FakeClock();
    const s = chain(clock);
    s.exec.on('nic', 'online', { exit: 0 }); // never comes up
    await s.runner.start();
    const p = s.runner.online('G');
    await clock.advance(120_000);
    expect(await p).toBe('faulted');
    expect(s.exec.callsOf('ip', 'online')).toHaveLength(0);
    expect(s.exec.callsOf('app', 'online')).toHaveLength(0);
  });

  it('a fault takes the resources that depend on it offline; a Critical fault faults the group', async () => {
    const clock = new FakeClock();
    const s = chain(clock, { app: 'online', ip: 'online', mnt: 'online', nic: 'online' });
    await s.runner.start();
    s.exec.world.set('ip', 'offline');
    await clock.advance(10_000);
    await clock.advance(5_000);
    expect(s.runner.resource('ip')!.state).toBe('faulted');
    // app depends on ip: offline first; then the rest of the group (ip is Critical).
    expect(s.exec.callsOf('app', 'offline')).toHaveLength(1);
    expect(s.exec.callsOf('mnt', 'offline')).toHaveLength(1);
    expect(s.exec.callsOf('nic', 'offline')).toHaveLength(1);
    expect(s.secs(s.exec.callsOf('nic', 'offline')[0]!.t)).toBeGreaterThanOrEqual(s.secs(s.exec.callsOf('app', 'offline')[0]!.t));
    expect(s.runner.groupState('G')).toBe('faulted');
    expect(s.of('group-state').at(-1)).toMatchObject({ to: 'faulted' });
  });

  it('a non-critical fault offlines only what depends on it, and the group is not FAULTED', async () => {
    const clock = new FakeClock();
    // Neither mnt nor what depends on it (app) is Critical.
    const s = chain(clock, { app: 'online', ip: 'online', mnt: 'online', nic: 'online' }, { critical: { mnt: false, app: false } });
    await s.runner.start();
    s.exec.world.set('mnt', 'offline');
    await clock.advance(10_000);
    await clock.advance(5_000);
    expect(s.runner.resource('mnt')!.state).toBe('faulted');
    expect(s.exec.callsOf('app', 'offline')).toHaveLength(1);
    expect(s.exec.callsOf('ip', 'offline')).toHaveLength(0);
    expect(s.exec.callsOf('nic', 'offline')).toHaveLength(0);
    expect(s.runner.groupState('G')).toBe('partial');
  });

  it('a fault under a Critical parent faults the group, though the faulted resource is not Critical', async () => {
    const clock = new FakeClock();
    const s = chain(clock, { app: 'online', ip: 'online', mnt: 'online', nic: 'online' }, { critical: { mnt: false } });
    await s.runner.start();
    s.exec.world.set('mnt', 'offline');
    await clock.advance(10_000);
    await clock.advance(5_000);
    expect(s.runner.resource('mnt')!.state).toBe('faulted');
    expect(s.exec.callsOf('app', 'offline')).toHaveLength(1);
    expect(s.exec.callsOf('ip', 'offline')).toHaveLength(1);
    expect(s.exec.callsOf('nic', 'offline')).toHaveLength(1);
    expect(s.runner.groupState('G')).toBe('faulted');
  });

  it('does not online a group while one of its resources is UNKNOWN, and says why', async () => {
    const clock = new FakeClock();
    const s = chain(clock, {}, {});
    s.exec.on('mnt', 'monitor', { exit: 99 }); // the monitor cannot tell
    await s.runner.start();
    expect(s.runner.resource('mnt')!.state).toBe('unknown');
    await s.runner.online('G');
    for (const n of ['app', 'ip', 'mnt', 'nic']) expect(s.exec.callsOf(n, 'online')).toHaveLength(0);
    expect(s.of('error').at(-1)).toMatchObject({ detail: expect.stringContaining('mnt is UNKNOWN') });
  });

  it('reports a group fault and stops there: nothing is brought online anywhere else', async () => {
    const clock = new FakeClock();
    const s = setup(clock, [{ name: 'G', resources: [{ name: 'r', settings: { MonitorInterval: 10 } }] }], { r: 'online' });
    await s.runner.start();
    s.exec.world.set('r', 'offline');
    await clock.advance(100_000);
    expect(s.runner.groupState('G')).toBe('faulted');
    expect(s.exec.callsOf('r', 'online')).toHaveLength(0);
    expect(s.of('group-state').map((e) => e.to)).toEqual(['faulted']);
  });
});
