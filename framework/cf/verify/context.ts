/**
 * What every rule needs to look up, computed once per run: types by name,
 * the attributes VCS defines, resources by name, each group's SystemList.
 * Rules stay small because the lookups live here.
 */
import { NEWEST_RELEASE, type VcsRelease } from '../releases.js';
import {
  builtinAttribute,
  builtinIndex,
  type BuiltinScope,
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

/** An object with attributes, and the way its attribute names resolve. */
export class Owner {
  constructor(
    /** `cluster`, `system`, `group`, `remotecluster`, ... or the resource's type. */
    readonly kind: string,
    readonly name: string,
    readonly attributes: AttributeAssignment[],
    readonly lookup: (name: string) => TypeAttributeDef | undefined,
    /** The group of a resource, or the group itself. */
    readonly group?: GroupDef,
    /** Set for a resource: its attributes are judged only when its type is defined. */
    readonly resource?: ResourceDef,
  ) {}

  get what(): string {
    return `${this.kind} ${this.name}`;
  }
}

/** One attribute assignment with its owner and definition (undefined: unknown). */
export interface AttrRef {
  owner: Owner;
  a: AttributeAssignment;
  def: TypeAttributeDef | undefined;
}

/**
 * Facts about every attribute assignment, gathered in one walk: a 10,000
 * resource model is large, and walking it once per rule costs more than the
 * rules themselves. Rules judge these facts; they do not walk again.
 */
export interface AttributeFacts {
  owners: Owner[];
  /** Assignments with no definition (resources of undefined types excluded). */
  unknown: AttrRef[];
  /** Defined assignments whose value needs a kind or range check (all but string scalars). */
  checkable: AttrRef[];
  /** Static attributes set on a resource. */
  staticOnResource: AttrRef[];
  /** Temp attributes given a value. */
  temp: AttrRef[];
  /** A second assignment of the same attribute (and system) in one object, with the first. */
  duplicates: { ref: AttrRef; first: AttributeAssignment }[];
  /** Per-system (`Attr@sys`) assignments. */
  local: AttrRef[];
}

export class VerifyContext {
  /** First definition of each type (a later duplicate is a finding, not a replacement). */
  readonly types = new Map<string, TypeDef>();
  readonly systems = new Set<string>();
  /** Every resource of that name, across groups (more than one is a finding). */
  readonly resources = new Map<string, ResourceRef[]>();
  /** Remote clusters (`remotecluster` blocks) and the local one(s). */
  readonly clusters = new Set<string>();
  private readonly typeAttrs = new Map<string, Map<string, TypeAttributeDef>>();
  /** Per group: its resources by type, and its SystemList (computed once: many rules ask). */
  private readonly groupTypes = new Map<GroupDef, Map<string, ResourceDef[]>>();
  private readonly systemLists = new Map<GroupDef, string[] | undefined>();
  /** Groups holding resources of a type, with those resources. */
  private readonly typeGroups = new Map<string, { group: GroupDef; resources: ResourceDef[] }[]>();

  /** The VCS release the configuration is checked for. */
  readonly release: VcsRelease;
  /** Files read from the bundled types in place of the configuration's own. */
  readonly fallbackFiles: ReadonlySet<string>;

  /**
   * Includes that name no file here and are not named like a types file: a
   * system, group or cluster defined nowhere may be in one of them.
   */
  readonly openIncludes: readonly string[];

  constructor(readonly config: Config, opts: { release?: VcsRelease; fallbackFiles?: ReadonlySet<string>; openIncludes?: readonly string[] } = {}) {
    this.release = opts.release ?? NEWEST_RELEASE;
    this.fallbackFiles = opts.fallbackFiles ?? new Set();
    this.openIncludes = opts.openIncludes ?? [];
    for (const t of config.types) {
      if (this.types.has(t.name)) continue;
      this.types.set(t.name, t);
      this.typeAttrs.set(t.name, byName(t.attributes));
    }
    for (const s of config.systems) this.systems.add(s.name);
    for (const c of config.clusters) this.clusters.add(c.name);
    for (const b of config.blocks) if (b.keyword.toLowerCase() === 'remotecluster') this.clusters.add(b.name);
    for (const group of config.groups) {
      const byType = new Map<string, ResourceDef[]>();
      for (const resource of group.resources) {
        const refs = this.resources.get(resource.name);
        if (refs) refs.push({ resource, group });
        else this.resources.set(resource.name, [{ resource, group }]);
        const same = byType.get(resource.type);
        if (same) same.push(resource);
        else byType.set(resource.type, [resource]);
      }
      this.groupTypes.set(group, byType);
      for (const [type, resources] of byType) {
        const list = this.typeGroups.get(type);
        if (list) list.push({ group, resources });
        else this.typeGroups.set(type, [{ group, resources }]);
      }
      const a = group.attributes.find((x) => x.name === 'SystemList' && x.system === undefined);
      this.systemLists.set(group, a ? keysOf(a.value) : undefined);
    }
  }

  /**
   * For a finding about a name defined nowhere: whether an include that is
   * not here may define it (then the finding is a warning), and the words saying so.
   */
  get mayBeInMissingInclude(): { warn: boolean; note: string } {
    const n = this.openIncludes;
    const which = n.length === 1 ? `"${n[0]}", which is` : `one of ${n.map((p) => `"${p}"`).join(', ')}, which are`;
    return n.length ? { warn: true, note: ` (or it is in ${which} not here)` } : { warn: false, note: '' };
  }

  /** Groups that hold resources of `typeName`, with those resources, in source order. */
  groupsWithType(typeName: string): readonly { group: GroupDef; resources: ResourceDef[] }[] {
    return this.typeGroups.get(typeName) ?? [];
  }

  private facts?: AttributeFacts;

  /** The attribute facts, gathered on first use. */
  get attributeFacts(): AttributeFacts {
    return (this.facts ??= this.gatherFacts());
  }

  private gatherFacts(): AttributeFacts {
    const f: AttributeFacts = { owners: [], unknown: [], checkable: [], staticOnResource: [], temp: [], duplicates: [], local: [] };
    const add = (o: Owner) => {
      f.owners.push(o);
      const attrs = o.attributes;
      const judged = !o.resource || this.types.has(o.resource.type);
      for (let i = 0; i < attrs.length; i++) {
        const a = attrs[i]!;
        const def = o.lookup(a.name);
        let dupOf: AttributeAssignment | undefined;
        // Objects set a handful of attributes: a pairwise scan allocates nothing.
        for (let j = 0; j < i; j++) {
          const b = attrs[j]!;
          if (b.name === a.name && b.system === a.system) {
            dupOf = b;
            break;
          }
        }
        const local = a.system !== undefined;
        const unknown = !def && judged;
        // A resource of an undefined type: its own definition could give any name any kind.
        const checkable =
          judged && def !== undefined && !(def.dimension === 'scalar' && a.value.kind === 'scalar' && (def.base === 'str' || def.base === 'i18nstr'));
        const isStatic = def !== undefined && o.resource !== undefined && def.static;
        const temp = def?.temp === true;
        // A ref is allocated only for an assignment some rule looks at: most are plain string scalars.
        if (!(local || dupOf || unknown || checkable || isStatic || temp)) continue;
        const ref: AttrRef = { owner: o, a, def };
        if (local) f.local.push(ref);
        if (dupOf) f.duplicates.push({ ref, first: dupOf });
        if (unknown) f.unknown.push(ref);
        if (checkable) f.checkable.push(ref);
        if (isStatic) f.staticOnResource.push(ref);
        if (temp) f.temp.push(ref);
      }
    };
    const cluster = (n: string) => BUILTIN.cluster.get(n);
    const system = (n: string) => BUILTIN.system.get(n);
    const group = (n: string) => BUILTIN.group.get(n);
    for (const c of this.config.clusters) add(new Owner('cluster', c.name, c.attributes, cluster));
    for (const s of this.config.systems) add(new Owner('system', s.name, s.attributes, system));
    for (const b of this.config.blocks) {
      const scope = b.keyword.toLowerCase();
      if (scope === 'remotecluster' || scope === 'heartbeat' || scope === 'site')
        add(new Owner(scope, b.name, b.attributes, (n) => builtinAttribute(scope as BuiltinScope, n)));
    }
    const byType = new Map<string, (n: string) => TypeAttributeDef | undefined>();
    for (const g of this.config.groups) {
      add(new Owner('group', g.name, g.attributes, group, g));
      for (const r of g.resources) {
        let lookup = byType.get(r.type);
        if (!lookup) {
          const type = r.type;
          lookup = (n) => this.resourceAttribute(type, n);
          byType.set(type, lookup);
        }
        add(new Owner(r.type, r.name, r.attributes, lookup, g, r));
      }
    }
    return f;
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

  /** The type's definition comes from the bundled types standing in for a missing include. */
  isFallbackType(typeName: string): boolean {
    const file = this.types.get(typeName)?.pos?.file;
    return file !== undefined && this.fallbackFiles.has(file);
  }

  /** Every attribute name `owner` may set: for "did you mean". */
  attributeNames(owner: Owner): Iterable<string> {
    if (owner.resource) {
      const own = this.typeAttrs.get(owner.resource.type)?.keys() ?? [];
      return [...own, ...BUILTIN.typeStatic.keys(), ...BUILTIN.resource.keys()];
    }
    const scope = owner.kind as BuiltinScope;
    return builtinIndex(scope).keys();
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
    if (this.systemLists.has(group)) return this.systemLists.get(group);
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
    return this.groupTypes.get(group)?.get(typeName) ?? group.resources.filter((r) => r.type === typeName);
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
  return itemsOf(v).map(String);
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
