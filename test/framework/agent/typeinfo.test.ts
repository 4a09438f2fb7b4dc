import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TYPE_STATIC_ATTRIBUTES } from '../../../framework/cf/builtins.js';
import { loadTypes } from '../../../framework/cf/load.js';
import { defineAgent, implementedEntryPoints } from '../../../framework/agent/define.js';
import { compileValidator, typeSchema } from '../../../framework/agent/schema.js';
import { buildTypeInfo, entryPointTimeout, secretAttributeNames } from '../../../framework/agent/typeinfo.js';

/** A third-party style type: lowercase name, static overrides, credentials in the ArgList. */
const TYPES = `type replica (
\tstatic int OpenTimeout = 180
\tstatic int RestartLimit = 1
\tstatic str ArgList[] = {localbox, UserLocal, PasswordLocal, remotebox, UserRemote, PasswordRemote, LocalCG, RemoteCG}
\tstr localbox
\tstr UserLocal
\tstr PasswordLocal
\tstr remotebox
\tstr UserRemote
\tstr PasswordRemote
\tstr LocalCG
\tstr RemoteCG
)
`;

describe('type information', () => {
  const dir = mkdtempSync(join(tmpdir(), 'typeinfo-'));
  writeFileSync(join(dir, 'replicaTypes.cf'), TYPES);
  const { types, errors } = loadTypes(join(dir, 'replicaTypes.cf'));
  rmSync(dir, { recursive: true, force: true });
  const info = buildTypeInfo(types[0]!, { statics: TYPE_STATIC_ATTRIBUTES });

  it('reads a type: ArgList, static overrides over engine defaults', () => {
    expect(errors).toEqual([]);
    expect(info.argList).toEqual(['localbox', 'UserLocal', 'PasswordLocal', 'remotebox', 'UserRemote', 'PasswordRemote', 'LocalCG', 'RemoteCG']);
    expect(info.statics.OpenTimeout).toBe(180);
    expect(info.statics.RestartLimit).toBe(1);
    expect(info.statics.MonitorTimeout).toBe(60);
  });

  it('takes each entry point timeout from its static attribute', () => {
    expect(entryPointTimeout('open', info.statics)).toBe(180);
    expect(entryPointTimeout('monitor', info.statics)).toBe(60);
    expect(entryPointTimeout('online', info.statics)).toBe(300);
    expect(entryPointTimeout('clean', info.statics)).toBe(60);
    expect(entryPointTimeout('migrate', info.statics)).toBe(600);
    expect(entryPointTimeout('imf_getnotification', info.statics)).toBe(0);
    expect(entryPointTimeout('monitor', info.statics, 7)).toBe(7);
  });

  it('caps ActionTimeout at half the MonitorInterval', () => {
    expect(entryPointTimeout('action', { ActionTimeout: 30, MonitorInterval: 20 })).toBe(10);
    expect(entryPointTimeout('action', { ActionTimeout: 30, MonitorInterval: 60 })).toBe(30);
  });

  it('caps InfoTimeout at half the MonitorInterval too', () => {
    expect(entryPointTimeout('info', { InfoTimeout: 30, MonitorInterval: 20 })).toBe(10);
    expect(entryPointTimeout('info', { InfoTimeout: 30, MonitorInterval: 60 })).toBe(30);
  });

  it('finds the password attributes of the type', () => {
    expect(secretAttributeNames(info)).toEqual(['PasswordLocal', 'PasswordRemote']);
    expect(secretAttributeNames(info, ['UserLocal'])).toContain('UserLocal');
  });

  it('validates values against the generated schema with the agent refinements', () => {
    const v = compileValidator(typeSchema([{ name: 'N', base: 'int', dimension: 'scalar' }, { name: 'K', base: 'str', dimension: 'keylist' }], { N: { maximum: 5 } }));
    expect(v({ N: 5, K: ['a', 'b'] })).toBe(true);
    expect(v({ N: 6 })).toBe(false);
    expect(v({ K: ['a', 'a'] })).toBe(false);
    expect(v({ N: 2 ** 31 })).toBe(false);
  });
});

describe('defineAgent', () => {
  it('rejects what VCS could not run, where the mistake is made', () => {
    expect(() => defineAgent({ type: 'bad name', entryPoints: { monitor: () => 'online' } })).toThrow(/type must be a type name/);
    expect(() => defineAgent({ type: 'T', entryPoints: {} as never })).toThrow(/monitor is required/);
    expect(() => defineAgent({ type: 'T', entryPoints: { monitor: () => 'online', onlin: () => undefined } as never })).toThrow(/unknown entry point onlin/);
    expect(() => defineAgent({ type: 'T', entryPoints: { monitor: () => 'online', action: { 'a/b': () => 'x' } } })).toThrow(/bad action token/);
  });

  it('lists the implemented entry points, actions as action/TOKEN', () => {
    const a = defineAgent({ type: 'T', entryPoints: { monitor: () => 'offline', clean: () => undefined, action: { promote: () => 'ok' } } });
    expect(implementedEntryPoints(a)).toEqual(['monitor', 'clean', 'action/promote']);
  });
});
