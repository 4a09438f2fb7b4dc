/**
 * Notification sources: the generic batched poller (one query per group
 * per poll, however many resources) and the WPAR source over a stand-in
 * `lswpar` on PATH.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { BatchedPoller } from '../../../framework/imf/batched-poller.js';
import type { ObservedState, Registration } from '../../../framework/imf/protocol.js';
import { createWparSource, parseLswpar, wparTarget } from '../../../framework/imf/wpar-source.js';
import { FakeClock } from '../../../framework/clock.js';

const BIN = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'bin');

const reg = (resource: string, group: string, key: string, state: 'online' | 'offline' = 'online'): Registration => ({ id: resource, resource, state, target: { group, key }, since: 0 });

describe('BatchedPoller', () => {
  it('runs one query per group per poll, whatever the number of registrations', async () => {
    const clock = new FakeClock();
    const queries: { group: string; keys: string[] }[] = [];
    const seen: [string, ObservedState][] = [];
    const poller = new BatchedPoller({
      intervalMs: 1000,
      clock,
      query: async (group, regs) => {
        queries.push({ group, keys: regs.map((r) => r.target.key) });
        return new Map(regs.map((r) => [r.target.key, r.target.key.endsWith('9') ? 'offline' : 'online'] as [string, ObservedState]));
      },
    });
    poller.start((r, s) => seen.push([r, s]));
    for (let i = 0; i < 50; i++) poller.add(reg(`a${i}`, 'hmc1|sysA', `lpar${i}`));
    for (let i = 0; i < 30; i++) poller.add(reg(`b${i}`, 'hmc2|sysB', `lpar${i}`));
    await clock.advance(3500);
    const perPoll = queries.length / 4;
    expect(queries.length % 2).toBe(0);
    expect(perPoll).toBeGreaterThanOrEqual(0.5);
    // Every poll: exactly the two groups, each with all of its keys.
    const byGroup = new Map<string, number>();
    for (const q of queries) byGroup.set(q.group, (byGroup.get(q.group) ?? 0) + 1);
    expect([...byGroup.values()]).toEqual([byGroup.get('hmc1|sysA'), byGroup.get('hmc2|sysB')]);
    expect(byGroup.get('hmc1|sysA')).toBe(queries.length / 2);
    expect(queries.find((q) => q.group === 'hmc1|sysA')!.keys).toHaveLength(50);
    expect(seen.filter(([r, s]) => r === 'a9' && s === 'offline').length).toBe(byGroup.get('hmc1|sysA'));
    await poller.close();
  });

  it('polls at the interval, and not at all when nothing is registered', async () => {
    const clock = new FakeClock();
    const times: number[] = [];
    const poller = new BatchedPoller({ intervalMs: 1000, clock, query: async () => (times.push(clock.now()), new Map()) });
    poller.start(() => undefined);
    await clock.advance(5000);
    expect(times).toEqual([]);
    const t0 = clock.now();
    poller.add(reg('r', 'g', 'k'));
    await clock.advance(3500);
    expect(times.map((t) => t - t0)).toEqual([0, 1000, 2000, 3000]);
    poller.remove('r');
    await clock.advance(3000);
    expect(times).toHaveLength(4);
    await poller.close();
  });

  it('a failed query judges nobody: no observation for its resources', async () => {
    const clock = new FakeClock();
    const seen: string[] = [];
    const polls: unknown[] = [];
    const poller = new BatchedPoller({
      intervalMs: 1000,
      clock,
      query: async (group) => {
        if (group === 'down') throw new Error('connection refused');
        return new Map([['k', 'online' as ObservedState]]);
      },
      onPoll: (st) => polls.push(st),
    });
    poller.start((r) => seen.push(r));
    poller.add(reg('a', 'down', 'k'));
    poller.add(reg('b', 'up', 'k'));
    await clock.advance(0);
    expect(polls).toEqual([expect.objectContaining({ queries: 2, registrations: 2, failed: 1 })]);
    expect(seen).toEqual(['b']);
    await poller.close();
  });
});

describe('WPAR source', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('parses lswpar -c -q: A online, D and B offline, the rest unknown', () => {
    const m = parseLswpar('w1:A:S:w1:/wpars/w1:no\nw2:D:S:w2:/wpars/w2:no\nw3:T:S:w3:/wpars/w3:no\n#name:state\nw4:B:S:w4:/:no\n');
    expect([...m]).toEqual([
      ['w1', 'online'],
      ['w2', 'offline'],
      ['w3', 'unknown'],
      ['w4', 'offline'],
    ]);
    expect(wparTarget('w1')).toEqual({ group: 'lswpar', key: 'w1' });
    expect(() => wparTarget('w 1; rm')).toThrow(/not a WPAR name/);
  });

  it('one lswpar per poll for every WPAR of the host; a WPAR no longer listed is offline', async () => {
    dir = mkdtempSync(join(tmpdir(), 'wpar-'));
    for (let i = 0; i < 12; i++) writeFileSync(join(dir, `w${i}.wpar`), 'A\n');
    const env = { ...process.env, PATH: `${BIN}:${process.env.PATH}`, WPAR_STATE_DIR: dir };
    const seen = new Map<string, ObservedState>();
    const source = createWparSource({ intervalMs: 60_000, env });
    source.start((r, s) => seen.set(r, s));
    for (let i = 0; i < 12; i++) source.add(reg(`res${i}`, 'lswpar', `w${i}`));
    source.add(reg('gone', 'lswpar', 'nosuch'));
    writeFileSync(join(dir, 'w3.wpar'), 'D\n');
    const stats = await source.pollOnce();
    expect(stats.queries).toBe(1);
    expect(seen.get('res0')).toBe('online');
    expect(seen.get('res3')).toBe('offline');
    expect(seen.get('gone')).toBe('offline');
    const calls = readFileSync(join(dir, 'calls.log'), 'utf8').trim().split('\n');
    expect(calls.filter((c) => c.startsWith('lswpar')).length).toBeLessThanOrEqual(2);
    await source.close();
  });

  it('lswpar failing is a failed poll, not an offline WPAR', async () => {
    dir = mkdtempSync(join(tmpdir(), 'wpar-'));
    writeFileSync(join(dir, 'w1.wpar'), 'A\n');
    writeFileSync(join(dir, 'lswpar.fail'), '');
    const env = { ...process.env, PATH: `${BIN}:${process.env.PATH}`, WPAR_STATE_DIR: dir };
    const seen: string[] = [];
    const source = createWparSource({ intervalMs: 60_000, env });
    source.start((r) => seen.push(r));
    source.add(reg('r', 'lswpar', 'w1'));
    expect((await source.pollOnce()).failed).toBe(1);
    expect(seen).toEqual([]);
    await source.close();
  });
});
