/**
 * The order test files start in: longest first, by the durations recorded in
 * test/support/durations.json (seconds per file, written from a whole run by
 * `node scripts/test-report.mjs REPORT.json --write-durations`).
 *
 * vitest's own order (files that failed last time, then the longest last
 * time, else the largest) knows nothing on a clean clone, where the scenario —
 * a small file, the longest run — would start last and keep one worker busy
 * after all the others are done. Longest first is the classic greedy schedule
 * for a fixed number of workers (each file goes to the first worker free): the
 * run ends at most one file's time after the ideal, and the files that start
 * last are the short ones.
 *
 * Files the record does not know (new ones) keep vitest's order, after the
 * known ones that take longer than a few seconds.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const here = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(here, '..', '..');
export const DURATIONS_FILE = join(here, 'durations.json');

/** A file the record does not know is taken to last this long (s): after the long ones, before the quick ones. */
const UNKNOWN_S = 3;

/** Recorded seconds by path relative to the repository; empty when the record is missing or unreadable. */
export function recordedDurations(file = DURATIONS_FILE): Map<string, number> {
  try {
    const data = JSON.parse(readFileSync(file, 'utf8')) as { files?: Record<string, unknown> };
    const out = new Map<string, number>();
    for (const [path, s] of Object.entries(data.files ?? {})) if (typeof s === 'number' && Number.isFinite(s) && s >= 0) out.set(path, s);
    return out;
  } catch {
    return new Map();
  }
}

/** `files` longest first by `seconds`; ties and unknown files keep their order (a stable sort). */
export function longestFirst<T>(files: readonly T[], seconds: (f: T) => number | undefined): T[] {
  return files
    .map((f, i) => ({ f, i, s: seconds(f) ?? UNKNOWN_S }))
    .sort((a, b) => b.s - a.s || a.i - b.i)
    .map((x) => x.f);
}

export class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const durations = recordedDurations();
    return longestFirst(sorted, (f) => durations.get(relative(ROOT, f.moduleId).split('\\').join('/')));
  }
}
