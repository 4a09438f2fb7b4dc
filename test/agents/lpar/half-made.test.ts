/**
 * Issue 20, defect 3: creating a partition from its ProfileFile hit
 * OnlineTimeout during `viosvrcmd … cfgdev`; the rollback had about a
 * second left, so most undo steps were never tried; a second online then
 * found partition and profile there and started it without its disk
 * mapping. Now steps stop while a rollback reserve is left, every undo is
 * attempted and logged, what is left is clean's, and a partition is only
 * activated once its VIOS side is verified complete.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAdapter } from '../../../agents/lpar/adapters.js';
import { allowMs, recalibrate } from '../../support/timing.js';
import { Bench, NODE_A as A, SEED_LPAR as L, SEED_MAINCF } from './helpers/harness.js';

let bench: Bench;
let profileA: string;
/** ProfileFile, RemoveProfileOnOffline, and a short OnlineTimeout. */
let config: string;
/** The same, keeping the partition defined on offline. */
let keep: string;
/**
 * `config` with an OnlineTimeout just long enough to reach cfgdev with HMCs at their normal pace
 * and leave the test time to slow or hang them while cfgdev runs: the rollback reserve of three
 * steps (20 s, provision.ts), the agent's 2 s margin, the steps before cfgdev (process start,
 * login, queries, three changes: 4 s on a quiet machine, scaled) and 3 s of cfgdev. An online
 * whose rollback hangs waits all of it out, so the seed's 40 s cost the file 40 s. Sized when the
 * test runs (the machine as it is then, not as the suite's start found it); its OnlineTimeout (s)
 * with it.
 */
function shortTimeoutConfig(): { path: string; onlineTimeoutS: number } {
  recalibrate();
  const onlineTimeoutS = Math.min(40, 25 + Math.ceil(allowMs(4_000) / 1000));
  const path = config.replace(/\.cf$/, `-short-${onlineTimeoutS}.cf`);
  writeFileSync(path, readFileSync(config, 'utf8').replace('OnlineTimeout = 40', `OnlineTimeout = ${onlineTimeoutS}`));
  return { path, onlineTimeoutS };
}

beforeAll(async () => {
  bench = await new Bench().start();
  profileA = join(bench.dir, 'profiles', 'aixnode5556mp2_on_sys1.cfg');
  const with_ = (extra: string) => bench.file(`cfg-${Math.random().toString(36).slice(2)}.cf`, SEED_MAINCF.replace('    RestartLimit = 1\n', `    RestartLimit = 1\n    ProfileFile @aixnode55mp1 = "${profileA}"\n${extra}`).replace('OnlineTimeout = 60', 'OnlineTimeout = 40'));
  config = with_('    RemoveProfileOnOffline = 1\n');
  keep = with_('');
  // The ProfileFile, from the HMC; then the partition removed from sys1 (it is made again from the file).
  expect((await bench.agent('action/profile-export', A, [], { config })).code).toBe(0);
  expect((await bench.agent('offline', A, [], { config })).code).toBe(0);
});
afterAll(() => bench?.stop());

async function sys1() {
  const world = await bench.ctl('dump');
  const sys = world.systems.find((s: any) => s.name === 'sys1');
  const part = (n: string) => sys.partitions.find((p: any) => p.name === n);
  const vios = (n: string) => ({
    adapters: (part(n).current.virtual_scsi_adapters as string[]).map((i) => parseAdapter('scsi', i)).filter((a) => a.remoteName === L),
    vtds: part(n).vios.mappings as Array<{ slot: number; backing: string; vtd: string }>,
  });
  return { lpar: part(L), vio1: vios('aixnode55vio1'), vio2: vios('aixnode55vio2') };
}

const undoFiles = () => {
  const dir = join(bench.vcsLog, 'tmp', 'LPAR');
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.startsWith('undo.')) : [];
};

describe('a partition made from its ProfileFile', () => {
  it('defect 3: OnlineTimeout nearing during cfgdev: creation stops with a reserve, and every undo step is done and logged in time', async () => {
    expect((await sys1()).lpar).toBeUndefined();
    await bench.ctl('vios-slow', 'sys1', 'aixnode55vio1', '120000'); // cfgdev takes two minutes on a busy VIOS
    try {
      // The short OnlineTimeout: the reserve is reached a few seconds into cfgdev, not 20 s in.
      const short = shortTimeoutConfig();
      const online = bench.agent('online', A, [], { config: short.path });
      await bench.waitFor(async () => /configuring the new adapters on VIOS aixnode55vio1 \(cfgdev\)/.test(bench.log()), 30_000, 'cfgdev');
      // Then HMCs that take a second per command: undoing three steps takes seconds, not the last one.
      await bench.ctl('hmc-slow', 'hmc6', '1000');
      await bench.ctl('hmc-slow', 'hmc7', '1000');
      const r = await online;
      expect(r.code).toBe(0);
      expect(r.ms).toBeLessThan(short.onlineTimeoutS * 1000);
    } finally {
      await bench.ctl('vios-slow', 'sys1', 'aixnode55vio1', '0');
      await bench.ctl('hmc-slow', 'hmc6', '0');
      await bench.ctl('hmc-slow', 'hmc7', '0');
    }
    // Nothing is left on sys1: the partition and both server adapters are gone.
    const s = await sys1();
    expect(s.lpar).toBeUndefined();
    expect([...s.vio1.adapters, ...s.vio2.adapters]).toEqual([]);
    const log = bench.log();
    expect(log).not.toMatch(/timed out after \d+ s|VCSPVM_AGENT_TIMEOUT/);
    expect(log).toMatch(/configuring the new adapters on VIOS aixnode55vio1 \(cfgdev\)/);
    expect(log).toMatch(/completing it from .* failed: .*; rolling back 3 step\(s\)/);
    expect(log).toMatch(/rollback: remove scsi server adapter aixnode55vio2\/\d+ \(chhwres -o r\)/);
    expect(log).toMatch(/rollback: remove scsi server adapter aixnode55vio1\/\d+ \(chhwres -o r\)/);
    expect(log).toMatch(/rollback: remove partition aixnode5556mp2 \(rmsyscfg -r lpar\)/);
    expect(log).toMatch(/LPAR aixnode5556mp2: completing it from .* failed: .*; rolled back: /);
    expect(undoFiles()).toEqual([]);
  }, 90_000);

  it('an undo the HMCs cannot do in time is left for clean, which finishes it; the entry point says so', async () => {
    await bench.ctl('vios-slow', 'sys1', 'aixnode55vio1', '120000');
    const online = bench.agent('online', A, [], { config: shortTimeoutConfig().path });
    await bench.waitFor(async () => /configuring the new adapters on VIOS aixnode55vio1 \(cfgdev\)/.test(bench.log().split('rolled back:').pop()!), 30_000, 'cfgdev');
    await bench.ctl('hmc-hang', 'hmc6');
    await bench.ctl('hmc-hang', 'hmc7');
    const r = await online;
    await bench.ctl('hmc-up', 'hmc6');
    await bench.ctl('hmc-up', 'hmc7');
    await bench.ctl('vios-slow', 'sys1', 'aixnode55vio1', '0');
    expect(r.code).toBe(0);
    expect(bench.log()).toMatch(/rollback: remove partition aixnode5556mp2 \(rmsyscfg -r lpar\) failed: /);
    expect(bench.log()).toMatch(/LPAR aixnode5556mp2: completing it from .* failed: .*; rolled back: .*; left for clean: .*remove partition aixnode5556mp2/);
    expect(undoFiles()).toHaveLength(1);
    await bench.stopBrokers(); // the hung connections go with them
    expect((await bench.agent('clean', A, ['2'], { config })).code).toBe(0);
    expect(bench.log()).toMatch(/an earlier online left it half made/);
    const s = await sys1();
    expect(s.lpar).toBeUndefined();
    expect([...s.vio1.adapters, ...s.vio2.adapters]).toEqual([]);
    expect(undoFiles()).toEqual([]);
  }, 120_000);

  it('present with its profile but without its disk mappings: online makes them and verifies them before it starts the partition', async () => {
    expect((await bench.agent('online', A, [], { config: keep })).code).toBe(0);
    expect((await bench.agent('offline', A, [], { config: keep })).code).toBe(0);
    let s = await sys1();
    expect(s.lpar.state).toBe('Not Activated');
    // Someone (or a half-done earlier attempt) removed the mappings.
    for (const [vios, v] of [['aixnode55vio1', s.vio1], ['aixnode55vio2', s.vio2]] as const) {
      for (const t of v.vtds) expect((await bench.adminSsh(`viosvrcmd -m sys1 -p ${vios} -c "rmvdev -vtd ${t.vtd}"`)).code).toBe(0);
    }
    expect((await sys1()).vio1.vtds).toEqual([]);
    expect((await bench.agent('online', A, [], { config: keep })).code).toBe(0);
    s = await sys1();
    expect(s.lpar.state).toBe('Running');
    expect(s.vio1.vtds.length).toBe(1);
    expect(s.vio2.vtds.length).toBe(1);
    const log = bench.log();
    expect(log).toMatch(/mapping hdisk\d+ to vhost\d+ on VIOS aixnode55vio1 \(mkvdev\)/);
    expect(log.lastIndexOf('(mkvdev)')).toBeLessThan(log.lastIndexOf('(chsysstate -o on)'));
  }, 60_000);

  it('RemoveProfileOnOffline logs only what it removed: a mapping that was not there is "nothing to remove"', async () => {
    const s = await sys1();
    expect((await bench.adminSsh(`viosvrcmd -m sys1 -p aixnode55vio2 -c "rmvdev -vtd ${s.vio2.vtds[0]!.vtd}"`)).code).toBe(0);
    expect((await bench.agent('clean', A, ['0'], { config })).code).toBe(0);
    const log = bench.log().split('removing aixnode5556mp2 and its VIOS mappings').pop()!;
    expect(log).toMatch(/removed mapping of hdisk\d+ on aixnode55vio1/);
    expect(log).toMatch(/mapping of hdisk\d+ on aixnode55vio2: nothing to remove/);
    expect(log).not.toMatch(/removed mapping of hdisk\d+ on aixnode55vio2/);
    expect(log).toMatch(/removed partition aixnode5556mp2 from sys1/);
  }, 60_000);
});
