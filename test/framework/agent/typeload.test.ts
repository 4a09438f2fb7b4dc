import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defineAgent } from '../../../framework/agent/define.js';
import { run as precompile } from '../../../framework/agent/precompile.js';
import type { RegistryEntry } from '../../../framework/agent/registry.js';
import { loadAgentType } from '../../../framework/agent/typeload.js';

const root = mkdtempSync(join(tmpdir(), 'typeload-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const agent = defineAgent<{ Name: string; Size: number }>({
  type: 'Thing',
  attributeSchemas: { Name: { pattern: '^[a-z]+$' } },
  entryPoints: { monitor: () => 'offline' },
});
const entry: RegistryEntry = { type: 'Thing', typesFile: 'agents/thing/ThingTypes.cf', load: async () => ({ default: agent }) };
const source = join(root, 'agents', 'thing', 'ThingTypes.cf');
mkdirSync(join(root, 'agents', 'thing'), { recursive: true });
writeFileSync(source, 'type Thing (\n\tstatic int MonitorTimeout = 17\n\tstatic str ArgList[] = { Name, Size }\n\tstr Name\n\tint Size = 3\n)\n');

describe('precompiled type definitions', () => {
  it('are written by precompile and used while the types.cf is unchanged', async () => {
    const out: string[] = [];
    const code = await precompile([], { registry: [entry], root, self: '', out: (t) => out.push(t), err: (t) => out.push(t) });
    expect(code).toBe(0);
    expect(out.join('')).toContain('precompiled Thing from agents/thing/ThingTypes.cf');
    expect(existsSync(join(root, 'dist', 'typedefs', 'Thing.validate.mjs'))).toBe(true);

    // Mark the precompiled copy: if it is what the loader returns, nothing parsed the types.cf.
    const json = join(root, 'dist', 'typedefs', 'Thing.json');
    const pre = JSON.parse(readFileSync(json, 'utf8'));
    expect(pre.info.statics.MonitorTimeout).toBe(17);
    pre.info.statics.MonitorTimeout = 99;
    writeFileSync(json, JSON.stringify(pre));
    const loaded = await loadAgentType(entry, agent, { root, precompiledDir: join(root, 'dist', 'typedefs') });
    expect(loaded.info.argList).toEqual(['Name', 'Size']);
    expect(loaded.info.statics.MonitorTimeout).toBe(99);
    const validate = await loaded.validator();
    expect(validate({ Name: 'abc', Size: 1 })).toBe(true);
    expect(validate({ Name: 'ABC', Size: 1 })).toBe(false);
    expect(validate({ Name: 'abc', Size: 2 ** 31 })).toBe(false);
  });

  it('are ignored once the types.cf changes: the source is parsed again', async () => {
    writeFileSync(source, 'type Thing (\n\tstatic int MonitorTimeout = 23\n\tstatic str ArgList[] = { Name }\n\tstr Name\n)\n');
    utimesSync(source, new Date(), new Date(Date.now() + 5000));
    const loaded = await loadAgentType(entry, agent, { root, precompiledDir: join(root, 'dist', 'typedefs') });
    expect(loaded.info.argList).toEqual(['Name']);
    expect(loaded.info.statics.MonitorTimeout).toBe(23);
    expect((await loaded.validator())({ Name: 'Upper' })).toBe(false);
  });

  it('report a missing types.cf as a type definition error', async () => {
    rmSync(source);
    await expect(loadAgentType(entry, agent, { root, precompiledDir: join(root, 'dist', 'typedefs') })).rejects.toMatchObject({
      code: 'VCSPVM_AGENT_TYPES',
      message: expect.stringContaining('cannot read'),
    });
  });
});

describe('an agent given with --module', () => {
  const dir = join(root, 'outside');
  const modulePath = join(dir, 'dist', 'agent.js');
  mkdirSync(join(dir, 'dist'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  writeFileSync(modulePath, '// the module itself is imported through the entry below\n');
  writeFileSync(join(dir, 'ThingTypes.cf'), 'type Thing (\n\tstatic int MonitorTimeout = 19\n\tstatic str ArgList[] = { Name, Size }\n\tstr Name\n\tint Size = 3\n)\n');
  const moduleEntry: RegistryEntry = { type: 'Thing', typesFile: join(dir, 'ThingTypes.cf'), load: async () => ({ default: agent }), modulePath };

  it('is precompiled into .vcsagent/ next to its module, and that is used while neither changes', async () => {
    const { precompileEntry } = await import('../../../framework/agent/precompile.js');
    expect(await precompileEntry(moduleEntry, root)).toBe(join(dir, 'dist', '.vcsagent'));
    const json = join(dir, 'dist', '.vcsagent', 'Thing.json');
    const pre = JSON.parse(readFileSync(json, 'utf8'));
    expect(pre.module.path).toBe(modulePath);
    pre.info.statics.MonitorTimeout = 77;
    writeFileSync(json, JSON.stringify(pre));
    const loaded = await loadAgentType(moduleEntry, agent, { root, precompiledDir: join(root, 'dist', 'typedefs') });
    expect(loaded.info.statics.MonitorTimeout).toBe(77);
    expect((await loaded.validator())({ Name: 'ABC', Size: 1 })).toBe(false);
    // A new build of the module (its attributeSchemas may have changed): parsed again.
    writeFileSync(modulePath, '// rebuilt\n');
    utimesSync(modulePath, new Date(), new Date(Date.now() + 5000));
    const again = await loadAgentType(moduleEntry, agent, { root, precompiledDir: join(root, 'dist', 'typedefs') });
    expect(again.info.statics.MonitorTimeout).toBe(19);
  });

  it('finds its typesFile relative to the compiled module or a directory above it in its package', async () => {
    const { resolveTypesFile } = await import('../../../framework/agent/registry.js');
    expect(resolveTypesFile('ThingTypes.cf', modulePath).path).toBe(join(dir, 'ThingTypes.cf'));
    expect(resolveTypesFile('../ThingTypes.cf', modulePath).path).toBe(join(dir, 'ThingTypes.cf'));
    const missing = resolveTypesFile('NoTypes.cf', modulePath);
    expect(existsSync(missing.path)).toBe(false);
    expect(missing.tried).toEqual([join(dir, 'dist', 'NoTypes.cf'), join(dir, 'NoTypes.cf')]);
  });

  it('refuses attributeSchemas for an attribute the ArgList does not pass (a typo)', async () => {
    const typo = defineAgent({ type: 'Thing', attributeSchemas: { Nmae: { minLength: 1 } }, entryPoints: { monitor: () => 'offline' } });
    await expect(loadAgentType({ ...moduleEntry, modulePath: undefined }, typo, { root })).rejects.toThrow(/^cannot load the type definition of Thing: attributeSchemas names Nmae, not in the ArgList of Thing \(Name, Size\)$/);
  });
});
