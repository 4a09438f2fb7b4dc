/**
 * Files as the project handles them. writeFileAtomic is the one way the
 * project writes a file: the new content goes to a temporary file in the same
 * directory (flushed to disk), then is renamed over the target, so a reader
 * (VCS starting an entry point, hacf reading main.cf) sees the old file or the
 * new one, never half of one. The replaced content is kept as
 * `<file>.previous`, itself put in place by a rename. A write that fails
 * leaves the target as it was and no temporary file behind.
 */
import { accessSync, chmodSync, closeSync, constants, copyFileSync, fsyncSync, openSync, readFileSync, realpathSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { WriteError } from './errors.js';

export interface WriteOptions {
  /** Permission bits of the file. Default: those of the file replaced, else 0o644. */
  mode?: number;
  /** Keep the replaced content as `<file>.previous` (default true). */
  backup?: boolean;
  /** Flush the new content to disk before the rename (default true); off only for scratch state a crash may lose. */
  fsync?: boolean;
  /** When the path is a symbolic link, replace the file it points to and keep the link (default: replace the link). */
  throughSymlink?: boolean;
}

/** A short, human reason for a failed file operation ("permission denied"). */
export function reasonOf(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  if (err?.code === 'ENOENT') return 'no such file or directory';
  if (err?.code === 'EACCES') return 'permission denied';
  if (err?.code === 'EISDIR') return 'is a directory';
  return err?.message ?? String(e);
}

/** Whether this process may execute the file at `path`. */
export function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

let serial = 0;

/**
 * Replaces `path` with `content` atomically. Returns false when the file
 * already had this content (nothing is written; an explicit `mode` is still
 * applied), true when it was written. Throws a WriteError naming `path`.
 */
export function writeFileAtomic(path: string, content: string | Uint8Array, opts: WriteOptions = {}): boolean {
  try {
    return replace(path, typeof content === 'string' ? Buffer.from(content) : content, opts);
  } catch (e) {
    throw new WriteError(path, reasonOf(e), { cause: e });
  }
}

function replace(path: string, bytes: Uint8Array, opts: WriteOptions): boolean {
  const target = opts.throughSymlink ? ifExists(() => realpathSync(path)) ?? path : path;
  const old = ifExists(() => ({ content: readFileSync(target), mode: statSync(target).mode & 0o7777 }));
  const mode = opts.mode ?? old?.mode ?? 0o644;
  if (old?.content.equals(bytes)) {
    if (mode !== old.mode) chmodSync(target, mode);
    return false;
  }
  const suffix = `.${process.pid}.${Date.now().toString(36)}.${serial++}.tmp`;
  const tmpNew = join(dirname(target), `.${basename(target)}${suffix}`);
  const tmpOld = join(dirname(target), `.${basename(target)}.previous${suffix}`);
  try {
    const fd = openSync(tmpNew, 'wx', mode);
    try {
      for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done);
      if (opts.fsync !== false) fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    chmodSync(tmpNew, mode); // the umask narrowed the mode given to open
    if (old && opts.backup !== false) {
      copyFileSync(target, tmpOld);
      renameSync(tmpOld, `${target}.previous`);
    }
    renameSync(tmpNew, target);
  } catch (e) {
    rmSync(tmpNew, { force: true });
    rmSync(tmpOld, { force: true });
    throw e;
  }
  return true;
}

/** The result of `f`, or undefined when the file it reads does not exist. */
function ifExists<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}
