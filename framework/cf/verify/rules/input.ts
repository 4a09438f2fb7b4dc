/**
 * Problems found while reading the configuration (the loader reports them;
 * these rules give them codes, severities and a place in the rule table).
 * A file with syntax errors is still verified: the other rules run on what
 * parsed.
 */
import type { Rule } from '../finding.js';

/** Loader error code → rule code. */
export const LOAD_ERROR_RULES: Record<string, string> = {
  VCSPVM_CF_SYNTAX: 'VCF001',
  VCSPVM_CF_INCLUDE: 'VCF002',
  VCSPVM_CF_VALUE: 'VCF003',
};

const reportedByLoader = (): void => {};

export const rules: Rule[] = [
  {
    code: 'VCF001',
    name: 'syntax',
    severity: 'error',
    description: 'main.cf and the files it includes follow the main.cf / types.cf grammar',
    check: reportedByLoader,
  },
  {
    code: 'VCF002',
    name: 'missing-include',
    severity: 'error',
    description: 'every include resolves (relative to the including file, else to the types.cf files shipped in types-cf/)',
    check: reportedByLoader,
  },
  {
    code: 'VCF003',
    name: 'bad-value',
    severity: 'error',
    description: 'values can be read as the type definition says (the loader could not type them)',
    check: reportedByLoader,
  },
  {
    code: 'VCF004',
    name: 'suppression',
    severity: 'warning',
    description: 'a vcscf-disable-next-line comment names existing rule codes or names',
    check: reportedByLoader,
  },
];
