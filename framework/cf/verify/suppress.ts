/**
 * Inline suppression: a comment on the line above a finding silences it.
 *
 *   // vcscf-disable-next-line VCF505
 *   LPAR lpar1 (
 *
 * Codes or rule names, separated by commas or spaces; none silences every
 * rule on that line. ` -- ` starts a free-text reason (as in ESLint). The comment is an ordinary main.cf comment, so hacf and
 * VCS ignore it.
 */
import { findRule } from './rules/index.js';

const DIRECTIVE = /\/\/\s*vcscf-disable-next-line\b([^\n]*)$/;

/** Per line (1-based) of the text: the codes silenced there, or '*' for all. */
export type Suppressions = Map<number, Set<string> | '*'>;

export interface SuppressionProblem {
  line: number;
  column: number;
  message: string;
}

export function parseSuppressions(text: string): { suppressions: Suppressions; problems: SuppressionProblem[] } {
  const suppressions: Suppressions = new Map();
  const problems: SuppressionProblem[] = [];
  // Lines as the lexer counts them: CR alone ends one only where no LF does.
  const lines = text.includes('\n') ? text.split(/\r?\n/) : text.split('\r');
  lines.forEach((line, i) => {
    const m = DIRECTIVE.exec(line);
    if (!m) return;
    const target = i + 2; // the next line, 1-based
    const list = m[1]!.split(/(?:^|\s)--(?:\s|$)/)[0]!;
    const words = list.split(/[\s,]+/).filter((w) => w.length > 0);
    if (words.length === 0) {
      suppressions.set(target, '*');
      return;
    }
    const codes = new Set<string>();
    for (const w of words) {
      const rule = findRule(w);
      if (rule) codes.add(rule.code);
      else problems.push({ line: i + 1, column: line.indexOf(w) + 1, message: `vcscf-disable-next-line names no rule: ${w}` });
    }
    const prev = suppressions.get(target);
    if (prev !== '*') suppressions.set(target, new Set([...(prev ?? []), ...codes]));
  });
  return { suppressions, problems };
}

export function isSuppressed(s: Suppressions | undefined, line: number, code: string): boolean {
  const entry = s?.get(line);
  return entry === '*' || (entry !== undefined && entry.has(code));
}
