/**
 * Issue 20, defect 4: a partition stuck in Starting (its reference code
 * frozen) was reported online for ever, so VCS never cleaned it nor failed
 * it over. Now the boot is followed through lsrefcode: a code unchanged for
 * the stall bound (VCSPVM_LPAR_BOOT_STALL) is a hung boot, reported
 * offline; a slow boot whose code changes is waited for.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Bench, NODE_A as A, SEED_LPAR as L } from './helpers/harness.js';

let bench: Bench;
beforeAll(async () => {
  bench = await new Bench().start();
});
afterAll(() => bench?.stop());

const stateOn = async (sys: string) => (await bench.states())[sys]![L];
const STALL = { VCSPVM_LPAR_BOOT_STALL: '4' };

describe('hung boots', () => {
  it('a boot that hangs: online fails (leaving it to clean), monitor reports it offline past the bound, clean powers it off', async () => {
    await bench.ctl('boot-hang', 'sys1', L);
    const r = await bench.agent('online', A, [], { env: STALL });
    expect(r.code).toBe(0);
    expect(await stateOn('sys1')).toBe('Starting');
    expect(bench.log()).toMatch(/online:LPAR aixnode5556mp2: its boot on sys1 is hung: reference code CA000040 \(partition firmware progress code\) unchanged for [4-9] s \(bound 4 s, VCSPVM_LPAR_BOOT_STALL\); clean powers it off/);
    // The bound runs on across entry points: monitor counts from what online saw.
    expect((await bench.agent('monitor', A, [], { env: STALL })).code).toBe(100);
    expect(bench.log()).toMatch(/monitor:aixnode5556mp2 has been Starting on sys1 at reference code CA000040 .* for \d+ s \(bound 4 s, VCSPVM_LPAR_BOOT_STALL\): its boot is hung; reporting offline so that VCS cleans it/);
    expect((await bench.agent('clean', A, ['3'], { env: STALL })).code).toBe(0);
    expect(await stateOn('sys1')).toBe('Not Activated');
    // The next boot (no hang) is online again.
    expect((await bench.agent('online', A, [], { env: STALL })).code).toBe(0);
    expect(await stateOn('sys1')).toBe('Running');
    expect((await bench.agent('monitor', A, [], { env: STALL })).code).toBe(110);
    expect((await bench.agent('offline', A)).code).toBe(0);
  }, 90_000);

  it('a monitor alone (online gone, the boot hangs): online with lower confidence within the bound, offline past it', async () => {
    await bench.ctl('boot-hang', 'sys1', L, '--refcode', 'CA00E175');
    await bench.adminSsh(`chsysstate -m sys1 -r lpar -o on -n ${L} -f ${L}`);
    await bench.waitFor(async () => (await stateOn('sys1')) === 'Starting', 10_000, 'Starting');
    // The firmware's codes before the hang point go by first: the count starts at the hang point
    // (a first monitor that saw an earlier code counts from the later one, and a busy machine
    // may leave the partition at an earlier code for a second or more).
    const refcode = async () => (await bench.adminSsh(`lsrefcode -r lpar -m sys1 --filter lpar_names=${L} -F refcode`)).stdout.trim();
    await bench.waitFor(async () => (await refcode()) === 'CA00E175', 10_000, 'the hang point CA00E175');
    expect((await bench.agent('monitor', A, [], { env: STALL })).code).toBe(105);
    await new Promise((r) => setTimeout(r, 5_000));
    expect((await bench.agent('monitor', A, [], { env: STALL })).code).toBe(100);
    expect((await bench.agent('clean', A, ['4'])).code).toBe(0);
  }, 60_000);

  it('a boot disk that is not mapped stops at AA060011 (no boot device): the same, and the log says what to look at', async () => {
    // The VIOS side of the partition is gone (both vSCSI mappings and its vFC port).
    for (const [vios, n] of [['aixnode55vio1', 1], ['aixnode55vio2', 2]] as const) {
      const map = await bench.adminSsh(`viosvrcmd -m sys1 -p ${vios} -c "lsmap -all -field vtd backing -fmt :"`);
      for (const line of map.stdout.trim().split('\n').filter((l) => l.includes(':'))) {
        expect((await bench.adminSsh(`viosvrcmd -m sys1 -p ${vios} -c "rmvdev -vtd ${line.split(':')[0]}"`)).code, `${vios} ${n}`).toBe(0);
      }
    }
    const r = await bench.agent('online', A, [], { env: STALL });
    expect(r.code).toBe(0);
    expect(await stateOn('sys1')).toBe('Starting');
    expect(bench.log()).toMatch(/its boot on sys1 is hung: reference code AA060011 \(no boot device: the firmware found no operating system and a boot disk is missing; is its VIOS mapping there\?\)/);
    expect((await bench.agent('clean', A, ['3'])).code).toBe(0);
    expect(await stateOn('sys1')).toBe('Not Activated');
  }, 60_000);

  it('a slow boot that makes progress is not killed', async () => {
    // Speed 1 for this one: a 6 s boot whose code changes every second, against a 2 s bound.
    await bench.ctl('speed', '1');
    try {
      // Mappings back for the partition (the test before removed them).
      expect((await bench.adminSsh('viosvrcmd -m sys1 -p aixnode55vio1 -c "mkvdev -vdev hdisk2 -vadapter vhost0"')).code).toBe(0);
      const started = Date.now();
      const r = await bench.agent('online', A, [], { env: { VCSPVM_LPAR_BOOT_STALL: '2' } });
      expect(r.code).toBe(0);
      expect(Date.now() - started).toBeGreaterThan(5_000);
      expect(await stateOn('sys1')).toBe('Running');
      expect((await bench.agent('monitor', A)).code).toBe(110);
    } finally {
      await bench.ctl('speed', '10');
    }
  }, 60_000);
});
