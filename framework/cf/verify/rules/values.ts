/**
 * What depends on the VCS release and on the values VCS enumerates:
 * attributes a release lacks or types differently (releases.ts), values
 * outside an enumeration (enums.ts, with "did you mean"), and type-level
 * keywords real types.cf files carry (NameRule).
 */
import type { AttributeAssignment, Value } from '../../model.js';
import { ENUMERATIONS, nearMiss, type Enumeration } from '../../enums.js';
import { compareReleases, RELEASE_FACTS, type ReleaseFact } from '../../releases.js';
import type { Rule } from '../finding.js';
import { valueProblems } from './attributes.js';

type Scope = 'cluster' | 'system' | 'group' | 'static';

/** The release facts of an object kind that VCS defines attributes for. */
function scopeFacts(kind: string): Record<string, ReleaseFact> | undefined {
  return kind === 'cluster' || kind === 'system' || kind === 'group' ? RELEASE_FACTS[kind] : undefined;
}

function scopeEnums(kind: string): Record<string, Enumeration> | undefined {
  return kind === 'cluster' || kind === 'system' || kind === 'group' ? ENUMERATIONS[kind] : undefined;
}

function describeFact(name: string, fact: ReleaseFact): string {
  return `${name} is an attribute of VCS ${fact.since} and later`;
}

const attributeRelease: Rule = {
  code: 'VCF110',
  name: 'attribute-release',
  severity: 'warning',
  description: 'attributes VCS defines exist, in the form used, in the VCS release checked for (--vcs-version; default the newest)',
  check(ctx, report) {
    for (const o of ctx.attributeFacts.owners) {
      const facts = o.resource ? RELEASE_FACTS.static : scopeFacts(o.kind);
      if (!facts) continue;
      for (const a of o.attributes) {
        const fact = facts[a.name];
        if (!fact?.since) continue;
        // A type's own attribute of that name is the type's, not the one VCS defines.
        if (o.resource && ctx.typeAttribute(o.resource.type, a.name) !== undefined) continue;
        const def = o.lookup(a.name);
        const older = compareReleases(ctx.release, fact.since) < 0;
        const fitsBefore = fact.before !== undefined && valueProblems(fact.before, a.value).length === 0;
        const fitsNow = def !== undefined && valueProblems(def, a.value).length === 0;
        if (older && !fitsBefore)
          report(a.pos, `${o.what}: ${describeFact(a.name, fact)}; this configuration is checked for VCS ${ctx.release} (--vcs-version)`);
        else if (!older && fitsBefore && !fitsNow)
          report(
            a.pos,
            `${o.what}: ${a.name} = ${show(a.value)} is the form of VCS releases before ${fact.since}; from ${fact.since} on it is ` +
              `${def!.base} ${def!.dimension === 'association' ? 'association (e.g. { CPU = 4, Mem = 8192 })' : def!.dimension}` +
              ` (checked for VCS ${ctx.release}; --vcs-version to change)`,
          );
      }
    }
  },
};

function show(v: Value): string {
  return v.kind === 'scalar' ? String(v.value) : '{ ... }';
}

/** The values of an assignment to judge against an enumeration. */
function valuesOf(a: AttributeAssignment, e: Enumeration): string[] {
  const v = a.value;
  if (v.kind === 'scalar') return v.value === '' ? [] : [String(v.value)];
  if (!e.list) return [];
  if (v.kind === 'association') return v.entries.map((x) => x.key);
  return v.items.map(String);
}

const enumValue: Rule = {
  code: 'VCF111',
  name: 'enum-value',
  severity: 'error',
  description: 'attributes whose values VCS enumerates (ManageFaults, AutoStartPolicy, SysDownPolicy, ...) have one of those values',
  check(ctx, report) {
    const judge = (what: string, a: AttributeAssignment, e: Enumeration) => {
      for (const value of valuesOf(a, e)) {
        if (e.values.includes(value)) continue;
        const near = nearMiss(value, e.values);
        const caseOnly = near !== undefined && near.toLowerCase() === value.toLowerCase();
        const listed = `one of ${e.values.join(', ')}`;
        const msg = `${what}: ${a.name} = ${value} is not ${listed}` + (near ? ` (did you mean ${near}?)` : '');
        // A near miss is a typo; a far one may be a value the guides do not list.
        report(a.pos, msg, { warn: caseOnly || (!e.closed && near === undefined) });
      }
    };
    for (const o of ctx.attributeFacts.owners) {
      const enums = o.resource ? ENUMERATIONS.static : scopeEnums(o.kind);
      if (!enums) continue;
      for (const a of o.attributes) {
        const e = enums[a.name];
        if (!e || (o.resource && ctx.typeAttribute(o.resource.type, a.name) !== undefined)) continue;
        judge(o.what, a, e);
      }
    }
    // Static attributes given in type definitions (static str Operations = OnOff).
    for (const t of ctx.config.types)
      for (const d of t.attributes) {
        const e = ENUMERATIONS.static[d.name];
        if (e && d.default && d.static) judge(`type ${t.name}`, { name: d.name, value: d.default, pos: d.pos ?? t.pos ?? ctx.rootPos }, e);
      }
  },
};

/** Type-level keywords seen in real types.cf files (CVMTypes.cf of CFS/RAC clusters: `NameRule = ""`). */
const TYPE_KEYWORDS = new Set(['NameRule']);

const typeKeyword: Rule = {
  code: 'VCF112',
  name: 'type-keyword',
  severity: 'warning',
  description: 'a type-level setting that is not an attribute definition is one real types.cf files use (NameRule)',
  check(ctx, report) {
    for (const t of ctx.config.types)
      for (const k of t.keywords ?? []) {
        if (TYPE_KEYWORDS.has(k.name)) continue;
        const near = nearMiss(k.name, TYPE_KEYWORDS);
        report(
          k.pos,
          `type ${t.name}: ${k.name} = ... is neither an attribute definition (str, int, ... NAME) nor a known type keyword (${[...TYPE_KEYWORDS].join(', ')})` +
            (near ? ` (did you mean ${near}?)` : ''),
        );
      }
  },
};

export const rules: Rule[] = [attributeRelease, enumValue, typeKeyword];
