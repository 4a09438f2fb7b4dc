/**
 * Attribute values as an entry point sees them (plain JavaScript), and the
 * conversions between those, the configuration model's `Value`, and the
 * strings VCS passes on the command line.
 *
 * int and boolean scalars are numbers, str strings; vectors and keylists are
 * arrays; associations are objects whose key order is the configuration's.
 */
import type { BaseKind, Dimension, Scalar, TypeAttributeDef, Value } from '../cf/model.js';

export type AttrScalar = Scalar;
export type AttrValue = AttrScalar | AttrScalar[] | Record<string, AttrScalar>;
export type Attributes = Record<string, AttrValue>;

/** The part of an attribute definition the codec needs. */
export type AttrKind = Pick<TypeAttributeDef, 'name' | 'base' | 'dimension'> & { default?: Value | undefined };

/** A value that is not of its attribute's kind: `detail` says why, in words an administrator reads. */
export class ValueError extends Error {}

const INTEGER = /^[+-]?\d+$/;
const FLOAT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** One command-line string as a scalar of `base`. */
function parseScalar(base: BaseKind, text: string): AttrScalar {
  switch (base) {
    case 'int':
    case 'boolean':
      if (!INTEGER.test(text)) throw new ValueError(`expected an integer, got "${text}"`);
      return Number(text);
    case 'float':
      if (!FLOAT.test(text)) throw new ValueError(`expected a number, got "${text}"`);
      return Number(text);
    default:
      return text;
  }
}

/** The empty value of a kind: what an attribute without a value or default holds. */
export function emptyValue(dimension: Dimension, base: BaseKind): Value {
  switch (dimension) {
    case 'scalar':
      return { kind: 'scalar', value: base === 'str' || base === 'i18nstr' ? '' : 0 };
    case 'vector':
      return { kind: 'vector', items: [] };
    case 'keylist':
      return { kind: 'keylist', items: [] };
    case 'association':
      return { kind: 'association', entries: [] };
  }
}

/**
 * Command-line items (the values of one `Name N v1 … vN` tuple) as a model
 * Value of the attribute's kind. Without a definition, one item is a string
 * scalar and anything else an untyped list.
 */
export function itemsToValue(def: AttrKind | undefined, items: readonly string[]): Value {
  if (!def) {
    return items.length === 1 ? { kind: 'scalar', value: items[0]! } : { kind: 'list', items: [...items] };
  }
  switch (def.dimension) {
    case 'scalar':
      if (items.length > 1) throw new ValueError(`a scalar takes one value, got ${items.length}`);
      return items.length === 0 ? emptyValue('scalar', def.base) : { kind: 'scalar', value: parseScalar(def.base, items[0]!) };
    case 'vector':
      return { kind: 'vector', items: items.map((t) => parseScalar(def.base, t)) };
    case 'keylist':
      return { kind: 'keylist', items: [...items] };
    case 'association': {
      if (items.length % 2 !== 0) {
        throw new ValueError(`an association takes key/value pairs, got an odd count (${items.length})`);
      }
      const entries = [];
      for (let i = 0; i < items.length; i += 2) {
        entries.push({ key: items[i]!, value: parseScalar(def.base, items[i + 1]!) });
      }
      return { kind: 'association', entries };
    }
  }
}

/** A model Value as the items VCS would pass for it (without name and count). */
export function valueToItems(value: Value): string[] {
  switch (value.kind) {
    case 'scalar':
      return [String(value.value)];
    case 'vector':
    case 'keylist':
    case 'list':
      return value.items.map(String);
    case 'association':
      return value.entries.flatMap((e) => [e.key, e.value === null ? '' : String(e.value)]);
  }
}

/** A model Value as the plain JavaScript value an entry point receives. */
export function valueToAttr(value: Value): AttrValue {
  switch (value.kind) {
    case 'scalar':
      return value.value;
    case 'vector':
    case 'keylist':
    case 'list':
      return [...value.items];
    case 'association':
      // fromEntries defines own properties, so a key such as "__proto__" stays data.
      return Object.fromEntries(value.entries.map((e) => [e.key, e.value ?? '']));
  }
}

/** A plain JavaScript value as a model Value of the attribute's kind (the runner and tests build values this way). */
export function attrToValue(def: AttrKind | undefined, value: AttrValue): Value {
  if (Array.isArray(value)) {
    if (def?.dimension === 'keylist') return { kind: 'keylist', items: value.map(String) };
    if (def?.dimension === 'vector') return { kind: 'vector', items: [...value] };
    return { kind: 'list', items: [...value] };
  }
  if (typeof value === 'object') {
    return { kind: 'association', entries: Object.entries(value).map(([key, v]) => ({ key, value: v })) };
  }
  return { kind: 'scalar', value };
}

/** Secret-looking attribute names: their values never reach a log. */
const SECRET_NAME = /(pass(word|wd|phrase)?|pwd|secret|token|credential|private.?key|api.?key|key$|keys$)/i;

export function isSecretAttributeName(name: string): boolean {
  return SECRET_NAME.test(name);
}
