/** Every verifier rule, in rule-table order. Codes are stable: never renumber. */
import type { Rule } from '../finding.js';
import { rules as attributes } from './attributes.js';
import { rules as dependencies } from './dependencies.js';
import { rules as dropts } from './dropts.js';
import { rules as gco } from './gco.js';
import { rules as input } from './input.js';
import { rules as lpar } from './lpar.js';
import { rules as names } from './names.js';
import { rules as required } from './required.js';
import { rules as values } from './values.js';
import { rules as wpar } from './wpar.js';

/**
 * ContainerInfo of another platform's container (a Solaris zone, a Docker or
 * KVM container on Linux) is valid in a mixed estate; the WPAR rules
 * (VCF701, wpar.ts, owned with the WPAR agent) judge AIX's. Until wpar.ts
 * knows the other types, their ContainerInfo lines are not reported here.
 */
const OTHER_CONTAINERS = new Set(['Zone', 'Docker', 'KVM', 'LDom']);

function containerInfoOfAix(rule: Rule): Rule {
  return {
    ...rule,
    check(ctx, report) {
      const skip = new Set<string>();
      for (const g of ctx.config.groups)
        for (const a of g.attributes) {
          if (a.name !== 'ContainerInfo' || a.value.kind !== 'association') continue;
          const type = a.value.entries.find((e) => e.key === 'Type')?.value;
          if (type === undefined || type === null || !OTHER_CONTAINERS.has(String(type))) continue;
          if (ctx.resourcesOfType(g, 'WPAR').length > 0) continue; // a WPAR group: the WPAR rules apply
          skip.add(`${a.pos.file}\0${a.pos.line}`);
          for (const e of a.value.entries) if (e.pos) skip.add(`${e.pos.file}\0${e.pos.line}`);
        }
      rule.check(ctx, (pos, message, how) => {
        if (!pos || !skip.has(`${pos.file}\0${pos.line}`)) report(pos, message, how);
      });
    },
  };
}

export const RULES: readonly Rule[] = [
  ...input,
  ...attributes,
  ...values,
  ...names,
  ...dependencies,
  ...required,
  ...lpar,
  ...dropts,
  ...wpar.map((r) => (r.code === 'VCF701' ? containerInfoOfAix(r) : r)),
  ...gco,
];

const byKey = new Map<string, Rule>();
for (const r of RULES) {
  byKey.set(r.code.toUpperCase(), r);
  byKey.set(r.name.toUpperCase(), r);
}

/** The rule with this code or name (case-insensitive). */
export function findRule(codeOrName: string): Rule | undefined {
  return byKey.get(codeOrName.trim().toUpperCase());
}
