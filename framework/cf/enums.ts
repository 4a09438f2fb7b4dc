/**
 * Attributes whose values VCS enumerates, as data. `closed`: the guides list
 * every value, so any other value is an error. An open list is one the guides
 * may not give in full (or that differs by platform): only a near miss of a
 * listed value is an error (a typo); anything else is a warning.
 *
 * Sources: VCS Administrator's Guide attribute appendices (cluster, system,
 * service group attributes; 6.1 Linux apds06 and later) and the Agent
 * Developer's Guide static attributes (Operations, *Class).
 */
export interface Enumeration {
  values: readonly string[];
  closed: boolean;
  /** A keylist: every item must be one of the values. */
  list?: boolean;
  source: string;
}

const ADM = "VCS Administrator's Guide, attribute appendix";
const ADG = "VCS Agent Developer's Guide, static attributes";

/** Scope (cluster, system, group, static) → attribute → allowed values. */
export const ENUMERATIONS: Record<'cluster' | 'system' | 'group' | 'static', Record<string, Enumeration>> = {
  cluster: {
    UseFence: { values: ['NONE', 'SCSI3'], closed: true, source: ADM },
    PreferredFencingPolicy: { values: ['Disabled', 'System', 'Group', 'Site'], closed: true, source: ADM },
    EngineShutdown: {
      values: ['Enable', 'Disable', 'DisableClusStop', 'PromptClusStop', 'PromptLocal', 'PromptAlways'],
      closed: true,
      source: ADM,
    },
    HacliUserLevel: { values: ['NONE', 'COMMANDROOT'], closed: true, source: ADM },
    CounterMissAction: { values: ['NotifyOnly', 'SyncTime'], closed: true, source: ADM },
    Statistics: { values: ['Enabled', 'MeterHostOnly', 'Disabled'], closed: true, source: ADM },
    LockMemory: { values: ['ALL', 'CURRENT', 'NONE'], closed: true, source: ADM },
    HostMonLogLvl: { values: ['ALL', 'AgentOnly', 'Disabled'], closed: true, source: ADM },
    EngineClass: { values: ['RT', 'TS'], closed: false, source: ADM },
    ProcessClass: { values: ['RT', 'TS'], closed: false, source: ADM },
    HostMeters: { values: ['CPU', 'Mem', 'Swap'], closed: false, list: true, source: ADM },
  },
  system: {},
  group: {
    AutoStartPolicy: { values: ['Order', 'Priority', 'Load'], closed: true, source: ADM },
    FailOverPolicy: { values: ['Priority', 'RoundRobin', 'Load', 'BiggestAvailable'], closed: true, source: ADM },
    ManageFaults: { values: ['ALL', 'NONE'], closed: true, source: ADM },
    ClusterFailOverPolicy: { values: ['Manual', 'Auto', 'Connected'], closed: true, source: ADM },
    SysDownPolicy: { values: ['AutoDisableNoOffline'], closed: false, list: true, source: ADM },
    Parallel: { values: ['0', '1', '2'], closed: true, source: ADM },
    AutoFailOver: { values: ['0', '1', '2'], closed: true, source: ADM },
  },
  static: {
    Operations: { values: ['OnOff', 'OnOnly', 'None'], closed: true, source: ADG },
    AgentClass: { values: ['RT', 'TS'], closed: false, source: ADG },
    ScriptClass: { values: ['RT', 'TS'], closed: false, source: ADG },
    OnlineClass: { values: ['RT', 'TS'], closed: false, source: ADG },
  },
};

/** Damerau–Levenshtein (optimal string alignment) distance: a swap of two letters is one edit. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  return d[a.length]![b.length]!;
}

/**
 * The candidate `word` most likely misspells: the same word in another case,
 * else the nearest within two edits (one for words of four letters or fewer),
 * when that nearest one is unique.
 */
export function nearMiss(word: string, candidates: Iterable<string>): string | undefined {
  const lower = word.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  let tie = false;
  for (const c of candidates) {
    if (c === word) return undefined;
    if (c.toLowerCase() === lower) return c;
    if (Math.abs(c.length - word.length) > 2) continue;
    const d = editDistance(lower, c.toLowerCase());
    if (d < bestDistance) (best = c), (bestDistance = d), (tie = false);
    else if (d === bestDistance) tie = true;
  }
  const limit = word.length <= 4 ? 1 : 2;
  return best !== undefined && bestDistance <= limit && !tie ? best : undefined;
}
