import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { main, SUBCOMMANDS } from '../../../framework/cf/cli.js';
import type { CliIo } from '../../../framework/cf/cli/common.js';

const fx = (p: string) => fileURLToPath(new URL(`./fixtures/${p}`, import.meta.url));
const repo = fileURLToPath(new URL('../../../', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'vcscf-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function run(args: string[], stdin = '') {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s), readStdin: () => stdin };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

const NOT_CANONICAL = 'group g ( SystemList = { a, b } )\n    NIC n ( Device = en0 )\n';

function scratch(name: string, content: string): string {
  const dir = join(tmp, name);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'main.cf');
  writeFileSync(file, content);
  return file;
}

describe('vcscf dispatcher', () => {
  it('lists its commands with --help', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    for (const s of SUBCOMMANDS) expect(r.stdout).toContain(`  ${s.name}`);
  });

  it('gives every command a --help', async () => {
    for (const s of SUBCOMMANDS) {
      const r = await run([s.name, '--help']);
      expect(r.code, s.name).toBe(0);
      expect(r.stdout, s.name).toMatch(new RegExp(`^Usage: vcscf ${s.name} PATH`));
    }
  });

  it('answers usage errors with exit 2 and one line that says what is wrong', async () => {
    const cases: [string[], RegExp][] = [
      [[], /missing COMMAND/],
      [['frob'], /unknown command frob/],
      [['fmt'], /missing PATH/],
      [['fmt', 'a', 'b'], /one PATH expected/],
      [['fmt', 'x', '--bogus'], /unknown option --bogus/],
      [['fmt', 'x', '--check', '--write'], /--check and --write/],
      [['fmt', '-', '--write'], /--write needs a file/],
      [['graph', 'x', '--format'], /--format needs a value/],
      [['graph', fx('hacf'), '--format', 'png'], /--format must be dot or mermaid/],
      [['graph', fx('hacf'), '--group', 'nosuch'], /no group nosuch/],
    ];
    for (const [args, re] of cases) {
      const r = await run(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(re);
      expect(r.stderr.trimEnd().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stdout).toBe('');
    }
  });

  it('answers unreadable input with exit 2', async () => {
    const r = await run(['json', join(tmp, 'absent.cf')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`vcscf: cannot read ${join(tmp, 'absent.cf')}: no such file or directory\n`);
    // A device would be read forever: refused at once.
    const dev = await run(['verify', '/dev/zero']);
    expect(dev).toMatchObject({ code: 2, stderr: 'vcscf: cannot read /dev/zero: not a regular file or a pipe\n' });
  });

  it('reads a pipe given as a path, as a shell gives <(command)', () => {
    // bash's process substitution names a pipe (/dev/fd/63): it is read like standard input.
    const cf = fx('hacf/main.cf');
    const seed = join(repo, 'sim', 'configs', 'seed-lpar', 'main.cf');
    const vcscf = join(repo, 'bin', 'vcscf');
    const r = spawnSync('bash', ['-c', `"${process.execPath}" "${vcscf}" fmt --check <(cat "${cf}") && "${process.execPath}" "${vcscf}" verify <(cat "${seed}")`], { encoding: 'utf8', timeout: 30_000 });
    expect(r.stderr).not.toMatch(/not a regular file/);
    expect(r.status).toBe(0);
  });
});

describe('vcscf fmt', () => {
  it('prints the canonical form of a file, a configuration directory or standard input', async () => {
    const canonical = readFileSync(fx('hacf/main.cf'), 'utf8');
    expect(await run(['fmt', fx('hacf/main.cf')])).toEqual({ code: 0, stdout: canonical, stderr: '' });
    expect((await run(['fmt', fx('hacf')])).stdout).toBe(canonical);
    expect((await run(['fmt', '-'], canonical)).stdout).toBe(canonical);
  });

  it('reports syntax errors as FILE:LINE:COL: error CODE message with a snippet, and prints nothing', async () => {
    const file = scratch('bad', 'group g (\n\tX = "open\n)\n');
    const r = await run(['fmt', file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n').slice(0, 3)).toEqual([
      `${file}:2:6: error VCF001 unterminated string (a string ends on the line it starts)`,
      '    \tX = "open',
      '    \t    ^',
    ]);
  });

  it('--check exits 0 on canonical input and 1 otherwise, saying where', async () => {
    expect(await run(['fmt', fx('hacf'), '--check'])).toEqual({ code: 0, stdout: '', stderr: '' });
    const file = scratch('check', NOT_CANONICAL);
    const r = await run(['fmt', file, '--check']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`${file}:1:1: error VCSPVM_CF_NOT_CANONICAL ${file} is not in canonical form; run vcscf fmt --write ${file}\n`);
  });

  it('--write replaces the file and keeps the old one as .previous', async () => {
    const file = scratch('write', NOT_CANONICAL);
    const r = await run(['fmt', file, '--write']);
    expect(r).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(readFileSync(`${file}.previous`, 'utf8')).toBe(NOT_CANONICAL);
    const formatted = readFileSync(file, 'utf8');
    expect(formatted).toBe((await run(['fmt', '-'], NOT_CANONICAL)).stdout);
    expect(readdirSync(join(tmp, 'write')).sort()).toEqual(['main.cf', 'main.cf.previous']);
    // Already canonical: nothing is written, the backup of the real previous version stays.
    expect((await run(['fmt', file, '--write'])).code).toBe(0);
    expect(readFileSync(`${file}.previous`, 'utf8')).toBe(NOT_CANONICAL);
  });

  it('--write keeps bytes that are not UTF-8 (a Latin-1 comment) as they were', async () => {
    const file = scratch('latin1', 'x');
    const original = Buffer.concat([Buffer.from('cluster c ( )\n// Sch'), Buffer.from([0xe9]), Buffer.from('ma\nsystem a ( )\n')]);
    writeFileSync(file, original);
    expect((await run(['fmt', file, '--write'])).code).toBe(0);
    const written = readFileSync(file);
    expect(written.includes(Buffer.from([0x53, 0x63, 0x68, 0xe9, 0x6d, 0x61]))).toBe(true); // "Sch\xe9ma"
    expect(written.includes(Buffer.from('\ufffd'))).toBe(false);
    expect(readFileSync(`${file}.previous`).equals(original)).toBe(true);
  });

  it('--write through a symlink replaces the target and keeps the link', async () => {
    const target = scratch('link', NOT_CANONICAL);
    const link = join(tmp, 'link', 'alias.cf');
    symlinkSync(target, link);
    expect((await run(['fmt', link, '--write'])).code).toBe(0);
    expect(readFileSync(link, 'utf8')).toBe(readFileSync(target, 'utf8'));
    expect(readFileSync(target, 'utf8')).not.toBe(NOT_CANONICAL);
    expect(existsSync(`${target}.previous`)).toBe(true);
  });

  it('a failed --write leaves the original untouched and no temporary files behind', async () => {
    const file = scratch('fail', NOT_CANONICAL);
    // The backup cannot be put in place: main.cf.previous is a non-empty directory.
    mkdirSync(`${file}.previous`);
    writeFileSync(join(`${file}.previous`, 'keep'), 'x');
    const r = await run(['fmt', file, '--write']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^vcscf: cannot write ${file}: `));
    expect(readFileSync(file, 'utf8')).toBe(NOT_CANONICAL);
    expect(readdirSync(join(tmp, 'fail')).sort()).toEqual(['main.cf', 'main.cf.previous']);
  });

  it('fmt output reads back to the same model (json of fmt equals json)', async () => {
    const dir = join(tmp, 'roundtrip');
    cpSync(fx('full'), dir, { recursive: true });
    const before = JSON.parse((await run(['json', dir])).stdout);
    expect((await run(['fmt', dir, '--write'])).code).toBe(0);
    const after = JSON.parse((await run(['json', dir])).stdout);
    // fmt writes resources in hacf's order (by type, then name); the rest is the same model.
    const hacfOrder = (j: { groups: { resources: { type: string; name: string }[] }[] }) =>
      j.groups.forEach((g) => g.resources.sort((a, b) => (a.type + '\0' + a.name < b.type + '\0' + b.name ? -1 : 1)));
    hacfOrder(before);
    expect(after).toEqual(before);
    expect((await run(['fmt', dir, '--check'])).code).toBe(0);
  });
});

describe('vcscf json', () => {
  it('prints the typed model, with positions on request', async () => {
    const r = await run(['json', fx('full')]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.groups[0].attributes.SystemList).toEqual({ aixmp1: 0, aixmp2: 3, aixmp3: 4 });
    expect(j.groups[0].resources[0].perSystem.VIOSName).toEqual({ aixmp1: ['vios1a', 'vios1b'], aixmp2: ['vios2a', 'vios2b'] });
    const p = JSON.parse((await run(['json', fx('full'), '--positions'])).stdout);
    expect(p.groups[0].pos).toEqual({ file: join(fx('full'), 'main.cf'), line: 33, column: 1 });
  });

  it('loads --types files first', async () => {
    const extra = join(tmp, 'extra-types.cf');
    writeFileSync(extra, 'type Extra (\n\tint N\n)\n');
    const j = JSON.parse((await run(['json', fx('hacf'), '--types', extra])).stdout);
    expect(j.types[0].name).toBe('Extra');
  });

  it('still prints what it could read when there are errors, and exits 1', async () => {
    const file = scratch('jsonerr', 'system s1\ngroup g (\n\tSystemList = { s1 = 0 }\n\tBad = \n)\n');
    const r = await run(['json', file]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).groups[0].attributes.SystemList).toEqual({ s1: 0 });
    expect(r.stderr).toMatch(/:5:1: error VCF001 expected a value for Bad/);
  });
});

describe('vcscf graph', () => {
  it('prints DOT by default and Mermaid on request', async () => {
    const dot = await run(['graph', fx('hacf')]);
    expect(dot.code).toBe(0);
    expect(dot.stdout).toMatch(/^digraph /);
    const mm = await run(['graph', fx('hacf'), '--format', 'mermaid', '--group', 'infra']);
    expect(mm.code).toBe(0);
    expect(mm.stdout).toMatch(/^flowchart TB\n/);
    expect(mm.stdout).toContain('Phantom ph');
    expect(mm.stdout).not.toContain('Application app');
  });
});

describe('a missing include, in every command', () => {
  // CFSTypes.cf is on the cluster, not in the repository; "" names no file at all.
  const withTypes = 'include "types.cf"\ninclude "CFSTypes.cf"\n\ncluster c (\n\t)\n\nsystem s1 (\n\t)\n\ngroup g (\n\tSystemList = { s1 = 0 }\n\t)\n\n\tCFSMount m1 (\n\t\tMountPoint = "/data"\n\t\t)\n\n\tIP ip1 (\n\t\tDevice = en0\n\t\tAddress = "10.0.0.5"\n\t\tNetMask = "255.255.255.0"\n\t\t)\n';
  const warning = /:2:1: warning VCF002 include "CFSTypes\.cf" not found \(looked in [^)]*\); resources of types defined nowhere are not checked \(CFSMount\)\n/;

  it('is the same warning in verify, json, graph and convert', async () => {
    const file = scratch('missing-types', withTypes);
    const verify = await run(['verify', file]);
    expect(verify.stdout).toMatch(warning);
    expect(verify.code).toBe(0);
    for (const cmd of [['json'], ['graph']]) {
      const r = await run([...cmd, file]);
      expect(r.stderr).toMatch(warning);
      expect(r.stderr).not.toMatch(/ error /);
      expect(r.code).toBe(0);
    }
    // convert reports every construct it could not convert on stderr and exits 1 then: the include is one of them, as a warning.
    const convert = await run(['convert', file, '--to', 'pcs']);
    expect(convert.stderr).toMatch(warning);
    expect(convert.stderr).not.toMatch(/error VCF002/);
    expect(convert.stdout).toContain('ip1');
  });

  it('is the same error in verify, json and convert where it is certainly wrong', async () => {
    const file = scratch('missing-empty', withTypes.replace('include "CFSTypes.cf"', 'include ""'));
    const error = /:2:1: error VCF002 include "" names no file: the path is empty\n/;
    expect((await run(['verify', file])).stdout).toMatch(error);
    for (const cmd of [['json'], ['convert', '--to', 'cib']]) {
      const r = await run([...cmd, file]);
      expect(r.stderr).toMatch(error);
      expect(r.code).toBe(1);
    }
  });
});

describe('bin/vcscf', () => {
  const bin = join(repo, 'bin', 'vcscf');
  it('runs as a process: exit codes, no stack traces', () => {
    const ok = spawnSync(process.execPath, [bin, 'fmt', fx('hacf'), '--check'], { encoding: 'utf8' });
    expect(ok.status).toBe(0);
    const bad = spawnSync(process.execPath, [bin, 'fmt', join(tmp, 'absent')], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toBe(`vcscf: cannot read ${join(tmp, 'absent')}: no such file or directory\n`);
    const garbage = spawnSync(process.execPath, [bin, 'json', '-'], { input: Buffer.from([0, 255, 123, 34, 10, 40, 41]), encoding: 'utf8' });
    expect(garbage.status).toBe(1);
    expect(garbage.stderr).not.toMatch(/\n\s+at /);
    expect(garbage.stderr).toMatch(/^-:1:1: error VCF001/);
  });

  it('writes the same bytes to a file (written directly) as to a pipe, multi-byte characters and several pieces included', () => {
    const resources = Array.from({ length: 3000 }, (_, i) => `    Process p${i} ( PathName = "/opt/caf\u00e9/\u65e5\u672c/bin/p${i}" )\n`).join('');
    const cf = scratch('stdout-file', `include "types.cf"\ncluster c ( )\nsystem s1 ( )\ngroup g ( SystemList = { s1 = 0 } AutoStartList = { s1 } )\n${resources}`);
    const piped = spawnSync(process.execPath, [bin, 'convert', cf, '--to', 'cib'], { maxBuffer: 64 * 1024 * 1024 });
    expect(piped.status, String(piped.stderr)).toBe(0);
    const file = join(tmp, 'stdout-file.xml');
    const redirected = spawnSync('sh', ['-c', `"${process.execPath}" "${bin}" convert "${cf}" --to cib > "${file}"`], { encoding: 'utf8' });
    expect(redirected.status, redirected.stderr).toBe(0);
    const written = readFileSync(file);
    expect(written.length).toBeGreaterThan(1 << 20);
    expect(written.toString('utf8')).toContain('/opt/caf\u00e9/\u65e5\u672c/bin/p2999');
    expect(written.equals(piped.stdout)).toBe(true);
  });

  it('stops quietly when its reader goes away', () => {
    const r = spawnSync('sh', ['-c', `"${process.execPath}" "${bin}" graph "${fx('hacf')}" | head -c 1 >/dev/null`], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
  });
});
