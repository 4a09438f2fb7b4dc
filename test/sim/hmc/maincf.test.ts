import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildFromMainCf } from '../../../sim/hmc/maincf.js';
import type { World } from '../../../sim/hmc/world.js';
import { ROOT, shell, tmp } from './helpers.js';

const SEED = join(ROOT, 'sim/configs/seed-lpar/main.cf');
const worlds: World[] = [];
afterEach(() => worlds.splice(0).forEach((w) => w.dispose()));

function build(path: string) {
  const r = buildFromMainCf(path, 1000);
  worlds.push(r.world);
  return r;
}

describe('--from-maincf', () => {
  it('builds the seed\'s two physical servers, their VIO servers, management LPARs and the managed LPAR', async () => {
    const { world } = build(SEED);
    expect(world.hmcNames).toEqual(['hmc6', 'hmc7']);
    const run = shell(world);
    expect((await run('lssyscfg -r sys -F name,state')).stdout).toBe('sys1,Operating\nsys2,Operating\n');
    expect((await run('lssyscfg -r lpar -m sys1 -F name,lpar_env,state')).stdout).toBe(
      'aixnode55vio1,vioserver,Running\naixnode55vio2,vioserver,Running\naixnode55mp1,aixlinux,Running\naixnode5556mp2,aixlinux,Not Activated\n',
    );
    expect((await run('lssyscfg -r lpar -m sys2 -F name,state')).stdout).toBe('aixnode56vio1,Running\naixnode56vio2,Running\naixnode56mp1,Running\naixnode5556mp2,Not Activated\n');
    expect((await run('lssyscfg -r prof -m sys2 --filter lpar_names=aixnode5556mp2 -F name,virtual_scsi_adapters')).stdout).toBe(
      'aixnode5556mp2,"3/client/1/aixnode56vio1/10/1,4/client/2/aixnode56vio2/10/1"\n',
    );
  });

  it('maps the same boot disk on every VIOS and boots the partition on either server', async () => {
    const { world } = build(SEED);
    const run = shell(world);
    const pvids = await Promise.all(
      [['sys1', 'aixnode55vio1'], ['sys1', 'aixnode55vio2'], ['sys2', 'aixnode56vio1'], ['sys2', 'aixnode56vio2']].map(async ([s, v]) => {
        const map = (await run(`viosvrcmd -m ${s} -p ${v} -c "lsmap -all -fmt :"`)).stdout;
        expect(map).toMatch(/^vhost0:.*:0x00000000:vtscsi0:Available:0x8100000000000000:hdisk2:/);
        return (await run(`viosvrcmd -m ${s} -p ${v} -c "lspv"`)).stdout.split('\n')[1]!.split(/\s+/)[1];
      }),
    );
    expect(new Set(pvids).size).toBe(1);
    expect((await run('chsysstate -m sys2 -r lpar -o on -n aixnode5556mp2 -f aixnode5556mp2')).status).toBe(0);
    expect((await run('viosvrcmd -m sys2 -p aixnode56vio1 -c "lsmap -all -fmt :"')).stdout).toMatch(/:0x00000004:/);
  });

  it('gives a server whose systems name no VIOS a default one, and says so', async () => {
    const dir = tmp();
    const cf = join(dir, 'main.cf');
    writeFileSync(
      cf,
      `cluster c ( )
system n1 ( PhysicalServer = ps1 )
system n2 ( )
group g ( SystemList = { n1 = 0, n2 = 1 } )
LPAR l1 ( LPARName = guest1 MCName = { hmcA } MCUser = { admin1 } )
`,
    );
    const { world, notes } = build(cf);
    expect(world.hmcNames).toEqual(['hmcA']);
    expect([...world.users.keys()].sort()).toEqual(['admin1', 'hscroot']);
    expect(notes.join('\n')).toMatch(/system n2 has no PhysicalServer/);
    expect(notes.join('\n')).toMatch(/on ps1: it gets ps1-vios1/);
    expect((await shell(world)('lssyscfg -r lpar -m ps1 -F name')).stdout).toBe('ps1-vios1\nn1\nguest1\n');
  });

  it('reports main.cf syntax errors with file:line:column', () => {
    const dir = tmp();
    const cf = join(dir, 'main.cf');
    writeFileSync(cf, 'system n1 ( PhysicalServer = ps1 \n');
    expect(() => build(cf)).toThrow(/main\.cf:\d+:\d+: /);
  });
});
