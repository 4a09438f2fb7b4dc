/**
 * The package's version, for every command's `--version`: read from the
 * package.json of the tree this module runs from (dist/framework/ or
 * framework/), found by walking up from here; or from `root` when the
 * caller knows it.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function packageVersion(root?: string): string {
  const dirs = root !== undefined ? [root] : ancestors(dirname(fileURLToPath(import.meta.url)));
  for (const dir of dirs) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
      if (root !== undefined || pkg.name === 'vcs-powervm') return String(pkg.version ?? 'unknown');
    } catch {
      // not here: one level up
    }
  }
  return 'unknown';
}

function ancestors(dir: string): string[] {
  const out: string[] = [];
  for (let d = dir, i = 0; i < 4; i++, d = dirname(d)) out.push(d);
  return out;
}
