/** Shared by benchmarks: timing, statistics, and writing the figures where bench/run.ts collects them. */
import { writeFileSync } from 'node:fs';

export function writeFigures(figures: Record<string, unknown>): void {
  const path = process.env.BENCH_RESULT;
  if (path) writeFileSync(path, JSON.stringify(figures));
}

/** Percentile of an already sorted array (nearest rank). */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

/** The median of unsorted values (the upper one of the middle two for an even count). */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Runs `fn` once: how long it took in milliseconds, and what it returned. */
export function time<T>(fn: () => T): [number, T] {
  const t0 = process.hrtime.bigint();
  const v = fn();
  return [Number(process.hrtime.bigint() - t0) / 1e6, v];
}
