import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ReadError } from '../../../framework/errors.js';
import { defaultTypesDir, loadConfig, loadTypes } from '../../../framework/cf/load.js';
import { attributeValue } from '../../../framework/cf/values.js';

const fx = (p: string) => fileURLToPath(new URL(`./fixtures/${p}`, import.meta.url));
const shipped = fx('fallback-types/shipped');
const tmp = mkdtempSync(join(tmpdir(), 'vcscf-load-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('loadConfig', () => {
  const r = loadConfig(fx('full'), { fallbackTypesDir: shipped });
  const c = r.config;

  it('takes a configuration directory, resolves includes beside main.cf and merges their types', () => {
    expect(r.errors).toEqual([]);
    expect(c.file).toBe(join(fx('full'), 'main.cf'));
    expect(c.includes.map((i) => [i.path, i.resolved])).toEqual([
      ['types.cf', fx('full/types.cf')],
      ['PowerTypes.cf', fx('full/PowerTypes.cf')],
    ]);
    expect(c.types.map((t) => t.name)).toEqual(['Application', 'Phantom', 'LPAR']);
    expect([...r.docs.keys()]).toEqual([fx('full/main.cf'), fx('full/types.cf'), fx('full/PowerTypes.cf')]);
  });

  it('types values by the type definitions', () => {
    const lpar = c.groups[0]!.resources[0]!;
    expect(attributeValue(lpar, 'MCName')).toEqual({ kind: 'vector', items: ['hmc1', 'hmc2'] });
    expect(attributeValue(lpar, 'VIOSName', 'aixmp2')).toEqual({ kind: 'vector', items: ['vios2a', 'vios2b'] });
    expect(attributeValue(lpar, 'LPARName')).toEqual({ kind: 'scalar', value: 'lpar1' });
    expect(attributeValue(lpar, 'RestartLimit')).toEqual({ kind: 'scalar', value: 1 });
    const imf = attributeValue(lpar, 'IMF', 'aixmp1');
    expect(imf).toMatchObject({ kind: 'association', entries: [{ key: 'Mode', value: 0 }, { key: 'MonitorFreq', value: 5 }, { key: 'RegisterRetryLimit', value: 3 }] });
  });

  it('types group, system and cluster attributes by the attributes VCS defines', () => {
    const g = c.groups[0]!;
    expect(attributeValue(g, 'SystemList')).toMatchObject({
      kind: 'association',
      entries: [
        { key: 'aixmp1', value: 0 },
        { key: 'aixmp2', value: 3 },
        { key: 'aixmp3', value: 4 },
      ],
    });
    expect(attributeValue(g, 'AutoStartList')).toEqual({ kind: 'keylist', items: ['aixmp1', 'aixmp2'] });
    expect(attributeValue(g, 'OnlineRetryLimit')).toEqual({ kind: 'scalar', value: 2 });
    expect(attributeValue(c.clusters[0]!, 'Administrators')).toEqual({ kind: 'keylist', items: ['admin'] });
    expect(attributeValue(c.systems[0]!, 'PhysicalServer')).toEqual({ kind: 'scalar', value: 'Server-8286-42A-SN1' });
    const hb = c.blocks.find((b) => b.keyword === 'heartbeat')!;
    expect(attributeValue(hb, 'Arguments', 'drclus')).toEqual({ kind: 'vector', items: ['10.20.0.5'] });
  });

  it('types type defaults and keeps untyped values complete', () => {
    const app = c.types.find((t) => t.name === 'Application')!;
    expect(app.attributes.find((a) => a.name === 'SupportedActions')!.default).toEqual({ kind: 'keylist', items: ['program.vfd', 'user.vfd', 'getcksum'] });
    const u = loadConfig('-', { stdin: 'group g (\n\tX = { a, 7 }\n\tY = 7\n\tZ = "7"\n)\n', fallbackTypesDir: shipped }).config.groups[0]!;
    expect(u.attributes.map((a) => a.value)).toEqual([
      { kind: 'list', items: ['a', 7] },
      { kind: 'scalar', value: 7 },
      { kind: 'scalar', value: '7' },
    ]);
  });

  it('does not change the syntax tree when typing', () => {
    const doc = r.docs.get(fx('full/main.cf'))!;
    const g = doc.items.find((i) => i.kind === 'group')!;
    expect(g.kind === 'group' && g.attrs[0]!.attr.value.kind).toBe('association');
    expect(g.kind === 'group' && g.attrs[3]!.attr.value).toEqual({ kind: 'scalar', value: '2' });
  });

  it('falls back to the shipped types for a missing include and reports what is still missing', () => {
    const m = loadConfig(fx('missing-include/main.cf'), { fallbackTypesDir: shipped });
    expect(m.config.includes[0]!.resolved).toBe(join(shipped, 'types.cf'));
    expect(m.errors).toHaveLength(1);
    expect(m.errors[0]).toMatchObject({ code: 'VCSPVM_CF_INCLUDE', file: fx('missing-include/main.cf'), line: 2, column: 1 });
    expect(m.errors[0]!.snippet).toBe('include "NoSuchTypes.cf"\n^');
    // Merely absent: nothing says it is wrong (linters warn of it: missing-includes.ts); hacf would not load it, so it stays an error here.
    expect(m.missingIncludes).toEqual([{ include: expect.objectContaining({ path: 'NoSuchTypes.cf' }), error: m.errors[0] }]);
    expect(attributeValue(m.config.groups[0]!.resources[0]!, 'Count')).toEqual({ kind: 'scalar', value: 12 });
  });

  it('follows an include cycle once, and warns of it', () => {
    const m = loadConfig(fx('cycle'), { fallbackTypesDir: shipped });
    expect(m.errors).toEqual([]);
    expect(m.warnings).toHaveLength(1);
    expect(m.warnings[0]!.detail).toMatch(/include cycle: .* -> .* \(the include is ignored\)/);
    expect(m.config.types.map((t) => t.name)).toEqual(['B', 'A']);
  });

  it('loads extra types files first', () => {
    const extra = join(tmp, 'extra.cf');
    writeFileSync(extra, 'type Phantom (\n\tint Dummy\n)\n');
    const m = loadConfig(fx('full'), { types: [extra], fallbackTypesDir: shipped });
    expect(m.config.types.map((t) => t.name)).toEqual(['Phantom', 'Application', 'Phantom', 'LPAR']);
    expect(m.config.types[0]!.attributes[0]!.base).toBe('int');
  });

  it('resolves includes of standard input from the working directory', () => {
    const m = loadConfig('-', { stdin: 'include "types.cf"\n', fallbackTypesDir: shipped });
    expect(m.config.file).toBe('-');
    expect(m.docs.has('-')).toBe(true);
    expect(m.config.includes[0]!.resolved).toBeDefined();
  });

  it('throws a ReadError for input it cannot read', () => {
    expect(() => loadConfig(join(tmp, 'nope.cf'))).toThrow(ReadError);
    expect(() => loadConfig(tmp)).toThrow(/cannot read .*main\.cf: no such file/);
  });
});

describe('loadTypes', () => {
  it('reads one types file with its defaults typed', () => {
    const t = loadTypes(fx('full/types.cf'));
    expect(t.errors).toEqual([]);
    expect(t.types[0]!.attributes.find((a) => a.name === 'ArgList')!.default).toEqual({
      kind: 'vector',
      items: ['User', 'StartProgram', 'StopProgram', 'MonitorProcesses'],
    });
  });
});

describe('defaultTypesDir', () => {
  it('is types-cf/ at the repository root', () => {
    const dir = defaultTypesDir();
    expect(dir.endsWith('types-cf')).toBe(true);
    const root = dirname(dir);
    expect(existsSync(join(root, 'package.json'))).toBe(true);
    expect(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).name).toBe('vcs-powervm');
  });
});
