import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ParseError } from '../../../framework/errors.js';
import { formatDiagnostic } from '../../../framework/cf/diagnostics.js';
import { parseCf } from '../../../framework/cf/parse.js';
import type { GroupNode, ResourceNode } from '../../../framework/cf/syntax.js';

const fixture = (p: string) => new URL(`./fixtures/${p}`, import.meta.url);
const read = (p: string) => readFileSync(fixture(p), 'utf8');

/** Parses and asserts there were no errors. */
function ok(text: string) {
  const r = parseCf(text, 'main.cf');
  expect(r.errors.map(formatDiagnostic)).toEqual([]);
  return r;
}

function errorsOf(text: string) {
  return parseCf(text, 'main.cf').errors;
}

describe('parseCf: structure', () => {
  const r = ok(read('full/main.cf'));
  const c = r.config;

  it('reads includes, the cluster, systems (bare too) and named blocks', () => {
    expect(c.includes.map((i) => i.path)).toEqual(['types.cf', 'PowerTypes.cf']);
    expect(c.clusters.map((x) => x.name)).toEqual(['powerclus']);
    expect(c.systems.map((s) => [s.name, s.attributes.length])).toEqual([
      ['aixmp1', 2],
      ['aixmp2', 1],
      ['aixmp3', 0],
    ]);
    expect(c.blocks.map((b) => [b.keyword, b.name])).toEqual([
      ['remotecluster', 'drclus'],
      ['heartbeat', 'Icmp'],
    ]);
    expect(c.blocks[1]!.attributes.map((a) => [a.name, a.system])).toEqual([
      ['ClusterList', undefined],
      ['AYAInterval', 'drclus'],
      ['Arguments', 'drclus'],
    ]);
  });

  it('reads groups with resources, resource and group dependencies', () => {
    expect(c.groups.map((g) => g.name)).toEqual(['lpar_grp', 'infra_grp']);
    const g = c.groups[0]!;
    expect(g.resources.map((x) => `${x.type} ${x.name}`)).toEqual(['LPAR lpar1', 'Application app1']);
    expect(g.dependencies.map((d) => [d.parent, d.child])).toEqual([['app1', 'lpar1']]);
    expect(g.groupDependencies).toEqual([
      { group: 'infra_grp', category: 'online', location: 'local', rigidity: 'firm', pos: { file: 'main.cf', line: 57, column: 2 } },
    ]);
    expect(c.groups[1]!.resources.map((x) => x.name)).toEqual(['ph']);
  });

  it('reads per-system values written Attr@sys and Attr @sys', () => {
    const lpar = c.groups[0]!.resources[0]!;
    const vios = lpar.attributes.filter((a) => a.name === 'VIOSName');
    expect(vios.map((a) => [a.system, a.value])).toEqual([
      ['aixmp1', { kind: 'list', items: ['vios1a', 'vios1b'] }],
      ['aixmp2', { kind: 'list', items: ['vios2a', 'vios2b'] }],
    ]);
    expect(c.groups[0]!.attributes.find((a) => a.name === 'Enabled')).toMatchObject({ system: 'aixmp3', value: { kind: 'scalar', value: 0 } });
  });

  it('keeps values untyped: bare integers are numbers, quoted ones strings, lists and associations as written', () => {
    const attrs = Object.fromEntries(c.groups[0]!.attributes.filter((a) => !a.system).map((a) => [a.name, a.value]));
    expect(attrs.OnlineRetryLimit).toEqual({ kind: 'scalar', value: '2' });
    expect(attrs.AutoStartList).toEqual({ kind: 'list', items: ['aixmp1', 'aixmp2'] });
    expect(attrs.SystemList).toMatchObject({
      kind: 'association',
      entries: [
        { key: 'aixmp1', value: null },
        { key: 'aixmp2', value: 3 },
        { key: 'aixmp3', value: null },
      ],
    });
    const users = c.clusters[0]!.attributes[0]!.value;
    expect(users).toMatchObject({ kind: 'association', entries: [{ key: 'admin', value: 'hOpOjOkO' }, { key: 'ops-user', value: 'x y' }] });
  });

  it('puts a source position on every node', () => {
    const g = c.groups[0]!;
    expect(g.pos).toEqual({ file: 'main.cf', line: 33, column: 1 });
    expect(g.resources[1]!.pos).toEqual({ file: 'main.cf', line: 52, column: 2 });
    expect(g.resources[0]!.attributes[3]!.pos).toEqual({ file: 'main.cf', line: 45, column: 3 });
    expect(g.dependencies[0]!.pos).toEqual({ file: 'main.cf', line: 58, column: 2 });
    expect(c.includes[1]!.pos).toEqual({ file: 'main.cf', line: 3, column: 1 });
    const sl = g.attributes[0]!.value;
    expect(sl.kind === 'association' && sl.entries[2]!.pos).toEqual({ file: 'main.cf', line: 34, column: 37 });
  });

  it('attaches comments: leading to the next node, trailing on the same line', () => {
    const top = r.doc.items[0]!;
    expect(top.leading?.map((x) => x.text)).toEqual(['// Two-site LPAR cluster used by the cf tests.']);
    const g = r.doc.items.find((i): i is GroupNode => i.kind === 'group')!;
    const lpar = g.body[0] as ResourceNode;
    const restart = lpar.attrs.find((a) => a.attr.name === 'RestartLimit')!;
    expect(restart.trailing?.text).toBe("// overrides the type's static default");
    const app = g.body[1] as ResourceNode;
    expect(app.leading?.map((x) => x.text)).toEqual(['/* The application inside the LPAR. */']);
  });
});

describe('parseCf: type definitions', () => {
  const r = ok(read('full/PowerTypes.cf'));
  const t = r.config.types[0]!;

  it('accepts Type, optional semicolons, static, temp, vectors and associations', () => {
    expect(t.name).toBe('LPAR');
    expect(t.argList).toEqual(['LPARName', 'MCUser', 'MCName', 'VIOSName', 'State']);
    const byName = Object.fromEntries(t.attributes.map((a) => [a.name, a]));
    expect(byName.OpenTimeout).toMatchObject({ base: 'int', dimension: 'scalar', static: true, default: { kind: 'scalar', value: 180 } });
    expect(byName.IMF).toMatchObject({ base: 'int', dimension: 'association', static: true });
    expect(byName.MCName).toMatchObject({ base: 'str', dimension: 'vector', static: false });
    expect(byName.State).toMatchObject({ temp: true, static: false });
    expect(byName.DROpts).toMatchObject({ dimension: 'association' });
    expect(byName.RemoveProfileOnOffline).toMatchObject({ base: 'boolean', default: { kind: 'scalar', value: 0 } });
  });

  it('reads keylist, i18nstr and float kinds', () => {
    const t2 = ok('type T (\n\tstatic keylist SupportedActions = { a, "b.vfd" }\n\tstatic i18nstr ArgList[] = { A }\n\tfloat Ratio = 1.5\n\tint Sizes{}\n)\n').config.types[0]!;
    expect(t2.attributes.map((a) => [a.name, a.base, a.dimension])).toEqual([
      ['SupportedActions', 'str', 'keylist'],
      ['ArgList', 'i18nstr', 'vector'],
      ['Ratio', 'float', 'scalar'],
      ['Sizes', 'int', 'association'],
    ]);
    expect(t2.attributes[2]!.default).toEqual({ kind: 'scalar', value: 1.5 });
  });

  it('rejects an unknown attribute kind at its position', () => {
    const [e] = errorsOf('type T (\n\tstring Foo\n)\n');
    expect(e).toMatchObject({ code: 'VCSPVM_CF_SYNTAX', line: 2, column: 2 });
    expect(e!.detail).toMatch(/attribute kind/);
  });
});

describe('parseCf: values', () => {
  it('decodes escapes in strings', () => {
    const v = ok('cluster c (\n\tX = "a \\"q\\" \\\\ b\\n"\n)\n').config.clusters[0]!.attributes[0]!.value;
    expect(v).toEqual({ kind: 'scalar', value: 'a "q" \\ b\\n' });
  });

  it('reads signed integers and rejects ones outside 32 bits', () => {
    const c = ok('cluster c (\n\tA = -5\n\tB = 2147483647\n\tC = -2147483648\n)\n').config;
    expect(c.clusters[0]!.attributes.map((a) => a.value)).toEqual([
      { kind: 'scalar', value: -5 },
      { kind: 'scalar', value: 2147483647 },
      { kind: 'scalar', value: -2147483648 },
    ]);
    const [e] = errorsOf('cluster c (\n\tA = 2147483648\n)\n');
    expect(e).toMatchObject({ code: 'VCSPVM_CF_VALUE', line: 2, column: 6 });
  });

  it('accepts , and ; as separators and an empty {}', () => {
    const a = ok('group g (\n\tX = { a; b, c }\n\tY = {}\n\tZ = { }\n)\n').config.groups[0]!.attributes;
    expect(a.map((x) => x.value)).toEqual([
      { kind: 'list', items: ['a', 'b', 'c'] },
      { kind: 'list', items: [] },
      { kind: 'list', items: [] },
    ]);
  });

  it('asks for quotes around values that may not stand bare', () => {
    const errs = errorsOf('group g (\n\tAddress = 10.1.1.1\n\tPath = /mnt/x\n)\n');
    expect(errs.map((e) => [e.line, e.column])).toEqual([
      [2, 12],
      [3, 9],
    ]);
    expect(errs[0]!.detail).toMatch(/must be quoted/);
  });

  it('rejects nested braces with one error', () => {
    const errs = errorsOf('group g (\n\tX = { a, { b } }\n\tY = 1\n)\n');
    expect(errs).toHaveLength(1);
    expect(errs[0]).toMatchObject({ line: 2, column: 11 });
  });
});

describe('parseCf: errors and recovery', () => {
  it('reports an unterminated string at its opening quote, with a caret snippet', () => {
    const errs = errorsOf('group g (\n\tX = "abc\n\tY = 1\n)\n');
    expect(errs).toHaveLength(1);
    const e = errs[0]!;
    expect(e).toBeInstanceOf(ParseError);
    expect(e).toMatchObject({ code: 'VCSPVM_CF_SYNTAX', file: 'main.cf', line: 2, column: 6 });
    expect(e.snippet).toBe('\tX = "abc\n\t    ^');
    expect(formatDiagnostic(e)).toBe('main.cf:2:6: error VCF001 unterminated string (a string ends on the line it starts)\n    \tX = "abc\n    \t    ^');
  });

  it('reports several errors and keeps what it could read', () => {
    const text = ['group g (', '\tA = = 1', '\tB = 2', '\tC 3', ')', '', '\tIP ip (', '\t\tAddress = "1.2.3.4"', '\t\t)', ''].join('\n');
    const r = parseCf(text, 'main.cf');
    expect(r.errors.map((e) => [e.line, e.column])).toEqual([
      [2, 6],
      [4, 4],
    ]);
    expect(r.config.groups[0]!.attributes.map((a) => a.name)).toEqual(['B']);
    expect(r.config.groups[0]!.resources.map((x) => x.name)).toEqual(['ip']);
  });

  it('closes a block missing its ) where the next statement starts', () => {
    const text = 'group g (\n\tSystemList = { a = 0 }\n\n\tIP ip (\n\t\tAddress = "1.2.3.4"\n\n\tNIC nic (\n\t\tDevice = en0\n\t\t)\n';
    const r = parseCf(text, 'main.cf');
    expect(r.errors.map((e) => [e.line, e.detail])).toEqual([
      [4, 'missing ) to close group g opened at line 1'],
      [7, 'missing ) to close resource ip opened at line 4'],
    ]);
    expect(r.config.groups[0]!.resources.map((x) => x.name)).toEqual(['ip', 'nic']);
  });

  it('reports a missing } before the next attribute', () => {
    const r = parseCf('group g (\n\tSystemList = { a = 0, b = 1\n\tAutoStartList = { a }\n\t)\n', 'main.cf');
    expect(r.errors.map((e) => [e.line, e.column])).toEqual([[3, 2]]);
    expect(r.config.groups[0]!.attributes.map((a) => a.name)).toEqual(['SystemList', 'AutoStartList']);
  });

  it('reports group dependency keywords it does not know', () => {
    const [e] = errorsOf('group g (\n)\n\trequires group h online nearby\n');
    expect(e).toMatchObject({ line: 3, column: 26 });
    expect(e!.detail).toMatch(/local, global, remote/);
  });

  it('stops at the error cap', () => {
    const r = parseCf('x = 1\n'.repeat(1000), 'main.cf', { maxErrors: 10 });
    expect(r.errors).toHaveLength(11);
    expect(r.errors[10]!.detail).toMatch(/too many errors/);
  });

  it('reads a 2 MB string', () => {
    const r = ok(`group g (\n\tX = "${'x'.repeat(2_000_000)}"\n)\n`);
    expect(r.config.groups[0]!.attributes[0]!.value).toEqual({ kind: 'scalar', value: 'x'.repeat(2_000_000) });
  });

  it('survives binary garbage, huge strings and deep nesting without throwing', () => {
    const inputs = [
      '\u0000\u0001\u00ff\ufffd'.repeat(1000),
      `group g (\n\tX = "${'x'.repeat(2_000_000)}\n)\n`,
      '{'.repeat(200_000),
      `group g (\n\tX = ${'{'.repeat(200_000)}\n)\n`,
      '('.repeat(200_000),
      `/*${'*'.repeat(100_000)}`,
      'group g (\n\tX = { a, b',
      'type T (\n\tstatic str ArgList[',
    ];
    for (const text of inputs) {
      const t0 = performance.now();
      const r = parseCf(text, 'x.cf');
      expect(r.errors.length).toBeGreaterThan(0);
      expect(r.errors.length).toBeLessThanOrEqual(101);
      for (const e of r.errors) expect(e.snippet.length).toBeLessThan(500);
      expect(performance.now() - t0).toBeLessThan(5000);
    }
  });
});

describe('parseCf: 50 MB inputs', () => {
  const MB50 = 50 * 1024 * 1024;
  const cases: [string, () => string][] = [
    ['binary garbage', () => {
      const b = Buffer.alloc(MB50);
      for (let i = 0; i < b.length; i++) b[i] = (i * 2654435761) >>> 24;
      return b.toString('latin1');
    }],
    ['one run of {', () => '{'.repeat(MB50)],
    ['one word', () => 'x'.repeat(MB50)],
    ['an unterminated comment', () => `/*${' '.repeat(MB50)}`],
    ['a value opened and never closed', () => `group g (\n\tX = ${'{ a, '.repeat(MB50 / 5)}`],
  ];
  for (const [name, make] of cases) {
    it(`returns errors for ${name} in bounded time`, () => {
      const text = make();
      const t0 = performance.now();
      const r = parseCf(text, 'big.cf');
      expect(performance.now() - t0).toBeLessThan(20_000);
      expect(r.errors.length).toBeGreaterThan(0);
      expect(r.errors.length).toBeLessThanOrEqual(101);
      for (const e of r.errors) expect(e.snippet.length).toBeLessThan(500);
    });
  }
});

describe('parseCf: hacf dependency tree', () => {
  it('drops the tree block hacf writes and keeps comments after it', () => {
    const text = [
      'group g (',
      '\t)',
      '',
      '\tNIC n (',
      '\t\tDevice = en0',
      '\t\t)',
      '',
      '',
      '\t// resource dependency tree',
      '\t//',
      '\t//\tgroup g',
      '\t//\t{',
      '\t//\tNIC n',
      '\t//\t}',
      '\t// my own note',
      '',
    ].join('\n');
    const r = ok(text);
    expect(r.doc.trailing.map((c) => c.text)).toEqual(['// my own note']);
  });
});

describe('parseCf: type-level keywords (issue 16)', () => {
  it('reads the bare NameRule line of the CVMCluster type that CFS/RAC clusters carry', () => {
    const r = parseCf(
      'type CVMCluster (\n\tstatic keylist RegList = { CVMNodePreference }\n\tstatic int NumThreads = 1\n\tstatic str ArgList[] = { CVMTransport, CVMClustName }\n\tNameRule = ""\n\tstr CVMClustName\n\tstr CVMTransport\n)\n',
      'CVMTypes.cf',
    );
    expect(r.errors).toEqual([]);
    const t = r.config.types[0]!;
    expect(t.keywords).toEqual([{ name: 'NameRule', value: { kind: 'scalar', value: '' }, pos: { file: 'CVMTypes.cf', line: 5, column: 2 } }]);
    expect(t.attributes.map((a) => a.name)).toEqual(['RegList', 'NumThreads', 'ArgList', 'CVMClustName', 'CVMTransport']);
  });

  it('takes a bare expression as the value (resource.Name) and still reports a missing value', () => {
    expect(parseCf('type T (\n\tNameRule = resource.Name\n\tstr A\n)\n', 't.cf').errors).toEqual([]);
    const bad = parseCf('type T (\n\tNameRule =\n\tstr A\n)\n', 't.cf');
    expect(bad.errors.map((e) => `${e.line}: ${e.detail}`)).toEqual(['3: missing value for NameRule']);
    expect(bad.config.types[0]!.attributes.map((a) => a.name)).toEqual(['A']);
  });
});
