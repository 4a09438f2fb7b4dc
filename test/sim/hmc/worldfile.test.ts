import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { dumpWorld, parseWorld } from '../../../sim/hmc/worldfile.js';
import type { World } from '../../../sim/hmc/world.js';
import { FIXTURE, shell } from './helpers.js';

const worlds: World[] = [];
afterEach(() => worlds.splice(0).forEach((w) => w.dispose()));
const load = (doc: unknown) => {
  const w = parseWorld(typeof doc === 'string' ? doc : JSON.stringify(doc), 'w.json', 1000);
  worlds.push(w);
  return w;
};
const minimal = (partitions: unknown[] = []) => ({ systems: [{ name: 's1', serial: '1234567', partitions }] });

describe('world file', () => {
  it('loads a minimal world with defaults: Operating, hscroot/abc123, a default profile', async () => {
    const w = load(minimal([{ name: 'a', id: 1 }]));
    expect(w.systems[0]!.state).toBe('Operating');
    expect(w.users.get('hscroot')!.password).toBe('abc123');
    expect((await shell(w)('lssyscfg -r lpar -m s1 -F name,state,default_profile')).stdout).toBe('a,Not Activated,default_profile\n');
  });

  it('names the JSON path of what is wrong', () => {
    const cases: Array<[unknown, RegExp]> = [
      [{}, /bad world w\.json: systems: expected an array/],
      [{ systems: [] }, /systems: at least one managed system/],
      [{ systems: [{ name: 's1', serial: 'x' }] }, /systems\[0\]\.serial: "x" is not a 7-character serial number/],
      [{ systems: [{ name: 's1', serial: '1234567', colour: 1 }] }, /systems\[0\]\.colour: unknown key/],
      [minimal([{ name: 'a', id: 1 }, { name: 'b', id: 1 }]), /systems\[0\]\.partitions: partition ID 1 is used twice/],
      [minimal([{ name: 'a', id: 1, state: 'Up' }]), /systems\[0\]\.partitions\[0\]\.state: "Up" is not one of "Not Activated", "Starting"/],
      [minimal([{ name: 'a', id: 1, profiles: [{ name: 'p', attributes: { min_mem: 'lots' } }] }]), /partitions\[0\]\.profiles\[0\]: HSCL1050 .*min_mem/],
      [minimal([{ name: 'a', id: 1, profiles: [{ name: 'p', attributes: { colour: 'red' } }] }]), /profiles\[0\]: An invalid attribute was entered\. The invalid attribute is colour/],
      [minimal([{ name: 'v', id: 1, env: 'vioserver', vios: { disks: [{ name: 'hdisk2', pvid: '00f6a1b2c3d40001' }], mappings: [{ slot: 9, backing: 'hdisk2' }] } }]), /vios\.mappings\[0\]\.slot: no server SCSI adapter in slot 9/],
      [minimal([{ name: 'a', id: 1, vios: {} }]), /partitions\[0\]\.vios: only vioserver partitions have a vios section/],
      [minimal([{ name: 'a', id: 1, defaultProfile: 'nope' }]), /defaultProfile: no profile named nope/],
    ];
    for (const [doc, re] of cases) expect(() => load(doc), JSON.stringify(doc)).toThrow(re);
  });

  it('reports JSON syntax errors with line and column', () => {
    expect(() => load('{\n  "systems": [\n    { "name": "s1", }\n  ]\n}')).toThrow(/w\.json: 3:\d+: /);
  });

  it('dump is a world file: loading a dump gives the same dump', async () => {
    const w = load(readFileSync(FIXTURE, 'utf8'));
    const run = shell(w);
    await run('chhwres -r virtualio --rsubtype eth -m sys1 -o a -p lpar05 -s 40 -a port_vlan_id=123');
    w.crash(w.findLpar(w.findSystem('sys1')!, 'lpar05')!);
    await run('mksyscfg -r lpar -m sys2 -i "name=new1,lpar_env=aixlinux,profile_name=p1,all_resources=1"');
    const first = dumpWorld(w);
    const again = dumpWorld(load(JSON.stringify(first)));
    expect(again).toEqual(first);
    expect(JSON.stringify(first)).toContain('40/0/123//0/0/ETHERNET0/');
  });
});
