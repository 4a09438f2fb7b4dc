/**
 * hacf's type checks: resource types are defined, attributes exist for their
 * object, values have the attribute's kind, integers fit in 32 bits, static
 * attributes are overridden only where VCS allows, ArgList names attributes.
 */
import type { Scalar, SourcePos, TypeAttributeDef, Value } from '../../model.js';
import { BUILTIN, type Owner, type VerifyContext } from '../context.js';
import { nearMiss } from '../../enums.js';
import { RELEASE_FACTS, type ReleaseFact } from '../../releases.js';
import { INT32_MAX, INT32_MIN } from '../../text.js';
import type { Report, Rule } from '../finding.js';

/**
 * Static attributes that belong to the agent or the type as a whole: VCS has
 * no per-resource value for them (hares -override refuses them).
 */
export const NOT_OVERRIDABLE: ReadonlySet<string> = new Set([
  'ArgList',
  'AEPTimeout',
  'AgentClass',
  'AgentDirectory',
  'AgentFile',
  'AgentPriority',
  'AgentReplyTimeout',
  'AgentStartTimeout',
  'NumThreads',
  'Operations',
  'ScriptClass',
  'ScriptPriority',
  'SupportedActions',
]);

function describeKind(def: TypeAttributeDef): string {
  const base = def.base === 'i18nstr' ? 'str' : def.base;
  return def.dimension === 'scalar' ? `${base} scalar` : `${base} ${def.dimension}`;
}

function describeValue(v: Value): string {
  switch (v.kind) {
    case 'scalar':
      return 'a scalar';
    case 'association':
      return 'an association';
    default:
      return 'a list';
  }
}

/** Why `s` is not a valid scalar of `def`'s base kind, or undefined. */
function scalarProblem(def: TypeAttributeDef, s: Scalar): string | undefined {
  switch (def.base) {
    case 'int':
      if (typeof s === 'number' ? !Number.isInteger(s) : !/^[+-]?\d+$/.test(s))
        return `${JSON.stringify(String(s))} is not an integer`;
      return undefined;
    case 'boolean':
      if (String(s) !== '0' && String(s) !== '1') return `${JSON.stringify(String(s))} is not a boolean (0 or 1)`;
      return undefined;
    case 'float':
      if (typeof s !== 'number' && !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s))
        return `${JSON.stringify(s)} is not a number`;
      return undefined;
    default:
      return undefined;
  }
}

/** Problems of a value against its definition: kind first, then each element. */
const NONE: readonly string[] = Object.freeze([]);

export function valueProblems(def: TypeAttributeDef, v: Value): readonly string[] {
  // The common case first, allocation-free: a string scalar.
  if (v.kind === 'scalar' && def.dimension === 'scalar' && (def.base === 'str' || def.base === 'i18nstr')) return NONE;
  const problems: string[] = [];
  // Strings are built only for a problem: this runs for every value of a 10,000-resource file.
  const checkScalars = def.base === 'int' || def.base === 'boolean' || def.base === 'float';
  const scalars = (items: Iterable<Scalar>) => {
    if (!checkScalars) return;
    for (const s of items) {
      const p = scalarProblem(def, s);
      if (p) problems.push(`${p} (${def.name} is ${describeKind(def)})`);
    }
  };
  switch (def.dimension) {
    case 'scalar':
      if (v.kind !== 'scalar') return [`${def.name} is ${describeKind(def)}, but the value is ${describeValue(v)}`];
      scalars([v.value]);
      break;
    case 'vector':
    case 'keylist':
      if (v.kind === 'scalar' || v.kind === 'association') {
        if (v.kind === 'association' && v.entries.every((e) => e.value === null)) {
          scalars(v.entries.map((e) => e.key));
          break;
        }
        return [`${def.name} is ${describeKind(def)}, but the value is ${describeValue(v)}`];
      }
      scalars(v.items);
      if (def.dimension === 'keylist') {
        const seen = new Set<string>();
        for (const i of v.items) {
          const k = String(i);
          if (seen.has(k)) problems.push(`${def.name} lists ${JSON.stringify(k)} twice (a keylist holds unique keys)`);
          seen.add(k);
        }
      }
      break;
    case 'association': {
      if (v.kind === 'scalar') return [`${def.name} is ${describeKind(def)}, but the value is ${describeValue(v)}`];
      const entries =
        v.kind === 'association' ? v.entries : v.items.map((i) => ({ key: String(i), value: null as Scalar | null }));
      const seen = new Set<string>();
      for (const e of entries) {
        if (seen.has(e.key)) problems.push(`${def.name} has the key ${JSON.stringify(e.key)} twice`);
        seen.add(e.key);
        // `{ a, b = 2 }` numbers keys implicitly; only integer associations (SystemList) allow it.
        if (e.value === null) {
          if (def.base !== 'int') problems.push(`${def.name} key ${JSON.stringify(e.key)} has no value`);
        } else scalars([e.value]);
      }
      break;
    }
  }
  return problems;
}

/** Integers outside the signed 32-bit range VCS stores. */
function outOfRange(def: TypeAttributeDef, v: Value): readonly string[] {
  if (def.base !== 'int' && def.base !== 'boolean') return NONE;
  if (v.kind === 'scalar' && typeof v.value === 'number' && v.value >= INT32_MIN && v.value <= INT32_MAX) return NONE;
  const all: (Scalar | null)[] =
    v.kind === 'scalar' ? [v.value] : v.kind === 'association' ? v.entries.map((e) => e.value) : v.items;
  const out: string[] = [];
  for (const s of all) {
    if (s === null) continue;
    const text = String(s).trim();
    if (!/^[+-]?\d+$/.test(text)) continue;
    const n = Number(text);
    if (n < INT32_MIN || n > INT32_MAX || !Number.isSafeInteger(n))
      out.push(`${def.name} = ${text} is outside the 32-bit integer range ${INT32_MIN}..${INT32_MAX}`);
  }
  return out;
}

const undefinedType: Rule = {
  code: 'VCF101',
  name: 'undefined-type',
  severity: 'error',
  description: 'every resource has a type defined in main.cf or an included types file',
  check(ctx, report) {
    // A missing include (VCF002) already explains every type it would have defined:
    // one finding at the cause, not one per resource.
    if (ctx.config.includes.some((i) => i.resolved === undefined)) return;
    // Bundled types stood in for a missing include: its real file may define the type.
    const standIn = ctx.fallbackFiles.size > 0;
    for (const g of ctx.config.groups)
      for (const r of g.resources)
        if (!ctx.types.has(r.type))
          report(
            r.pos,
            `resource ${r.name} has type ${r.type}, which is not defined in main.cf or its includes` +
              (standIn ? ' (the bundled types stood in for a missing include; its real file may define it)' : ''),
            { warn: standIn },
          );
  },
};

const unknownAttribute: Rule = {
  code: 'VCF102',
  name: 'unknown-attribute',
  severity: 'error',
  description: 'every attribute exists for its type, or is a cluster, system, group or resource attribute VCS defines',
  check(ctx, report) {
    // "Did you mean" is worked out once per object kind and name (a file may repeat one name a million times).
    const near = new Map<string, string | undefined>();
    for (const { owner, a } of ctx.attributeFacts.unknown) {
      const key = `${owner.kind}\0${a.name}`;
      if (!near.has(key)) near.set(key, nearMiss(a.name, ctx.attributeNames(owner)));
      const hint = near.get(key);
      const standIn = owner.resource !== undefined && ctx.isFallbackType(owner.resource.type);
      report(
        a.pos,
        `${owner.what}: ${a.name} is not an attribute of ${owner.kind}` +
          (hint ? ` (did you mean ${hint}?)` : '') +
          (standIn ? ` (${owner.kind} is defined by the bundled types standing in for a missing include)` : ''),
        { warn: standIn },
      );
    }
  },
};

/** Every typed value: assignments of every object, and the defaults of type definitions. */
/** The value has the form an older release gave this attribute VCS defines. */
function otherReleaseForm(owner: Owner, name: string, v: Value): boolean {
  const scope = owner.resource ? 'static' : owner.kind;
  const fact = (RELEASE_FACTS as Record<string, Record<string, ReleaseFact> | undefined>)[scope]?.[name];
  return fact?.before !== undefined && valueProblems(fact.before, v).length === 0;
}

function forEachTypedValue(
  ctx: VerifyContext,
  check: (def: TypeAttributeDef, v: Value) => readonly string[],
  report: Report,
): void {
  for (const { owner, a, def } of ctx.attributeFacts.checkable) {
    const problems = check(def!, a.value);
    if (problems.length === 0) continue;
    // The form another VCS release takes (Capacity = 100 before 7.0): VCF110 says so, as a warning.
    if (otherReleaseForm(owner, a.name, a.value)) continue;
    const standIn = owner.resource !== undefined && ctx.isFallbackType(owner.resource.type) && ctx.typeAttribute(owner.resource.type, a.name) !== undefined;
    for (const p of problems) report(a.pos, `${owner.what}${a.system ? ` (${a.name}@${a.system})` : ''}: ${p}`, { warn: standIn });
  }
  for (const t of ctx.config.types)
    for (const d of t.attributes)
      if (d.default) for (const p of check(d, d.default)) report(d.pos ?? t.pos ?? ctx.rootPos, `type ${t.name}: ${p}`);
}

const valueKind: Rule = {
  code: 'VCF103',
  name: 'value-kind',
  severity: 'error',
  description: "values match the attribute's kind: int, boolean or str; scalar, vector, keylist or association",
  check(ctx, report) {
    forEachTypedValue(ctx, valueProblems, report);
  },
};

const intRange: Rule = {
  code: 'VCF104',
  name: 'int-range',
  severity: 'error',
  description: 'integer values fit in a signed 32-bit integer',
  check(ctx, report) {
    forEachTypedValue(ctx, outOfRange, report);
  },
};

const staticOverride: Rule = {
  code: 'VCF105',
  name: 'static-override',
  severity: 'error',
  description: 'a resource overrides only static attributes VCS lets a resource override (not ArgList, NumThreads, ...)',
  check(ctx, report) {
    for (const { owner, a } of ctx.attributeFacts.staticOnResource)
      if (NOT_OVERRIDABLE.has(a.name))
        report(a.pos, `${owner.what}: static attribute ${a.name} belongs to the type and cannot be set on a resource`);
  },
};

const tempAttribute: Rule = {
  code: 'VCF106',
  name: 'temp-attribute',
  severity: 'warning',
  description: 'temporary (temp) attributes are not given values in main.cf: VCS keeps them in memory only',
  check(ctx, report) {
    for (const { owner, a } of ctx.attributeFacts.temp)
      if (owner.resource) report(a.pos, `${owner.what}: ${a.name} is a temp attribute; VCS does not keep its value in main.cf`);
  },
};

const argListNames: Rule = {
  code: 'VCF107',
  name: 'arglist-attribute',
  severity: 'error',
  description: "a type's ArgList names attributes of the type (or Attr:Other for another resource's attribute)",
  check(ctx, report) {
    for (const t of ctx.config.types) {
      const own = new Set(t.attributes.map((a) => a.name));
      const argDef = t.attributes.find((a) => a.name === 'ArgList');
      const pos = argDef?.pos ?? t.pos ?? ctx.rootPos;
      for (const entry of t.argList) {
        // `Attr:Other` passes attribute Other of the resource named by Attr.
        const head = entry.includes(':') ? entry.slice(0, entry.indexOf(':')) : entry;
        if (own.has(head) || BUILTIN.resource.has(head) || BUILTIN.typeStatic.has(head)) continue;
        const near = [...own].find((n) => n.toLowerCase() === head.toLowerCase());
        // A name that differs only in case is in real types files of shipped agents
        // (Windows VCS): whether every engine refuses it is not confirmed, so it warns.
        report(
          pos,
          `type ${t.name}: ArgList names ${head}, which is not an attribute of the type` + (near ? ` (did you mean ${near}? names are case-sensitive)` : ''),
          near ? { warn: true } : undefined,
        );
      }
    }
  },
};

const duplicateType: Rule = {
  code: 'VCF108',
  name: 'duplicate-type',
  severity: 'error',
  description: 'each type is defined once, and declares each attribute once',
  check(ctx, report) {
    const first = new Map<string, SourcePos | undefined>();
    for (const t of ctx.config.types) {
      if (first.has(t.name)) {
        const p = first.get(t.name);
        report(t.pos, `type ${t.name} is defined again` + (p ? ` (first at ${p.file}:${p.line})` : ''));
      } else first.set(t.name, t.pos);
      const seen = new Set<string>();
      for (const a of t.attributes) {
        if (seen.has(a.name)) report(a.pos ?? t.pos, `type ${t.name} declares ${a.name} twice`);
        seen.add(a.name);
      }
    }
  },
};

const duplicateAssignment: Rule = {
  code: 'VCF109',
  name: 'duplicate-assignment',
  severity: 'error',
  description: 'an object sets each attribute (and each per-system value) once',
  check(ctx, report) {
    for (const { ref, first } of ctx.attributeFacts.duplicates) {
      const a = ref.a;
      const key = a.system === undefined ? a.name : `${a.name}@${a.system}`;
      report(a.pos, `${ref.owner.what}: ${key} is set twice (first at line ${first.pos.line})`);
    }
  },
};

export const rules: Rule[] = [
  undefinedType,
  unknownAttribute,
  valueKind,
  intRange,
  staticOverride,
  tempAttribute,
  argListNames,
  duplicateType,
  duplicateAssignment,
];
