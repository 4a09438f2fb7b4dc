/** Partition and profile names as a real HMC takes them: spaces and most punctuation, quoted in output when they hold a comma. */
import fc from 'fast-check';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { partitionName, profileName } from '../../../agents/lpar/names.js';
import { nameProblem } from '../../../sim/hmc/names.js';
import type { World } from '../../../sim/hmc/world.js';
import { loadWorldFile } from '../../../sim/hmc/worldfile.js';
import { fixtureWorld, shell, tmp } from './helpers.js';

let world: World;
/** The profile attributes mksyscfg -r lpar requires besides the names. */
const RES = 'proc_mode=ded,min_procs=1,desired_procs=1,max_procs=1,min_mem=1024,desired_mem=2048,max_mem=4096';
afterEach(() => world?.dispose());

describe('partition and profile names', () => {
  it('creates, lists, filters and starts a partition whose names hold spaces', async () => {
    world = fixtureWorld();
    const sh = shell(world);
    expect(await sh(`mksyscfg -r lpar -m sys1 -i 'name=db prod 01,lpar_env=aixlinux,profile_name=normal prof,${RES}'`)).toEqual({ stdout: '', stderr: '', status: 0 });
    expect((await sh('lssyscfg -r lpar -m sys1 --filter "lpar_names=db prod 01" -F name:state:default_profile')).stdout).toBe('db prod 01:Not Activated:normal prof\n');
    expect((await sh('lssyscfg -r prof -m sys1 --filter "lpar_names=db prod 01" -F name')).stdout).toBe('normal prof\n');
    expect((await sh('chsysstate -m sys1 -r lpar -o on -n "db prod 01" -f "normal prof"')).status).toBe(0);
    expect((await sh('lssyscfg -r lpar -m sys1 --filter "lpar_names=db prod 01" -F state')).stdout).toMatch(/^(Starting|Running)\n$/);
  });

  it('takes a name with a comma quoted in records and filters, and quotes it in its output as the HMC does', async () => {
    world = fixtureWorld();
    const sh = shell(world);
    expect((await sh(`mksyscfg -r lpar -m sys1 -i '"name=db,prod",lpar_env=aixlinux,profile_name=p1,${RES}'`)).status).toBe(0);
    expect((await sh('lssyscfg -r lpar -m sys1 -F name | grep db')).stdout).toBe('"db,prod"\n');
    expect((await sh('lssyscfg -r lpar -m sys1 -F name:state | grep db')).stdout).toBe('"db,prod":Not Activated\n');
    const record = (await sh(`lssyscfg -r lpar -m sys1 --filter '"lpar_names=""db,prod"""'`)).stdout;
    expect(record).toMatch(/^"name=db,prod",lpar_id=\d+,lpar_env=aixlinux,state=Not Activated,/);
    expect((await sh('chsysstate -m sys1 -r lpar -o on -n "db,prod" -f p1')).status).toBe(0);
  });

  it('accepts the punctuation the HMC allows and refuses the characters it forbids, with HSCL1050', async () => {
    world = fixtureWorld();
    const sh = shell(world);
    const odd = 'a/b;c~d^e=f{g}h@i#j:k+l.m-n_o!p%q';
    expect((await sh(`mksyscfg -r lpar -m sys1 -i 'name=${odd},lpar_env=aixlinux,profile_name=x,${RES}'`)).status).toBe(0);
    expect((await sh(`lssyscfg -r lpar -m sys1 --filter 'lpar_names=${odd}' -F name`)).stdout).toBe(`${odd}\n`);
    for (const [bad, why] of [
      ['web*1', 'the character * is not allowed in a name'],
      ['a$b', 'the character $ is not allowed in a name'],
      ['x'.repeat(48), 'a name is 1 to 47 characters'],
      [' lead', 'a name cannot begin or end with a blank'],
    ]) {
      const r = await sh(`mksyscfg -r lpar -m sys1 -i 'name=${bad},lpar_env=aixlinux,profile_name=x,${RES}'`);
      expect(r, bad).toEqual({ stdout: `HSCL1050 The value "${bad}" of the attribute name is not valid: ${why}.\n`, stderr: '', status: 1 });
    }
    expect((await sh(`chsyscfg -r lpar -m sys1 -i 'name=lpar05,new_name=bad|name'`)).stdout).toMatch(/^HSCL1050 .*new_name/);
    expect((await sh(`mksyscfg -r prof -m sys1 -i 'lpar_name=lpar05,name=p?'`)).stdout).toMatch(/^HSCL1050 /);
  });

  it('accepts in the simulator every name the LPAR agent accepts', () => {
    const agentChars = 'abcXYZ019 _.+@#:-'.split('');
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...agentChars), { minLength: 1, maxLength: 47 }), (chars) => {
        const name = chars.join('');
        let agentOk = true;
        try {
          partitionName(name);
          profileName(name);
        } catch {
          agentOk = false;
        }
        if (agentOk) expect(nameProblem(name), name).toBeNull();
      }),
    );
  });

  it('loads names with spaces from a world file, and names a bad one by its JSON path', () => {
    const dir = tmp();
    const make = (name: string) => {
      const file = join(dir, 'w.json');
      writeFileSync(file, JSON.stringify({ systems: [{ name: 's', serial: '1234567', partitions: [{ name, id: 2, profiles: [{ name: 'my profile' }] }] }] }));
      return file;
    };
    world = loadWorldFile(make('app server 1'), 1000);
    expect(world.systems[0]!.partitions[0]!.name).toBe('app server 1');
    expect(world.systems[0]!.partitions[0]!.defaultProfile).toBe('my profile');
    expect(() => loadWorldFile(make('bad<name'), 1000)).toThrow(/systems\[0\]\.partitions\[0\]\.name: "bad<name" is not a partition or profile name: the character < is not allowed/);
  });
});
