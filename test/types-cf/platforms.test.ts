/**
 * The bundled Linux and Solaris types (types-cf/linux, types-cf/solaris): they
 * verify clean and hold the platform's own agents and attributes that real
 * main.cf files of those platforms set (issue 16: IP PrefixLen/IPOptions, NIC
 * Mii, LVMVolumeGroup, Apache on Linux; Zone, Zpool on Solaris).
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadTypes } from '../../framework/cf/load.js';
import { verifyPath } from '../../framework/cf/verify/verify.js';

const load = (p: string) => {
  const file = fileURLToPath(new URL(`../../types-cf/${p}/types.cf`, import.meta.url));
  const { types, errors } = loadTypes(file);
  const attrs = (t: string) => types.find((x) => x.name === t)?.attributes.map((a) => a.name) ?? [];
  return { file, types, errors, attrs };
};

describe.each(['linux', 'solaris'])('types-cf/%s/types.cf', (platform) => {
  const t = load(platform);
  it('parses and verifies with no finding', () => {
    expect(t.errors).toEqual([]);
    expect(verifyPath(t.file).findings).toEqual([]);
  });
  it('holds the agents common to every platform', () => {
    for (const name of ['Application', 'Apache', 'DiskGroup', 'IP', 'Mount', 'NIC', 'Process', 'Proxy', 'Volume'])
      expect(t.types.some((x) => x.name === name), name).toBe(true);
  });
});

describe('platform attributes', () => {
  it('Linux: IP PrefixLen and IPOptions, NIC Mii, LVMVolumeGroup', () => {
    const l = load('linux');
    expect(l.attrs('IP')).toEqual(expect.arrayContaining(['PrefixLen', 'IPOptions', 'IPRouteOptions']));
    expect(l.attrs('NIC')).toContain('Mii');
    expect(l.attrs('LVMVolumeGroup')).toContain('VolumeGroup');
  });
  it('Solaris: Zone, Zpool, NIC Protocol', () => {
    const s = load('solaris');
    expect(s.attrs('Zone')).toContain('BootState');
    expect(s.attrs('Zpool')).toContain('PoolName');
    expect(s.attrs('NIC')).toContain('Protocol');
  });
});
