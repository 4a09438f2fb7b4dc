import { afterEach, describe, expect, it } from 'vitest';
import type { World } from '../../../sim/hmc/world.js';
import { fixtureWorld, shell, waitFor } from './helpers.js';

let world: World;
afterEach(() => world?.dispose());

const lpar = (w: World, sys: string, name: string) => w.findLpar(w.findSystem(sys)!, name);
const state = (w: World, sys: string, name: string) => lpar(w, sys, name)?.state;

async function down(run: ReturnType<typeof shell>, sys: string, name: string): Promise<void> {
  expect((await run(`chsysstate -m ${sys} -r lpar -o shutdown --immed -n ${name}`)).status).toBe(0);
  await waitFor(() => state(world, sys, name) === 'Not Activated', 5000, `${name} down`);
}

describe('partition state machine', () => {
  it('activates asynchronously: Starting, then Running, then RMC active', async () => {
    world = fixtureWorld(10);
    const run = shell(world);
    await down(run, 'sys1', 'lpar05');
    expect(await run('chsysstate -m sys1 -r lpar -o on -n lpar05 -f lpar05')).toEqual({ stdout: '', stderr: '', status: 0 });
    expect(state(world, 'sys1', 'lpar05')).toBe('Starting');
    await waitFor(() => state(world, 'sys1', 'lpar05') === 'Running');
    expect(lpar(world, 'sys1', 'lpar05')!.rmcState).toBe('inactive');
    await waitFor(() => lpar(world, 'sys1', 'lpar05')!.rmcState === 'active');
    const again = await run('chsysstate -m sys1 -r lpar -o on -n lpar05 -f lpar05');
    expect(again.status).toBe(1);
    expect(again.stdout).toMatch(/^HSCL0216 .*Running/);
  });

  it('boots into Open Firmware with -b sms', async () => {
    world = fixtureWorld();
    const run = shell(world);
    await down(run, 'sys1', 'lpar05');
    await run('chsysstate -m sys1 -r lpar -o on -n lpar05 -f lpar05 -b sms');
    await waitFor(() => state(world, 'sys1', 'lpar05') === 'Open Firmware');
  });

  it('needs RMC for an OS shutdown, and finishes it in Not Activated', async () => {
    world = fixtureWorld(10);
    const run = shell(world);
    await down(run, 'sys1', 'lpar05');
    await run('chsysstate -m sys1 -r lpar -o on -n lpar05 -f lpar05');
    await waitFor(() => state(world, 'sys1', 'lpar05') === 'Running');
    const early = await run('chsysstate -m sys1 -r lpar -o osshutdown -n lpar05');
    expect(early.status).toBe(1);
    expect(early.stdout).toMatch(/^HSCL0DB4 /);
    await waitFor(() => lpar(world, 'sys1', 'lpar05')!.rmcState === 'active');
    expect((await run('chsysstate -m sys1 -r lpar -o osshutdown -n lpar05')).status).toBe(0);
    expect(state(world, 'sys1', 'lpar05')).toBe('Shutting Down');
    await waitFor(() => state(world, 'sys1', 'lpar05') === 'Not Activated');
    const again = await run('chsysstate -m sys1 -r lpar -o shutdown -n lpar05');
    expect(again.stdout).toMatch(/^HSCL0216 /);
  });

  it('a hung OS accepts an OS shutdown it never performs, then loses RMC; --immed still works', async () => {
    world = fixtureWorld(10);
    const run = shell(world);
    world.hang(lpar(world, 'sys1', 'lpar05')!);
    expect((await run('chsysstate -m sys1 -r lpar -o osshutdown -n lpar05')).status).toBe(0);
    await waitFor(() => lpar(world, 'sys1', 'lpar05')!.rmcState === 'inactive');
    expect(state(world, 'sys1', 'lpar05')).toBe('Running');
    expect((await run('chsysstate -m sys1 -r lpar -o osshutdown -n lpar05')).stdout).toMatch(/^HSCL0DB4 /);
    await down(run, 'sys1', 'lpar05');
    expect(lpar(world, 'sys1', 'lpar05')!.hung).toBe(false);
  });

  it('a crash shows Error with a reference code; shutdown --immed brings it to Not Activated (fence-agents #610)', async () => {
    world = fixtureWorld();
    const run = shell(world);
    world.crash(lpar(world, 'sys1', 'lpar05')!);
    expect((await run("lssyscfg -r lpar -m sys1 --filter 'lpar_names=lpar05'")).stdout).toMatch(/,state=Error,/);
    const ref = await run('lsrefcode -r lpar -m sys1 --filter lpar_names=lpar05 -F lpar_name,refcode --header');
    expect(ref.stdout).toBe('lpar_name,refcode\nlpar05,B2001230 LP=00003\n');
    expect((await run('chsysstate -m sys1 -r lpar -o on -n lpar05 -f lpar05')).status).toBe(1);
    await down(run, 'sys1', 'lpar05');
  });

  it('a VIOS that is down cannot run commands and comes back Running', async () => {
    world = fixtureWorld();
    const run = shell(world);
    const sys = world.findSystem('sys1')!;
    world.viosDown(lpar(world, 'sys1', 'aixnode55vio1')!);
    expect((await run('lssyscfg -r lpar -m sys1 --filter lpar_names=aixnode55vio1 -F state')).stdout).toBe('Not Activated\n');
    const r = await run('viosvrcmd -m sys1 -p aixnode55vio1 -c "lsmap -all"');
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^HSCL2957 /);
    world.viosUp(sys, lpar(world, 'sys1', 'aixnode55vio1')!);
    await waitFor(() => lpar(world, 'sys1', 'aixnode55vio1')!.rmcState === 'active');
    expect((await run('viosvrcmd -m sys1 -p aixnode55vio1 -c "lsmap -all"')).stdout).toMatch(/vhost0 .*\n[\s\S]*Backing device        hdisk2/);
  });

  it('a managed system powered off has every partition Not Activated; power on starts the auto_start ones only', async () => {
    world = fixtureWorld();
    const run = shell(world);
    const sys = world.findSystem('sys1')!;
    world.powerOff(sys);
    expect((await run('lssyscfg -r sys -m sys1 -F state')).stdout).toBe('Power Off\n');
    expect((await run('lssyscfg -r lpar -m sys1 -F state')).stdout).toBe('Not Activated\n'.repeat(4));
    expect((await run('chsysstate -m sys1 -r lpar -o on -n lpar05 -f lpar05')).stdout).toMatch(/^HSCL0237 .*Power Off/);
    expect((await run('chsysstate -m sys1 -r sys -o on')).status).toBe(0);
    await waitFor(() => sys.state === 'Operating');
    await waitFor(() => state(world, 'sys1', 'aixnode55vio1') === 'Running' && state(world, 'sys1', 'aixnode55mp1') === 'Running');
    expect(state(world, 'sys1', 'lpar05')).toBe('Not Activated');
  });

  it('shows partitions of a system that lost its connection as Not Available', async () => {
    world = fixtureWorld();
    world.powerOff(world.findSystem('sys2')!, 'No Connection');
    expect((await shell(world)('lssyscfg -r lpar -m sys2 -F name:state')).stdout).toBe('aixnode56vio1:Not Available\naixnode56vio2:Not Available\naixnode56mp1:Not Available\n');
  });

  it('refuses to activate beyond the memory of the managed system', async () => {
    world = fixtureWorld();
    const run = shell(world);
    world.findSystem('sys2')!.memoryMB = 4096 * 3 + 1024;
    expect((await run('mksyscfg -r lpar -m sys2 -i "name=big,lpar_env=aixlinux,profile_name=p,all_resources=0,proc_mode=ded,min_procs=1,desired_procs=1,max_procs=1,min_mem=1024,desired_mem=4096,max_mem=4096"')).status).toBe(0);
    const r = await run('chsysstate -m sys2 -r lpar -o on -n big -f p');
    expect(r.stdout).toMatch(/^HSCL3200 .*memory/);
  });
});

describe('configuration commands', () => {
  it('missing -m and unknown names give the HMC errors on stdout with exit 1', async () => {
    world = fixtureWorld();
    const run = shell(world);
    expect(await run('lssyscfg -r lpar')).toEqual({
      stdout:
        'The command entered is either missing a required parameter or a parameter value is invalid. The parameters that are missing or have an invalid value are -m. Please check your entry and retry the command.\n',
      stderr: '',
      status: 1,
    });
    expect((await run('lssyscfg -r lpar -m nosys')).stdout).toMatch(/^HSCL8018 /);
    expect((await run('lssyscfg -r lpar -m sys1 -F name,nosuch')).stdout).toMatch(/invalid attribute is nosuch/);
    expect((await run('chsysstate -m sys1 -r lpar -o on -n ghost -f x')).stdout).toBe('HSCL8012 The partition named ghost was not found.  Please check your entry and retry the command.\n');
    expect(await run('lssyscfg -r lpar -m sys1 --filter lpar_ids=99')).toEqual({ stdout: 'No results were found.\n', stderr: '', status: 0 });
  });

  it('accepts a managed system by type-model*serial and prints --header with any delimiter', async () => {
    world = fixtureWorld();
    const r = await shell(world)("lssyscfg -r lpar -m '8286-42A*2100002' -F 'name lpar_id state' --header");
    expect(r.stdout).toBe('name lpar_id state\naixnode56vio1 1 Running\naixnode56vio2 2 Running\naixnode56mp1 4 Running\n');
  });

  it('recreates a partition from the ProfileFile the seed builds out of lssyscfg -r lpar and -r prof', async () => {
    world = fixtureWorld();
    const run = shell(world);
    const lparFields = 'name,lpar_id,lpar_env,work_group_id,shared_proc_pool_util_auth,allow_perf_collection,power_ctrl_lpar_ids,boot_mode,auto_start,redundant_err_path_reporting,time_ref,lpar_avail_priority,suspend_capable,remote_restart_capable,affinity_group_id';
    const profFields = 'name,all_resources,min_mem,desired_mem,max_mem,mem_mode,mem_expansion,hpt_ratio,proc_mode,min_procs,desired_procs,max_procs,sharing_mode,io_slots,lpar_io_pool_ids,max_virtual_slots,virtual_serial_adapters,virtual_scsi_adapters,virtual_eth_adapters,vtpm_adapters,virtual_fc_adapters,hca_adapters,conn_monitoring,auto_start,power_ctrl_lpar_ids,work_group_id,bsr_arrays,lhea_logical_ports,lhea_capabilities,lpar_proc_compat_mode';
    const pick = (record: string, fields: string) => {
      // Select the named fields of a default listing, keeping their quoting (the seed's manual step).
      const { splitCsv } = { splitCsv: (t: string) => t.match(/("([^"]|"")*"|[^,]+)/g)! };
      const byName = new Map(splitCsv(record).map((f) => [f.replace(/^"/, '').split('=')[0]!, f]));
      return fields.split(',').map((n) => byName.get(n)!).filter(Boolean);
    };
    const lparRec = (await run('lssyscfg -r lpar -m sys1 --filter lpar_names=lpar05')).stdout.trim();
    const profRec = (await run('lssyscfg -r prof -m sys1 --filter lpar_names=lpar05,profile_names=lpar05')).stdout.trim();
    const profileFile = [...pick(lparRec, lparFields), ...pick(profRec, profFields).map((f) => f.replace(/^("?)name=/, '$1profile_name='))].join(',');
    expect(profileFile).toContain('"virtual_fc_adapters=""504/client/1/aixnode55vio1/8/c050760431670010,c050760431670011/1"""');
    await down(run, 'sys1', 'lpar05');
    expect((await run('rmsyscfg -r lpar -m sys1 -n lpar05')).status).toBe(0);
    expect((await run('lssyscfg -r lpar -m sys1 --filter lpar_names=lpar05')).status).toBe(1);
    const mk = await run(`mksyscfg -r lpar -m sys1 -i '${profileFile}'`);
    expect(mk).toEqual({ stdout: '', stderr: '', status: 0 });
    expect((await run('lssyscfg -r prof -m sys1 --filter lpar_names=lpar05,profile_names=lpar05')).stdout.trim()).toBe(profRec);
    expect((await run('lssyscfg -r lpar -m sys1 --filter lpar_names=lpar05 -F lpar_id,state,default_profile,curr_profile')).stdout).toBe('3,Not Activated,lpar05,lpar05\n');
    // The same record again: the partition exists, and so does its ID.
    expect((await run(`mksyscfg -r lpar -m sys1 -i '${profileFile}'`)).stdout).toMatch(/^HSCL1026 /);
  });

  it('creates the seed\'s lpar_test with -i and lists it', async () => {
    world = fixtureWorld();
    const run = shell(world);
    const r = await run(
      'mksyscfg -m sys2 -r lpar -i name=lpar_test,lpar_env=aixlinux,profile_name=lpar_test,min_mem=512,desired_mem=512,max_mem=512,proc_mode=shared,sharing_mode=uncap,uncap_weight=128,min_proc_units=0.1,desired_proc_units=0.4,max_proc_units=2.0,min_procs=1,desired_procs=2,max_procs=4,lpar_io_pool_ids=none,max_virtual_slots=10,auto_start=1,boot_mode=norm,power_ctrl_lpar_ids=none,conn_monitoring=0,virtual_eth_adapters=2/1/1//0/1,virtual_scsi_adapters=3/client/1//10/1',
    );
    expect(r).toEqual({ stdout: '', stderr: '', status: 0 });
    expect((await run('lssyscfg -m sys2 -r lpar -F name')).stdout).toBe('aixnode56vio1\naixnode56vio2\naixnode56mp1\nlpar_test\n');
    expect((await run('lssyscfg -m sys2 -r prof --filter lpar_names=lpar_test -F virtual_eth_adapters,virtual_scsi_adapters,desired_proc_units')).stdout).toBe('2/1/1//0/1/ETHERNET0//all/none,3/client/1//10/1,0.4\n');
  });

  it('names what is wrong in a mksyscfg record', async () => {
    world = fixtureWorld();
    const run = shell(world);
    expect((await run('mksyscfg -r lpar -m sys2 -i "name=x,lpar_env=aixlinux,profile_name=x,proc_mode=ded"')).stdout).toMatch(/^HSCL1044 .*min_mem, desired_mem, max_mem, min_procs/);
    expect((await run('mksyscfg -r lpar -m sys2 -i "name=x,lpar_env=aixlinux,profile_name=x,all_resources=1,lpar_id=4"')).stdout).toMatch(/^HSCL1027 /);
    expect((await run('mksyscfg -r lpar -m sys2 -i "name=x,lpar_env=aixlinux,profile_name=x,all_resources=1,virtual_scsi_adapters=3/client"')).stdout).toMatch(/^HSCL1050 .*needs 6 fields/);
    expect((await run('mksyscfg -r lpar -m sys2 -i "name=x,lpar_env=aixlinux,profile_name=x,all_resources=1,colour=red"')).stdout).toMatch(/invalid attribute is colour/);
    expect((await run('mksyscfg -r lpar -m sys2 -i "name=x,lpar_env=aixlinux,profile_name=x,all_resources=1,io_slots=1/none/1,2/none/1"')).stdout).toMatch(/not valid: invalid attribute field/);
    expect((await run('mksyscfg -r lpar -m sys2 -f /home/hscroot/nofile')).stdout).toMatch(/^HSCL1003 /);
  });

  it('changes profiles with += and -=, renames partitions and profiles', async () => {
    world = fixtureWorld();
    const run = shell(world);
    expect((await run('chsyscfg -r prof -m sys1 -i "name=lpar05,lpar_name=lpar05,virtual_eth_adapters+=12/0/123//0/0/ETHERNET0//all/none"')).status).toBe(0);
    expect((await run('lssyscfg -r prof -m sys1 --filter lpar_names=lpar05 -F virtual_eth_adapters')).stdout).toContain('12/0/123//0/0/ETHERNET0//all/none');
    expect((await run('chsyscfg -r prof -m sys1 -i "name=lpar05,lpar_name=lpar05,virtual_eth_adapters-=12/0/123//0/0/ETHERNET0//all/none"')).status).toBe(0);
    expect((await run('lssyscfg -r prof -m sys1 --filter lpar_names=lpar05 -F virtual_eth_adapters')).stdout).not.toContain('/123/');
    expect((await run('chsyscfg -r prof -m sys1 -i "name=lpar05,lpar_name=lpar05,new_name=lpar05_old"')).status).toBe(0);
    expect((await run('lssyscfg -r lpar -m sys1 --filter lpar_names=lpar05 -F default_profile,curr_profile')).stdout).toBe('lpar05_old,lpar05_old\n');
    expect((await run('chsyscfg -r lpar -m sys1 -i "name=lpar05,new_name=lpar05_renamed"')).status).toBe(0);
    expect((await run('lssyscfg -r lpar -m sys1 --filter lpar_names=lpar05_renamed -F lpar_id')).stdout).toBe('3\n');
  });

  it('refuses to remove a running partition or a default profile', async () => {
    world = fixtureWorld();
    const run = shell(world);
    expect((await run('rmsyscfg -r lpar -m sys1 -n lpar05')).stdout).toMatch(/^HSCL1029 .*Running/);
    expect((await run('rmsyscfg -r prof -m sys1 -n lpar05 -p lpar05')).stdout).toMatch(/^HSCL1219 /);
    expect((await run('mksyscfg -r prof -m sys1 -o save -p lpar05 -n backup')).status).toBe(0);
    expect((await run('rmsyscfg -r prof -m sys1 -n backup -p lpar05')).status).toBe(0);
  });

  it('rmsyscfg --vioscfg removes the VIOS adapters and mappings that served the partition', async () => {
    world = fixtureWorld();
    const run = shell(world);
    await down(run, 'sys1', 'lpar05');
    expect((await run('rmsyscfg -r lpar -m sys1 -n lpar05 --vioscfg')).status).toBe(0);
    expect((await run('lshwres -r virtualio --rsubtype scsi --level lpar -m sys1')).stdout).toBe('No results were found.\n');
    expect((await run('viosvrcmd -m sys1 -p aixnode55vio1 -c "lsmap -all"')).stdout).toBe('');
    expect((await run('viosvrcmd -m sys1 -p aixnode55vio1 -c "lsmap -all -npiv"')).stdout).toBe('');
  });
});

describe('DLPAR and VIOS mappings', () => {
  it('adds and removes a virtual ethernet adapter on VLAN 123 (the DR private network)', async () => {
    world = fixtureWorld();
    const run = shell(world);
    expect((await run('chhwres -r virtualio --rsubtype eth -m sys1 -o a -p aixnode55mp1 -s 20 -a "ieee_virtual_eth=0,port_vlan_id=123"')).status).toBe(0);
    expect((await run('chhwres -r virtualio --rsubtype eth -m sys1 -o a -p lpar05 -a port_vlan_id=123')).status).toBe(0);
    const list = await run('lshwres -r virtualio --rsubtype eth --level lpar -m sys1 -F lpar_name,slot_num,port_vlan_id');
    expect(list.stdout).toContain('aixnode55mp1,20,123\n');
    expect(list.stdout).toMatch(/lpar05,2,123\n/);
    expect((await run('lshwres -r virtualio --rsubtype vswitch -m sys1 -F vlan_ids')).stdout).toBe('"1,97,98,99,123"\n');
    expect((await run('chhwres -r virtualio --rsubtype eth -m sys1 -o a -p lpar05 -s 20 -a port_vlan_id=123')).status).toBe(0);
    expect((await run('chhwres -r virtualio --rsubtype eth -m sys1 -o a -p lpar05 -s 20 -a port_vlan_id=123')).stdout).toMatch(/^HSCL2960 /);
    expect((await run('chhwres -r virtualio --rsubtype eth -m sys1 -o r -p lpar05 -s 20')).status).toBe(0);
    expect((await run('chhwres -r virtualio --rsubtype eth -m sys1 -o r -p lpar05 -s 20')).stdout).toMatch(/^HSCL2961 /);
    expect((await run('chhwres -r virtualio --rsubtype eth -m sys1 -o a -p lpar05 -a port_vlan_id=5000')).stdout).toMatch(/^HSCL1050 /);
  });

  it('refuses DLPAR on a running partition without RMC', async () => {
    world = fixtureWorld(100);
    world.hang(lpar(world, 'sys1', 'lpar05')!);
    await waitFor(() => lpar(world, 'sys1', 'lpar05')!.rmcState === 'inactive');
    const r = await shell(world)('chhwres -r virtualio --rsubtype eth -m sys1 -o a -p lpar05 -a port_vlan_id=123');
    expect(r.stdout).toMatch(/^HSCL294C /);
  });

  it('builds a vSCSI mapping: server adapter, vhost device, mkvdev, lsmap, rmvdev, removal', async () => {
    world = fixtureWorld();
    const run = shell(world);
    expect((await run('chhwres -r virtualio --rsubtype scsi -m sys1 -o a -p aixnode55vio2 -s 30 -a "adapter_type=server,remote_lpar_name=aixnode55mp1,remote_slot_num=5"')).status).toBe(0);
    expect((await run('chhwres -r virtualio --rsubtype scsi -m sys1 -o a -p aixnode55mp1 -s 5 -a "adapter_type=client,remote_lpar_name=aixnode55vio2,remote_slot_num=30"')).status).toBe(0);
    expect((await run('viosvrcmd -m sys1 -p aixnode55vio2 -c "lsdev -virtual"')).stdout).toMatch(/vhost1 +Available +Virtual SCSI Server Adapter/);
    const mk = await run('viosvrcmd -m sys1 -p aixnode55vio2 -c "mkvdev -vdev hdisk4 -vadapter vhost1 -dev mp1_boot"');
    expect(mk.stdout).toMatch(/hdisk4 is already being used as a backing device by vtscsi0/);
    expect(mk.status).toBe(1);
    // Give the VIOS a disk of its own for the management LPAR.
    lpar(world, 'sys1', 'aixnode55vio2')!.vios!.disks.push({ name: 'hdisk9', pvid: '00f6a1b2c3d40009', attrs: {} });
    expect((await run('viosvrcmd -m sys1 -p aixnode55vio2 -c "mkvdev -vdev hdisk9 -vadapter vhost1 -dev mp1_boot"')).stdout).toBe('mp1_boot Available\n');
    const map = await run('viosvrcmd -m sys1 -p aixnode55vio2 -c "lsmap -vadapter vhost1"');
    expect(map.stdout).toMatch(/^SVSA {12}Physloc {38}Client Partition ID\n-{15} -{44} -{18}\nvhost1 {10}U8286\.42A\.2100001-V2-C30 {21}0x00000004\n\nVTD {19}mp1_boot\n/);
    const busy = await run('chhwres -r virtualio --rsubtype scsi -m sys1 -o r -p aixnode55vio2 -s 30');
    expect(busy.stdout).toMatch(/^HSCL2970 .*vhost1 has child devices \(mp1_boot\)/);
    expect((await run('viosvrcmd -m sys1 -p aixnode55vio2 -c "rmvdev -vtd mp1_boot"')).stdout).toBe('mp1_boot deleted\n');
    expect((await run('chhwres -r virtualio --rsubtype scsi -m sys1 -o r -p aixnode55vio2 -s 30')).status).toBe(0);
    expect((await run('viosvrcmd -m sys1 -p aixnode55vio2 -c "lsmap -vadapter vhost1"')).status).toBe(1);
  });

  it('maps and unmaps NPIV ports with vfcmap and reports them with lsmap -npiv -fmt', async () => {
    world = fixtureWorld();
    const run = shell(world);
    expect((await run('viosvrcmd -m sys1 -p aixnode55vio1 -c "lsmap -all -npiv -fmt :"')).stdout).toBe(
      'vfchost0:U8286.42A.2100001-V1-C8:3:lpar05:AIX:LOGGED_IN:fcs0:U78C9.001.2100001-P1-C2-T1:2:a:fcs0:U8286.42A.2100001-V3-C504\n',
    );
    expect((await run('viosvrcmd -m sys1 -p aixnode55vio1 -c "vfcmap -vadapter vfchost0 -fcp"')).stdout).toBe('vfchost0 changed\n');
    expect((await run('viosvrcmd -m sys1 -p aixnode55vio1 -c "lsmap -all -npiv"')).stdout).toMatch(/Status:NOT_LOGGED_IN/);
    expect((await run('viosvrcmd -m sys1 -p aixnode55vio1 -c "vfcmap -vadapter vfchost0 -fcp fcs9"')).status).toBe(1);
    expect((await run('viosvrcmd -m sys1 -p aixnode55vio1 -c "vfcmap -vadapter vfchost0 -fcp fcs1"')).stdout).toBe('vfchost0 changed\n');
    expect((await run('viosvrcmd -m sys1 -p lpar05 -c "lsmap -all"')).stdout).toMatch(/^HSCL2958 /);
  });
});

describe('live partition mobility', () => {
  it('validates: a same-named partition on the target, a VIOS down on the source', async () => {
    world = fixtureWorld();
    const run = shell(world);
    expect(await run('migrlpar -o v -m sys1 -t sys2 -p lpar05')).toEqual({ stdout: '', stderr: '', status: 0 });
    await run('mksyscfg -r lpar -m sys2 -i "name=lpar05,lpar_env=aixlinux,profile_name=lpar05,all_resources=1"');
    world.viosDown(lpar(world, 'sys1', 'aixnode55vio2')!);
    const r = await run('migrlpar -o v -m sys1 -t sys2 -p lpar05');
    expect(r.status).toBe(1);
    expect(r.stdout.trim().split('\n').map((l) => l.slice(0, 8))).toEqual(['HSCLA230', 'HSCLA234']);
    expect((await run('migrlpar -o v -m sys1 -t sys1 -p lpar05')).stdout).toMatch(/^HSCLA238 /);
    expect((await run('migrlpar -o v -m sys1 -t sys9 -p lpar05')).stdout).toMatch(/^HSCL8018 /);
    expect((await run('migrlpar -o v -m sys1 -t sys2 -p aixnode55vio1')).stdout).toMatch(/HSCLA237 /);
  });

  it('refuses a migration whose storage the target cannot reach', async () => {
    world = fixtureWorld();
    for (const v of ['aixnode56vio1', 'aixnode56vio2']) lpar(world, 'sys2', v)!.vios!.disks = [];
    const r = await shell(world)('migrlpar -o v -m sys1 -t sys2 -p lpar05');
    expect(r.stdout).toMatch(/^HSCLA235 .*hdisk2 \(PVID 00f6a1b2c3d40001\).*sys2/m);
  });

  it('migrates: Migrating - Running on both sides, then the partition, its profile and mappings live only on the target', async () => {
    world = fixtureWorld(10);
    const run = shell(world);
    const done = run('migrlpar -o m -m sys1 -t sys2 -p lpar05');
    await waitFor(() => state(world, 'sys1', 'lpar05') === 'Migrating - Running');
    expect((await run('lssyscfg -r lpar -m sys2 --filter lpar_names=lpar05 -F state')).stdout).toBe('Migrating - Running\n');
    expect((await run('lslparmigr -r lpar -m sys1 --filter lpar_names=lpar05 -F migration_state,dest_sys_name')).stdout).toBe('Migration In Progress,sys2\n');
    expect(await done).toEqual({ stdout: '', stderr: '', status: 0 });
    expect((await run('lssyscfg -r lpar -m sys1 --filter lpar_names=lpar05')).stdout).toMatch(/^HSCL8012 /);
    expect((await run('lssyscfg -r lpar -m sys2 --filter lpar_names=lpar05 -F state,rmc_state')).stdout).toBe('Running,active\n');
    expect((await run('lssyscfg -r prof -m sys2 --filter lpar_names=lpar05 -F name')).stdout).toBe('lpar05\n');
    // Mappings: gone from the source VIOS, rebuilt on two target VIOS with the same disk (PVID).
    expect((await run('viosvrcmd -m sys1 -p aixnode55vio1 -c "lsmap -all"')).stdout).toBe('');
    const scsi = (await run('lshwres -r virtualio --rsubtype scsi --level lpar -m sys2 --filter lpar_names=lpar05 -F remote_lpar_name')).stdout;
    expect(scsi.trim().split('\n').sort()).toEqual(['aixnode56vio1', 'aixnode56vio2']);
    expect((await run('viosvrcmd -m sys2 -p aixnode56vio1 -c "lsmap -all -fmt :"')).stdout).toMatch(/^vhost0:U8286\.42A\.2100002-V1-C\d+:0x00000003:vtscsi0:Available:0x8100000000000000:hdisk5:/);
    expect((await run('lshwres -r virtualio --rsubtype fc --level lpar -m sys2 --filter lpar_names=lpar05 -F wwpns')).stdout).toBe('"c050760431670010,c050760431670011"\n');
    expect((await run('lslparmigr -r lpar -m sys2 --filter lpar_names=lpar05 -F migration_state')).stdout).toBe('Not Migrating\n');
  });

  it('stops a migration with -o s: the partition stays Running on the source', async () => {
    world = fixtureWorld(10);
    const run = shell(world);
    const done = run('migrlpar -o m -m sys1 -t sys2 -p lpar05');
    await waitFor(() => state(world, 'sys1', 'lpar05') === 'Migrating - Running');
    expect((await run('migrlpar -o s -m sys1 -p lpar05')).status).toBe(0);
    const r = await done;
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^HSCLA23B /);
    expect(state(world, 'sys1', 'lpar05')).toBe('Running');
    expect(lpar(world, 'sys2', 'lpar05')).toBeUndefined();
  });

  it('a failed migration rolls back, or sticks until migrlpar -o r', async () => {
    world = fixtureWorld(50);
    const run = shell(world);
    lpar(world, 'sys1', 'lpar05')!.lpmFault = 'rollback';
    const first = await run('migrlpar -o m -m sys1 -t sys2 -p lpar05');
    expect(first.stdout).toMatch(/^HSCLA23A .*remains on the source/);
    expect(state(world, 'sys1', 'lpar05')).toBe('Running');
    lpar(world, 'sys1', 'lpar05')!.lpmFault = 'stuck';
    const second = await run('migrlpar -o m -m sys1 -t sys2 -p lpar05');
    expect(second.stdout).toMatch(/^HSCLA23A .*migrlpar -o r/);
    expect(state(world, 'sys1', 'lpar05')).toBe('Migrating - Running');
    expect((await run('lslparmigr -r lpar -m sys1 --filter lpar_names=lpar05 -F migration_state')).stdout).toBe('Migration Failed\n');
    expect((await run('migrlpar -o r -m sys1 -p lpar05')).status).toBe(0);
    expect(state(world, 'sys1', 'lpar05')).toBe('Running');
    expect((await run('migrlpar -o r -m sys1 -p lpar05')).stdout).toMatch(/^HSCLA239 /);
  });

  it('migrates an inactive partition as Migrating - Not Activated', async () => {
    world = fixtureWorld(10);
    const run = shell(world);
    await down(run, 'sys1', 'lpar05');
    const done = run('migrlpar -o m -m sys1 -t sys2 -p lpar05');
    await waitFor(() => state(world, 'sys1', 'lpar05') === 'Migrating - Not Activated');
    expect((await done).status).toBe(0);
    expect(state(world, 'sys2', 'lpar05')).toBe('Not Activated');
  });

  it('checks cross-HMC trust for --ip with mkauthkeys', async () => {
    world = fixtureWorld();
    const run = shell(world);
    expect((await run('mkauthkeys --ip 10.0.0.7 -u hscroot --test')).stdout).toMatch(/^HSCL3653 /);
    expect((await run('migrlpar -o v -m sys1 -t sys2 -p lpar05 --ip 10.0.0.7 -u hscroot')).stdout).toMatch(/^HSCL3653 /);
    expect((await run('mkauthkeys -g --ip 10.0.0.7 -u hscroot --passwd abc123')).status).toBe(0);
    expect((await run('mkauthkeys --ip 10.0.0.7 -u hscroot --test')).status).toBe(0);
    expect((await run('migrlpar -o v -m sys1 -t sys2 -p lpar05 --ip 10.0.0.7 -u hscroot')).status).toBe(0);
  });
});
