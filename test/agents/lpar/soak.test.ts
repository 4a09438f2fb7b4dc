/**
 * The fault soak's short form (`npm run bench -- soak` runs the long one):
 * two management-LPAR nodes running `vcsagent run` over one world behind two
 * HMCs, a few rounds of seeded random faults and administrator actions, and
 * the invariants checked from the world's truth all along: never powered on
 * two managed systems (beyond the residual window), never reported ONLINE
 * while not running, no hung boot reported online, nothing left half made.
 */
import { describe, expect, it } from 'vitest';
import { runSoak } from '../../../bench/soak/run.js';
import { ROOT } from './helpers/harness.js';

describe('fault soak (short form)', () => {
  it('a few rounds of faults and actions: no invariant violated', async () => {
    const lines: string[] = [];
    const report = await runSoak({
      root: ROOT,
      rounds: 4,
      seed: 20260,
      // Generous for a loaded machine: the overlap of racing boots is measured, not timed tightly here.
      windowMs: 30_000,
      log: (l) => lines.push(l),
    });
    expect(report.violations, lines.join('\n')).toEqual([]);
    expect(report.injected).toBeGreaterThanOrEqual(3);
    expect(report.rounds).toBe(4);
  }, 600_000);
});
