/**
 * The definition exists on every managed system (the seed: "create the LPAR
 * profile on all the physical servers"), so a partition an administrator
 * stops here and starts on the other server, outside VCS, is still listed
 * here (Not Activated). Where VCS had it online, monitor says intentionally
 * offline (200), not a fault; a standby resource asks nothing more.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Bench, NODE_A as A, NODE_B as B, SEED_LPAR as L } from './helpers/harness.js';

let bench: Bench;
beforeAll(async () => {
  bench = await new Bench().start();
});
afterAll(() => bench?.stop());


describe('a partition started on another server outside VCS', () => {
  it('is intentionally offline where VCS had it online, and online where it runs', async () => {
    // Standby: offline, and only its own managed system is asked.
    const total = async () => Object.values((await bench.commandCounts()).commands).reduce((a, b) => a + b, 0);
    const before = await total();
    expect((await bench.agent('monitor', B)).code).toBe(100);
    expect((await total()) - before).toBe(1); // one lssyscfg of its own managed system

    expect((await bench.agent('online', A)).code).toBe(0);
    const up = (await bench.agent('monitor', A)).code;
    expect(up).toBeGreaterThanOrEqual(101);
    expect(up).toBeLessThanOrEqual(110);
    const stop = await bench.adminSsh(`chsysstate -r lpar -m sys1 -o shutdown --immed -n ${L}`);
    expect(stop.code).toBe(0);
    const prof = await bench.adminSsh(`lssyscfg -r prof -m sys2 --filter lpar_names=${L} -F name`);
    expect(prof.code).toBe(0);
    const start = await bench.adminSsh(`chsysstate -r lpar -m sys2 -o on -n ${L} -f ${prof.stdout.trim().split('\n')[0]}`);
    expect(start.stderr).toBe('');
    expect(start.code).toBe(0);
    await bench.waitFor(async () => (await bench.states()).sys1![L] === 'Not Activated', 30_000, 'stopped on sys1');

    expect((await bench.agent('monitor', A)).code).toBe(200);
    expect(bench.log()).toMatch(new RegExp(`${L} is Not Activated on sys1 but it is \\S+ on managed system sys2 \\(started there outside VCS\\?\\); intentionally offline here`));
    const there = (await bench.agent('monitor', B)).code;
    expect(there).toBeGreaterThanOrEqual(101);
    expect(there).toBeLessThanOrEqual(110);

    // Once VCS has taken it offline here, a stopped partition here is just offline.
    expect((await bench.agent('offline', A)).code).toBe(0);
    expect((await bench.agent('monitor', A)).code).toBe(100);
  }, 90_000);
});
