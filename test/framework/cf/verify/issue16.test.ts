/**
 * Issue 16: no false errors on real clusters, and a linter that fits CI.
 * Each test here failed before the change it covers.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../../../framework/cf/cli.js';
import type { CliIo } from '../../../../framework/cf/cli/common.js';
import { verifyPath } from '../../../../framework/cf/verify/verify.js';

const tmp = mkdtempSync(join(tmpdir(), 'vcscf-issue16-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function run(args: string[], stdin = '') {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s), readStdin: () => stdin };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

let n = 0;
/** Writes files into a fresh directory; returns the directory. */
function scratch(files: Record<string, string>): string {
  const dir = join(tmp, `d${n++}`);
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

const codes = (file: string, opts = {}) => verifyPath(file, opts).findings.map((f) => `${f.line}: ${f.severity} ${f.code} ${f.message}`);

describe('nits (item 7)', () => {
  it('fmt and json report a syntax error with the code verify uses', async () => {
    const dir = scratch({ 'main.cf': 'group g (\n\tA = "x\n\t)\n' });
    const fmt = await run(['fmt', join(dir, 'main.cf')]);
    const json = await run(['json', join(dir, 'main.cf')]);
    const verify = await run(['verify', join(dir, 'main.cf')]);
    for (const out of [fmt.stderr, json.stderr, verify.stdout]) expect(out).toMatch(/main\.cf:2:6: error VCF001 unterminated string/);
  });

  it('fmt --check says error, never names a line past the end, and suggests nothing impossible for -', async () => {
    const dir = scratch({ 'main.cf': 'group g (\n\t)' }); // no final newline: the difference is on line 2
    const r = await run(['fmt', join(dir, 'main.cf'), '--check']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/main\.cf:2:1: error VCSPVM_CF_NOT_CANONICAL /);
    const s = await run(['fmt', '-', '--check'], 'group g (\n)\n');
    expect(s.code).toBe(1);
    expect(s.stderr).not.toContain('--write -');
    expect(s.stderr).toContain('vcscf fmt -');
  });

  it('vcscf help verify prints the help of verify', async () => {
    const r = await run(['help', 'verify']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: vcscf verify /);
  });

  it('names the system an Application lacks its monitor attributes on', () => {
    const dir = scratch({
      'main.cf':
        'include "types.cf"\ncluster c ( )\nsystem a ( )\nsystem b ( )\ngroup g (\n\tSystemList = { a = 0, b = 1 }\n\t)\n\tApplication app (\n\t\tStartProgram = "/s"\n\t\tStopProgram = "/t"\n\t\tMonitorProcesses @a = { "/d" }\n\t\t)\n',
    });
    expect(codes(join(dir, 'main.cf')).filter((l) => l.includes('VCF401'))).toEqual([
      '8: error VCF401 Application app requires one of MonitorProgram, PidFiles, MonitorProcesses for b',
    ]);
    // Different attributes on different systems: each system has one, nothing is missing.
    const ok = scratch({
      'main.cf':
        'include "types.cf"\ncluster c ( )\nsystem a ( )\nsystem b ( )\ngroup g (\n\tSystemList = { a = 0, b = 1 }\n\t)\n\tApplication app (\n\t\tStartProgram = "/s"\n\t\tStopProgram = "/t"\n\t\tMonitorProcesses @a = { "/d" }\n\t\tPidFiles @b = { "/p" }\n\t\t)\n',
    });
    expect(codes(join(ok, 'main.cf')).filter((l) => l.includes('VCF401'))).toEqual([]);
  });
});
