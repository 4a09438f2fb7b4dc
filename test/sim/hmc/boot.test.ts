/**
 * The dangerous realities hmcsim models for the LPAR agent: a boot seen
 * through its reference codes, a boot that hangs, a boot disk that is not
 * mapped, transitions rescheduled by a new speed, managed systems an HMC
 * loses (all of them, or one), and the lslparmigr form a real HMC may have.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AIX_CODES, FIRMWARE_CODES, HANDOFF_CODE, NO_BOOT_DEVICE } from '../../../sim/hmc/boot.js';
import { Interpreter } from '../../../sim/hmc/interpreter.js';
import type { World } from '../../../sim/hmc/world.js';
import { fixtureWorld, sshPassword, startSim, waitFor, waitForAsync, type SimProcess } from './helpers.js';

const on = (world: World, hmc = 'hmc6') => {
  const sh = new Interpreter(world, 'hscroot', hmc, '/bin/bash');
  return (cmd: string) => sh.run(cmd);
};
const lpar = (w: World, sys = 'sys1', name = 'lpar05') => w.findLpar(w.requireSystem(sys), name)!;

async function down(w: World): Promise<void> {
  const sh = on(w);
  await sh('chsysstate -m sys1 -r lpar -o shutdown --immed -n lpar05');
  await waitFor(() => lpar(w).state === 'Not Activated', 10_000, 'Not Activated');
}

describe('a boot as its reference codes show it', () => {
  it('steps through firmware codes while Starting, hands off, shows AIX IPL codes while Running, then the empty code', async () => {
    const w = fixtureWorld(20); // boot 2 s and RMC 1 s of simulated time: 150 ms in all
    await down(w);
    const seen: string[] = [];
    const states = new Set<string>();
    const sh = on(w);
    expect((await sh('chsysstate -m sys1 -r lpar -o on -n lpar05 -f lpar05')).status).toBe(0);
    await waitFor(() => {
      const p = lpar(w);
      const code = p.refcodes[0]?.code ?? '';
      if (seen[seen.length - 1] !== code) seen.push(code);
      states.add(`${p.state}:${code}`);
      return p.state === 'Running' && p.rmcState === 'active';
    }, 10_000, 'Running with RMC');
    // Sampled every 5 ms: every step is seen, in order.
    expect(seen).toEqual([...FIRMWARE_CODES, HANDOFF_CODE, ...AIX_CODES, '']);
    for (const c of FIRMWARE_CODES) expect(states.has(`Starting:${c}`)).toBe(true);
    for (const c of AIX_CODES) expect(states.has(`Running:${c}`)).toBe(true);
    const ls = await sh('lsrefcode -r lpar -m sys1 --filter lpar_names=lpar05 -n 3 -F lpar_name,refcode');
    expect(ls.stdout.split('\n').slice(0, 3)).toEqual(['lpar05,', `lpar05,${AIX_CODES[AIX_CODES.length - 1]}`, `lpar05,${AIX_CODES[AIX_CODES.length - 2]}`]);
  });

  it('boot-hang: the next activation stops in Starting at a code that never changes; an immediate shutdown still works', async () => {
    const w = fixtureWorld(50);
    await down(w);
    w.hangNextBoot(lpar(w), 'CA00E175');
    await on(w)('chsysstate -m sys1 -r lpar -o on -n lpar05 -f lpar05');
    await new Promise((r) => setTimeout(r, 400)); // 20 simulated seconds: ten boots' worth
    expect(lpar(w).state).toBe('Starting');
    expect(lpar(w).refcodes[0]!.code).toBe('CA00E175');
    await down(w);
    // Only the next activation hangs.
    await on(w)('chsysstate -m sys1 -r lpar -o on -n lpar05 -f lpar05');
    await waitFor(() => lpar(w).state === 'Running', 10_000, 'Running');
  });

  it('a partition whose boot disks are not mapped (vSCSI, nor a vFC port): Starting at AA060011 (no boot device), retried until the mapping comes back', async () => {
    const w = fixtureWorld(50);
    await down(w);
    const sh = on(w);
    for (const [vios, vtd] of [['aixnode55vio1', 'hdisk2'], ['aixnode55vio2', 'hdisk4']]) {
      const map = await sh(`viosvrcmd -m sys1 -p ${vios} -c "lsmap -all -field vtd backing -fmt :"`);
      const name = map.stdout.split('\n').find((l) => l.endsWith(`:${vtd}`))!.split(':')[0];
      expect((await sh(`viosvrcmd -m sys1 -p ${vios} -c "rmvdev -vtd ${name}"`)).status).toBe(0);
    }
    // Its virtual FC adapter (boot from SAN) loses its port too.
    const npiv = await sh('viosvrcmd -m sys1 -p aixnode55vio1 -c "lsmap -all -npiv -fmt :"');
    const vfchost = npiv.stdout.split('\n').find((l) => l.startsWith('vfchost'))!.split(':')[0];
    expect((await sh(`viosvrcmd -m sys1 -p aixnode55vio1 -c "vfcmap -vadapter ${vfchost} -fcp"`)).status).toBe(0);
    await sh('chsysstate -m sys1 -r lpar -o on -n lpar05 -f lpar05');
    await waitFor(() => lpar(w).refcodes[0]?.code === NO_BOOT_DEVICE, 10_000, 'AA060011');
    await new Promise((r) => setTimeout(r, 300));
    expect(lpar(w).state).toBe('Starting');
    expect(lpar(w).refcodes[0]!.code).toBe(NO_BOOT_DEVICE);
    // The firmware retries the boot list: a disk mapped again lets the boot go on.
    expect((await sh('viosvrcmd -m sys1 -p aixnode55vio1 -c "mkvdev -vdev hdisk2 -vadapter vhost0"')).status).toBe(0);
    await waitFor(() => lpar(w).state === 'Running', 10_000, 'Running after the mapping');
  });

  it('speed: a transition already under way is rescheduled to finish at the new speed', async () => {
    const w = fixtureWorld(1); // boot: 2 s of simulated time, 2 real seconds at speed 1
    await down(w);
    const started = Date.now();
    await on(w)('chsysstate -m sys1 -r lpar -o on -n lpar05 -f lpar05');
    w.speed = 100;
    await waitFor(() => lpar(w).state === 'Running', 10_000, 'Running');
    // At speed 1 the boot would take 2 s; rescheduled it takes some 20 ms (any load allows 1.5 s).
    expect(Date.now() - started).toBeLessThan(1_500);
    w.dispose();
  });
});

describe('HMC views of a managed system', () => {
  it('system-disconnect: every HMC shows No Connection and the partitions Not Available; they keep running unseen, and changes are refused', async () => {
    const w = fixtureWorld(50);
    w.disconnected.add('sys1');
    for (const hmc of ['hmc6', 'hmc7']) {
      const sh = on(w, hmc);
      expect((await sh('lssyscfg -r sys -F name,state')).stdout).toBe('sys1,No Connection\nsys2,Operating\n');
      expect((await sh('lssyscfg -r lpar -m sys1 --filter lpar_names=lpar05 -F state')).stdout).toBe('Not Available\n');
      const refused = await sh('chsysstate -m sys1 -r lpar -o shutdown --immed -n lpar05');
      expect(refused.status).toBe(1);
      expect(refused.stdout).toMatch(/^HSCL0237 .*No Connection/);
      expect((await sh('lssysconn -r all -F state')).stdout.split('\n')[0]).toBe('No Connection');
    }
    expect(lpar(w).state).toBe('Running');
    w.disconnected.delete('sys1');
    expect((await on(w)('lssyscfg -r lpar -m sys1 --filter lpar_names=lpar05 -F state')).stdout).toBe('Running\n');
  });

  it('hmc-lose-system: one HMC loses the system, the other still sees it', async () => {
    const w = fixtureWorld(50);
    w.lostBy.set('hmc6', new Set(['sys1']));
    expect((await on(w, 'hmc6')('lssyscfg -r sys -F name,state')).stdout).toBe('sys1,No Connection\nsys2,Operating\n');
    expect((await on(w, 'hmc6')('lssyscfg -r lpar -m sys1 -F name,state')).stdout).toMatch(/^aixnode55vio1,Not Available$/m);
    expect((await on(w, 'hmc7')('lssyscfg -r sys -F name,state')).stdout).toBe('sys1,Operating\nsys2,Operating\n');
    expect((await on(w, 'hmc7')('lssyscfg -r lpar -m sys1 --filter lpar_names=lpar05 -F state')).stdout).toBe('Running\n');
    expect((await on(w, 'hmc6')('lsrefcode -r lpar -m sys1')).status).toBe(1);
    expect((await on(w, 'hmc7')('lsrefcode -r lpar -m sys1')).status).toBe(0);
  });

  it('lslparmigr-form minimal: an HMC that knows neither source_sys_name nor dest_sys_name', async () => {
    const w = fixtureWorld(2);
    const sh = on(w);
    void w.lpm.start(w.requireSystem('sys1'), lpar(w), 'sys2');
    expect((await sh('lslparmigr -r lpar -m sys1 --filter lpar_names=lpar05')).stdout).toMatch(/migration_state=Migration In Progress,.*source_sys_name=sys1,dest_sys_name=sys2/);
    w.lslparmigrForm = 'minimal';
    const rec = await sh('lslparmigr -r lpar -m sys1 --filter lpar_names=lpar05');
    expect(rec.stdout).toMatch(/migration_state=Migration In Progress/);
    expect(rec.stdout).not.toMatch(/sys_name=/);
    const refused = await sh('lslparmigr -r lpar -m sys1 -F name,source_sys_name,dest_sys_name');
    expect(refused.status).toBe(1);
    expect(refused.stdout).toMatch(/An invalid attribute was entered. The invalid attribute is source_sys_name/);
    w.dispose();
  });
});

describe('the control socket drives them', () => {
  let sim: SimProcess;
  beforeAll(async () => {
    sim = await startSim({ speed: 20 });
  });
  afterAll(() => sim?.stop());
  const ctl = (...a: string[]) => {
    const r = sim.ctl(...a);
    if (r.status !== 0) throw new Error(r.stderr);
    return JSON.parse(r.stdout);
  };
  const ssh = (i: number, cmd: string) => sshPassword(sim.ports[i]!, cmd).stdout;

  it('system-disconnect / system-reconnect, hmc-lose-system / hmc-regain-system, boot-hang (--refcode=CODE too), vios-slow, lslparmigr-form', async () => {
    expect(ctl('system-disconnect', 'sys2')).toMatchObject({ system: 'sys2', state: 'No Connection' });
    expect(ssh(1, 'lssyscfg -r sys -F name,state')).toBe('sys1,Operating\nsys2,No Connection\n');
    ctl('system-reconnect', 'sys2');
    expect(ctl('hmc-lose-system', 'hmc6', 'sys1')).toMatchObject({ hmc: 'hmc6', system: 'sys1', state: 'No Connection' });
    expect(ssh(0, 'lssyscfg -r sys -F name,state')).toBe('sys1,No Connection\nsys2,Operating\n');
    expect(ssh(1, 'lssyscfg -r sys -F name,state')).toBe('sys1,Operating\nsys2,Operating\n');
    ctl('hmc-regain-system', `127.0.0.1:${sim.ports[0]}`, 'sys1');
    expect(ssh(0, 'lssyscfg -r sys -F name,state')).toBe('sys1,Operating\nsys2,Operating\n');

    expect(ctl('boot-hang', 'sys1', 'lpar05', '--refcode=CA000040')).toEqual({ lpar: 'lpar05', bootHang: 'CA000040' });
    ssh(0, 'chsysstate -m sys1 -r lpar -o shutdown --immed -n lpar05');
    await waitForAsync(async () => ssh(0, 'lssyscfg -r lpar -m sys1 --filter lpar_names=lpar05 -F state') === 'Not Activated\n', 10_000, 'down');
    ssh(0, 'chsysstate -m sys1 -r lpar -o on -n lpar05 -f lpar05');
    await new Promise((r) => setTimeout(r, 500));
    expect(ssh(0, 'lssyscfg -r lpar -m sys1 --filter lpar_names=lpar05 -F state')).toBe('Starting\n');
    expect(ssh(0, 'lsrefcode -r lpar -m sys1 --filter lpar_names=lpar05 -F refcode')).toBe('CA000040\n');

    expect(ctl('vios-slow', 'sys1', 'aixnode55vio1', '800')).toEqual({ vios: 'aixnode55vio1', latencyMs: 800 });
    const t0 = Date.now();
    expect(ssh(0, 'viosvrcmd -m sys1 -p aixnode55vio1 -c ioslevel')).toMatch(/\d/);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(800);
    ctl('vios-slow', 'sys1', 'aixnode55vio1', '0');
    expect(ctl('lslparmigr-form', 'minimal')).toEqual({ lslparmigr: 'minimal' });
    expect(sim.ctl('lslparmigr-form', 'sometimes').status).toBe(1);
    expect(sim.ctl('boot-hang', 'sys1', 'aixnode55vio1').status).toBe(1);
  });
});
