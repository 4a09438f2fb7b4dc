/**
 * Live partition mobility: through VCS (the migrate entry point, with the
 * seed's profile handling done by the agent), failed and timed-out
 * migrations (the partition keeps running where it was), and a migration
 * started outside VCS (intentional offline on the source, online on the target).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allowMs, recalibrate } from '../../support/timing.js';
import { Bench, NODE_A as A, NODE_B as B, SEED_LPAR as L, SEED_MAINCF } from './helpers/harness.js';

let bench: Bench;
beforeAll(async () => {
  bench = await new Bench().start();
});
afterAll(() => bench?.stop());

const where = async () => {
  const s = await bench.states();
  return { sys1: s.sys1![L], sys2: s.sys2![L], parked1: s.sys1![`${L}_vcsmig`], parked2: s.sys2![`${L}_vcsmig`] };
};
/**
 * hmcsim's speed for a live migration (12 s of its time) that lasts what the test must do while it
 * runs — `lookMs` on a quiet machine (monitors, a query), scaled — and never longer than at speed 1.
 * Returns the speed and the real time the migration takes.
 */
const migrationLasting = (lookMs: number) => {
  recalibrate(); // the machine as the test finds it, not as the suite's start did
  const ms = Math.min(allowMs(lookMs), 12_000);
  return { speed: String(12_000 / ms), ms };
};
const rmcActive = (sys: string) => async () => {
  const world = await bench.ctl('dump');
  const p = world.systems.find((s: any) => s.name === sys).partitions.find((x: any) => x.name === L);
  return p?.state === 'Running' && p.rmcState === 'active';
};


describe('live migration', () => {
  it('hagrp -migrate: validates, migrates, parks and restores definitions as the seed describes', async () => {
    expect((await bench.agent('online', A)).code).toBe(0);
    await bench.waitFor(rmcActive('sys1'), 20_000, 'RMC active on sys1');
    const r = await bench.agent('migrate', A, [], { target: B });
    expect(r.code).toBe(0);
    expect(await where()).toEqual({ sys1: 'Not Activated', sys2: 'Running', parked1: undefined, parked2: undefined });
    const log = bench.log();
    expect(log).toMatch(/backed up the definition of aixnode5556mp2 on sys1 to .*aixnode5556mp2@sys1\.premigrate\.cfg/);
    expect(log).toMatch(/renaming aixnode5556mp2 on sys2 to aixnode5556mp2_vcsmig for the migration/);
    expect(log).toMatch(/validating the migration of aixnode5556mp2 from sys1 to sys2 \(migrlpar -o v\)/);
    expect(log).toMatch(/migrating aixnode5556mp2 from sys1 to sys2 \(migrlpar -o m\)/);
    expect(log).toMatch(/restored the definition of aixnode5556mp2 on sys1 \(Not Activated\), with its VIOS side, for a later failback/);
    expect((await bench.agent('monitor', B)).code).toBe(110);
    expect((await bench.agent('monitor', A)).code).toBe(100);
  });

  it('a failed migration leaves the partition running where it was, the destination as it was', async () => {
    await bench.waitFor(rmcActive('sys2'), 20_000, 'RMC active on sys2');
    await bench.ctl('lpm-fail', 'sys2', L);
    const r = await bench.agent('migrate', B, [], { target: A });
    expect(r.code).toBe(0); // a migrate failure asks for no wait; VCS's monitor finds it still on the source
    expect(await where()).toEqual({ sys1: 'Not Activated', sys2: 'Running', parked1: undefined, parked2: undefined });
    expect(bench.log()).toMatch(/migration of aixnode5556mp2 to sys1 failed on HMC hmc6: HSCLA23A/);
    expect(bench.log()).toMatch(/renamed aixnode5556mp2_vcsmig on sys1 back to aixnode5556mp2/);
    expect((await bench.agent('monitor', B)).code).toBe(110);
  });

  it('a migration stuck in failure is recovered (migrlpar -o r)', async () => {
    await bench.ctl('lpm-fail', 'sys2', L, '--stuck');
    expect((await bench.agent('migrate', B, [], { target: A })).code).toBe(0);
    expect(bench.log()).toMatch(/recovered aixnode5556mp2 on sys2 \(migrlpar -o r\)/);
    expect(await where()).toEqual({ sys1: 'Not Activated', sys2: 'Running', parked1: undefined, parked2: undefined });
    expect((await bench.agent('monitor', B)).code).toBe(110);
  });

  it('a migration that outlasts MigrateTimeout is stopped; the partition stays on its source', async () => {
    const cfg = bench.file('slow.cf', SEED_MAINCF.replace('MigrateTimeout = 120', 'MigrateTimeout = 25'));
    await bench.ctl('speed', '0.2');
    try {
      const r = await bench.agent('migrate', B, [], { target: A, config: cfg });
      expect(r.code).toBe(0);
      expect(r.ms).toBeLessThan(30_000);
      expect(bench.log()).toMatch(/migration of aixnode5556mp2 did not finish within MigrateTimeout/);
      expect(bench.log()).toMatch(/stopped the migration of aixnode5556mp2 \(migrlpar -o s\)/);
    } finally {
      await bench.ctl('speed', '10');
    }
    expect(await where()).toEqual({ sys1: 'Not Activated', sys2: 'Running', parked1: undefined, parked2: undefined });
  }, 120_000);

  it('a migration outside VCS: online on its source while it moves, then intentional offline there and online on the target', async () => {
    // The administrator moves the target's own definition out of the way (seed, step 2).
    const ren = await bench.adminSsh(`chsyscfg -r lpar -m sys1 -i "name=${L},new_name=${L}_admin"`);
    expect(ren.stderr).toBe('');
    expect(ren.code).toBe(0);
    // The migration (12 s of the simulator's time) must outlast two monitors and a query: 4 s of
    // real time on a quiet machine, more on a busy one.
    const migrationMs = Math.min(allowMs(4_000), 20_000);
    await bench.ctl('speed', String(12_000 / migrationMs));
    try {
      await bench.ctl('migrate', 'sys2', L, 'sys1');
      expect((await bench.states()).sys2![L]).toBe('Migrating - Running');
      expect((await bench.agent('monitor', B)).code).toBe(110);
      expect((await bench.agent('monitor', A)).code).toBe(100);
      expect(bench.log()).toMatch(/aixnode5556mp2 is migrating \(source of the migration; HMC hmc\d: Migration In Progress to sys\d\): online here/);
      expect(bench.log()).toMatch(/aixnode5556mp2 is migrating \(destination of the migration; HMC hmc\d: lslparmigr does not list aixnode5556mp2 on sys\d\): offline here/);
      await bench.waitFor(async () => (await bench.states()).sys1![L] === 'Running', migrationMs + allowMs(20_000), 'migration done');
    } finally {
      await bench.ctl('speed', '10');
    }
    expect((await bench.agent('monitor', B)).code).toBe(200);
    expect(bench.log()).toMatch(/aixnode5556mp2 is not on sys2: it is Running on managed system sys1 \(migrated outside VCS\?\); intentionally offline here/);
    expect((await bench.agent('monitor', A)).code).toBe(110);
    // Clean on the old source has nothing to stop and succeeds, so VCS may proceed.
    expect((await bench.agent('clean', B, ['4'])).code).toBe(0);
    expect((await bench.states()).sys1![L]).toBe('Running');
  }, 120_000);

  it('defect 6: an HMC whose lslparmigr knows neither source_sys_name nor dest_sys_name: never unknown for a whole migration', async () => {
    // The partition runs on sys1 (moved there by the test before) and VCS has it online there; it moves outside VCS.
    expect((await bench.agent('online', A)).code).toBe(0);
    await bench.waitFor(rmcActive('sys1'), 20_000, 'RMC active on sys1');
    await bench.ctl('lslparmigr-form', 'minimal');
    // Two monitors while it migrates.
    const migration = migrationLasting(4_000);
    await bench.ctl('speed', migration.speed);
    try {
      await bench.ctl('migrate', 'sys1', L, 'sys2');
      const source = await bench.agent('monitor', A);
      const target = await bench.agent('monitor', B);
      expect(source.code).toBe(110);
      expect(target.code).toBe(100);
      expect(bench.log()).toMatch(/aixnode5556mp2 is migrating \(source of the migration, as VCS had it; HMC hmc\d: lslparmigr says Migration In Progress without naming either end\): online here/);
      await bench.waitFor(async () => (await bench.states()).sys2![L] === 'Running', migration.ms + allowMs(20_000), 'migration done');
    } finally {
      await bench.ctl('speed', '10');
      await bench.ctl('lslparmigr-form', 'full');
    }
    expect((await bench.agent('monitor', A)).code).toBe(200);
    expect((await bench.agent('monitor', B)).code).toBe(110);
    // sys1's own definition back under its name, for the next test to migrate onto.
    expect((await bench.agent('clean', A, ['0'])).code).toBe(0);
    const back = await bench.adminSsh(`chsyscfg -r lpar -m sys1 -i "name=${L}_admin,new_name=${L}"`);
    expect(back.code).toBe(0);
  }, 90_000);

  it('defect 5: the HMC running migrlpar -o m goes down mid-migration: followed through the next HMC, never stopped for that', async () => {
    // It runs on sys2 where VCS has it online (the test before).
    expect((await bench.agent('monitor', B)).code).toBe(110);
    await bench.waitFor(rmcActive('sys2'), 20_000, 'RMC active on sys2');
    // A migration that outlasts the look that finds it under way on hmc6 and hmc6 going down.
    await bench.ctl('speed', migrationLasting(3_000).speed);
    try {
      const migrate = bench.agent('migrate', B, [], { target: A });
      await bench.waitFor(async () => /migrating aixnode5556mp2 from sys2 to sys1 \(migrlpar -o m\)/.test(bench.log()), 30_000, 'migrlpar -o m sent');
      // migrlpar -o m runs on hmc6 once the world shows the migration (not merely once the agent logged it).
      await bench.waitFor(async () => (await bench.states()).sys2![L] === 'Migrating - Running', 30_000, 'migration under way');
      await bench.ctl('hmc-down', 'hmc6');
      const r = await migrate;
      expect(r.code).toBe(0);
    } finally {
      await bench.ctl('hmc-up', 'hmc6');
      await bench.ctl('speed', '10');
    }
    const log = bench.log().split('migrating aixnode5556mp2 from sys2 to sys1 (migrlpar -o m)').pop()!;
    expect(log).toMatch(/the session running migrlpar -o m was lost \(.*\): the migration goes on in the managed systems; following it through the next HMC/);
    expect(log).toMatch(/followed through HMC hmc7: aixnode5556mp2 is Running on sys1/);
    expect(log).toMatch(/aixnode5556mp2 migrated from sys2 to sys1/);
    expect(log).not.toMatch(/did not finish within MigrateTimeout|migrlpar -o s|stopped the migration/);
    expect(await where()).toEqual({ sys1: 'Running', sys2: 'Not Activated', parked1: undefined, parked2: undefined });
  }, 90_000);

  it('moved away outside VCS and back while the first HMC has lost the destination: the old node does not claim the migration', async () => {
    // It runs on sys1, where VCS has it online (the test before); it goes to sys2 outside VCS.
    expect((await bench.agent('monitor', A)).code).toBe(110);
    await bench.waitFor(rmcActive('sys1'), 20_000, 'RMC active on sys1');
    expect((await bench.adminSsh(`chsyscfg -r lpar -m sys2 -i "name=${L},new_name=${L}_old"`)).code).toBe(0);
    await bench.ctl('migrate', 'sys1', L, 'sys2');
    await bench.waitFor(async () => (await bench.states()).sys2![L] === 'Running', 30_000, 'on sys2');
    expect((await bench.agent('monitor', A)).code).toBe(200); // VCS has it offline on A from now on
    await bench.waitFor(rmcActive('sys2'), 20_000, 'RMC active on sys2');
    // Back to sys1, outside VCS again, while the first HMC has lost sys1 (its lslparmigr there fails):
    // a migration that outlasts a look at the world and a monitor.
    const migration = migrationLasting(3_000);
    await bench.ctl('speed', migration.speed);
    try {
      await bench.ctl('migrate', 'sys2', L, 'sys1');
      await bench.ctl('hmc-lose-system', 'hmc6', 'sys1');
      expect((await bench.states()).sys2![L]).toBe('Migrating - Running');
      expect((await bench.agent('monitor', A)).code).toBe(100); // sys1 holds the destination's placeholder
      await bench.waitFor(async () => (await bench.states()).sys1![L] === 'Running', migration.ms + allowMs(20_000), 'migration done');
    } finally {
      await bench.ctl('hmc-regain-system', 'hmc6', 'sys1');
      await bench.ctl('speed', '10');
    }
  }, 90_000);
});
