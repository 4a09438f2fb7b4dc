/**
 * Writing files the way the project writes every file: to a temporary file
 * in the same directory, then renamed over the target, so that a reader (VCS
 * starting an entry point) never sees half a file; the previous content is
 * kept as `<file>.previous` when it differs.
 */
import { chmodSync, copyFileSync, existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { WriteError } from '../errors.js';

export interface WriteOptions {
  mode?: number;
  /** Keep the old content as `<file>.previous` (default true). */
  backup?: boolean;
}

/** Returns false when the file already had this content (and mode), true when it was written. */
export function writeFileAtomic(path: string, content: string, opts: WriteOptions = {}): boolean {
  const mode = opts.mode ?? 0o644;
  let old: string | undefined;
  try {
    old = readFileSync(path, 'utf8');
  } catch {
    old = undefined;
  }
  if (old === content) {
    chmodSync(path, mode);
    return false;
  }
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, content, { mode });
    chmodSync(tmp, mode);
    if (old !== undefined && opts.backup !== false) copyFileSync(path, `${path}.previous`);
    renameSync(tmp, path);
  } catch (e) {
    if (existsSync(tmp)) rmSync(tmp, { force: true });
    throw new WriteError(path, (e as NodeJS.ErrnoException).code ?? String(e), { cause: e });
  }
  return true;
}
