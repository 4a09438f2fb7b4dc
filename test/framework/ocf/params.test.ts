import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatParameter, parameterItems, parameterValue, quoteWord, splitWords } from '../../../framework/ocf/params.js';

const def = (base: 'str' | 'int' | 'boolean' | 'float', dimension: 'scalar' | 'vector' | 'keylist' | 'association') => ({ name: 'A', base, dimension });

describe('OCF parameter text as VCS values', () => {
  it('takes a scalar string as is, blanks and quotes included', () => {
    expect(parameterValue(def('str', 'scalar'), ' a "b" ', 'r')).toEqual({ kind: 'scalar', value: ' a "b" ' });
  });

  it('reads integers and booleans, in Pacemaker\'s spellings too', () => {
    expect(parameterValue(def('int', 'scalar'), ' 42 ', 'r')).toEqual({ kind: 'scalar', value: 42 });
    for (const [t, v] of [['1', 1], ['0', 0], ['true', 1], ['False', 0], ['yes', 1], ['no', 0], ['on', 1], ['off', 0]] as const) {
      expect(parameterValue(def('boolean', 'scalar'), t, 'r')).toEqual({ kind: 'scalar', value: v });
    }
    expect(() => parameterValue(def('int', 'scalar'), '4x', 'r')).toThrow(/attribute A of r: parameter A="4x": expected an integer/);
    expect(() => parameterValue(def('boolean', 'scalar'), 'maybe', 'r')).toThrow(/expected 1 or 0/);
  });

  it('splits lists on blanks, double quotes grouping, \\" and \\\\ inside them', () => {
    expect(splitWords('  a  "b c"\td "e\\"f" g\\h "x\\\\y" ""')).toEqual(['a', 'b c', 'd', 'e"f', 'g\\h', 'x\\y', '']);
    expect(parameterValue(def('int', 'vector'), '1 2 3', 'r')).toEqual({ kind: 'vector', items: [1, 2, 3] });
    expect(() => splitWords('a "b')).toThrow(/not closed/);
  });

  it('refuses a keylist holding a key twice', () => {
    expect(() => parameterItems(def('str', 'keylist'), 'a b a')).toThrow(/"a" is given twice/);
  });

  it('reads associations as key=value pairs, the value quoted when it holds blanks', () => {
    expect(parameterValue(def('str', 'association'), 'ConfigureNetwork=1 DNSSearchPath="a.example b.example" Empty=', 'r')).toEqual({
      kind: 'association',
      entries: [
        { key: 'ConfigureNetwork', value: '1' },
        { key: 'DNSSearchPath', value: 'a.example b.example' },
        { key: 'Empty', value: '' },
      ],
    });
    expect(() => parameterItems(def('str', 'association'), 'k=1 k=2')).toThrow(/key k is given twice/);
    expect(() => parameterItems(def('str', 'association'), '=v')).toThrow(/not key=value/);
  });

  it('writes values back in the form it reads (lists, associations: any text)', () => {
    const item = fc.string({ unit: fc.constantFrom('a', 'b', ' ', '"', '\\', '=', '\t', 'é') });
    fc.assert(
      fc.property(fc.array(item, { maxLength: 6 }), (items) => {
        const text = formatParameter({ kind: 'vector', items });
        expect(splitWords(text)).toEqual(items);
      }),
    );
    fc.assert(
      fc.property(fc.uniqueArray(fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,8}$/), { maxLength: 5 }), fc.array(item, { minLength: 5, maxLength: 5 }), (keys, values) => {
        const entries = keys.map((key, i) => ({ key, value: values[i]! }));
        expect(parameterValue(def('str', 'association'), formatParameter({ kind: 'association', entries }), 'r')).toEqual({ kind: 'association', entries });
      }),
    );
    expect(quoteWord('plain')).toBe('plain');
    expect(quoteWord('')).toBe('""');
  });
});
