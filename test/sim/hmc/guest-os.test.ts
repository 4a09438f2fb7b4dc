/**
 * hmcsim --aix: the partitions' simulated AIX. What a partition's operating
 * system sees of the hypervisor follows activation (the profile's adapters
 * come up at boot) and DLPAR; its boot services run from /etc/inittab at
 * the point AIX runs them, and RMC comes up only after them — so a DLPAR to
 * a partition still in its boot services is refused, as a real HMC refuses
 * it without RMC. hmcsim as a process, OpenSSH as the client.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aixRun, installGuest } from '../../../sim/aix/guest.js';
import type { Platform } from '../../../sim/aix/platform.js';
import { allowMs } from '../../support/timing.js';
import { sshPassword, startSim, tmp, waitFor, type SimProcess } from './helpers.js';

let sim: SimProcess;
let roots: string;
const hmc = (cmd: string) => sshPassword(sim.ports[0]!, cmd);
const platformOf = (lpar: string) => JSON.parse(readFileSync(join(roots, lpar, 'var', 'adm', 'sim', 'platform.json'), 'utf8')) as Platform;

beforeAll(async () => {
  roots = tmp('aix-roots-');
  mkdirSync(join(roots, 'aixnode55mp1'));
  const guest = installGuest(roots, 'lpar05');
  // A boot service that lasts until the test releases it: RMC must wait for it.
  mkdirSync(join(guest, 'etc', 'rc.d', 'init.d'), { recursive: true });
  const script = join(guest, 'etc', 'rc.d', 'init.d', 'slow');
  writeFileSync(script, `#!/bin/sh\ni=0\nwhile [ ! -f "$AIXSIM_ROOT/release" ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i+1)); done\necho "slow service ran" > "$AIXSIM_ROOT/marker"\n`);
  chmodSync(script, 0o755);
  expect(aixRun(guest, 'mkitab', ['-i', 'rc', 'slow:2:wait:/etc/rc.d/init.d/slow start >/dev/console 2>&1']).code).toBe(0);
  sim = await startSim({ extra: ['--aix', roots] });
});
afterAll(async () => {
  await sim?.stop();
  rmSync(roots, { recursive: true, force: true });
});

describe('hmcsim --aix', () => {
  it('shows a running partition its managed system, ID and adapters from the start, and a DLPAR change at once', () => {
    const before = platformOf('aixnode55mp1');
    expect(before).toMatchObject({ system: 'sys1', lparName: 'aixnode55mp1', typeModel: expect.any(String), serial: expect.any(String) });
    const r = hmc('chhwres -r virtualio -m sys1 -o a -p aixnode55mp1 --rsubtype eth -s 9 -a "ieee_virtual_eth=0,port_vlan_id=123"');
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(platformOf('aixnode55mp1').eth).toContainEqual(expect.objectContaining({ slot: 9, vlan: 123, vswitch: 'ETHERNET0' }));
    expect(aixRun(join(roots, 'aixnode55mp1'), 'cfgmgr', []).code).toBe(0);
    expect(aixRun(join(roots, 'aixnode55mp1'), 'lsdev', ['-C', '-c', 'adapter', '-F', 'name physloc']).stdout).toMatch(/-C9-T1\n/);
  });

  it('activation with a profile brings its adapters up at boot; the boot services run before RMC, and DLPAR waits for RMC', async () => {
    expect(hmc('chsysstate -m sys1 -r lpar -o shutdown --immed -n lpar05').status).toBe(0);
    await waitFor(() => /Not Activated/.test(hmc('lssyscfg -r lpar -m sys1 --filter lpar_names=lpar05 -F state').stdout), allowMs(10_000), 'lpar05 down');
    const add = hmc('chsyscfg -r prof -m sys1 -i "name=lpar05,lpar_name=lpar05,virtual_eth_adapters+=7/0/123//0/0"');
    expect(add.status, add.stdout + add.stderr).toBe(0);
    expect(hmc('chsysstate -m sys1 -r lpar -o on -n lpar05 -f lpar05').status).toBe(0);
    const marker = join(roots, 'lpar05', 'marker');
    await waitFor(() => existsSync(join(roots, 'lpar05', 'var', 'adm', 'sim', 'boot.log')), allowMs(10_000), 'the boot of lpar05');
    // In its boot services: Running, no RMC yet, DLPAR refused.
    await waitFor(() => /Running/.test(hmc('lssyscfg -r lpar -m sys1 --filter lpar_names=lpar05 -F state').stdout), allowMs(10_000), 'lpar05 Running');
    await new Promise((r) => setTimeout(r, 300));
    expect(existsSync(marker)).toBe(false);
    expect(hmc('lssyscfg -r lpar -m sys1 --filter lpar_names=lpar05 -F state,rmc_state').stdout.trim()).toBe('Running,inactive');
    const dlpar = hmc('chhwres -r virtualio -m sys1 -o a -p lpar05 --rsubtype eth -a "ieee_virtual_eth=0,port_vlan_id=124"');
    expect(dlpar.status).not.toBe(0);
    expect(dlpar.stdout + dlpar.stderr).toMatch(/HSCL294C/);
    writeFileSync(join(roots, 'lpar05', 'release'), '');
    await waitFor(() => hmc('lssyscfg -r lpar -m sys1 --filter lpar_names=lpar05 -F rmc_state').stdout.trim() === 'active', allowMs(20_000), 'RMC of lpar05');
    expect(readFileSync(marker, 'utf8')).toBe('slow service ran\n');
    expect(platformOf('lpar05').eth).toContainEqual(expect.objectContaining({ slot: 7, vlan: 123 }));
    // cfgmgr ran at boot: the adapter has its device, and entstat tells its VLAN.
    const dev = aixRun(join(roots, 'lpar05'), 'lsdev', ['-C', '-c', 'adapter', '-F', 'name physloc']).stdout.split('\n').find((l) => /-C7-T1$/.test(l))?.split(' ')[0];
    expect(dev).toMatch(/^ent\d+$/);
    expect(aixRun(join(roots, 'lpar05'), 'entstat', ['-d', dev!]).stdout).toMatch(/Port VLAN ID:\s+123/);
    expect(readFileSync(join(roots, 'lpar05', 'var', 'adm', 'sim', 'boot.log'), 'utf8')).toMatch(/rctcpip: \/etc\/rc\.tcpip is not simulated: skipped[\s\S]*slow: exit 0|slow: exit 0[\s\S]*rctcpip/);
  });
});
