/**
 * `npm pack` of this checkout as it is built, without building it again.
 *
 * A plain `npm pack ROOT` runs npm's prepare, which rebuilds ROOT/dist while
 * the other test files run from it (their entry points then failed to load,
 * exit 2). This copies the package's files (package.json "files", dist/
 * included) into `dir`, writes the man pages there, and packs that copy with
 * scripts off.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, writeManPages } from '../../scripts/man.js';

export function packBuilt(dir: string): string {
  if (!existsSync(join(ROOT, 'dist', 'vcsagent', 'cli.js'))) throw new Error('run `npm run build` first: the package is packed from dist/');
  const copy = join(dir, 'package-src');
  mkdirSync(copy, { recursive: true });
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { files: string[] };
  cpSync(join(ROOT, 'package.json'), join(copy, 'package.json'));
  for (const entry of pkg.files) {
    if (entry.startsWith('!') || entry === 'man/') continue;
    const from = join(ROOT, entry);
    if (existsSync(from)) cpSync(from, join(copy, entry), { recursive: true });
  }
  writeManPages(join(copy, 'man'), ROOT);
  const r = spawnSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', dir], { cwd: copy, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`npm pack: exit ${r.status}\n${r.stderr}`);
  return join(dir, r.stdout.trim().split('\n').pop()!);
}
