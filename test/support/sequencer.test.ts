/** The order test files start in (sequencer.ts): longest first by the committed record. */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DURATIONS_FILE, longestFirst, recordedDurations } from './sequencer.js';

describe('longestFirst', () => {
  it('starts the longest first; unknown files after the long known ones, in their given order', () => {
    const s: Record<string, number> = { a: 1, b: 110, c: 30, d: 0.2 };
    expect(longestFirst(['a', 'x', 'b', 'y', 'c', 'd'], (f) => s[f])).toEqual(['b', 'c', 'x', 'y', 'a', 'd']);
  });

  it('ends a run near the ideal: 4 workers, the longest first, against the order of the record', () => {
    // The end of a run with `workers` workers, each file to the first worker free.
    const end = (order: number[], workers: number) => {
      const free = Array<number>(workers).fill(0);
      for (const d of order) {
        free.sort((x, y) => x - y);
        free[0]! += d;
      }
      return Math.max(...free);
    };
    const durations = [3, 2, 1, 1, 114, 56, 52, 44, 2, 40, 35, 4, 30, 1, 1, 28];
    const sorted = longestFirst(durations, (d) => d);
    expect(end(sorted, 4)).toBe(114);
    expect(end(durations, 4)).toBeGreaterThan(114);
  });
});

describe('the record', () => {
  it('names every test file of the suite, and only those', () => {
    const record = [...recordedDurations().keys()];
    const files = (readdirSync('test', { recursive: true }) as string[]).filter((f) => f.endsWith('.test.ts')).map((f) => `test/${f.split('\\').join('/')}`);
    // A file added since the record was written is run in vitest's order: fine, but the record should follow.
    const missing = files.filter((f) => !record.includes(f));
    const gone = record.filter((f) => !files.includes(f));
    expect(gone).toEqual([]);
    expect(missing.length).toBeLessThanOrEqual(5);
  });

  it('an unreadable or malformed record is no record (vitest order), never a failed run', () => {
    const dir = mkdtempSync(join(tmpdir(), 'seq-'));
    try {
      const bad = join(dir, 'durations.json');
      writeFileSync(bad, '{ not json');
      expect(recordedDurations(bad).size).toBe(0);
      writeFileSync(bad, JSON.stringify({ files: { 'test/a.test.ts': 'long', 'test/b.test.ts': 12 } }));
      expect([...recordedDurations(bad)]).toEqual([['test/b.test.ts', 12]]);
      expect(recordedDurations(join(dir, 'none.json')).size).toBe(0);
      expect(recordedDurations(DURATIONS_FILE).size).toBeGreaterThan(100);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
