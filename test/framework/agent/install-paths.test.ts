/** Where `vcsagent install` accepts the package to live: not in npm's cache; under the temporary directory with a warning. */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkPackageHome } from '../../../framework/agent/install-paths.js';

let dir: string | undefined;
const saved = process.env.TMPDIR;
afterEach(() => {
  if (saved === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = saved;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('checkPackageHome', () => {
  it('warns of a package under the temporary directory, and of none elsewhere', () => {
    dir = mkdtempSync(join(tmpdir(), 'pkg-home-'));
    const tmp = join(dir, 'tmp');
    const pkg = join(dir, 'opt', 'vcs-powervm');
    mkdirSync(join(tmp, 'clone'), { recursive: true });
    mkdirSync(pkg, { recursive: true });
    process.env.TMPDIR = tmp;
    expect(checkPackageHome(join(tmp, 'clone'), {})).toEqual([expect.stringMatching(/^warning: the package is under .*tmp \(.*clone\), which may be cleaned; the wrappers need it to stay$/)]);
    expect(checkPackageHome(pkg, {})).toEqual([]);
  });

  it("refuses a package in npm's cache", () => {
    dir = mkdtempSync(join(tmpdir(), 'pkg-home-'));
    const cached = join(dir, '_npx', 'abc', 'node_modules', 'vcs-powervm');
    mkdirSync(cached, { recursive: true });
    expect(() => checkPackageHome(cached, {})).toThrow(/npm's cache/);
  });
});
