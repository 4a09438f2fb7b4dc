/** Shared by benchmarks: write the figures where bench/run.ts collects them. */
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
