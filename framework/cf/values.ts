/**
 * Reading attribute values out of the model: per-system values, plain-JS
 * accessors, type definitions and the effective value of static attributes.
 */
import { builtinAttribute } from './builtins.js';
import type { AttributeAssignment, Config, ResourceDef, Scalar, TypeAttributeDef, TypeDef, Value } from './model.js';

/**
 * The value of `name` for `system`: its per-system value (`name@system`) when
 * there is one, else the global value. Without `system`, the global value.
 * When an attribute is assigned twice, the last assignment counts, as in VCS.
 */
export function attributeValue(owner: { attributes: AttributeAssignment[] }, name: string, system?: string): Value | undefined {
  let global: Value | undefined;
  let local: Value | undefined;
  for (const a of owner.attributes) {
    if (a.name !== name) continue;
    if (a.system === undefined) global = a.value;
    else if (system !== undefined && a.system === system) local = a.value;
  }
  return local ?? global;
}

/** True when `name` has per-system values (`name@sys`) on `owner`. */
export function isLocal(owner: { attributes: AttributeAssignment[] }, name: string): boolean {
  return owner.attributes.some((a) => a.name === name && a.system !== undefined);
}

/** The systems `name` has per-system values for, in source order. */
export function localSystems(owner: { attributes: AttributeAssignment[] }, name: string): string[] {
  const out: string[] = [];
  for (const a of owner.attributes) if (a.name === name && a.system !== undefined && !out.includes(a.system)) out.push(a.system);
  return out;
}

/** A scalar's value; undefined for lists and associations. */
export function scalarOf(v: Value | undefined): Scalar | undefined {
  return v?.kind === 'scalar' ? v.value : undefined;
}

/** The items of a vector, keylist or untyped list; undefined for scalars and associations. */
export function listOf(v: Value | undefined): Scalar[] | undefined {
  if (!v) return undefined;
  if (v.kind === 'vector' || v.kind === 'keylist' || v.kind === 'list') return [...v.items];
  return undefined;
}

/**
 * An association as a plain object in source order (a key written alone maps
 * to ''). An untyped `{ a, b }` reads as keys with ''. Undefined for scalars.
 */
export function assocOf(v: Value | undefined): Record<string, Scalar> | undefined {
  if (!v) return undefined;
  if (v.kind === 'association') {
    const out: Record<string, Scalar> = {};
    for (const e of v.entries) out[e.key] = e.value ?? '';
    return out;
  }
  if (v.kind === 'list') {
    const out: Record<string, Scalar> = {};
    for (const k of v.items) out[String(k)] = '';
    return out;
  }
  return undefined;
}

/** The definition of a resource type (the first one when a type is defined twice). */
export function typeDefinition(config: Config, typeName: string): TypeDef | undefined {
  return config.types.find((t) => t.name === typeName);
}

/** The definition of one of a type's attributes, falling back to the static attributes every type has. */
export function typeAttribute(config: Config, typeName: string, attrName: string): TypeAttributeDef | undefined {
  return typeDefinition(config, typeName)?.attributes.find((a) => a.name === attrName) ?? builtinAttribute('static', attrName);
}

/**
 * The value a static attribute has for a resource: the resource's override
 * (per-system when `system` is given and there is one), else the type's
 * default, else the engine default VCS documents.
 */
export function effectiveStatic(config: Config, resource: ResourceDef, attrName: string, system?: string): Value | undefined {
  const override = attributeValue(resource, attrName, system);
  if (override) return override;
  const own = typeDefinition(config, resource.type)?.attributes.find((a) => a.name === attrName);
  if (own?.default) return own.default;
  return builtinAttribute('static', attrName)?.default;
}
