/**
 * What a verifier rule reports, and the shape every rule module exports.
 *
 * A rule has a stable code (`VCF101`), a readable name (`undefined-type`), a
 * default severity and a one-line description: the rule table in docs/verifier-rules.md, the
 * SARIF `tool.driver.rules` and `--rule` all read them from here.
 */
import type { SourcePos } from '../model.js';
import type { VerifyContext } from './context.js';

export type Severity = 'error' | 'warning';
export type RuleSetting = Severity | 'off';

export interface RuleMeta {
  /** Stable code, never reused: `VCF` + family digit + number. */
  readonly code: string;
  /** Stable kebab-case name; `--rule` and suppressions accept it too. */
  readonly name: string;
  readonly severity: Severity;
  /** One line: what the rule checks. */
  readonly description: string;
}

export interface Finding {
  file: string;
  line: number;
  column: number;
  severity: Severity;
  code: string;
  name: string;
  message: string;
}

/**
 * Reports one problem at a position (the root file's start when none is
 * known). `warn`: the rule is not sure (the definitions are a stand-in, the
 * guides may not list every value): an error is reported as a warning.
 */
export type Report = (pos: SourcePos | undefined, message: string, how?: { warn?: boolean }) => void;

export interface Rule extends RuleMeta {
  check(ctx: VerifyContext, report: Report): void;
}

/** Orders findings as a reader expects: by file, line, column, then code. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
    a.line - b.line ||
    a.column - b.column ||
    (a.code < b.code ? -1 : a.code > b.code ? 1 : 0) ||
    (a.message < b.message ? -1 : a.message > b.message ? 1 : 0)
  );
}
