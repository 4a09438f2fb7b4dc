/**
 * A finding's fingerprint: stable across `haconf -dump` (which rewrites
 * main.cf, moving lines and dropping comments), so a baseline keeps matching.
 * It hashes the rule, the file relative to the base directory and the message
 * with line and column references taken out — never the finding's position.
 */
import { createHash } from 'node:crypto';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { Finding } from './finding.js';

/** `file` relative to `base` with `/` separators (as SARIF, GitHub and GitLab want it), or as given outside it. */
export function relativeTo(file: string, base: string): string {
  if (file === '-') return file;
  const abs = isAbsolute(file) ? file : resolve(file);
  const rel = relative(base, abs);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel.split(sep).join('/') : abs;
}

export function fingerprint(f: Pick<Finding, 'code' | 'file' | 'message'>, base: string): string {
  const message = f.message.replace(/:\d+(:\d+)?\b/g, '').replace(/\bline \d+/g, 'line');
  return createHash('sha256').update(`${f.code}\0${relativeTo(f.file, base)}\0${message}`).digest('hex').slice(0, 32);
}
