/**
 * Problems found while reading the configuration (the loader reports them;
 * these rules give them codes, severities and a place in the rule table).
 * A file with syntax errors is still verified: the other rules run on what
 * parsed.
 */
import type { Rule } from '../finding.js';

/**
 * The rule a loader error belongs to. The parser reports integers outside 32
 * bits itself (int-range); any other value it cannot read is a value-kind
 * problem.
 */
export function ruleOfLoadError(code: string, detail: string): string {
  switch (code) {
    case 'VCSPVM_CF_INCLUDE':
      return 'VCF002';
    case 'VCSPVM_CF_VALUE':
      return /32-bit/.test(detail) ? 'VCF104' : 'VCF103';
    default:
      return 'VCF001';
  }
}

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
    code: 'VCF004',
    name: 'suppression',
    severity: 'warning',
    description: 'a vcscf-disable-next-line comment names existing rule codes or names',
    check: reportedByLoader,
  },
];
