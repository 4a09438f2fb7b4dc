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
      '\tE = "C:\\dir\\\\"',
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

  it('keeps source order of groups, resources, attributes and dependencies, dependencies after resources', () => {
    const out = fmt('group z (\n)\n\tzr requires ar\n\tT zr (\n\t\tB = 1\n\t\tA = 2\n\t)\n\tT ar (\n\t)\ngroup a (\n)\n');
    const lines = out.split('\n');
    expect(lines.filter((l) => /^(group|\tT|\t\t[AB]|\tzr)/.test(l))).toEqual(['group z (', '\tT zr (', '\t\tB = 1', '\t\tA = 2', '\tT ar (', '\tzr requires ar', 'group a (']);
  });
});

describe('printCf: comments', () => {
  const text = [
    '// header',
    '/* block',
    '   comment */',
    'include "types.cf" // the bundled types',
    '',
    'group g ( // after the paren',
    '\t// about SystemList',
    '\tSystemList = { a = 0 } // trailing',
    '\t// before the close',
    ') // after the close',
    '',
    '\t// the NIC',
    '\tNIC n (',
    '\t\tDevice = /* inner */ en0',
    '\t)',
    '\t// the dependency',
    '\tip requires n',
    '// end of file',
    '',
  ].join('\n');

  it('keeps every comment next to the node it belongs to', () => {
    const out = fmt(text);
    expect(out).toBe(
      [
        '// header',
        '/* block',
        '   comment */',
        'include "types.cf" // the bundled types',
        '',
        'group g (',
        '\t// after the paren',
        '\t// about SystemList',
        '\tSystemList = { a = 0 } // trailing',
        '\t// before the close',
        '\t) // after the close',
        '',
        '\t// the NIC',
        '\tNIC n (',
        '\t\t/* inner */',
        '\t\tDevice = en0',
        '\t\t)',
        '',
        '\t// the dependency',
        '\tip requires n',
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
        '// end of file',
        '',
      ].join('\n'),
    );
    expect(fmt(out)).toBe(out);
  });

  it('regenerates the dependency tree instead of duplicating it', () => {
    const once = fmt(read('hacf/main.cf'));
    const twice = fmt(once + '\n');
    expect(twice).toBe(once);
    expect(once.split('// resource dependency tree').length - 1).toBe(2);
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
