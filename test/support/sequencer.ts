/**
 * The order test files start in. vitest's own order (files that failed last
 * time, then the longest last time, else the largest) knows nothing on a
 * clean clone, where the scenario — a small file, the longest run — would
 * start last and keep one worker busy after all the others are done. A file
 * whose first lines say `@long-running` starts first; otherwise vitest's order
 * stands.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const MARK = '@long-running';

/** Whether the file's head (its doc comment) carries the mark. */
export function isLongRunning(path: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const buf = Buffer.alloc(2048);
    const n = readSync(fd, buf, 0, buf.length, 0);
    return buf.subarray(0, n).toString('utf8').includes(MARK);
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

export class LongRunningFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const long = sorted.filter((f) => isLongRunning(f.moduleId));
    return [...long, ...sorted.filter((f) => !long.includes(f))];
  }
}
