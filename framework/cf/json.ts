/**
 * The model as JSON (`vcscf json`): plain values, no syntax. Scalars are
 * numbers for int/boolean (and untyped bare integers) and strings otherwise;
 * vectors, keylists and untyped lists are arrays; associations are objects.
 * With `positions`, every object gains `pos` and each attribute value becomes
 * `{ value, pos }`.
 */
import type { AttributeAssignment, Config, SourcePos, TypeAttributeDef, Value } from './model.js';

export interface JsonOptions {
  positions?: boolean;
}

type Json = null | string | number | boolean | Json[] | { [k: string]: Json };
type JsonObject = { [k: string]: Json };

/** An object for keys that come from the configuration: `__proto__` is a key like any other. */
function dict(): JsonObject {
  return Object.create(null) as JsonObject;
}

export function valueToJson(v: Value): Json {
  switch (v.kind) {
    case 'scalar':
      return v.value;
    case 'list':
    case 'vector':
    case 'keylist':
      return [...v.items];
    case 'association': {
      const o = dict();
      for (const e of v.entries) o[e.key] = e.value;
      return o;
    }
  }
}

export function configToJson(config: Config, opts: JsonOptions = {}): unknown {
  const withPos = opts.positions === true;
  const pos = (p: SourcePos | undefined): JsonObject | undefined => (withPos && p ? { file: p.file, line: p.line, column: p.column } : undefined);
  const obj = (fields: JsonObject, p: SourcePos | undefined): JsonObject => {
    const at = pos(p);
    if (at) fields.pos = at;
    return fields;
  };
  const value = (a: AttributeAssignment): Json => (withPos ? { value: valueToJson(a.value), pos: pos(a.pos)! } : valueToJson(a.value));

  /** `attributes` (global values) and `perSystem` (name → system → value); the last assignment wins. */
  const attributes = (attrs: AttributeAssignment[], alwaysPerSystem: boolean): JsonObject => {
    const global = dict();
    const perSystem = dict();
    let hasLocal = false;
    for (const a of attrs) {
      if (a.system === undefined) global[a.name] = value(a);
      else {
        hasLocal = true;
        const m = (perSystem[a.name] as JsonObject | undefined) ?? (perSystem[a.name] = dict());
        m[a.system] = value(a);
      }
    }
    return hasLocal || alwaysPerSystem ? { attributes: global, perSystem } : { attributes: global };
  };

  const typeAttr = (a: TypeAttributeDef): JsonObject => {
    const o: JsonObject = { name: a.name, base: a.base, dimension: a.dimension, static: a.static, temp: a.temp };
    if (a.default) o.default = valueToJson(a.default);
    return obj(o, a.pos);
  };

  return {
    file: config.file,
    includes: config.includes.map((i) => i.path),
    clusters: config.clusters.map((c) => obj({ name: c.name, ...attributes(c.attributes, false) }, c.pos)),
    systems: config.systems.map((s) => obj({ name: s.name, ...attributes(s.attributes, false) }, s.pos)),
    groups: config.groups.map((g) =>
      obj(
        {
          name: g.name,
          ...attributes(g.attributes, true),
          resources: g.resources.map((r) => obj({ type: r.type, name: r.name, ...attributes(r.attributes, true) }, r.pos)),
          dependencies: g.dependencies.map((d) => obj({ parent: d.parent, child: d.child }, d.pos)),
          groupDependencies: g.groupDependencies.map((d) => {
            const o: JsonObject = { group: d.group, category: d.category, location: d.location };
            if (d.rigidity !== undefined) o.rigidity = d.rigidity;
            return obj(o, d.pos);
          }),
        },
        g.pos,
      ),
    ),
    blocks: config.blocks.map((b) => obj({ keyword: b.keyword, name: b.name, ...attributes(b.attributes, false) }, b.pos)),
    types: config.types.map((t) => {
      const o: JsonObject = { name: t.name, argList: [...t.argList], attributes: t.attributes.map(typeAttr) };
      if (t.keywords) {
        const k = dict();
        for (const kw of t.keywords) k[kw.name] = valueToJson(kw.value);
        o.keywords = k;
      }
      return obj(o, t.pos);
    }),
  };
}
