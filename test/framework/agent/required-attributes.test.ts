/**
 * An agent whose constraints make an attribute required (LPAR: LPARName,
 * MCName) still runs the entry points VCS gives no ArgList: shutdown (and
 * imf_init, imf_getnotification) must not be refused for the empty
 * defaults of attributes they never read.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, VCSAGENT } from '../ocf/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'required-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('required attributes', () => {
  it('do not stop shutdown, which gets no ArgList; a resource entry point without one is still refused', () => {
    mkdirSync(join(dir, 'log'));
    const env = { ...process.env, VCS_LOG: dir, SCRIPTED_DIR: dir };
    const module = join(ROOT, 'test', 'framework', 'ocf', 'fixtures', 'scripted.mjs');
    const r = spawnSync(process.execPath, [VCSAGENT, '--module', module, '--system', 's1', 'Scripted', 'shutdown'], { env, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(readFileSync(join(dir, 'calls'), 'utf8')).toMatch(/^shutdown /);
    const m = spawnSync(process.execPath, [VCSAGENT, '--module', module, '--system', 's1', 'Scripted', 'monitor', 'r1', 'Name', '1', ''], { env, encoding: 'utf8' });
    expect(m.status).toBe(99);
    expect(m.stderr).toMatch(/attribute Name of r1/);
  });
});
