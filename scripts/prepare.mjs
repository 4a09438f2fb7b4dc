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
import { existsSync } from 'node:fs';

if (process.env.npm_command === 'ci') process.exit(0);

const npm = process.env.npm_execpath ? [process.execPath, process.env.npm_execpath] : ['npm'];

// `npm install -g git+URL`: npm passes its global setting on to the install it runs in the clone,
// which then installs nothing locally, and there is nothing to build with. Install the build's
// dependencies here, in the clone.
if (!existsSync('node_modules/typescript/package.json')) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_config_(global|prefix|location)$/i.test(k)));
  const r = spawnSync(npm[0], [...npm.slice(1), 'install', '--include=dev', '--no-save', '--ignore-scripts', '--no-audit', '--no-fund', '--location=project'], { stdio: ['inherit', 2, 2], env });
  if (r.status !== 0) {
    process.stderr.write('prepare: cannot install the dependencies the build needs\n');
    process.exit(r.status || 1);
  }
}

for (const script of ['build', 'build:man']) {
  const r = spawnSync(npm[0], [...npm.slice(1), 'run', '--silent', script], { stdio: ['inherit', 2, 2] });
  if (r.status !== 0) {
    process.stderr.write(`prepare: npm run ${script} failed${r.error ? `: ${r.error.message}` : ''}\n`);
    process.exit(r.status || 1);
  }
}
