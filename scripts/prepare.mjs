#!/usr/bin/env node
/**
 * npm's `prepare`: builds dist/ and the man pages, so that what npm packs
 * carries what runs. npm runs it for `npm pack` and `npm publish`, for an
 * install from a git URL (in the clone, after installing the dev
 * dependencies) and for a plain `npm install` in a checkout.
 *
 * `npm ci` skips it: `npm test`, `npm start` and `npm run bench` build
 * first anyway, and CI (`npm ci && npm test`) would build twice.
 * Plain JavaScript, not TypeScript: it must run before anything is built.
 */
import { spawnSync } from 'node:child_process';

if (process.env.npm_command === 'ci') process.exit(0);

const npm = process.env.npm_execpath ? [process.execPath, process.env.npm_execpath] : ['npm'];
for (const script of ['build', 'build:man']) {
  const r = spawnSync(npm[0], [...npm.slice(1), 'run', '--silent', script], { stdio: ['inherit', 2, 2] });
  if (r.status !== 0) {
    process.stderr.write(`prepare: npm run ${script} failed${r.error ? `: ${r.error.message}` : ''}\n`);
    process.exit(r.status || 1);
  }
}
