/**
 * Property tests: generated configurations (random layout, quoting, separators
 * and comments) parse without errors, read back the values they were written
 * with, and survive the round trip: json(fmt(x)) == json(x) and
 * fmt(fmt(x)) == fmt(x). Random corruptions give ParseErrors, never an
 * exception, a crash or a hang.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ParseError } from '../../../framework/errors.js';
import { formatDiagnostic } from '../../../framework/cf/diagnostics.js';
import { configToJson } from '../../../framework/cf/json.js';
import { parseCf } from '../../../framework/cf/parse.js';
import { printCf, withResourcesInHacfOrder } from '../../../framework/cf/print.js';
import { quoteString } from '../../../framework/cf/text.js';
import { typeConfig } from '../../../framework/cf/typing.js';

// ---- generated configurations -------------------------------------------------

/** Words the language gives a meaning at the start of a statement; generated names avoid them, as real ones do. */
const RESERVED = new Set([
  'include', 'cluster', 'system', 'group', 'type', 'Type', 'remotecluster', 'heartbeat', 'Heartbeat', 'site',
  'requires', 'static', 'temp', 'str', 'int', 'boolean', 'i18nstr', 'float', 'keylist',
]);

const ident = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_-]{0,7}$/).filter((s) => !RESERVED.has(s));
const int32 = fc.integer({ min: -2147483648, max: 2147483647 });
/** Any text on one line: quotes, backslashes, comment markers, unicode. */
const anyString = fc
  .string({ unit: fc.oneof(fc.constantFrom('"', '\\', '/', '*', ' ', '\t', '{', '}', '@', '=', ',', ';', 'é', '日'), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })), maxLength: 12 })
  .filter((s) => !s.includes('\n'));

type Scalar = string | number;
interface Written {
  text: string;
  /** The value as `vcscf json` (untyped) shows it. */
  json: unknown;
}

/** A scalar written bare or quoted, with the value it reads as. */
const scalar: fc.Arbitrary<{ text: string; value: Scalar }> = fc.oneof(
  ident.map((s) => ({ text: s, value: s })),
  ident.map((s) => ({ text: quoteString(s), value: s })),
  int32.map((n) => ({ text: String(n), value: n })),
  int32.map((n) => ({ text: quoteString(String(n)), value: String(n) })),
  anyString.map((s) => ({ text: quoteString(s), value: s })),
);

const sep = fc.constantFrom(', ', ',', ' ; ', ';', ',\n\t\t');

const value: fc.Arbitrary<Written> = fc.oneof(
  { weight: 3, arbitrary: scalar.map((s) => ({ text: s.text, json: s.value })) },
  fc.tuple(fc.array(scalar, { maxLength: 4 }), sep).map(([items, s]) => ({
    text: items.length === 0 ? '{}' : `{ ${items.map((i) => i.text).join(s)} }`,
    json: items.map((i) => i.value),
  })),
  fc.tuple(fc.array(fc.tuple(scalar, fc.option(scalar, { nil: undefined })), { minLength: 1, maxLength: 4 }), sep).map(([entries, s]) => {
    const json: Record<string, unknown> = Object.create(null);
    for (const [k, v] of entries) json[String(k.value)] = v === undefined ? null : v.value;
    const hasValue = entries.some(([, v]) => v !== undefined);
    return {
      text: `{ ${entries.map(([k, v]) => (v === undefined ? k.text : `${k.text} = ${v.text}`)).join(s)} }`,
      json: hasValue ? json : entries.map(([k]) => k.value),
    };
  }),
);

/** Layout between tokens, and comments that may stand there. */
const space = fc.constantFrom(' ', '\t', '  ', '\n', '\n\t', ' /* c */ ', '\n// note\n');
const lineEnd = fc.constantFrom('\n', '\n\n', ' // trailing\n', '\n/* block\n  comment */\n', ';\n');

interface Attr {
  name: string;
  system?: string;
  value: Written;
}

const attr = (systems: string[]): fc.Arbitrary<Attr> =>
  fc.record({
    name: ident,
    system: systems.length ? fc.option(fc.constantFrom(...systems), { nil: undefined }) : fc.constant(undefined),
    value,
  });

function attrText(a: Attr, at: string, sp: string, end: string): string {
  const name = a.system === undefined ? a.name : `${a.name}${at}${a.system}`;
  return `${name}${sp}=${sp === '\n' ? ' ' : sp}${a.value.text}${end}`;
}

interface Resource {
  type: string;
  name: string;
  attrs: Attr[];
}
interface Group {
  name: string;
  attrs: Attr[];
  systemList: string[];
  resources: Resource[];
  deps: [number, number][];
  groupDeps: { group: string; category: string; location: string; rigidity?: string }[];
}

const configuration = fc
  .record({
    systems: fc.uniqueArray(ident, { minLength: 1, maxLength: 4 }),
    bare: fc.boolean(),
  })
  .chain(({ systems, bare }) =>
    fc.record({
      systems: fc.constant(systems),
      bare: fc.constant(bare),
      includes: fc.array(anyString.filter((s) => s.length > 0), { maxLength: 2 }),
      cluster: fc.option(fc.record({ name: ident, attrs: fc.array(attr([]), { maxLength: 3 }) }), { nil: undefined }),
      systemAttrs: fc.array(fc.array(attr([]), { maxLength: 2 }), { minLength: systems.length, maxLength: systems.length }),
      blocks: fc.array(fc.record({ keyword: fc.constantFrom('remotecluster', 'heartbeat'), name: ident, attrs: fc.array(attr(['c1', 'c2']), { maxLength: 3 }) }), { maxLength: 2 }),
      types: fc.array(
        fc.record({
          name: ident,
          attrs: fc.array(
            fc.record({
              static: fc.boolean(),
              temp: fc.boolean(),
              kind: fc.constantFrom('str', 'int', 'boolean', 'i18nstr', 'float', 'keylist'),
              name: ident,
              dim: fc.constantFrom('', '[]', '{}'),
              dflt: fc.option(value, { nil: undefined }),
            }),
            { maxLength: 4 },
          ),
        }),
        { maxLength: 2 },
      ),
      groups: fc.uniqueArray(ident, { minLength: 1, maxLength: 3 }).chain((names) =>
        fc.tuple(
          ...names.map((name) =>
            fc.uniqueArray(ident, { minLength: 1, maxLength: 4 }).chain((resNames) =>
              fc.record({
                name: fc.constant(name),
                attrs: fc.array(attr(systems), { maxLength: 3 }),
                systemList: fc.subarray(systems, { minLength: 1 }),
                resources: fc.tuple(...resNames.map((n) => fc.record({ type: ident, name: fc.constant(n), attrs: fc.array(attr(systems), { maxLength: 4 }) }))),
                deps: fc.array(fc.tuple(fc.nat(resNames.length - 1), fc.nat(resNames.length - 1)), { maxLength: 4 }),
                groupDeps: fc.array(
                  fc.record({
                    group: fc.constantFrom(...names),
                    category: fc.constantFrom('online', 'offline'),
                    location: fc.constantFrom('local', 'global', 'remote'),
                    rigidity: fc.option(fc.constantFrom('soft', 'firm', 'hard'), { nil: undefined }),
                  }),
                  { maxLength: 2 },
                ),
              }),
            ),
          ),
        ),
      ),
      layout: fc.record({ sp: space, end: lineEnd, at: fc.constantFrom('@', ' @', '@ ', ' @ ') }),
    }),
  );

type Generated = typeof configuration extends fc.Arbitrary<infer T> ? T : never;

/** Writes a generated configuration as text, in the generated layout. */
function write(c: Generated): string {
  const { sp, end, at } = c.layout;
  const out: string[] = [];
  const attrs = (list: Attr[], indent: string) => list.map((a) => indent + attrText(a, at, sp, end)).join('');
  for (const inc of c.includes) out.push(`include ${quoteString(inc)}${end}`);
  for (const t of c.types) {
    out.push(`type ${t.name} (${end}`);
    for (const a of t.attrs) {
      const mods = `${a.static ? 'static ' : ''}${a.temp ? 'temp ' : ''}`;
      const dim = a.kind === 'keylist' ? '' : a.dim;
      out.push(`\t${mods}${a.kind} ${a.name}${dim}${a.dflt ? `${sp}=${sp === '\n' ? ' ' : sp}${a.dflt.text}` : ''}${end}`);
    }
    out.push(`)${end}`);
  }
  if (c.cluster) out.push(`cluster ${c.cluster.name} (${end}${attrs(c.cluster.attrs, '\t')})${end}`);
  for (const b of c.blocks) out.push(`${b.keyword} ${b.name} (${sp}${attrs(b.attrs, '\t')})${end}`);
  c.systems.forEach((s, i) => {
    const list = c.systemAttrs[i]!;
    out.push(c.bare && list.length === 0 ? `system ${s}${end}` : `system ${s} (${end}${attrs(list, '\t')}\t)${end}`);
  });
  for (const g of c.groups as Group[]) {
    const sl = g.systemList.map((s, i) => (i % 2 === 0 ? s : `${s} = ${i}`)).join(', ');
    out.push(`group ${g.name} (${end}\tSystemList = { ${sl} }${end}${attrs(g.attrs, '\t')}\t)${end}`);
    for (const r of g.resources) out.push(`\t${r.type} ${r.name}${sp}(${end}${attrs(r.attrs, '\t\t')}\t\t)${end}`);
    for (const d of g.groupDeps) out.push(`\trequires group ${d.group} ${d.category} ${d.location}${d.rigidity ? ` ${d.rigidity}` : ''}${end}`);
    for (const [p, ch] of g.deps) out.push(`\t${g.resources[p]!.name} requires ${g.resources[ch]!.name}${end}`);
  }
  return out.join('');
}

function parsesClean(text: string) {
  const r = parseCf(text, 'main.cf');
  if (r.errors.length > 0) throw new Error(`unexpected errors in\n${text}\n${r.errors.map(formatDiagnostic).join('\n')}`);
  return r;
}

describe('round trip on generated configurations', () => {
  it('parses what it generated, reads back the values, and json(fmt(x)) == json(x), fmt(fmt(x)) == fmt(x)', () => {
    fc.assert(
      fc.property(configuration, (c) => {
        const text = write(c);
        const r = parsesClean(text);
        // The parser reads the values that were written.
        const g0 = c.groups[0] as Group;
        const parsedGroup = r.config.groups[0]!;
        expect(parsedGroup.resources.map((x) => x.name)).toEqual(g0.resources.map((x) => x.name));
        const firstRes = g0.resources[0]!;
        const parsedRes = parsedGroup.resources[0]!;
        expect(parsedRes.attributes.map((a) => [a.name, a.system, configToJson({ ...r.config, groups: [] }) && valueJson(a.value)])).toEqual(
          firstRes.attrs.map((a) => [a.name, a.system, a.value.json]),
        );
        // Round trip, untyped and typed.
        const printed = printCf(r.doc);
        const r2 = parsesClean(printed);
        // `vcscf json` types the model: that is the round trip the contract promises.
        // fmt puts resources in hacf's order (type, then name): the model read back has them so.
        const sorted = withResourcesInHacfOrder(r.config);
        expect(configToJson(typeConfig(r2.config))).toEqual(configToJson(typeConfig(sorted)));
        // Untyped, the only difference allowed is the numbers the printer gives SystemList keys.
        expect(withoutPriorities(configToJson(r2.config))).toEqual(withoutPriorities(configToJson(sorted)));
        expect(printCf(r2.doc)).toBe(printed);
      }),
      { numRuns: 300 },
    );
  });
});

/** The untyped JSON without group SystemList / ClusterList (the printer numbers their keys, as hacf does). */
function withoutPriorities(j: unknown): unknown {
  const c = j as { groups: { attributes: Record<string, unknown> }[] };
  for (const g of c.groups) {
    delete g.attributes.SystemList;
    delete g.attributes.ClusterList;
  }
  return c;
}

function valueJson(v: import('../../../framework/cf/model.js').Value): unknown {
  switch (v.kind) {
    case 'scalar':
      return v.value;
    case 'association': {
      const o: Record<string, unknown> = Object.create(null);
      for (const e of v.entries) o[e.key] = e.value;
      return o;
    }
    default:
      return v.items;
  }
}

// ---- corruptions ----------------------------------------------------------------

const corruption: fc.Arbitrary<Corruption> = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }),
  fc.record({ kind: fc.constant('flip' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), byte: fc.integer({ min: 0, max: 0xffff }) }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.double({ min: 0, max: 1, noNaN: true }),
    text: fc.oneof(fc.constantFrom('{', '}', '(', ')', '"', '/*', '=', '@', '\u0000', '{'.repeat(5000), '"'.repeat(3)), fc.string({ maxLength: 20 })),
  }),
);

type Corruption = { kind: 'truncate'; at: number } | { kind: 'flip'; at: number; byte: number } | { kind: 'insert'; at: number; text: string };

function corrupt(text: string, c: Corruption): string {
  const i = Math.min(text.length, Math.floor(c.at * text.length));
  if (c.kind === 'truncate') return text.slice(0, i);
  if (c.kind === 'flip') return text.slice(0, i) + String.fromCharCode(c.byte) + text.slice(i + 1);
  return text.slice(0, i) + c.text + text.slice(i);
}

describe('corrupted configurations', () => {
  it('give ParseErrors at real positions, never an exception, in bounded time', () => {
    fc.assert(
      fc.property(configuration, fc.array(corruption, { minLength: 1, maxLength: 3 }), (c, cs) => {
        let text = write(c);
        for (const x of cs) text = corrupt(text, x);
        const t0 = performance.now();
        const r = parseCf(text, 'main.cf');
        printCf(r.doc); // printing what could be read must not throw either
        expect(performance.now() - t0).toBeLessThan(2000);
        // Lines as the lexer counts them: CR alone ends a line only in a file without LF.
        const lines = (text.includes('\n') ? text.split('\n') : text.split('\r')).length;
        for (const e of r.errors) {
          expect(e).toBeInstanceOf(ParseError);
          expect(e.line).toBeGreaterThanOrEqual(1);
          expect(e.line).toBeLessThanOrEqual(lines);
          expect(e.column).toBeGreaterThanOrEqual(1);
          expect(e.snippet).toContain('^');
        }
      }),
      { numRuns: 400 },
    );
  });

  it('report an error when a block is cut off after its opening parenthesis', () => {
    fc.assert(
      fc.property(configuration, fc.nat(), (c, pick) => {
        const text = write(c);
        const opens = [...text.matchAll(/ \($/gm)].map((m) => m.index! + 2);
        fc.pre(opens.length > 0);
        const cut = text.slice(0, opens[pick % opens.length]);
        expect(parseCf(cut, 'main.cf').errors.length).toBeGreaterThan(0);
      }),
      { numRuns: 200 },
    );
  });

  it('report an error for a string opened and not closed on its line', () => {
    fc.assert(
      fc.property(configuration, (c) => {
        const text = write(c).replace(/\(\n/, '(\n\tBroken = "no end\n');
        fc.pre(text.includes('Broken'));
        const errs = parseCf(text, 'main.cf').errors;
        expect(errs.some((e) => e.detail.startsWith('unterminated string'))).toBe(true);
      }),
      { numRuns: 100 },
    );
  });
});
