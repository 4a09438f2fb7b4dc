/** Inventory commands scripts run on an HMC (lshmc -b, lslic, lshmcusr, lssysconn), VIOS listings with -field, and error texts. */
import { afterEach, describe, expect, it } from 'vitest';
import type { World } from '../../../sim/hmc/world.js';
import { fixtureWorld, shell } from './helpers.js';

let world: World;
afterEach(() => world?.dispose());

const RETRY = 'Please check your entry and retry the command.';

describe('HMC inventory commands', () => {
  it('lists the BIOS level, the firmware levels of a managed system and the HMC users', async () => {
    world = fixtureWorld();
    const sh = shell(world);
    expect((await sh('lshmc -b')).stdout).toMatch(/^bios=\S.*\n$/);
    expect((await sh('lshmc -b -F bios')).stdout).toMatch(/^[^=\n]+\n$/);
    const lic = (await sh('lslic -m sys1 -t sys')).stdout;
    expect(lic).toMatch(/^lic_type=Managed System,management_status=Enabled,.*,activated_level=\d+,activated_spname=FW\d+\.\w+,.*,ecnumber=01\w+,mtms=8286-42A\*2100001,/);
    // The inventory loop scripts run on the HMC itself.
    const loop = await sh('for ms in `lssyscfg -r sys -F name,state | grep Operating | cut -f 1 -d ,`; do echo -n "$ms,"; lslic -m $ms -t sys -Fcurr_ecnumber_primary:activated_level; done');
    expect(loop.stdout).toMatch(/^sys1,01\w+:\d+\nsys2,01\w+:\d+\n$/);
    expect((await sh('lslic -m sys2 -t syspower -F lic_type,mtms --header')).stdout).toBe('lic_type,mtms\nManaged System and Power,8286-42A*2100002\n');
    expect((await sh('lslic -m nosuch -t sys')).stdout).toMatch(/^HSCL8018 /);
    expect((await sh('lshmcusr')).stdout).toMatch(/^name=hscroot,taskrole=hmcsuperadmin,description=HMC Super User,.*remote_webui_access=1,remote_ssh_access=1,/);
    expect((await sh('lshmcusr --filter names=hscroot -F name:remote_ssh_access')).stdout).toBe('hscroot:1\n');
  });

  it('lists the service processor connections, No Connection for a system the HMC lost', async () => {
    world = fixtureWorld();
    const sh = shell(world);
    expect((await sh('lssysconn -r all -F type_model_serial_num:ipaddr:state')).stdout).toMatch(/^8286-42A\*2100001:[\d.]+:Connected\n8286-42A\*2100002:[\d.]+:Connected\n$/);
    world.systems[1]!.state = 'No Connection';
    const all = (await sh('lssysconn -r all')).stdout.split('\n');
    expect(all[0]).toMatch(/^resource_type=sys,type_model_serial_num=8286-42A\*2100001,sp=primary,sp_phys_loc=\S+,ipaddr=[\d.]+,alt_ipaddr=unavailable,state=Connected,connection_error_code=$/);
    expect(all[1]).toMatch(/,state=No Connection,/);
  });

  it('names a missing --id by its ID, and refuses an empty filter', async () => {
    world = fixtureWorld();
    const sh = shell(world);
    expect(await sh('chsysstate -m sys1 -r lpar -o on --id 99')).toEqual({ stdout: `HSCL8012 The partition with ID 99 was not found.  ${RETRY}\n`, stderr: '', status: 1 });
    expect(await sh('lssyscfg -r lpar -m sys1 --filter "lpar_names=" -F name')).toEqual({ stdout: `An invalid filter was entered: the filter lpar_names has no value. ${RETRY}\n`, stderr: '', status: 1 });
  });
});

describe('VIOS listings through viosvrcmd', () => {
  it('restricts lsmap to the -field names, with and without -fmt', async () => {
    world = fixtureWorld();
    const sh = shell(world);
    expect((await sh('viosvrcmd -m sys1 -p aixnode55vio1 -c "lsmap -all -field svsa backing -fmt :"')).stdout).toBe('vhost0:hdisk2\n');
    expect((await sh('viosvrcmd -m sys1 -p aixnode55vio1 -c "lsmap -all -field svsa clientid vtd backing"')).stdout).toBe(
      'SVSA            Client Partition ID\n--------------- ------------------\nvhost0          0x00000003\n\nVTD                   vtscsi0\nBacking device        hdisk2\n',
    );
    expect((await sh(`viosvrcmd -m sys1 -p aixnode55vio1 -c 'lsmap -all -npiv -field name clntname fc status flags -fmt ,'`)).stdout).toBe('vfchost0,lpar05,fcs0,LOGGED_IN,a\n');
    expect((await sh('viosvrcmd -m sys1 -p aixnode55vio1 -c "lsmap -all -field bogus -fmt :"')).status).toBe(1);
  });

  it('shows one disk attribute with lsdev -attr NAME, and lists devices by -field', async () => {
    world = fixtureWorld();
    const sh = shell(world);
    expect((await sh('viosvrcmd -m sys1 -p aixnode55vio1 -c "lsdev -dev hdisk2 -attr reserve_policy"')).stdout).toBe('value\n\nno_reserve\n');
    expect((await sh('viosvrcmd -m sys1 -p aixnode55vio1 -c "lsdev -dev hdisk2 -attr"')).stdout).toMatch(/^attribute +value\n\n[\s\S]*reserve_policy +no_reserve\n/);
    expect((await sh('viosvrcmd -m sys1 -p aixnode55vio1 -c "lsdev -type disk -field name status -fmt :"')).stdout).toBe('hdisk2:Available\nhdisk3:Available\n');
  });
});
