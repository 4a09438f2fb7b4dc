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
import { rules as wpar } from './wpar.js';

export const RULES: readonly Rule[] = [
  ...input,
  ...attributes,
  ...names,
  ...dependencies,
  ...required,
  ...lpar,
  ...dropts,
  ...wpar,
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
