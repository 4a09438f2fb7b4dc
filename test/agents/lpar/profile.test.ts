/**
 * ProfileFile: exported from the HMC (action profile-export), used to create
 * the partition with its VIOS side when it is absent, removed again with
 * RemoveProfileOnOffline, and rolled back when creation fails half way.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAdapter } from '../../../agents/lpar/adapters.js';
import { parseProfileFile } from '../../../agents/lpar/profile-file.js';
import { Bench, NODE_A as A, SEED_LPAR as L, SEED_MAINCF } from './helpers/harness.js';

let bench: Bench;
let profileA: string;
let withRemoval: string;
let noProfile: string;

beforeAll(async () => {
  bench = await new Bench().start();
  profileA = join(bench.dir, 'profiles', 'aixnode5556mp2_on_sys1.cfg');
  const configWith = (extra: string) => bench.file(`cfg-${Math.random().toString(36).slice(2)}.cf`, SEED_MAINCF.replace('    RestartLimit = 1\n', `    RestartLimit = 1\n${extra}`));
  withRemoval = configWith(`    ProfileFile @aixnode55mp1 = "${profileA}"\n    RemoveProfileOnOffline = 1\n`);
  noProfile = configWith('');
});
afterAll(() => bench?.stop());

interface ViosView {
  adapters: Array<{ slot: number; type: string; remoteName: string | undefined }>;
  vtds: Array<{ vtd: string; slot: number; backing: string }>;
}
/** sys1 as `hmcsim ctl dump` shows it: the partition, and each VIOS's server adapters and disk mappings. */
async function sys1() {
  const world = await bench.ctl('dump');
  const sys = world.systems.find((s: any) => s.name === 'sys1');
  const part = (n: string) => sys.partitions.find((p: any) => p.name === n);
  const vios = (n: string): ViosView => {
    const v = part(n);
    const adapters = (v.current.virtual_scsi_adapters as string[]).map((item) => parseAdapter('scsi', item)).map((a) => ({ slot: a.slot, type: a.side, remoteName: a.remoteName }));
    return { adapters, vtds: v.vios.mappings };
  };
  return { lpar: part(L), vio1: vios('aixnode55vio1'), vio2: vios('aixnode55vio2') };
}

/** The partition is gone from sys1, and neither VIOS keeps an adapter or a mapping for it. */
function expectGoneFromSys1(s: Awaited<ReturnType<typeof sys1>>): void {
  expect(s.lpar).toBeUndefined();
  for (const v of [s.vio1, s.vio2]) {
    expect(v.adapters.filter((a) => a.remoteName === L)).toEqual([]);
    expect(v.vtds).toEqual([]);
  }
}

describe('ProfileFile', () => {
  it('profile-export writes this system\'s ProfileFile from the HMC (the seed procedure, automated)', async () => {
    const r = await bench.agent('action/profile-export', A, [], { config: withRemoval });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`wrote ${profileA}: partition ${L}, profile ${L}, 2 VIOS mapping\\(s\\), from sys1`));
    const data = parseProfileFile(readFileSync(profileA, 'utf8'), profileA);
    expect(data.partition).toBe(L);
    expect(data.profile).toBe(L);
    expect(data.clientAdapters.map((a) => a.remoteName).sort()).toEqual(['aixnode55vio1', 'aixnode55vio2']);
    expect(data.mappings.map((m) => m.vios).sort()).toEqual(['aixnode55vio1', 'aixnode55vio2']);
    expect(data.mappings.every((m) => m.kind === 'scsi' && /^hdisk\d+$/.test(m.device))).toBe(true);
    const fields = Object.fromEntries(data.fields.map((f) => [f.name, f.value]));
    expect(fields.lpar_env).toBe('aixlinux');
    expect(fields.proc_mode).toBe('shared');
    expect(fields.desired_proc_units).toBeDefined();
    expect(fields).not.toHaveProperty('state');
  });

  it('exporting again keeps the previous file as .previous, written atomically', async () => {
    const original = readFileSync(profileA, 'utf8');
    writeFileSync(profileA, `# edited by hand\n${original}`);
    const r = await bench.agent('action/profile-export', A, [], { config: withRemoval });
    expect(r.code).toBe(0);
    expect(readFileSync(`${profileA}.previous`, 'utf8')).toBe(`# edited by hand\n${original}`);
    expect(readFileSync(profileA, 'utf8').split('\n').slice(1)).toEqual(original.split('\n').slice(1));
    const again = await bench.agent('action/profile-export', A, [], { config: withRemoval });
    expect(again.stdout).toMatch(/already up to date|wrote/);
  });

  it('profile-export without a ProfileFile, or for an unknown profile, says what is missing', async () => {
    const r = await bench.agent('action/profile-export', A, [], { config: noProfile });
    expect(r.code).toBe(1);
    expect(bench.log()).toMatch(/ProfileFile is not set for system aixnode55mp1: set where to write it first/);
    const p = await bench.agent('action/profile-export', A, [], { config: withRemoval, actionArgs: ['nosuchprofile'] });
    expect(p.code).toBe(1);
    expect(bench.log()).toMatch(/it has no profile nosuchprofile on sys1/);
  });

  it('RemoveProfileOnOffline = 1: offline removes the partition, its mappings and its server adapters', async () => {
    expect((await bench.agent('online', A, [], { config: withRemoval })).code).toBe(0);
    expect((await bench.agent('offline', A, [], { config: withRemoval })).code).toBe(0);
    expectGoneFromSys1(await sys1());
    const log = bench.log();
    expect(log).toMatch(/removing aixnode5556mp2 and its VIOS mappings from sys1 \(RemoveProfileOnOffline\)/);
    expect(log).toMatch(/removed mapping of hdisk\d+ on aixnode55vio1/);
    expect(log).toMatch(/removed scsi server adapter aixnode55vio1\/\d+/);
    expect(log).toMatch(/removed partition aixnode5556mp2 from sys1/);
    expect((await bench.agent('monitor', A, [], { config: withRemoval })).code).toBe(100);
  });

  it('without ProfileFile, online of an absent partition names what is missing', async () => {
    expect((await bench.agent('online', A, [], { config: noProfile })).code).toBe(0);
    expect((await sys1()).lpar).toBeUndefined();
    expect(bench.log()).toMatch(/it is not defined on managed system sys1 and ProfileFile is not set for system aixnode55mp1: create the partition on sys1 .* or set ProfileFile \(hares -local aixnode5556mp2 ProfileFile/);
  });

  it('online creates it from the ProfileFile with its VIOS side, then starts it', async () => {
    expect((await bench.agent('online', A, [], { config: withRemoval })).code).toBe(0);
    const s = await sys1();
    expect(s.lpar.state).toBe('Running');
    const data = parseProfileFile(readFileSync(profileA, 'utf8'), profileA);
    for (const m of data.mappings) {
      const v = m.vios === 'aixnode55vio1' ? s.vio1 : s.vio2;
      expect(v.adapters.some((a) => a.type === 'server' && a.slot === m.slot && a.remoteName === L)).toBe(true);
      if (m.kind === 'scsi') expect(v.vtds.some((t) => t.slot === m.slot && t.backing === m.device)).toBe(true);
    }
    const log = bench.log();
    expect(log).toMatch(/creating the partition on sys1 from .*aixnode5556mp2_on_sys1\.cfg \(mksyscfg -r lpar\)/);
    expect(log).toMatch(/adding scsi server adapter in slot \d+ of VIOS aixnode55vio1/);
    expect(log).toMatch(/mapping hdisk\d+ to vhost\d+ on VIOS aixnode55vio1 \(mkvdev\)/);
    expect((await bench.agent('monitor', A, [], { config: withRemoval })).code).toBe(110);
  });

  it('clean removes it too (RemoveProfileOnOffline)', async () => {
    expect((await bench.agent('clean', A, ['4'], { config: withRemoval })).code).toBe(0);
    expect((await sys1()).lpar).toBeUndefined();
  });

  it('a VIOS mapping failing after mksyscfg rolls everything back, step by step', async () => {
    const good = readFileSync(profileA, 'utf8');
    // The second VIOS's mapping fails: the first one's mapping, both adapters and the partition are undone.
    const lines = good.split('\n');
    const last = lines.map((l, i) => (l.startsWith('vios_mapping=') ? i : -1)).filter((i) => i >= 0).pop()!;
    lines[last] = lines[last]!.replace(/backing_device=hdisk\d+/, 'backing_device=hdisk99');
    writeFileSync(profileA, lines.join('\n'));
    try {
      await bench.ctl('stats', '--reset');
      const r = await bench.agent('online', A, [], { config: withRemoval });
      expect(r.code).toBe(0);
      expectGoneFromSys1(await sys1());
      const log = bench.log();
      expect(log).toMatch(/completing it from .* failed: .*hdisk99.*; rolling back \d step\(s\)/);
      expect(log).toMatch(/rollback: unmap hdisk\d+ on aixnode55vio1 \(rmvdev -vtd \w+\)/);
      expect(log).toMatch(/rollback: remove scsi server adapter aixnode55vio2\/\d+ \(chhwres -o r\)/);
      expect(log).toMatch(/rollback: remove scsi server adapter aixnode55vio1\/\d+ \(chhwres -o r\)/);
      expect(log).toMatch(/rollback: remove partition aixnode5556mp2 \(rmsyscfg -r lpar\)/);
      expect(log).toMatch(/LPAR aixnode5556mp2: completing it from .* failed: .*; rolled back: /);
      const c = await bench.commandCounts();
      expect(c.commands.chsysstate ?? 0).toBe(0);
      expect((await bench.agent('monitor', A, [], { config: withRemoval })).code).toBe(100);
    } finally {
      writeFileSync(profileA, good);
    }
    // With the file fixed, online works again.
    expect((await bench.agent('online', A, [], { config: withRemoval })).code).toBe(0);
    expect((await sys1()).lpar.state).toBe('Running');
  });

  it('a ProfileFile with a syntax error is refused with file:line:column before anything is created', async () => {
    expect((await bench.agent('clean', A, ['0'], { config: withRemoval })).code).toBe(0);
    const good = readFileSync(profileA, 'utf8');
    const lines = good.split('\n');
    const at = lines.findIndex((l) => l.startsWith('vios_mapping='));
    const column = lines[at]!.indexOf('slot_num=') + 1;
    lines[at] = lines[at]!.replace(/slot_num=\d+/, 'slot_num=ten');
    writeFileSync(profileA, lines.join('\n'));
    try {
      await bench.ctl('stats', '--reset');
      expect((await bench.agent('online', A, [], { config: withRemoval })).code).toBe(0);
      expect(bench.log()).toContain(`${profileA}:${at + 1}:${column}: slot_num "ten" is not a number`);
      expect((await bench.commandCounts()).commands.mksyscfg ?? 0).toBe(0);
    } finally {
      writeFileSync(profileA, good);
    }
    expect(existsSync(profileA)).toBe(true);
  });
});
