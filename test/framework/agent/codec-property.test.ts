import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TypeAttributeDef, Value } from '../../../framework/cf/model.js';
import { ARGLIST_VALUE_LIMIT, argListType, decodeArgList, encodeArgList } from '../../../framework/agent/arglist.js';

/** Any attribute definition, and a value of its kind. */
const base = fc.constantFrom<TypeAttributeDef['base']>('str', 'int', 'boolean');
const dimension = fc.constantFrom<TypeAttributeDef['dimension']>('scalar', 'vector', 'keylist', 'association');
const text = fc.string({ maxLength: 12 });
const scalarOf = (b: TypeAttributeDef['base']): fc.Arbitrary<string | number> =>
  b === 'str' ? text : b === 'boolean' ? fc.constantFrom(0, 1) : fc.integer({ min: -2147483648, max: 2147483647 });

const attribute = fc
  .tuple(base, dimension)
  .chain(([b, d]) => {
    const v: fc.Arbitrary<Value> =
      d === 'scalar'
        ? scalarOf(b).map((value) => ({ kind: 'scalar', value }))
        : d === 'vector'
          ? fc.array(scalarOf(b), { maxLength: 6 }).map((items) => ({ kind: 'vector', items }))
          : d === 'keylist'
            ? fc.uniqueArray(text, { maxLength: 6 }).map((items) => ({ kind: 'keylist', items }))
            : fc.uniqueArray(fc.tuple(text, scalarOf(b)), { maxLength: 5, selector: ([k]) => k }).map((pairs) => ({ kind: 'association', entries: pairs.map(([key, value]) => ({ key, value })) }));
    return fc.tuple(fc.constant(b), fc.constant(d), v);
  });

const typeWithValues = fc.array(attribute, { minLength: 1, maxLength: 8 }).map((attrs) => {
  const defs: TypeAttributeDef[] = attrs.map(([b, d], i) => ({ name: `A${i}`, base: b, dimension: d, static: false, temp: false }));
  const values = new Map(attrs.map(([, , v], i) => [`A${i}`, v]));
  return { type: argListType({ name: 'T', argList: defs.map((d) => d.name), attributes: defs }), values };
});

describe('ArgList codec, property', () => {
  it('decode(encode(values)) gives the values back, whatever their kind and content', () => {
    fc.assert(
      fc.property(typeWithValues, fc.option(fc.integer({ min: 1, max: 3600 }), { nil: undefined }), ({ type, values }, aep) => {
        const tokens = encodeArgList(type, (n) => values.get(n), aep === undefined ? {} : { aepTimeout: aep });
        const decoded = decodeArgList(type, tokens, { resource: 'r' });
        for (const [name, v] of values) expect(decoded.values.get(name)).toEqual(v);
        if (aep !== undefined) expect(decoded.values.get('AEPTimeout')).toEqual({ kind: 'scalar', value: aep });
        expect(decoded.rest).toEqual([]);
        expect(decoded.components).toBeLessThanOrEqual(ARGLIST_VALUE_LIMIT);
      }),
      { numRuns: 300 },
    );
  });

  it('never throws anything but a project error on arbitrary argv', () => {
    const { type } = { type: argListType({ name: 'T', argList: ['A', 'B'], attributes: [{ name: 'A', base: 'int', dimension: 'vector', static: false, temp: false }, { name: 'B', base: 'str', dimension: 'association', static: false, temp: false }] }) };
    fc.assert(
      fc.property(fc.array(fc.oneof(text, fc.constantFrom('A', 'B', '0', '1', '2', '3', 'AEPTimeout')), { maxLength: 20 }), (tokens) => {
        try {
          decodeArgList(type, tokens, { resource: 'r' });
        } catch (e) {
          expect((e as { code?: string }).code).toMatch(/^VCSPVM_AGENT_(ARGLIST|ATTRIBUTE)$/);
        }
      }),
      { numRuns: 500 },
    );
  });
});
