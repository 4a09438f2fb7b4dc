/**
 * The shipped types-cf/types.cf: it verifies clean (every ArgList names
 * attributes, defaults have their kinds, IMF modes are valid), and it holds
 * the types and attributes the issue and the seed name.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadTypes } from '../../framework/cf/load.js';
import type { TypeDef } from '../../framework/cf/model.js';
import { verifyPath } from '../../framework/cf/verify/verify.js';

const file = fileURLToPath(new URL('../../types-cf/types.cf', import.meta.url));
const { types, errors } = loadTypes(file);
const byName = new Map<string, TypeDef>(types.map((t) => [t.name, t]));
const attr = (type: string, name: string) => byName.get(type)?.attributes.find((a) => a.name === name);
const assoc = (type: string, name: string) => {
  const v = attr(type, name)?.default;
  return v?.kind === 'association' ? Object.fromEntries(v.entries.map((e) => [e.key, Number(e.value)])) : undefined;
};

describe('types-cf/types.cf', () => {
  it('parses and verifies with no finding', () => {
    expect(errors).toEqual([]);
    expect(verifyPath(file).findings).toEqual([]);
  });

  it('defines the bundled types real configurations include', () => {
    const wanted = ['Application', 'Mount', 'DiskGroup', 'Volume', 'LVMVG', 'IP', 'NIC', 'IPMultiNICB', 'MultiNICB', 'MultiNICA', 'IPMultiNIC',
      'Process', 'ProcessOnOnly', 'Proxy', 'Phantom', 'NFS', 'NFSRestart', 'Share', 'FileOnOff', 'ElifNone', 'FileNone', 'FileOnOnly', 'LPAR', 'WPAR'];
    expect(wanted.filter((t) => !byName.has(t))).toEqual([]);
  });

  it('gives LPAR its documented attributes, kinds and static defaults', () => {
    expect(byName.get('LPAR')!.argList).toEqual(['LPARName', 'MCUser', 'MCName', 'VIOSName', 'ProfileFile', 'RemoveProfileOnOffline', 'DROpts']);
    expect(attr('LPAR', 'MCName')).toMatchObject({ base: 'str', dimension: 'vector' });
    expect(attr('LPAR', 'MCUser')).toMatchObject({ base: 'str', dimension: 'vector' });
    expect(attr('LPAR', 'VIOSName')).toMatchObject({ base: 'str', dimension: 'vector' });
    expect(attr('LPAR', 'DROpts')).toMatchObject({ base: 'str', dimension: 'association' });
    expect(attr('LPAR', 'RemoveProfileOnOffline')).toMatchObject({ base: 'boolean', default: { kind: 'scalar', value: 0 } });
    expect(attr('LPAR', 'IntentionalOffline')).toMatchObject({ static: true, default: { kind: 'scalar', value: 1 } });
  });

  it('gives WPAR its attributes, ContainerOpts { RunInContainer = 0, PassCInfo = 1 } and IMF', () => {
    expect(byName.get('WPAR')!.argList).toEqual(['ShutdownGracePeriod', 'ResourceSet', 'WorkLoad', 'DROpts']);
    expect(assoc('WPAR', 'ContainerOpts')).toEqual({ RunInContainer: 0, PassCInfo: 1 });
    expect(assoc('WPAR', 'IMF')).toMatchObject({ Mode: 3 });
  });

  it("follows the seed's ContainerOpts table", () => {
    const table: Record<string, [number, number]> = { Application: [1, 0], IP: [0, 1], IPMultiNICB: [0, 1], Mount: [0, 0], Process: [1, 0], WPAR: [0, 1] };
    for (const [type, [ric, pci]] of Object.entries(table)) expect(assoc(type, 'ContainerOpts'), type).toEqual({ RunInContainer: ric, PassCInfo: pci });
  });
});
