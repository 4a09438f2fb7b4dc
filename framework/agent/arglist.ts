/**
 * The ArgList codec: the V50+ name-count-values convention VCS uses to pass
 * a resource's ArgList attributes to a script entry point, both ways.
 *
 *   scalar       Attr 1 value
 *   vector       Attr 3 a b c            keylist the same; empty: Attr 0
 *   association  Attr 4 k1 v1 k2 v2      the count is keys plus values
 *
 * Tuples are parsed by name, not by position (research/vcs-facts.md §1.3), so
 * a configuration whose ArgList names an attribute this agent does not know
 * still decodes: the value arrives untyped. After the ArgList VCS may append
 * tuples it generates itself: AEPTimeout (when the type's AEPTimeout is 1),
 * VCSInfo (migrate: TargetHost) and ContainerInfo (ContainerOpts PassCInfo).
 *
 * ArgListValues holds at most 425 components — names, counts and values
 * together (Agent Developer's Guide, "About the ArgList and ArgListValues
 * attributes") — and both directions enforce it.
 */
import type { TypeAttributeDef, Value } from '../cf/model.js';
import { AgentError } from '../errors.js';
import { type AttrKind, ValueError, emptyValue, itemsToValue, valueToItems } from './attributes.js';

export const ARGLIST_VALUE_LIMIT = 425;

/** Tuples VCS adds to the ArgList on its own. */
export const GENERATED_TUPLES: Readonly<Record<string, AttrKind>> = {
  AEPTimeout: { name: 'AEPTimeout', base: 'int', dimension: 'scalar' },
  VCSInfo: { name: 'VCSInfo', base: 'str', dimension: 'association' },
  ContainerInfo: { name: 'ContainerInfo', base: 'str', dimension: 'association' },
};

function generatedTuple(name: string): AttrKind | undefined {
  return Object.hasOwn(GENERATED_TUPLES, name) ? GENERATED_TUPLES[name] : undefined;
}

/** What the codec needs to know of a type. */
export interface ArgListType {
  name: string;
  argList: readonly string[];
  /** Definitions of the type's attributes and of the engine-defined ones its ArgList names. */
  attribute(name: string): AttrKind | undefined;
}

/** An ArgListType over a TypeDef, with the engine-defined attributes VCS itself declares. */
export function argListType(typeDef: { name: string; argList: readonly string[]; attributes: readonly TypeAttributeDef[] }, builtins: readonly AttrKind[] = []): ArgListType {
  const defs = new Map<string, AttrKind>();
  for (const b of builtins) defs.set(b.name, b);
  for (const a of typeDef.attributes) defs.set(a.name, a);
  return { name: typeDef.name, argList: typeDef.argList, attribute: (n) => defs.get(n) };
}

export interface Tuple {
  name: string;
  items: string[];
}

export interface DecodedArgList {
  /** Every tuple in argv order, typed: ArgList attributes and generated tuples alike. */
  values: Map<string, Value>;
  /** Tokens after the last tuple: the arguments of an action. */
  rest: string[];
  /** ArgListValues components (names, counts and values), generated tuples excluded. */
  components: number;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*(:[A-Za-z_][A-Za-z0-9_]*)?$/;
const COUNT = /^\d+$/;

export interface DecodeOptions {
  /** Used in error messages. */
  resource: string;
  /**
   * Stop at the first token that is not an attribute of the type still to
   * come (an action's own arguments follow the ArgList); otherwise every
   * token must belong to a tuple.
   */
  trailingArguments?: boolean;
}

function argListError(type: string, resource: string, detail: string): AgentError {
  return new AgentError('VCSPVM_AGENT_ARGLIST', { type, resource, detail });
}

/** Splits argv (after the resource name and leading arguments) into tuples, checking counts. */
export function splitTuples(type: ArgListType, tokens: readonly string[], opts: DecodeOptions): { tuples: Tuple[]; rest: string[]; components: number } {
  const tuples: Tuple[] = [];
  const seen = new Set<string>();
  let components = 0;
  let i = 0;
  while (i < tokens.length) {
    const name = tokens[i]!;
    if (opts.trailingArguments) {
      const known = (type.argList.includes(name) || generatedTuple(name) !== undefined) && !seen.has(name);
      if (!known) break;
    } else if (!NAME.test(name)) {
      throw argListError(type.name, opts.resource, `argument ${i + 1} "${name}" is not an attribute name (values are passed as: Name Count Value...)`);
    }
    const count = tokens[i + 1];
    if (count === undefined) throw argListError(type.name, opts.resource, `${name}: the number of values is missing`);
    if (!COUNT.test(count)) throw argListError(type.name, opts.resource, `${name}: "${count}" is not a number of values`);
    const n = Number(count);
    const available = tokens.length - i - 2;
    if (n > available) {
      throw argListError(type.name, opts.resource, `${name}: ${n} value${n === 1 ? '' : 's'} announced, ${available} given`);
    }
    if (seen.has(name)) throw argListError(type.name, opts.resource, `${name} is given twice`);
    seen.add(name);
    tuples.push({ name, items: tokens.slice(i + 2, i + 2 + n) });
    // The limit is on ArgListValues; the tuples VCS appends are not part of it.
    if (generatedTuple(name) === undefined) components += 2 + n;
    i += 2 + n;
  }
  if (components > ARGLIST_VALUE_LIMIT) {
    throw argListError(type.name, opts.resource, `${components} ArgList values, more than the ${ARGLIST_VALUE_LIMIT} VCS passes`);
  }
  return { tuples, rest: tokens.slice(i), components };
}

/** Decodes the ArgList part of an entry point's argv into typed model values. */
export function decodeArgList(type: ArgListType, tokens: readonly string[], opts: DecodeOptions): DecodedArgList {
  const { tuples, rest, components } = splitTuples(type, tokens, opts);
  const values = new Map<string, Value>();
  for (const t of tuples) {
    const def = generatedTuple(t.name) ?? type.attribute(t.name);
    try {
      values.set(t.name, itemsToValue(def, t.items));
    } catch (e) {
      if (e instanceof ValueError) {
        throw new AgentError('VCSPVM_AGENT_ATTRIBUTE', { attribute: t.name, resource: opts.resource, detail: e.message });
      }
      throw e;
    }
  }
  return { values, rest, components };
}

export interface EncodeOptions {
  /** Used in error messages. */
  resource?: string;
  /** Append `AEPTimeout 1 <seconds>`, as VCS does when the type's AEPTimeout is 1. */
  aepTimeout?: number;
  /** Append `VCSInfo N TargetHost host ...` (migrate). */
  vcsInfo?: Readonly<Record<string, string>>;
  /** Append `ContainerInfo N Name W Type WPAR Enabled 1` (the type's ContainerOpts PassCInfo = 1). */
  containerInfo?: Readonly<Record<string, string>>;
}

/**
 * The ContainerInfo VCS appends to a resource's ArgList: the group's
 * ContainerInfo (its value for the system), when the type's ContainerOpts has
 * PassCInfo = 1 and the group sets one. Values as the configuration holds them.
 */
export function passedContainerInfo(containerOpts: Value | undefined, containerInfo: Value | undefined): Record<string, string> | undefined {
  const entries = (v: Value | undefined) => (v?.kind === 'association' ? v.entries : []);
  const pass = entries(containerOpts).find((e) => e.key === 'PassCInfo');
  if (String(pass?.value ?? '0') !== '1') return undefined;
  const info = entries(containerInfo);
  if (info.length === 0) return undefined;
  return Object.fromEntries(info.map((e) => [e.key, String(e.value ?? '')]));
}

/**
 * Flattens a resource's ArgList attributes as VCS passes them. `valueOf`
 * gives the resource's value of an attribute (per-system value already
 * chosen); without one the type's default applies, then the empty value.
 */
export function encodeArgList(
  type: ArgListType,
  valueOf: (name: string) => Value | undefined,
  opts: EncodeOptions = {},
): string[] {
  const out: string[] = [];
  for (const name of type.argList) {
    const def = type.attribute(name);
    const value = valueOf(name) ?? def?.default ?? (def ? emptyValue(def.dimension, def.base) : undefined);
    const items = value ? valueToItems(value) : [];
    out.push(name, String(items.length), ...items);
  }
  if (out.length > ARGLIST_VALUE_LIMIT) {
    throw argListError(type.name, opts.resource ?? '', `${out.length} ArgList values, more than the ${ARGLIST_VALUE_LIMIT} VCS allows`);
  }
  if (opts.aepTimeout !== undefined) out.push('AEPTimeout', '1', String(opts.aepTimeout));
  if (opts.vcsInfo) {
    const items = Object.entries(opts.vcsInfo).flat();
    out.push('VCSInfo', String(items.length), ...items);
  }
  if (opts.containerInfo) {
    const items = Object.entries(opts.containerInfo).flat();
    out.push('ContainerInfo', String(items.length), ...items);
  }
  return out;
}
