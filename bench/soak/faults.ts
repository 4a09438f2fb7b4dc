/**
 * The soak's schedule: a seeded random generator (mulberry32, so a seed
 * replays a run's choices) and the catalogue of faults and administrator
 * actions, each with the way it is undone at the end of its round.
 */

export type Rng = () => number;

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
export function rngOf(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!;
export const between = (rng: Rng, lo: number, hi: number): number => lo + Math.floor(rng() * (hi - lo + 1));

/** What a round can do, with its weight in the draw. */
export const FAULTS = [
  ['hmc-down', 3],
  ['hmc-hang', 2],
  ['hmc-slow', 3],
  ['hmc-lose-system', 3],
  ['vios-down', 3],
  ['lpar-crash', 4],
  ['boot-hang', 3],
  ['system-disconnect', 2],
  ['forced-onlines', 4],
  ['broker-killed', 2],
  ['lpm-outside-vcs', 2],
  ['admin-switch', 3],
  ['admin-migrate', 2],
  ['admin-offline-online', 2],
  ['quiet', 2],
] as const;

export type FaultKind = (typeof FAULTS)[number][0];

export function drawFault(rng: Rng, allowed?: ReadonlySet<FaultKind>): FaultKind {
  const pool = FAULTS.filter(([k]) => !allowed || allowed.has(k));
  const total = pool.reduce((n, [, w]) => n + w, 0);
  let x = rng() * total;
  for (const [k, w] of pool) {
    x -= w;
    if (x < 0) return k;
  }
  return pool[pool.length - 1]![0];
}
