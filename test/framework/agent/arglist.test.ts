import { describe, expect, it } from 'vitest';
import type { TypeAttributeDef, TypeDef } from '../../../framework/cf/model.js';
import { ARGLIST_VALUE_LIMIT, argListType, decodeArgList, encodeArgList } from '../../../framework/agent/arglist.js';
import { attrToValue, valueToAttr } from '../../../framework/agent/attributes.js';
import { AgentError } from '../../../framework/errors.js';

const attr = (name: string, base: TypeAttributeDef['base'], dimension: TypeAttributeDef['dimension'] = 'scalar', extra: Partial<TypeAttributeDef> = {}): TypeAttributeDef => ({
  name,
  base,
  dimension,
  static: false,
  temp: false,
  ...extra,
});

/** The Agent Developer's Guide example: type Foo, resource Bar. */
const Foo: TypeDef = {
  name: 'Foo',
  argList: ['IntAttr', 'StringAttr', 'VectorAttr', 'AssocAttr'],
  attributes: [attr('Name', 'str'), attr('IntAttr', 'int'), attr('StringAttr', 'str'), attr('VectorAttr', 'str', 'vector'), attr('AssocAttr', 'str', 'association')],
};
const foo = argListType(Foo);
const GUIDE = ['IntAttr', '1', '100', 'StringAttr', '1', 'Oracle', 'VectorAttr', '3', 'vol1', 'vol2', 'vol3', 'AssocAttr', '4', 'disk1', '1024', 'disk2', '512'];

function decodedAttrs(tokens: string[], type = foo) {
  const d = decodeArgList(type, tokens, { resource: 'Bar' });
  return Object.fromEntries([...d.values].map(([k, v]) => [k, valueToAttr(v)]));
}

function errorOf(f: () => unknown): AgentError {
  try {
    f();
  } catch (e) {
    if (e instanceof AgentError) return e;
    throw e;
  }
  throw new Error('expected an AgentError');
}

describe('ArgList decoding (V50 name-count-values)', () => {
  it('decodes the guide example into typed values', () => {
    expect(decodedAttrs(GUIDE)).toEqual({
      IntAttr: 100,
      StringAttr: 'Oracle',
      VectorAttr: ['vol1', 'vol2', 'vol3'],
      AssocAttr: { disk1: '1024', disk2: '512' },
    });
  });

  it('keeps association key order and counts keys plus values', () => {
    const d = decodeArgList(foo, ['AssocAttr', '4', 'z', '1', 'a', '2'], { resource: 'Bar' });
    expect(d.values.get('AssocAttr')).toEqual({ kind: 'association', entries: [{ key: 'z', value: '1' }, { key: 'a', value: '2' }] });
    expect(Object.keys(valueToAttr(d.values.get('AssocAttr')!) as object)).toEqual(['z', 'a']);
  });

  it('decodes empty lists (Attr 0) and values with spaces or leading dashes', () => {
    expect(decodedAttrs(['VectorAttr', '0', 'StringAttr', '1', '--not an option'])).toEqual({ VectorAttr: [], StringAttr: '--not an option' });
  });

  it('parses by name, not position', () => {
    expect(decodedAttrs(['StringAttr', '1', 'x', 'IntAttr', '1', '-7'])).toEqual({ StringAttr: 'x', IntAttr: -7 });
  });

  it('accepts an attribute the type does not declare, untyped', () => {
    expect(decodedAttrs(['Extra', '1', '5', 'More', '2', 'a', 'b'])).toEqual({ Extra: '5', More: ['a', 'b'] });
  });

  it('types the tuples VCS appends: AEPTimeout, VCSInfo', () => {
    expect(decodedAttrs([...GUIDE, 'AEPTimeout', '1', '60', 'VCSInfo', '2', 'TargetHost', 'sysB'])).toMatchObject({ AEPTimeout: 60, VCSInfo: { TargetHost: 'sysB' } });
  });

  it.each([
    [['IntAttr', '2', '100'], 'IntAttr: 2 values announced, 1 given'],
    [['IntAttr'], 'IntAttr: the number of values is missing'],
    [['IntAttr', 'x', '1'], 'IntAttr: "x" is not a number of values'],
    [['100', 'Oracle'], 'argument 1 "100" is not an attribute name'],
    [['IntAttr', '1', '1', 'IntAttr', '1', '2'], 'IntAttr is given twice'],
  ])('rejects a malformed ArgList %j', (tokens, detail) => {
    const e = errorOf(() => decodeArgList(foo, tokens, { resource: 'Bar' }));
    expect(e.code).toBe('VCSPVM_AGENT_ARGLIST');
    expect(e.message).toContain('Foo Bar');
    expect(e.message).toContain(detail);
  });

  it('rejects a non-numeric int and a scalar with two values as attribute errors', () => {
    const e = errorOf(() => decodeArgList(foo, ['IntAttr', '1', '12abc'], { resource: 'Bar' }));
    expect(e.code).toBe('VCSPVM_AGENT_ATTRIBUTE');
    expect(e.message).toBe('attribute IntAttr of Bar: expected an integer, got "12abc"');
    expect(errorOf(() => decodeArgList(foo, ['StringAttr', '2', 'a', 'b'], { resource: 'Bar' })).message).toContain('a scalar takes one value, got 2');
    expect(errorOf(() => decodeArgList(foo, ['AssocAttr', '3', 'a', 'b', 'c'], { resource: 'Bar' })).message).toContain('odd count (3)');
  });

  it('does not let an attribute named like an Object.prototype member reach the prototype', () => {
    const d = decodedAttrs(['__proto__', '1', 'x', 'constructor', '1', 'y']);
    expect(Object.getPrototypeOf(d)).toBe(Object.prototype);
    expect(Object.hasOwn(d, '__proto__')).toBe(true);
    expect(d.constructor).toBe('y');
  });

  it('stops at the action arguments when asked to', () => {
    const d = decodeArgList(foo, ['IntAttr', '1', '1', 'StringAttr', '1', 's', 'promote', '--force'], { resource: 'Bar', trailingArguments: true });
    expect(d.rest).toEqual(['promote', '--force']);
    expect(d.values.size).toBe(2);
  });

  it('enforces the 425-value limit on ArgListValues, VCS-generated tuples excluded', () => {
    const vec = (n: number) => ['VectorAttr', String(n), ...Array.from({ length: n }, (_, i) => `v${i}`)];
    expect(() => decodeArgList(foo, vec(ARGLIST_VALUE_LIMIT - 2), { resource: 'Bar' })).not.toThrow();
    expect(() => decodeArgList(foo, [...vec(ARGLIST_VALUE_LIMIT - 2), 'AEPTimeout', '1', '60'], { resource: 'Bar' })).not.toThrow();
    const e = errorOf(() => decodeArgList(foo, vec(ARGLIST_VALUE_LIMIT - 1), { resource: 'Bar' }));
    expect(e.message).toContain('426 ArgList values, more than the 425');
  });
});

describe('ArgList encoding', () => {
  const bar: Record<string, ReturnType<typeof attrToValue>> = {
    IntAttr: { kind: 'scalar', value: 100 },
    StringAttr: { kind: 'scalar', value: 'Oracle' },
    VectorAttr: { kind: 'vector', items: ['vol1', 'vol2', 'vol3'] },
    AssocAttr: { kind: 'association', entries: [{ key: 'disk1', value: '1024' }, { key: 'disk2', value: '512' }] },
  };

  it('flattens the guide example exactly as VCS does', () => {
    expect(encodeArgList(foo, (n) => bar[n])).toEqual(GUIDE);
  });

  it('falls back to the type default, then to the empty value', () => {
    const withDefault = argListType({ ...Foo, attributes: Foo.attributes.map((a) => (a.name === 'IntAttr' ? { ...a, default: { kind: 'scalar' as const, value: 7 } } : a)) });
    expect(encodeArgList(withDefault, () => undefined)).toEqual(['IntAttr', '1', '7', 'StringAttr', '1', '', 'VectorAttr', '0', 'AssocAttr', '0']);
  });

  it('appends AEPTimeout and VCSInfo as VCS does', () => {
    expect(encodeArgList(foo, (n) => bar[n], { aepTimeout: 60, vcsInfo: { TargetHost: 'sysB' } }).slice(-7)).toEqual(['AEPTimeout', '1', '60', 'VCSInfo', '2', 'TargetHost', 'sysB']);
  });

  it('refuses to build more than 425 values', () => {
    const big = { kind: 'vector' as const, items: Array.from({ length: 500 }, (_, i) => `v${i}`) };
    expect(errorOf(() => encodeArgList(foo, (n) => (n === 'VectorAttr' ? big : bar[n]), { resource: 'Bar' })).code).toBe('VCSPVM_AGENT_ARGLIST');
  });

  it('round-trips: decode(encode(x)) gives x back', () => {
    const tokens = encodeArgList(foo, (n) => bar[n]);
    const d = decodeArgList(foo, tokens, { resource: 'Bar' });
    for (const [k, v] of Object.entries(bar)) expect(d.values.get(k)).toEqual(v);
  });
});
