/**
 * Service group dependencies (`requires group CHILD category location
 * rigidity`) as Pacemaker constraints. The VCS semantics are those of the
 * Administrator's Guide tables "Service group dependency configurations"
 * (failover parent / failover child, and the parallel variants); each row
 * was checked with crm_simulate (test/framework/cf/convert/simulate.test.ts)
 * and is documented with its differences in docs/convert.md.
 *
 * - `local` is a colocation of the parent with the child (INFINITY):
 *   the child is placed first and the parent goes where it is.
 * - `remote` and `offline local` are an anti-colocation (-INFINITY).
 * - The order constraint starts the child first. A non-symmetrical Mandatory
 *   order (soft) lets the parent start only after the child, without
 *   restarting it when the child faults; a Mandatory one (firm, hard) also
 *   stops the parent before the child and restarts it with the child.
 * - `influence=false` keeps a faulted parent from moving its child (soft,
 *   firm); `hard` lets it (VCS: "the child fails over with the parent").
 */

export interface DependencyRule {
  colocation?: { score: 'INFINITY' | '-INFINITY'; influence: boolean };
  order?: { symmetrical: boolean };
  /** The parent's placement follows the child: its own location scores only allow nodes. */
  parentFollowsChild: boolean;
}

export const DEPENDENCY_RULES: Readonly<Record<string, DependencyRule>> = {
  'online local soft': { colocation: { score: 'INFINITY', influence: false }, order: { symmetrical: false }, parentFollowsChild: true },
  'online local firm': { colocation: { score: 'INFINITY', influence: false }, order: { symmetrical: true }, parentFollowsChild: true },
  'online local hard': { colocation: { score: 'INFINITY', influence: true }, order: { symmetrical: true }, parentFollowsChild: true },
  'online global soft': { order: { symmetrical: false }, parentFollowsChild: false },
  'online global firm': { order: { symmetrical: true }, parentFollowsChild: false },
  'online remote soft': { colocation: { score: '-INFINITY', influence: false }, order: { symmetrical: false }, parentFollowsChild: false },
  'online remote firm': { colocation: { score: '-INFINITY', influence: false }, order: { symmetrical: true }, parentFollowsChild: false },
  'offline local': { colocation: { score: '-INFINITY', influence: false }, parentFollowsChild: false },
};

export type DependencyLookup = { rule: DependencyRule; key: string; note?: string } | { unsupported: string };

/** The rule for a dependency as main.cf writes it (rigidity defaults to firm, as in VCS). */
export function dependencyRule(category: string, location: string, rigidity: string | undefined): DependencyLookup {
  if (category === 'offline') {
    if (location !== 'local') return { unsupported: `offline ${location} dependencies do not exist in VCS (only offline local), and have no Pacemaker equivalent` };
    const key = 'offline local';
    return rigidity === undefined ? { rule: DEPENDENCY_RULES[key]!, key } : { rule: DEPENDENCY_RULES[key]!, key, note: `the rigidity ${rigidity} has no meaning for an offline dependency and is ignored` };
  }
  const r = rigidity ?? 'firm';
  if (r === 'hard' && location !== 'local') {
    const key = `online ${location} firm`;
    return { rule: DEPENDENCY_RULES[key]!, key, note: `VCS supports hard only for online local; converted as ${key}` };
  }
  const key = `online ${location} ${r}`;
  const rule = DEPENDENCY_RULES[key];
  return rule ? { rule, key } : { unsupported: `${category} ${location} ${r} is not a VCS dependency` };
}
