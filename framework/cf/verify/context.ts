/**
 * What every rule needs to look up, computed once per run: types by name,
 * the attributes VCS defines, resources by name, each group's SystemList.
 * Rules stay small because the lookups live here.
 */
import {
  CLUSTER_ATTRIBUTES,
  GROUP_ATTRIBUTES,
  RESOURCE_ATTRIBUTES,
  SYSTEM_ATTRIBUTES,
  TYPE_STATIC_ATTRIBUTES,
} from '../builtins.js';
import type {
  AttributeAssignment,
  Config,
  GroupDef,
  ResourceDef,
  Scalar,
  SourcePos,
  TypeAttributeDef,
  TypeDef,
  Value,
} from '../model.js';

export interface ResourceRef {
  resource: ResourceDef;
  group: GroupDef;
}

function byName(defs: readonly TypeAttributeDef[]): Map<string, TypeAttributeDef> {
  const m = new Map<string, TypeAttributeDef>();
  for (const d of defs) if (!m.has(d.name)) m.set(d.name, d);
  return m;
}

export const BUILTIN = {
  cluster: byName(CLUSTER_ATTRIBUTES),
  system: byName(SYSTEM_ATTRIBUTES),
  group: byName(GROUP_ATTRIBUTES),
  resource: byName(RESOURCE_ATTRIBUTES),
  typeStatic: byName(TYPE_STATIC_ATTRIBUTES),
};

export class VerifyContext {
  /** First definition of each type (a later duplicate is a finding, not a replacement). */
  readonly types = new Map<string, TypeDef>();
  readonly systems = new Set<string>();
  /** Every resource of that name, across groups (more than one is a finding). */
  readonly resources = new Map<string, ResourceRef[]>();
  /** Remote clusters (`remotecluster` blocks) and the local one(s). */
  readonly clusters = new Set<string>();
  private readonly typeAttrs = new Map<string, Map<string, TypeAttributeDef>>();

  constructor(readonly config: Config) {
    for (const t of config.types) {
      if (this.types.has(t.name)) continue;
      this.types.set(t.name, t);
      this.typeAttrs.set(t.name, byName(t.attributes));
    }
    for (const s of config.systems) this.systems.add(s.name);
    for (const c of config.clusters) this.clusters.add(c.name);
    for (const b of config.blocks) if (b.keyword.toLowerCase() === 'remotecluster') this.clusters.add(b.name);
    for (const group of config.groups) {
      for (const resource of group.resources) {
        const refs = this.resources.get(resource.name);
        if (refs) refs.push({ resource, group });
        else this.resources.set(resource.name, [{ resource, group }]);
      }
    }
  }

  /** The root file's first position: where a finding without a better place goes. */
  get rootPos(): SourcePos {
    return { file: this.config.file, line: 1, column: 1 };
  }

  /**
   * A file with no `cluster` and no `system` definition is a fragment (a group
   * cut out of a main.cf, or a types file): rules that need the cluster's
   * systems do not apply to it.
   */
  get isFragment(): boolean {
    return this.config.clusters.length === 0 && this.config.systems.length === 0;
  }

  /** The definition of a type's own attribute (not the static ones VCS adds). */
  typeAttribute(typeName: string, attr: string): TypeAttributeDef | undefined {
    return this.typeAttrs.get(typeName)?.get(attr);
  }

  /**
   * What `attr` means on a resource of `typeName`: the type's own attribute,
   * else a static attribute every type has, else a resource attribute VCS
   * defines (Critical, Enabled, ...).
   */
  resourceAttribute(typeName: string, attr: string): TypeAttributeDef | undefined {
    return this.typeAttribute(typeName, attr) ?? BUILTIN.typeStatic.get(attr) ?? BUILTIN.resource.get(attr);
  }

  /** Systems of a group's SystemList in order, or undefined when it has none. */
  systemList(group: GroupDef): string[] | undefined {
    const a = group.attributes.find((x) => x.name === 'SystemList' && x.system === undefined);
    return a ? keysOf(a.value) : undefined;
  }

  /**
   * The value of a resource attribute as the engine sees it on `system`: the
   * per-system value, else the resource's value, else the type's default, else
   * the default of the static attribute VCS defines.
   */
  effectiveValue(resource: ResourceDef, attr: string, system?: string): Value | undefined {
    const own = assignmentFor(resource.attributes, attr, system);
    if (own) return own.value;
    return this.typeAttribute(resource.type, attr)?.default ?? BUILTIN.typeStatic.get(attr)?.default;
  }

  /** Resources of the group whose type is `typeName`. */
  resourcesOfType(group: GroupDef, typeName: string): ResourceDef[] {
    return group.resources.filter((r) => r.type === typeName);
  }
}

/** The per-system assignment for `system` when there is one, else the global one. */
export function assignmentFor(
  attributes: readonly AttributeAssignment[],
  name: string,
  system?: string,
): AttributeAssignment | undefined {
  let global: AttributeAssignment | undefined;
  for (const a of attributes) {
    if (a.name !== name) continue;
    if (a.system === undefined) global ??= a;
    else if (system !== undefined && a.system === system) return a;
  }
  return global;
}

/** Every assignment of `name` (global and per-system). */
export function assignmentsOf(attributes: readonly AttributeAssignment[], name: string): AttributeAssignment[] {
  return attributes.filter((a) => a.name === name);
}

/** The keys of an association, or the items of a list (SystemList may be written either way). */
export function keysOf(v: Value): string[] {
  switch (v.kind) {
    case 'association':
      return v.entries.map((e) => e.key);
    case 'vector':
    case 'keylist':
    case 'list':
      return v.items.map(String);
    case 'scalar':
      return v.value === '' ? [] : [String(v.value)];
  }
}

/** The items of a list-like value (an association gives its keys). */
export function itemsOf(v: Value): Scalar[] {
  switch (v.kind) {
    case 'association':
      return v.entries.map((e) => e.key);
    case 'vector':
    case 'keylist':
    case 'list':
      return v.items;
    case 'scalar':
      return v.value === '' ? [] : [v.value];
  }
}

/** An association as ordered [key, value, pos] entries; a list gives keys with null values. */
export function entriesOf(v: Value): { key: string; value: Scalar | null; pos?: SourcePos }[] {
  if (v.kind === 'association') return v.entries;
  if (v.kind === 'scalar') return [];
  return v.items.map((i) => ({ key: String(i), value: null }));
}

/** The scalar of a value, if it is one. */
export function scalarValue(v: Value | undefined): Scalar | undefined {
  return v?.kind === 'scalar' ? v.value : undefined;
}

/** A scalar read as an integer (numbers and integer strings), else undefined. */
export function intValue(s: Scalar | null | undefined): number | undefined {
  if (typeof s === 'number') return Number.isInteger(s) ? s : undefined;
  if (typeof s === 'string' && /^[+-]?\d+$/.test(s.trim())) return Number(s.trim());
  return undefined;
}

/** The position of an association entry when the parser kept it, else the assignment's. */
export function entryPos(a: AttributeAssignment, key: string): SourcePos {
  if (a.value.kind === 'association') {
    const e = a.value.entries.find((x) => x.key === key);
    if (e?.pos) return e.pos;
  }
  return a.pos;
}
