/**
 * Issue 20, defect 1: two management LPARs ran online for the same resource
 * at the same moment through slow HMCs, and both started the partition. Now
 * the boot is watched against every other managed system and one backs off
 * (agents/lpar/activation.ts). Real processes, real SSH, each node with its
 * own VCS_LOG and connection broker.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Bench, NODE_A as A, NODE_B as B, SEED_LPAR as L } from './helpers/harness.js';

let bench: Bench;
beforeAll(async () => {
  // Speed 1: a boot takes 6 s, 5 of them in firmware, as boots take minutes on real servers.
  bench = await new Bench({ speed: 1 }).start();
});
afterAll(() => bench?.stop());

const POWERED = new Set(['Starting', 'Running', 'Shutting Down', 'Open Firmware', 'Error', 'Migrating - Running']);

describe('two onlines at the same moment (split brain, or an administrator forcing one)', () => {
  it('through HMCs that answer in 1.5 s: after both return, the partition is never powered on two managed systems, and one keeps it', async () => {
    await bench.ctl('hmc-slow', 'hmc6', '1500');
    await bench.ctl('hmc-slow', 'hmc7', '1500');
    const nodeB = bench.otherNode(B);
    const [a, b] = await Promise.all([bench.agent('online', A), bench.agent('online', B, [], { env: nodeB.env })]);
    expect(a.code).toBe(0);
    expect(b.code).toBe(0);
    await bench.ctl('hmc-slow', 'hmc6', '0');
    await bench.ctl('hmc-slow', 'hmc7', '0');

    // At no moment after both returned: sampled for a while.
    const running: string[] = [];
    for (let i = 0; i < 8; i++) {
      const s = await bench.states();
      const powered = ['sys1', 'sys2'].filter((sys) => POWERED.has(s[sys]![L]!));
      expect(powered.length, `powered on ${powered.join(' and ')}`).toBeLessThanOrEqual(1);
      running.push(powered.join(','));
      await new Promise((r) => setTimeout(r, 500));
    }
    // The normal case: exactly one keeps it — the one on the managed system that sorts first.
    expect(new Set(running)).toEqual(new Set(['sys1']));
    expect((await bench.states()).sys1![L]).toBe('Running');
    expect(nodeB.log()).toMatch(/LPAR:aixnode5556mp2:online:.*it is also Starting on sys1, started at the same time \(the partition on sys2, which sorts after sys1, gives way\): backing off/);
    expect(nodeB.log()).toMatch(/backed off on sys2: .*; it stays where it was started first, nothing to do/);
    expect(bench.log()).toMatch(/aixnode5556mp2 is Running on sys1/);
    // And VCS reads it so: online on A, not on B.
    expect((await bench.agent('monitor', A)).code).toBe(110);
    expect((await bench.agent('monitor', B, [], { env: nodeB.env })).code).toBe(100);
  }, 120_000);
});
