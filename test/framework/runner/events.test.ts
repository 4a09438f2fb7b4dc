/**
 * What the runner reports about entry points as they finish: how long a
 * shutdown took, and an entry point cut short by the runner stopping told
 * apart from one that could not be started (formatEvent's line for each).
 */
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../framework/clock.js';
import { formatEvent, type EventOf } from '../../../framework/runner/events.js';
import { setup } from './helpers/scripted.js';

describe('ep-finished', () => {
  it('gives the time shutdown took', async () => {
    const clock = new FakeClock();
    const s = setup(clock, [{ name: 'G', resources: [{ name: 'r' }] }], { r: 'online' }, (exec) => exec.on('', 'shutdown', { after: 700, exit: 0 }));
    await s.runner.start();
    const stopping = s.runner.stop();
    await clock.advance(1000);
    await stopping;
    const done = s.events.filter((e): e is EventOf<'ep-finished'> => e.kind === 'ep-finished' && e.entryPoint === 'shutdown');
    expect(done).toHaveLength(1);
    expect(done[0]!.durationMs).toBe(700);
    expect(formatEvent(done[0]!, { verbose: true })).toMatch(/: shutdown exited 0 after 700 ms$/);
  });

  it('says INTERRUPTED for an entry point the stopping runner cut short, and "failed to start" only for one that never ran', async () => {
    const clock = new FakeClock();
    const s = setup(clock, [{ name: 'G', resources: [{ name: 'r' }] }], { r: 'offline' }, (exec) => exec.on('r', 'online', { hang: true }));
    await s.runner.start();
    void s.runner.online('G');
    await clock.advance(5000);
    const stopping = s.runner.stop();
    await clock.advance(1000);
    await stopping;
    const online = s.events.find((e): e is EventOf<'ep-finished'> => e.kind === 'ep-finished' && e.entryPoint === 'online')!;
    expect(online).toMatchObject({ interrupted: true, timedOut: false, error: 'interrupted: the runner is stopping' });
    const line = formatEvent(online)!;
    expect(line).toMatch(/r: online INTERRUPTED \(the runner is stopping\) after 5000 ms$/);
    expect(line).not.toMatch(/failed to start/);

    const spawnFailure: EventOf<'ep-finished'> = { time: 0, system: 'sysA', kind: 'ep-finished', resource: 'r', type: 'Test', entryPoint: 'monitor', exitCode: null, timedOut: false, durationMs: 3, error: 'spawn /opt/VRTSvcs/bin/Test/monitor EACCES' };
    expect(formatEvent(spawnFailure)).toMatch(/r: monitor failed to start: spawn \/opt\/VRTSvcs\/bin\/Test\/monitor EACCES after 3 ms$/);
  });
});
