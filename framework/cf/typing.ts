/**
 * Typing: values as written become values of their attribute's kind.
 *
 * The definition comes from the resource's type (types.cf), else from the
 * attributes VCS defines (builtins.ts). A value that fits its definition is
 * converted (`"5"` for an int is 5, `{ a, b }` for a keylist is a keylist,
 * SystemList keys without a number are numbered); a value that does not fit
 * is left as written, for the verifier to report with its position. Values
 * with no known definition stay untyped but complete.
 *
 * Typing never mutates its input: the syntax tree shares objects with the
 * untyped model, and the printer must print what was written.
 */
import { builtinIndex, PRIORITY_ASSOCIATIONS, type BuiltinScope } from './builtins.js';
import type {
  AssocEntry,
  AttributeAssignment,
  BaseKind,
  Config,
  GroupDef,
  ResourceDef,
  Scalar,
  TypeAttributeDef,
  TypeDef,
  Value,
} from './model.js';
import { INT32_MAX, INT32_MIN, isDecimalLiteral, isIntegerLiteral } from './text.js';

/** Attribute definitions of each type by name; the first definition of a type wins. */
function indexTypes(types: readonly TypeDef[]): Map<string, Map<string, TypeAttributeDef>> {
  const out = new Map<string, Map<string, TypeAttributeDef>>();
  for (const t of types) {
    if (out.has(t.name)) continue;
    const m = new Map<string, TypeAttributeDef>();
    for (const a of t.attributes) if (!m.has(a.name)) m.set(a.name, a);
    out.set(t.name, m);
  }
  return out;
}

export function typeScalar(s: Scalar, base: BaseKind): Scalar {
  switch (base) {
    case 'int':
    case 'boolean':
      if (typeof s === 'string' && isIntegerLiteral(s)) {
        const n = Number(s);
        if (n >= INT32_MIN && n <= INT32_MAX) return n === 0 ? 0 : n;
      }
      return s;
    case 'float':
      if (typeof s === 'string' && (isIntegerLiteral(s) || isDecimalLiteral(s))) {
        const n = Number(s);
        return n === 0 ? 0 : n;
      }
      return s;
    default:
      return typeof s === 'number' ? String(s) : s;
  }
}

/**
 * `value` typed by `def`. `numbered` gives keys written alone the previous
 * number plus one (SystemList, ClusterList).
 */
export function typeValue(value: Value, def: TypeAttributeDef, numbered = false): Value {
  const base = def.base;
  switch (def.dimension) {
    case 'scalar':
      if (value.kind !== 'scalar') return value;
      {
        const v = typeScalar(value.value, base);
        return v === value.value ? value : { kind: 'scalar', value: v };
      }
    case 'vector':
      if (value.kind === 'list' || value.kind === 'vector') return { kind: 'vector', items: value.items.map((s) => typeScalar(s, base)) };
      return value;
    case 'keylist':
      if (value.kind === 'list' || value.kind === 'vector' || value.kind === 'keylist') return { kind: 'keylist', items: value.items.map(String) };
      return value;
    case 'association': {
      let entries: AssocEntry[];
      if (value.kind === 'association') entries = value.entries;
      else if (value.kind === 'list') entries = value.items.map((s) => ({ key: String(s), value: null }));
      else return value;
      let previous = -1;
      const typed = entries.map((e): AssocEntry => {
        let v: Scalar | null = e.value === null ? null : typeScalar(e.value, base);
        if (numbered) {
          if (v === null) v = previous + 1;
          if (typeof v === 'number') previous = v;
        }
        const out: AssocEntry = { key: e.key, value: v };
        if (e.pos) out.pos = e.pos;
        return out;
      });
      return { kind: 'association', entries: typed };
    }
  }
}

type Lookup = (name: string) => TypeAttributeDef | undefined;

function typeAttributes(attrs: readonly AttributeAssignment[], lookup: Lookup, numberedNames?: ReadonlySet<string>): AttributeAssignment[] {
  const out = new Array<AttributeAssignment>(attrs.length);
  for (let i = 0; i < attrs.length; i++) {
    const a = attrs[i]!;
    const d = lookup(a.name);
    if (!d) {
      out[i] = a;
      continue;
    }
    const v = typeValue(a.value, d, numberedNames?.has(a.name) ?? false);
    out[i] = v === a.value ? a : { ...a, value: v };
  }
  return out;
}

function scopeLookup(scope: BuiltinScope): Lookup {
  const m = builtinIndex(scope);
  return (name) => m.get(name);
}

/** Resource attributes: the type's own definition, then per-resource attributes, then the static ones. */
function resourceLookup(typeAttrs: Map<string, TypeAttributeDef> | undefined): Lookup {
  const res = builtinIndex('resource');
  const stat = builtinIndex('static');
  return (name) => typeAttrs?.get(name) ?? res.get(name) ?? stat.get(name);
}

/** Type definitions with their defaults typed by their own definition. */
export function typeTypes(types: readonly TypeDef[]): TypeDef[] {
  return types.map((t) => {
    let changed = false;
    const attributes = t.attributes.map((a) => {
      if (!a.default) return a;
      const v = typeValue(a.default, a);
      if (v === a.default) return a;
      changed = true;
      return { ...a, default: v };
    });
    return changed ? { ...t, attributes } : t;
  });
}

/** A typed copy of `config` (the input is not modified). */
export function typeConfig(config: Config): Config {
  const types = typeTypes(config.types);
  const byType = indexTypes(types);
  const cluster = scopeLookup('cluster');
  const system = scopeLookup('system');
  const group = scopeLookup('group');
  const lookups = new Map<string, Lookup>();
  const forType = (name: string): Lookup => {
    let l = lookups.get(name);
    if (!l) {
      l = resourceLookup(byType.get(name));
      lookups.set(name, l);
    }
    return l;
  };
  const blockScopes: Record<string, BuiltinScope> = { remotecluster: 'remotecluster', heartbeat: 'heartbeat', site: 'site' };

  return {
    ...config,
    clusters: config.clusters.map((c) => ({ ...c, attributes: typeAttributes(c.attributes, cluster) })),
    systems: config.systems.map((s) => ({ ...s, attributes: typeAttributes(s.attributes, system) })),
    groups: config.groups.map(
      (g): GroupDef => ({
        ...g,
        attributes: typeAttributes(g.attributes, group, PRIORITY_ASSOCIATIONS),
        resources: g.resources.map((r): ResourceDef => ({ ...r, attributes: typeAttributes(r.attributes, forType(r.type)) })),
      }),
    ),
    blocks: config.blocks.map((b) => {
      const scope = blockScopes[b.keyword.toLowerCase()];
      return scope ? { ...b, attributes: typeAttributes(b.attributes, scopeLookup(scope)) } : b;
    }),
    types,
  };
}
