/**
 * `vcscf verify` behaviour: many findings at their lines, parse errors that
 * do not stop the rules, configuration directories and nested includes, the
 * types-cf fallback, --rule, suppression, output formats (SARIF validated
 * against the official 2.1.0 schema) and exit codes.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ajvDraft04 from 'ajv-draft-04';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../../../framework/cf/cli.js';
import { formatText } from '../../../../framework/cf/verify/format/text.js';
import { toSarif } from '../../../../framework/cf/verify/format/sarif.js';
import { RULES } from '../../../../framework/cf/verify/rules/index.js';
import { verifyPath } from '../../../../framework/cf/verify/verify.js';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
const behaviour = (name: string) => join(fixtures, 'behaviour', name);
const require = createRequire(import.meta.url);
// The official schema is JSON Schema draft-04: ajv-draft-04 is Ajv for that draft (CommonJS: the class is .default).
const Ajv04 = ajvDraft04.default;

async function run(args: string[], stdin?: string) {
  let out = '';
  let err = '';
  const code = await main(['verify', ...args], {
    stdout: (t) => (out += t),
    stderr: (t) => (err += t),
    readStdin: () => stdin ?? '',
  });
  return { code, out, err };
}

const scratch = mkdtempSync(join(tmpdir(), 'vcscf-verify-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('verify', () => {
  it('reports many findings in one run, each at its line', () => {
    const file = behaviour('many.cf');
    const got = verifyPath(file).findings.map((f) => `${f.line}:${f.code}`);
    expect(got).toEqual(
      expect.arrayContaining([
        '11:VCF503', // sysB shares physical server ps1 (its PhysicalServer line)
        '14:VCF501', // no SysDownPolicy
        '18:VCF505', // no VIOSName
        '20:VCF504', // one MCUser for two HMCs
        '22:VCF603', // gateway outside the subnet
        '22:VCF604', // ConfigureNetwork is not 1
      ]),
    );
    // The suppressed undefined type on line 26 is not reported.
    expect(got.filter((g) => g.startsWith('26:'))).toEqual([]);
  });

  it('still runs the rules on what parsed after a syntax error', () => {
    const r = verifyPath(behaviour('syntax-and-more.cf'));
    const codes = r.findings.map((f) => f.code);
    expect(codes).toContain('VCF001');
    expect(r.findings.find((f) => f.code === 'VCF001')!.line).toBe(15);
    expect(r.findings.find((f) => f.code === 'VCF202')?.line).toBe(10); // sysZ
    expect(r.findings.find((f) => f.code === 'VCF101')?.line).toBe(18); // Frobnicator
  });

  it('takes a configuration directory, resolving includes relative to the including file', () => {
    const r = verifyPath(join(fixtures, 'nested', 'conf'));
    expect(r.findings).toEqual([]);
    expect(r.files.some((f) => f.endsWith(join('types', 'WidgetTypes.cf')))).toBe(true);
  });

  it('falls back to the shipped types-cf/types.cf for a missing include "types.cf"', () => {
    const r = verifyPath(join(fixtures, 'nested', 'conf', 'main.cf'));
    expect(r.files.some((f) => f.endsWith(join('types-cf', 'types.cf')))).toBe(true);
  });

  it('reads standard input for PATH -', async () => {
    const text = readFileSync(behaviour('warning-only.cf'), 'utf8');
    const { code, out } = await run(['-'], text);
    expect(code).toBe(0);
    expect(out).toMatch(/^-:19:5: warning VCF505 /m);
  });

  it('loads --types files before the configuration', async () => {
    const main = join(scratch, 'uses-gadget.cf');
    writeFileSync(
      main,
      'include "types.cf"\n\ncluster c1 (\n    )\n\nsystem sysA (\n    )\n\ngroup G (\n    SystemList = { sysA = 0 }\n    )\n\n    Gadget g1 (\n        Path = "/x"\n        )\n',
    );
    // types.cf is not next to the file: the bundled one stands in, so an undefined type is only a warning.
    expect((await run([main])).out).toMatch(/:13:5: warning VCF101 /);
    const gadget = join(fixtures, 'nested', 'conf', 'types', 'GadgetTypes.cf');
    const r = await run([main, '--types', gadget]);
    expect([r.code, r.out]).toEqual([0, '']);
  });

  it('treats a group cut out of a main.cf as a fragment that includes types.cf', () => {
    const frag = join(scratch, 'fragment.cf');
    writeFileSync(frag, 'group G (\n    SystemList = { n1 = 0, n2 = 1 }\n    )\n\n    NIC nic1 (\n        Device = en0\n        )\n');
    expect(verifyPath(frag).findings).toEqual([]);
  });
});

describe('--rule and suppression', () => {
  it('turns a rule off, or changes its severity', async () => {
    const file = behaviour('warning-only.cf');
    expect((await run([file])).code).toBe(0);
    const asError = await run([file, '--rule', 'VCF505=error']);
    expect(asError.code).toBe(1);
    expect(asError.out).toMatch(/:19:5: error VCF505 /);
    const off = await run([file, '--rule', 'lpar-viosname=off']);
    expect(off.out).toBe('');
    expect(off.code).toBe(0);
  });

  it('rejects an unknown rule with exit 2', async () => {
    const r = await run([behaviour('warning-only.cf'), '--rule', 'VCF999=off']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/no verifier rule VCF999/);
    expect((await run([behaviour('warning-only.cf'), '--rule', 'VCF505=loud'])).code).toBe(2);
  });

  it('honours vcscf-disable-next-line by code, by name, and for every rule', () => {
    const base = readFileSync(behaviour('warning-only.cf'), 'utf8');
    for (const comment of [
      '// vcscf-disable-next-line VCF505',
      '// vcscf-disable-next-line lpar-viosname',
      '// vcscf-disable-next-line',
      '// vcscf-disable-next-line VCF505 -- VIOS health is watched by the NIM team',
    ]) {
      const f = join(scratch, 'suppressed.cf');
      writeFileSync(f, base.replace('    LPAR lpar1 (', `    ${comment}\n    LPAR lpar1 (`));
      expect(verifyPath(f).findings).toEqual([]);
    }
    const other = join(scratch, 'other.cf');
    writeFileSync(other, base.replace('    LPAR lpar1 (', '    // vcscf-disable-next-line VCF101\n    LPAR lpar1 ('));
    expect(verifyPath(other).findings.map((f) => f.code)).toEqual(['VCF505']);
  });
});

describe('output', () => {
  it('text: FILE:LINE:COL: severity CODE message, one line per finding', () => {
    const r = verifyPath(behaviour('many.cf'));
    const lines = formatText(r, fixtures).trimEnd().split('\n');
    expect(lines.length).toBe(r.findings.length);
    for (const l of lines) expect(l).toMatch(/^behaviour\/many\.cf:\d+:\d+: (error|warning) VCF\d{3} \S/);
  });

  it('json: the findings with counts', async () => {
    const { code, out } = await run([behaviour('many.cf'), '--format', 'json']);
    expect(code).toBe(1);
    const doc = JSON.parse(out);
    expect(doc.errors).toBeGreaterThan(0);
    expect(doc.findings[0]).toMatchObject({ code: expect.stringMatching(/^VCF/), line: expect.any(Number), column: expect.any(Number) });
  });

  it('sarif: valid against the SARIF 2.1.0 schema, with rules and located results', async () => {
    const schema = JSON.parse(readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8'));
    const ajv = new Ajv04({ strict: false, allErrors: true, validateFormats: false, unicodeRegExp: false });
    const validate = ajv.compile(schema);
    for (const file of [behaviour('many.cf'), behaviour('syntax-and-more.cf'), join(fixtures, 'nested', 'conf')]) {
      const { out } = await run([file, '--format', 'sarif']);
      const log = JSON.parse(out);
      expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
    }
    // The validator does reject a malformed log.
    expect(validate({ version: '2.1.0', runs: [{ tool: { driver: {} }, results: [{ level: 'fatal' }] }] })).toBe(false);
    const log = toSarif(verifyPath(behaviour('many.cf')), fixtures);
    const run0 = log.runs[0]!;
    expect(run0.tool.driver.rules!.map((r) => r.id)).toEqual(RULES.map((r) => r.code));
    const res = run0.results!.find((x) => x.ruleId === 'VCF504')!;
    expect(res.level).toBe('error');
    expect(res.locations![0]!.physicalLocation!.region).toEqual({ startLine: 20, startColumn: 9 });
    expect(res.locations![0]!.physicalLocation!.artifactLocation).toMatchObject({ uri: 'behaviour/many.cf', uriBaseId: 'SRCROOT' });
    expect(run0.tool.driver.rules![res.ruleIndex!]!.id).toBe('VCF504');
  });

  it('a relative PATH (the usual CI call): each file once, each finding once, SARIF still valid', () => {
    const bin = fileURLToPath(new URL('../../../../bin/vcscf', import.meta.url));
    const rel = (...args: string[]) => spawnSync(process.execPath, [bin, 'verify', 'behaviour/many.cf', ...args], { encoding: 'utf8', cwd: fixtures });
    const sarif = JSON.parse(rel('--format', 'sarif').stdout);
    const validate = new Ajv04({ strict: false, allErrors: true, validateFormats: false, unicodeRegExp: false }).compile(
      JSON.parse(readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8')),
    );
    expect(validate(sarif), JSON.stringify(validate.errors)).toBe(true);
    const uris = sarif.runs[0].artifacts.map((a: { location: { uri: string } }) => a.location.uri);
    // Relative to the repository root (--base's default), as code-scanning services want them.
    expect(uris[0]).toBe('test/framework/cf/verify/fixtures/behaviour/many.cf');
    const based = JSON.parse(rel('--format', 'sarif', '--base', fixtures).stdout);
    expect(based.runs[0].artifacts[0].location.uri).toBe('behaviour/many.cf');
    expect(new Set(uris).size).toBe(uris.length);
    const json = JSON.parse(rel('--format', 'json').stdout);
    expect(new Set(json.files).size).toBe(json.files.length);
    const lines = rel().stdout.trimEnd().split('\n');
    expect(lines.length).toBe(verifyPath(behaviour('many.cf')).findings.length);
    expect(new Set(lines).size).toBe(lines.length);
  });

  it('sarif: a clean configuration gives a valid log with no results', async () => {
    const { code, out } = await run([join(fixtures, 'nested', 'conf'), '--format', 'sarif']);
    expect(code).toBe(0);
    expect(JSON.parse(out).runs[0].results).toEqual([]);
  });
});

describe('exit codes', () => {
  it('0 clean, 0 with warnings only, 1 with errors, 2 for usage or unreadable input', async () => {
    expect((await run([join(fixtures, 'nested', 'conf')])).code).toBe(0);
    expect((await run([behaviour('warning-only.cf')])).code).toBe(0);
    expect((await run([behaviour('many.cf')])).code).toBe(1);
    expect((await run([])).code).toBe(2);
    expect((await run(['a.cf', 'b.cf'])).code).toBe(2);
    expect((await run([behaviour('many.cf'), '--format', 'xml'])).code).toBe(2);
    const missing = await run([join(scratch, 'no-such-dir')]);
    expect(missing.code).toBe(2);
    expect(missing.err).not.toMatch(/\n\s+at /); // no stack trace
  });
});

describe('bin/vcscf verify (a real process)', () => {
  const bin = fileURLToPath(new URL('../../../../bin/vcscf', import.meta.url));
  const vcscf = (...args: string[]) => spawnSync(process.execPath, [bin, 'verify', ...args], { encoding: 'utf8' });

  it('prints findings and exits 1 on errors, 0 when clean, 2 on unreadable input', () => {
    const bad = vcscf(behaviour('many.cf'));
    expect(bad.status).toBe(1);
    expect(bad.stdout).toMatch(/many\.cf:20:9: error VCF504 /);
    expect(bad.stderr).toMatch(/\d+ errors?, \d+ warnings?/);
    const clean = vcscf(join(fixtures, 'nested', 'conf'));
    // Clean: nothing on stdout; stderr says only what the configuration was judged against (always reported).
    expect([clean.status, clean.stdout]).toEqual([0, '']);
    expect(clean.stderr).toMatch(/^vcscf verify: \S+main\.cf: VCS 9\.0, AIX \(guessed from [^\n]*\n$/);
    const missing = vcscf(join(scratch, 'absent.cf'));
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/cannot read/);
    expect(missing.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('a missing include', () => {
  /** A main.cf in a directory of its own, with `includes` and the rest. */
  const mainCf = (includes: string[], rest: string) => {
    const dir = mkdtempSync(join(scratch, 'missing-'));
    const main = join(dir, 'main.cf');
    writeFileSync(main, `${includes.map((i) => `include "${i}"\n`).join('')}\ncluster c (\n)\n\nsystem s1 (\n)\n\n${rest}`);
    return main;
  };
  const shown = (main: string, opts: Parameters<typeof verifyPath>[1] = {}) => verifyPath(main, opts).findings.map((f) => `${f.line}:${f.severity} ${f.code}`);

  it('is reported once at its cause, not again as every type it would have defined', () => {
    const main = mainCf(['types.cf', 'FrobTypes.cf'], 'group g (\n    SystemList = { s1 = 0 }\n)\n\n    Frob f1 (\n        Level = 3\n    )\n');
    const r = verifyPath(main);
    expect(r.findings.map((f) => `${f.line}:${f.code}`)).toEqual(['2:VCF002']);
    expect(r.findings[0]!.message).toMatch(/^include "FrobTypes\.cf" not found \(looked in .*\); resources of types defined nowhere are not checked \(Frob\)$/);
  });

  it('of the types files VCS and agent packs install is a warning: a CI repository commits main.cf alone', () => {
    const shipped = ['CFSTypes.cf', 'CVMTypes.cf', 'OracleTypes.cf', 'Db2udbTypes.cf', 'SybaseTypes.cf', 'MultiPrivNIC.cf', 'PrivNIC.cf'];
    const main = mainCf(
      ['types.cf', ...shipped],
      'group cvm (\n    SystemList = { s1 = 0 }\n    Parallel = 1\n)\n\n    CFSMount m1 (\n        MountPoint = "/data"\n    )\n\n    CVMCluster cvm_clus (\n        CVMClustName = c\n    )\n\n    m1 requires cvm_clus\n',
    );
    expect(shown(main)).toEqual(shipped.map((_, i) => `${i + 2}:warning VCF002`));
    // Said once: the first says what goes unchecked, the others only that they are missing.
    const r = verifyPath(main);
    expect(r.findings[0]!.message).toMatch(/; resources of types defined nowhere are not checked \(CFSMount, CVMCluster\)$/);
    expect(r.findings.slice(1).every((f) => !/not checked/.test(f.message))).toBe(true);
    const bin = spawnSync(process.execPath, [fileURLToPath(new URL('../../../../bin/vcscf', import.meta.url)), 'verify', main], { encoding: 'utf8' });
    expect(bin.status).toBe(0);
    expect(bin.stderr).toMatch(/0 errors, 7 warnings/);
    // A repository that commits its types files can say so.
    expect(shown(main, { rules: { VCF002: 'error' } })).toEqual(shipped.map((_, i) => `${i + 2}:error VCF002`));
  });

  it('is an error where it is certainly wrong: an empty path, a directory, the name in another case beside it', () => {
    const main = mainCf(['types.cf', '', 'conf.d', 'oracletypes.cf', 'OracleTypse.cf'], 'group g (\n    SystemList = { s1 = 0 }\n)\n');
    const dir = join(main, '..');
    mkdirSync(join(dir, 'conf.d'));
    writeFileSync(join(dir, 'OracleTypes.cf'), 'type Oracle (\n    static str ArgList[] = { Sid }\n    str Sid\n)\n');
    const r = verifyPath(main);
    expect(r.findings.map((f) => `${f.line}:${f.severity} ${f.code} ${f.message}`)).toEqual([
      '2:error VCF002 include "" names no file: the path is empty',
      `3:error VCF002 include "conf.d" is not a regular file (${join(dir, 'conf.d')})`,
      '4:error VCF002 include "oracletypes.cf" not found: beside it is "OracleTypes.cf" (file names are case-sensitive)',
      // One edit from a file beside it is only a hint: CFSTypes.cf and CVMTypes.cf are two apart, and both real.
      expect.stringMatching(/^5:warning VCF002 include "OracleTypse\.cf" not found \(looked in .*\): did you mean "OracleTypes\.cf"\?; every resource has a type defined elsewhere$/),
    ]);
  });

  it('not named like a types file may define a system, group or cluster: what names one defined nowhere is a warning', () => {
    const rest = 'group g (\n    SystemList = { s1 = 0, s9 = 1 }\n    ClusterList = { c = 0, far = 1 }\n)\n\n    requires group db online global firm\n';
    const open = mainCf(['types.cf', 'groups.cf'], rest);
    expect(shown(open)).toEqual(['2:warning VCF002', '11:warning VCF202', '12:warning VCF801', '15:warning VCF303']);
    expect(verifyPath(open).findings[1]!.message).toBe('group g SystemList: system s9 is not defined (or it is in "groups.cf", which is not here)');
    // A types file defines types only: the same names are errors there, as with every include present.
    const typesOnly = mainCf(['types.cf', 'CFSTypes.cf'], rest);
    expect(shown(typesOnly)).toEqual(['2:warning VCF002', '11:error VCF202', '12:error VCF801', '15:error VCF303']);
  });

  it('still leaves undefined types reported when every include resolves', () => {
    const dir = mkdtempSync(join(scratch, 'undef-'));
    const main = join(dir, 'main.cf');
    writeFileSync(main, 'include "types.cf"\n\ncluster c (\n)\n\nsystem s1 (\n)\n\ngroup g (\n    SystemList = { s1 = 0 }\n)\n\n    Frob f1 (\n    )\n');
    expect(verifyPath(main).findings.map((f) => `${f.line}:${f.code}`)).toEqual(['13:VCF101']);
  });
});
