/**
 * VCS releases as data: which releases the verifier knows, how they compare,
 * and the attributes VCS itself defines that appeared in (or changed kind at)
 * a given release. Everything not listed here exists in every release from
 * 5.1 to 9.0 (builtins.ts).
 *
 * Sources (per fact, in docs/types-cf.md "Releases"): the Cluster Server
 * Administrator's Guides' attribute appendices (6.1 Linux apds06, 7.0 Linux
 * ch11s02s04s02 "Considerations for setting FailOverPolicy to
 * BiggestAvailable", 7.1 AIX apds06) and the 7.3 Agent Developer's Guide
 * (ch09s02s36 "Meters"). Where the guides do not say when an attribute
 * appeared, the first release whose guide lists it is used, and the
 * verifier only warns (VCF110): a release table can be wrong, a false error
 * must not follow from it.
 */
import type { TypeAttributeDef } from './model.js';

/** Known releases, oldest first. */
export const VCS_RELEASES = [
  '5.1',
  '5.1SP1',
  '6.0',
  '6.0.1',
  '6.1',
  '6.2',
  '7.0',
  '7.1',
  '7.2',
  '7.3',
  '7.3.1',
  '7.4',
  '7.4.1',
  '7.4.2',
  '8.0',
  '8.0.2',
  '9.0',
] as const;
export type VcsRelease = (typeof VCS_RELEASES)[number];

/** The release assumed when none is given: the newest. */
export const NEWEST_RELEASE: VcsRelease = VCS_RELEASES[VCS_RELEASES.length - 1]!;

/** The known release `text` names (`7.4`, `7.4.0`, `InfoScale 8.0`, `5.1sp1`), or undefined. */
export function parseRelease(text: string): VcsRelease | undefined {
  const t = text.trim().replace(/^(vcs|infoscale|sfha)\s*/i, '').toUpperCase();
  return VCS_RELEASES.find((r) => r.toUpperCase() === t || `${r}.0` === t);
}

/** Negative when `a` is older than `b`. */
export function compareReleases(a: VcsRelease, b: VcsRelease): number {
  return VCS_RELEASES.indexOf(a) - VCS_RELEASES.indexOf(b);
}

/** An attribute VCS defines that some releases lack or type differently. */
export interface ReleaseFact {
  /** First release that has the attribute in this form. */
  since?: VcsRelease;
  /** The form older releases used (before `since`), when the attribute existed already. */
  before?: TypeAttributeDef;
  /** Where the fact comes from. */
  source: string;
}

const ADM70 = 'VCS 7.0 Administrator\'s Guide (Linux), service group and system attributes, "BiggestAvailable" failover';
const ADG73 = 'VCS 7.3 Agent Developer\'s Guide (AIX), ch09s02s36 "Meters" (HostMeters, AvailableMeters)';
const ADM61 = "VCS 6.1 Administrator's Guide (Linux), appendix D cluster/system/group attributes";

function older(name: string, base: TypeAttributeDef['base']): TypeAttributeDef {
  return { name, base, dimension: 'scalar', static: false, temp: false };
}

/** Per scope (cluster, system, group, static), attribute name → release fact. */
export const RELEASE_FACTS: Record<'cluster' | 'system' | 'group' | 'static', Record<string, ReleaseFact>> = {
  cluster: {
    HostMeters: { since: '7.0', source: ADG73 },
    MeterControl: { since: '7.0', source: ADM70 },
    MeterWeight: { since: '7.0', source: ADM70 },
    Statistics: { since: '7.0', source: ADM70 },
    ProtocolNumber: { since: '7.0', source: 'a hacf-written main.cf of an InfoScale 7 cluster (issue 16); release not documented' },
    FipsMode: { since: '7.4.2', source: 'InfoScale 7.4.2 release notes (FIPS mode for VCS); release not confirmed' },
    AutoAddSystemtoCSG: { since: '6.1', source: ADM61 },
    DefaultGuestAccess: { since: '6.1', source: ADM61 },
  },
  system: {
    Capacity: { since: '7.0', before: older('Capacity', 'int'), source: ADM70 },
    AvailableCapacity: { since: '7.0', before: older('AvailableCapacity', 'int'), source: ADM70 },
    HostAvailableMeters: { since: '7.0', source: ADM70 },
    MeterRecord: { since: '7.0', source: ADM70 },
    ReservedCapacity: { since: '7.0', source: ADM70 },
    HostAvailableForecast: { since: '7.0', source: ADM70 },
  },
  group: {
    Load: { since: '7.0', before: older('Load', 'int'), source: ADM70 },
    MeterWeight: { since: '7.0', source: ADM70 },
  },
  static: {
    Meters: { since: '7.0', source: ADG73 },
    AvailableMeters: { since: '7.0', source: ADG73 },
  },
};
