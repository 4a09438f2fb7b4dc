import { describe, expect, it } from 'vitest';
import * as cmd from '../../../../agents/lpar/hmc/commands.js';
import { buildCommand } from '../../../../framework/remote/quote.js';

describe('HMC command builders', () => {
  it('build the documented syntax', () => {
    expect(cmd.listPartitions('sys1')).toEqual(['lssyscfg', '-r', 'lpar', '-m', 'sys1', '-F', 'name,lpar_id,lpar_env,state,default_profile,curr_profile']);
    expect(cmd.activate('sys1', 'lpar05', 'lpar05')).toEqual(['chsysstate', '-m', 'sys1', '-r', 'lpar', '-o', 'on', '-n', 'lpar05', '-f', 'lpar05']);
    expect(cmd.immediateShutdown('s', 'l')).toEqual(['chsysstate', '-m', 's', '-r', 'lpar', '-o', 'shutdown', '--immed', '-n', 'l']);
    expect(cmd.osShutdown('s', 'l')).toEqual(['chsysstate', '-m', 's', '-r', 'lpar', '-o', 'osshutdown', '-n', 'l']);
    expect(cmd.profileRecords('s', 'l', 'p')).toEqual(['lssyscfg', '-r', 'prof', '-m', 's', '--filter', 'lpar_names=l,profile_names=p']);
    expect(cmd.migrate('v', 'a', 'b', 'l')).toEqual(['migrlpar', '-o', 'v', '-m', 'a', '-t', 'b', '-p', 'l']);
    expect(cmd.migrate('m', 'a', 'b', 'l', 5)).toEqual(['migrlpar', '-o', 'm', '-m', 'a', '-t', 'b', '-p', 'l', '-w', '5']);
    expect(cmd.removePartition('s', 'l')).toEqual(['rmsyscfg', '-r', 'lpar', '-m', 's', '-n', 'l']);
  });

  it('put records in one argument the HMC reads back', () => {
    const argv = cmd.addServerAdapter('sys1', 'vios1', 'scsi', 4, 'lpar05', 304);
    expect(argv.slice(-2)).toEqual(['-a', 'adapter_type=server,remote_lpar_name=lpar05,remote_slot_num=304']);
    expect(cmd.renamePartition('s', 'a b', 'c')).toContain('name=a b,new_name=c');
    const line = buildCommand(cmd.createPartition('s', [{ name: 'name', value: 'x' }, { name: 'virtual_scsi_adapters', value: '3/client/1/v/4/1,5/client/2/w/4/1' }]));
    expect(line).toBe(`mksyscfg -r lpar -m s -i 'name=x,"virtual_scsi_adapters=3/client/1/v/4/1,5/client/2/w/4/1"'`);
  });

  it('give a VIOS command as one argument', () => {
    expect(cmd.viosCommand('s', 'vios1', ['mkvdev', '-vdev', 'hdisk7', '-vadapter', 'vhost0'])).toEqual(['viosvrcmd', '-m', 's', '-p', 'vios1', '-c', 'mkvdev -vdev hdisk7 -vadapter vhost0']);
  });
});
