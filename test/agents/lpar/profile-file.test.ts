import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { recordMap } from '../../../agents/lpar/hmc/records.js';
import { generateProfileFile, parseProfileFile, profileRecord, ProfileFileError } from '../../../agents/lpar/profile-file.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

describe('ProfileFile', () => {
  it('reads the seed example (step 5): partition, profile, VIOS pairings; duplicate fields once', () => {
    const data = parseProfileFile(fixture('lpar05_on_physical_server_01.cfg'), '/configfile/lpar05.cfg');
    expect(data.partition).toBe('lpar05');
    expect(data.profile).toBe('lpar05');
    expect(data.lparId).toBe(15);
    const names = data.fields.map((f) => f.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names.filter((n) => n === 'boot_mode')).toHaveLength(1);
    expect(data.warnings).toEqual([]);
    expect(data.clientAdapters.map((a) => [a.kind, a.slot, a.remoteName, a.remoteSlot])).toEqual([
      ['scsi', 304, 'vio_server1', 4],
      ['scsi', 404, 'vio_server2', 6],
      ['fc', 504, 'vio_server1', 8],
      ['fc', 604, 'vio_server2', 5],
    ]);
    expect(data.mappings).toEqual([]);
  });

  it('generates the seed procedure (steps 1–5) from the HMC listings', () => {
    const text = generateProfileFile({
      partition: recordMap(fixture('lpar05-lssyscfg-lpar.txt')),
      profile: recordMap(fixture('lpar05-lssyscfg-prof.txt')),
      mappings: [],
      source: { system: 'physical_server_01', hmc: 'hmc6', when: new Date('2026-01-02T03:04:05Z') },
    });
    const generated = parseProfileFile(text, 'gen.cfg');
    const seed = parseProfileFile(fixture('lpar05_on_physical_server_01.cfg'), 'seed.cfg');
    expect(Object.fromEntries(generated.fields.map((f) => [f.name, f.value]))).toEqual(Object.fromEntries(seed.fields.map((f) => [f.name, f.value])));
    // name → profile_name; listing-only fields and "null" values are left out
    expect(text).toMatch(/^# ProfileFile of partition lpar05 on managed system physical_server_01, from HMC hmc6 at 2026-01-02T03:04:05.000Z\n/);
    expect(text).not.toMatch(/state=|rmc_ipaddr|os_version|lpar_name=|null/);
    expect(text.trimEnd().split('\n')).toHaveLength(2);
  });

  it('adds the processing-unit fields a shared-processor profile needs', () => {
    const prof = new Map([
      ['name', 'p1'], ['proc_mode', 'shared'], ['sharing_mode', 'uncap'], ['min_proc_units', '0.1'], ['desired_proc_units', '0.4'], ['max_proc_units', '2.0'], ['uncap_weight', '128'], ['min_procs', '1'],
    ]);
    const text = generateProfileFile({ partition: new Map([['name', 'x'], ['lpar_env', 'aixlinux']]), profile: prof, mappings: [], source: { system: 's', hmc: 'h', when: new Date(0) } });
    const m = recordMap(text.split('\n')[1]!);
    expect(m.get('desired_proc_units')).toBe('0.4');
    expect(m.get('uncap_weight')).toBe('128');
    expect(m.get('profile_name')).toBe('p1');
  });

  it('round-trips VIOS mapping lines', () => {
    const text = generateProfileFile({
      partition: new Map([['name', 'lpar05'], ['lpar_env', 'aixlinux']]),
      profile: new Map([['name', 'lpar05']]),
      mappings: [
        { kind: 'scsi', vios: 'vio_server1', slot: 4, device: 'hdisk7', vtd: 'lpar05_rvg' },
        { kind: 'scsi', vios: 'vio_server2', slot: 6, device: 'hdisk9', vtd: undefined },
        { kind: 'fc', vios: 'vio_server1', slot: 8, port: 'fcs0' },
      ],
      source: { system: 's', hmc: 'h', when: new Date(0) },
    });
    expect(text).toContain('\nvios_mapping=scsi,vios_name=vio_server1,slot_num=4,backing_device=hdisk7,vtd_name=lpar05_rvg\n');
    expect(parseProfileFile(text, 'x').mappings).toEqual([
      { kind: 'scsi', vios: 'vio_server1', slot: 4, device: 'hdisk7', vtd: 'lpar05_rvg' },
      { kind: 'scsi', vios: 'vio_server2', slot: 6, device: 'hdisk9', vtd: undefined },
      { kind: 'fc', vios: 'vio_server1', slot: 8, port: 'fcs0' },
    ]);
  });

  it('builds the profile-only record for mksyscfg -r prof', () => {
    const data = parseProfileFile(fixture('lpar05_on_physical_server_01.cfg'), 'x');
    const rec = profileRecord(data);
    expect(rec.slice(0, 2)).toEqual([{ name: 'name', value: 'lpar05' }, { name: 'lpar_name', value: 'lpar05' }]);
    const names = rec.map((f) => f.name);
    expect(names).toContain('virtual_scsi_adapters');
    expect(names).not.toContain('lpar_id');
    expect(names).not.toContain('profile_name');
    expect(names).not.toContain('lpar_env');
  });

  it('warns when a duplicated field disagrees, and the later value wins', () => {
    const data = parseProfileFile('name=a,lpar_env=aixlinux,auto_start=1,profile_name=p,auto_start=0\n', 'f.cfg');
    expect(data.fields.find((f) => f.name === 'auto_start')!.value).toBe('0');
    expect(data.warnings).toEqual(['f.cfg:1:54: auto_start is given twice (1, then 0); using 0']);
  });

  const bad: Array<[string, string, RegExp]> = [
    ['', 'f:1:1', /empty/],
    ['# only a comment\n', 'f:1:1', /empty/],
    ['lpar_env=aixlinux,profile_name=p\n', 'f:1:1', /no name/],
    ['name=a,lpar_env=aixlinux\n', 'f:1:1', /no profile_name \(rename the profile's "name" field/],
    ['name=a,profile_name=p\n', 'f:1:1', /no lpar_env/],
    ['name=a;reboot,lpar_env=aixlinux,profile_name=p\n', 'f:1:1', /character ";" is not allowed/],
    ['name=a,lpar_env=aixlinux,profile_name=p,"virtual_scsi_adapters=3/client/1/v$(x)/4/1"\n', 'f:1:41', /VIOS name/],
    ['name=a,lpar_env=aixlinux,profile_name=p,virtual_scsi_adapters=3/client/1\n', 'f:1:41', /3 parts/],
    ['name=a,lpar_env=aixlinux,"profile_name=p\n', 'f:1:26', /unbalanced/],
    ['name=a,lpar_env=aixlinux,profile_name=p\nname=b,lpar_env=aixlinux,profile_name=q\n', 'f:2:1', /second partition record/],
    ['vios_mapping=scsi,vios_name=v,slot_num=4,backing_device=hdisk1\nname=a\n', 'f:1:1', /before the partition record/],
    ['name=a,lpar_env=aixlinux,profile_name=p\nvios_mapping=scsi,vios_name=v,slot_num=x,backing_device=h\n', 'f:2:31', /slot_num "x"/],
    ['name=a,lpar_env=aixlinux,profile_name=p\nvios_mapping=scsi,vios_name=v,slot_num=4,backing_device=h d\n', 'f:2:42', /backing_device/],
    ['name=a,lpar_env=aixlinux,profile_name=p\nvios_mapping=scsi,vios_name=v,slot_num=4,backing_device=h,colour=red\n', 'f:2:59', /unknown field colour/],
    ['name=a,lpar_env=aixlinux,profile_name=p\nvios_mapping=eth,vios_name=v,slot_num=4\n', 'f:2:1', /expected scsi or fc/],
    ['name=a,lpar_env=aixlinux,profile_name=p\nvios_mapping=fc,vios_name=v,slot_num=4\n', 'f:2:1', /no fc_port/],
    ['name=a,lpar_env=aixlinux,profile_name=p,x=\u0001\n', 'f:1:43', /control character/],
  ];
  it.each(bad)('refuses %j at %s', (text, where, detail) => {
    let err: unknown;
    try {
      parseProfileFile(text, 'f');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ProfileFileError);
    expect((err as Error).message.startsWith(`${where}: `), (err as Error).message).toBe(true);
    expect((err as Error).message).toMatch(detail);
  });

  it('counts columns from the start of an indented mapping line', () => {
    expect(() => parseProfileFile('name=a,lpar_env=aixlinux,profile_name=p\n  vios_mapping=scsi,vios_name=v,slot_num=x,backing_device=h\n', 'f')).toThrow(/^f:2:33: /);
  });

  it('accepts comments, blank lines and CRLF around the record', () => {
    const data = parseProfileFile('# made by hand\r\n\r\nname=a,lpar_env=aixlinux,profile_name=p\r\n\r\n', 'f');
    expect(data.partition).toBe('a');
  });
});
