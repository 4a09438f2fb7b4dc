/**
 * Problems found while reading the configuration (the loader reports them;
 * these rules give them codes, severities and a place in the rule table).
 * A file with syntax errors is still verified: the other rules run on what
 * parsed.
 */
import { ruleCodeOf } from '../../diagnostics.js';
import { editDistance } from '../../enums.js';
import type { Rule } from '../finding.js';

/** The named blocks main.cf has besides cluster, system, group and type. */
const OTHER_BLOCKS = ['remotecluster', 'heartbeat', 'site'];
const ALL_BLOCKS = ['include', 'cluster', 'system', 'group', 'type', ...OTHER_BLOCKS];

/** The keyword `word` is most likely a misspelling of (at most two edits away), if any. */
function closestKeyword(word: string): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const k of ALL_BLOCKS) {
    const d = editDistance(word.toLowerCase(), k);
    if (d < bestDistance) (best = k), (bestDistance = d);
  }
  return best;
}

/** The rule a loader error belongs to (one table for every command: diagnostics.ts). */
export const ruleOfLoadError = ruleCodeOf;

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
    description:
      'every include names a file (relative to the including file, else a types.cf shipped in types-cf/); one the repository merely lacks is a warning, one certainly wrong (empty, a directory, another case) an error',
    check: reportedByLoader,
  },
  {
    code: 'VCF003',
    name: 'unknown-block',
    severity: 'error',
    description: 'a block outside any group is cluster, system, group, type, remotecluster, heartbeat or site (a resource follows its group)',
    check(ctx, report) {
      for (const b of ctx.config.blocks) {
        if (OTHER_BLOCKS.includes(b.keyword.toLowerCase())) continue;
        const near = closestKeyword(b.keyword);
        report(
          b.pos,
          near
            ? `unknown block keyword ${b.keyword} (did you mean ${near}?)`
            : `${b.keyword} ${b.name} ( ... ) is not a main.cf block: a resource must follow the group it belongs to`,
        );
      }
    },
  },
  {
    code: 'VCF004',
    name: 'suppression',
    severity: 'warning',
    description: 'a vcscf-disable-next-line comment names existing rule codes or names',
    check: reportedByLoader,
  },
  {
    code: 'VCF005',
    name: 'include-cycle',
    severity: 'warning',
    description: 'no file includes itself, directly or through other includes (hacf reads each file once)',
    check: reportedByLoader,
  },
];
