import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../../framework/cf/diagnostics.js';
import { parseCf } from '../../../framework/cf/parse.js';
import { printCf, TREE_CHAR_LIMIT, TREE_LINE_LIMIT } from '../../../framework/cf/print.js';

const read = (p: string) => readFileSync(new URL(`./fixtures/${p}`, import.meta.url), 'utf8');

function fmt(text: string): string {
  const r = parseCf(text, 'main.cf');
  expect(r.errors.map(formatDiagnostic)).toEqual([]);
  return printCf(r.doc);
}

/** The tree block of a printed group, as lines without the `\t//\t` prefix. */
function tree(printed: string): string[] {
  const lines = printed.split('\n');
  const start = lines.indexOf('\t// resource dependency tree');
  const out: string[] = [];
  for (let i = start + 2; i < lines.length && lines[i]!.startsWith('\t//'); i++) out.push(lines[i]!.slice(4));
  return out;
}

describe('printCf: hacf layout', () => {
  it('leaves a file written by hacf unchanged', () => {
    for (const f of ['hacf/main.cf', 'hacf/LPARTypes.cf', 'full/types.cf']) expect(fmt(read(f)), f).toBe(read(f));
  });

  it('re-indents, closes blocks the hacf way and regenerates the dependency tree', () => {
    const text = 'include "types.cf"\ncluster c (\n)\nsystem a\nsystem b ( PhysicalServer = sys2 )\ngroup g ( SystemList = { a = 0, b = 1 } )\nNIC n ( Device = en0 )\n';
    expect(fmt(text)).toBe(
      [
        'include "types.cf"',
        '',
        'cluster c (',
        '\t)',
        '',
        'system a (',
        '\t)',
        '',
        'system b (',
        '\tPhysicalServer = sys2',
        '\t)',
        '',
        'group g (',
        '\tSystemList = { a = 0, b = 1 }',
        '\t)',
        '',
        '\tNIC n (',
        '\t\tDevice = en0',
        '\t\t)',
        '',
        '',
        '',
        '\t// resource dependency tree',
        '\t//',
        '\t//\tgroup g',
        '\t//\t{',
        '\t//\tNIC n',
        '\t//\t}',
        '',
        '',
        '',
      ].join('\n'),
    );
  });

  it('prints types with ) in column 1, their kinds, suffixes and defaults', () => {
    const text = 'Type T (\n  static int IMF{}={Mode=3;MonitorFreq=1};\n  static keylist SupportedActions = {a,b};\n  temp str S;\n  str V[] = { "x y" };\n  boolean B = 1;\n);\n';
    expect(fmt(text)).toBe(
      'type T (\n\tstatic int IMF{} = { Mode = 3, MonitorFreq = 1 }\n\tstatic keylist SupportedActions = { a, b }\n\ttemp str S\n\tstr V[] = { "x y" }\n\tboolean B = 1\n)\n',
    );
  });

  it('quotes only what must be quoted and escapes quotes and backslashes', () => {
    const out = fmt(
      'group g (\n\tA = "plain"\n\tB = "two words"\n\tC = "10.1.1.1"\n\tD = "say \\"hi\\""\n\tE = "C:\\\\dir\\\\"\n\tF = ""\n\tG = "42"\n\tH = -7\n\tI = "a-b_c9"\n\tJ = "9abc"\n)\n',
    );
    expect(out.split('\n').slice(1, 12)).toEqual([
      '\tA = plain',
      '\tB = "two words"',
      '\tC = "10.1.1.1"',
      '\tD = "say \\"hi\\""',
      '\tE = "C:\\\\dir\\\\"',
      '\tF = ""',
      '\tG = "42"',
      '\tH = -7',
      '\tI = a-b_c9',
      '\tJ = "9abc"',
      '\t)',
    ]);
  });

  it('numbers SystemList entries written without a priority and writes per-system values with " @"', () => {
    const out = fmt('group g (\n\tSystemList = { a, b = 5, c }\n\tClusterList = { c1, c2 }\n\tAutoStartList = { a; b }\n\tEnabled@a = 0\n)\n');
    expect(out.split('\n').slice(1, 5)).toEqual([
      '\tSystemList = { a = 0, b = 5, c = 6 }',
      '\tClusterList = { c1 = 0, c2 = 1 }',
      '\tAutoStartList = { a, b }',
      '\tEnabled @a = 0',
    ]);
  });

  it('puts resources in hacf order (type, then name); keeps the order of groups, attributes and dependencies', () => {
    const out = fmt('group z (\n)\n\tzr requires ar\n\tT zr (\n\t\tB = 1\n\t\tA = 2\n\t)\n\tT ar (\n\t)\n\tS m (\n\t)\ngroup a (\n)\n');
    const lines = out.split('\n');
    expect(lines.filter((l) => /^(group|\t[TS] |\t\t[AB]|\tzr)/.test(l))).toEqual([
      'group z (',
      '\tS m (',
      '\tT ar (',
      '\tT zr (',
      '\t\tB = 1',
      '\t\tA = 2',
      '\tzr requires ar',
      'group a (',
    ]);
  });
});

describe('printCf: hacf fidelity (issue 16)', () => {
  it('keeps a comment that mentions the dependency tree, and every comment after it', () => {
    const text = 'group g (\n\t)\n\n\t// resource dependency tree\n\t// was reviewed by ops\n\t// keep this\n\n\tNIC n (\n\t\tDevice = en0\n\t\t)\n';
    const out = fmt(text);
    expect(out).toContain('\t// resource dependency tree\n\t// was reviewed by ops\n\t// keep this\n');
    expect(fmt(out)).toBe(out);
  });

  it('keeps a tree-like comment that does not have the exact shape, or names another group', () => {
    const broken = 'group g (\n\t)\n\n\tNIC n (\n\t\t)\n\n\t// resource dependency tree\n\t//\n\t//\tgroup g\n\t//\tnot a tree line at all\n';
    expect(fmt(broken)).toContain('//\tnot a tree line at all');
    const other = 'group g (\n\t)\n\n\t// resource dependency tree\n\t//\n\t//\tgroup h\n\t//\t{\n\t//\t}\n';
    expect(fmt(other)).toContain('//\tgroup h');
  });

  it('quotes a string that looks like a decimal, keeps a bare decimal bare, keeps escapes', () => {
    const out = fmt('group g (\n\tVersion = "16.0"\n\tRatio = 2.5\n\tOdd = 16.0\n\tP = "a \\\\ b"\n\t)\n');
    expect(out.split('\n').slice(1, 5)).toEqual(['\tVersion = "16.0"', '\tRatio = 2.5', '\tOdd = "16.0"', '\tP = "a \\\\ b"']);
    expect(fmt(out)).toBe(out);
  });

  it('lists each resource\'s children in the dependency tree in hacf order, not in the order the dependencies are written', () => {
    const out = fmt('group g (\n\t)\n\tIP vip (\n\t\t)\n\tApplication app (\n\t\t)\n\tLPAR lp (\n\t\t)\n\tNIC nic (\n\t\t)\n\tapp requires vip\n\tapp requires lp\n\tvip requires nic\n');
    expect(tree(out)).toEqual(['group g', '{', 'Application app', '    {', '    IP vip', '        {', '        NIC nic', '        }', '    LPAR lp', '    }', '}']);
  });

  it('prints and re-reads a type-level NameRule as written', () => {
    const text = 'type CVMCluster (\n\tstatic int NumThreads = 1\n\tNameRule = ""\n\tstr CVMClustName\n)\n\ntype X (\n\tNameRule = resource.Name\n\tstr A\n)\n';
    expect(fmt(text)).toBe(text);
  });
});

describe('printCf: dependency tree', () => {
  const group = (deps: string, resources = ['a', 'b', 'c', 'd']) =>
    `group g (\n)\n${resources.map((r) => `\tT ${r} (\n\t)\n`).join('')}${deps}`;

  it('nests children four spaces deeper, lists every root, repeats shared children', () => {
    const out = fmt(group('\ta requires b\n\ta requires c\n\tb requires d\n\tc requires d\n'));
    expect(tree(out)).toEqual([
      'group g',
      '{',
      'T a',
      '    {',
      '    T b',
      '        {',
      '        T d',
      '        }',
      '    T c',
      '        {',
      '        T d',
      '        }',
      '    }',
      '}',
    ]);
  });

  it('does not follow a cycle round', () => {
    const out = fmt(group('\ta requires b\n\tb requires a\n\tc requires a\n'));
    expect(tree(out)).toEqual(['group g', '{', 'T c', '    {', '    T a', '        {', '        T b', '        }', '    }', 'T d', '}']);
  });

  it('walks a 10,000-deep chain without overflowing the stack', () => {
    const n = 10_000;
    const names = Array.from({ length: n }, (_, i) => `r${i}`);
    const deps = names.slice(1).map((r, i) => `\tr${i} requires ${r}\n`).join('');
    const out = fmt(group(deps, names));
    const t = tree(out);
    expect(t.slice(2, 5)).toEqual(['T r0', '    {', '    T r1']);
    // Each level is indented further: the tree is cut before it grows quadratically.
    expect(t.some((l) => l.trim() === '...')).toBe(true);
    expect(t.join('').length).toBeLessThan(TREE_CHAR_LIMIT * 2);
    expect(fmt(out)).toBe(out);
  });

  it('cuts an exponentially large tree short and stays idempotent', () => {
    // 30 layers of two resources each, every resource requiring both of the next layer: 2^30 paths.
    const layers = 30;
    const names: string[] = [];
    let deps = '';
    for (let l = 0; l < layers; l++) {
      names.push(`x${l}`, `y${l}`);
      if (l + 1 < layers) for (const p of [`x${l}`, `y${l}`]) for (const c of [`x${l + 1}`, `y${l + 1}`]) deps += `\t${p} requires ${c}\n`;
    }
    const t0 = performance.now();
    const out = fmt(group(deps, names));
    expect(performance.now() - t0).toBeLessThan(5000);
    const t = tree(out);
    expect(t.length).toBeLessThan(TREE_LINE_LIMIT * 3);
    expect(t.some((l) => l.trim() === '...')).toBe(true);
    expect(fmt(out)).toBe(out);
  });
});
