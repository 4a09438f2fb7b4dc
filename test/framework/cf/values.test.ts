import { describe, expect, it } from 'vitest';
import type { Config, ResourceDef } from '../../../framework/cf/model.js';
import { parseCf } from '../../../framework/cf/parse.js';
import { typeConfig } from '../../../framework/cf/typing.js';
import {
  assocOf,
  attributeValue,
  effectiveStatic,
  isLocal,
  listOf,
  localSystems,
  scalarOf,
  typeAttribute,
  typeDefinition,
} from '../../../framework/cf/values.js';

const text = `type LPAR (
	static int OpenTimeout = 180
	static int IMF{} = { Mode = 3, MonitorFreq = 1, RegisterRetryLimit = 3 }
	static int RestartLimit
	str LPARName
	str VIOSName[]
	str DROpts{}
)

group g (
	SystemList = { a = 0, b = 1 }
	)

	LPAR r (
		LPARName = l1
		VIOSName = { v0 }
		VIOSName @a = { v1, v2 }
		DROpts = { IPAddress = "10.0.0.1", Netmask = "255.0.0.0" }
		RestartLimit = 2
		IMF @b = { Mode = 0, MonitorFreq = 5, RegisterRetryLimit = 3 }
		OpenTimeout = 1
		OpenTimeout = 90
		)
`;
const config: Config = typeConfig(parseCf(text, 'main.cf').config);
const r: ResourceDef = config.groups[0]!.resources[0]!;

describe('attributeValue', () => {
  it('prefers the per-system value, else the global one', () => {
    expect(listOf(attributeValue(r, 'VIOSName', 'a'))).toEqual(['v1', 'v2']);
    expect(listOf(attributeValue(r, 'VIOSName', 'b'))).toEqual(['v0']);
    expect(listOf(attributeValue(r, 'VIOSName'))).toEqual(['v0']);
    expect(attributeValue(r, 'Missing', 'a')).toBeUndefined();
  });

  it('takes the last of two assignments', () => {
    expect(scalarOf(attributeValue(r, 'OpenTimeout'))).toBe(90);
  });

  it('tells which attributes are local, and for which systems', () => {
    expect(isLocal(r, 'VIOSName')).toBe(true);
    expect(isLocal(r, 'LPARName')).toBe(false);
    expect(localSystems(r, 'VIOSName')).toEqual(['a']);
  });
});

describe('accessors', () => {
  it('return plain values or undefined for the wrong shape', () => {
    expect(scalarOf(attributeValue(r, 'LPARName'))).toBe('l1');
    expect(scalarOf(attributeValue(r, 'VIOSName'))).toBeUndefined();
    expect(listOf(attributeValue(r, 'LPARName'))).toBeUndefined();
    expect(assocOf(attributeValue(r, 'DROpts'))).toEqual({ IPAddress: '10.0.0.1', Netmask: '255.0.0.0' });
    expect(Object.keys(assocOf(attributeValue(r, 'DROpts'))!)).toEqual(['IPAddress', 'Netmask']);
    expect(assocOf(attributeValue(config.groups[0]!, 'SystemList'))).toEqual({ a: 0, b: 1 });
    expect(assocOf({ kind: 'list', items: ['x'] })).toEqual({ x: '' });
    expect(assocOf(undefined)).toBeUndefined();
  });
});

describe('type lookups', () => {
  it('finds a type and its attributes, falling back to the static attributes every type has', () => {
    expect(typeDefinition(config, 'LPAR')?.name).toBe('LPAR');
    expect(typeDefinition(config, 'Nope')).toBeUndefined();
    expect(typeAttribute(config, 'LPAR', 'VIOSName')).toMatchObject({ dimension: 'vector' });
    expect(typeAttribute(config, 'LPAR', 'MonitorInterval')).toMatchObject({ static: true, default: { kind: 'scalar', value: 60 } });
  });
});

describe('effectiveStatic', () => {
  it('uses the resource override, then the type default, then the engine default', () => {
    expect(scalarOf(effectiveStatic(config, r, 'RestartLimit'))).toBe(2);
    expect(assocOf(effectiveStatic(config, r, 'IMF'))).toEqual({ Mode: 3, MonitorFreq: 1, RegisterRetryLimit: 3 });
    expect(assocOf(effectiveStatic(config, r, 'IMF', 'b'))).toEqual({ Mode: 0, MonitorFreq: 5, RegisterRetryLimit: 3 });
    expect(scalarOf(effectiveStatic(config, r, 'MonitorInterval'))).toBe(60);
    expect(scalarOf(effectiveStatic(config, r, 'OfflineMonitorInterval'))).toBe(300);
    expect(scalarOf(effectiveStatic(config, r, 'NoSuchAttribute'))).toBeUndefined();
  });
});
