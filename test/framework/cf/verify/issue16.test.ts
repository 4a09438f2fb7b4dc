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

const LINUX_MAIN =
  'include "types.cf"\ncluster lc ( )\nsystem l1 ( )\nsystem l2 ( )\ngroup web (\n\tSystemList = { l1 = 0, l2 = 1 }\n\t)\n\tApache httpd (\n\t\thttpdDir = "/usr/sbin"\n\t\tConfigFile = "/etc/httpd/conf/httpd.conf"\n\t\t)\n\tIP vip (\n\t\tDevice = ens192\n\t\tAddress = "10.1.1.10"\n\t\tPrefixLen = 24\n\t\tIPOptions = "label ens192:1"\n\t\t)\n\tLVMVolumeGroup vg (\n\t\tVolumeGroup = datavg\n\t\t)\n\tNIC nic (\n\t\tDevice = ens192\n\t\tMii = 0\n\t\t)\n\thttpd requires vip\n\tvip requires nic\n';

describe('releases and platforms as data (items 2, 3)', () => {
  it('takes current cluster, group and system attributes, and float associations', () => {
    const dir = scratch({
      'main.cf':
        'include "types.cf"\ncluster c (\n\tProtocolNumber = 12\n\tHostMeters = { CPU, Mem }\n\tStatistics = MeterHostOnly\n\t)\nsystem a (\n\tCapacity = { CPU = 4, Mem = 8192.5 }\n\t)\ngroup g (\n\tSystemList = { a = 0 }\n\tMeterWeight = { CPU = 60, Mem = 40 }\n\tLoad = { CPU = 0.5, Mem = 512 }\n\t)\n',
    });
    expect(codes(join(dir, 'main.cf'))).toEqual([]);
  });

  it('checks for an older release on request: newer attributes are warnings there', () => {
    const dir = scratch({ 'main.cf': 'include "types.cf"\ncluster c (\n\tHostMeters = { CPU }\n\t)\nsystem a ( )\n' });
    expect(codes(join(dir, 'main.cf'), { vcsVersion: '6.2' })).toEqual([
      '3: warning VCF110 cluster c: HostMeters is an attribute of VCS 7.0 and later; this configuration is checked for VCS 6.2 (--vcs-version)',
    ]);
  });

  it('guesses Linux from the configuration, uses the bundled Linux types for a missing types.cf, and says so on one line', async () => {
    const dir = scratch({ 'main.cf': LINUX_MAIN });
    const r = await run(['verify', join(dir, 'main.cf')]);
    expect(r.stdout).toBe('');
    expect(r.code).toBe(0);
    const context = r.stderr.split('\n').filter((l) => l.startsWith('vcscf verify:'));
    expect(context).toHaveLength(1);
    expect(context[0]).toMatch(/VCS 9\.0, Linux \(guessed from resource type LVMVolumeGroup .*bundled Linux types stand in for "types\.cf"/);
  });

  it('reports an attribute unknown only to the stand-in types as a warning, an unknown type too', () => {
    const dir = scratch({
      'main.cf': LINUX_MAIN.replace('\t\tMii = 0\n', '\t\tMii = 0\n\t\tLinkSpeed = 10\n').replace('\tNIC nic (', '\tDockerThing d (\n\t\t)\n\tNIC nic ('),
    });
    expect(codes(join(dir, 'main.cf'))).toEqual([
      '21: warning VCF101 resource d has type DockerThing, which is not defined in main.cf or its includes (the bundled types stood in for a missing include; its real file may define it)',
      '26: warning VCF102 NIC nic: LinkSpeed is not an attribute of NIC (NIC is defined by the bundled types standing in for a missing include)',
    ]);
  });

  it('accepts Solaris zones and Docker containers in ContainerInfo', () => {
    const dir = scratch({
      'main.cf':
        'include "types.cf"\ncluster c ( )\nsystem s1 ( )\ngroup zg (\n\tSystemList = { s1 = 0 }\n\tContainerInfo = { Name = z1, Type = Zone, Enabled = 1 }\n\t)\n\tZone z (\n\t\t)\ngroup dg (\n\tSystemList = { s1 = 0 }\n\tContainerInfo = { Name = c1, Type = Docker, Enabled = 1 }\n\t)\n',
    });
    expect(codes(join(dir, 'main.cf'), { platform: 'solaris' })).toEqual([]);
  });
});

describe('enumerations and did you mean (items 4, 5)', () => {
  it('catches the real mistakes of item 4 and suggests the near value', () => {
    const dir = scratch({
      'main.cf':
        'include "types.cf"\ncluster c ( )\nsystem a ( )\nsystem b ( )\nsite east (\n\tSystemList = { a, x }\n\t)\nremotecluster c (\n\tClusterAddress = "10.0.0.2"\n\t)\ngroup child (\n\tSystemList = { a = 0 }\n\t)\ngroup g (\n\tSystemList = { a = 0, b = 1 }\n\tSysDownPolicy = { AutoDisableNoOfline }\n\tAutoStartPolicy = Random\n\tManageFaults = SOME\n\tClusterFailOverPolicy = Automatic\n\t)\n\trequires group child online local firm\n\trequires group child offline local\n',
    });
    const out = codes(join(dir, 'main.cf'));
    expect(out).toContain('6: error VCF202 site east SystemList: system x is not defined');
    expect(out).toContain('8: error VCF802 remotecluster c has the name of the local cluster: a peer cluster must have a name of its own');
    expect(out).toContain('16: error VCF111 group g: SysDownPolicy = AutoDisableNoOfline is not one of AutoDisableNoOffline (did you mean AutoDisableNoOffline?)');
    expect(out).toContain('17: error VCF111 group g: AutoStartPolicy = Random is not one of Order, Priority, Load');
    expect(out).toContain('18: error VCF111 group g: ManageFaults = SOME is not one of ALL, NONE');
    expect(out).toContain('19: error VCF111 group g: ClusterFailOverPolicy = Automatic is not one of Manual, Auto, Connected');
    expect(out.some((l) => l.startsWith('22: error VCF305 group g requires group child both online'))).toBe(true);
  });

  it('suggests the attribute meant: Adress -> Address', () => {
    const dir = scratch({
      'main.cf': 'include "types.cf"\ncluster c ( )\nsystem a ( )\ngroup g (\n\tSystemList = { a = 0 }\n\t)\n\tIP ip (\n\t\tDevice = en0\n\t\tAdress = "10.0.0.1"\n\t\tNetMask = "255.0.0.0"\n\t\t)\n',
    });
    expect(codes(join(dir, 'main.cf'), { platform: 'aix' })).toContain(
      '9: warning VCF102 IP ip: Adress is not an attribute of IP (did you mean Address?) (IP is defined by the bundled types standing in for a missing include)',
    );
  });
});

describe('bounded findings (item 6)', () => {
  it('shows at most --max-findings per file, then one line, and still counts every error', async () => {
    const dir = scratch({ 'main.cf': 'cluster c (\n' + '\tA = 1\n'.repeat(20_000) + '\t)\n' });
    const r = await run(['verify', join(dir, 'main.cf'), '--max-findings', '10']);
    expect(r.code).toBe(1);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(11);
    expect(lines[10]).toMatch(/main\.cf: 39989 more findings not shown \(39989 errors, 0 warnings; --max-findings to see more\)$/);
    expect(r.stderr).toMatch(/39999 errors, 0 warnings/);
    // 20,000 unknown attributes and 19,999 repeats; the first ones in reading order are shown.
    expect(lines[0]).toMatch(/:2:2: error VCF102 cluster c: A is not an attribute of cluster/);
  });
});

describe('a linter that fits CI (item 7)', () => {
  const bad = 'include "types.cf"\ncluster c ( )\nsystem a ( )\ngroup g (\n\tSystemList = { a = 0 }\n\tManageFaults = SOME\n\t)\n';
  const good = 'include "types.cf"\ncluster c ( )\nsystem a ( )\ngroup g (\n\tSystemList = { a = 0 }\n\t)\n';

  it('verifies several PATHs, files and directories, in one run', async () => {
    const dir = scratch({ 'one/main.cf': bad, 'two/conf/main.cf': bad, 'three.cf': good });
    const r = await run(['verify', join(dir, 'one', 'main.cf'), join(dir, 'two'), join(dir, 'three.cf')]);
    expect(r.code).toBe(1);
    expect(r.stdout.trimEnd().split('\n').map((l) => l.replace(dir, 'D'))).toEqual([
      'D/one/main.cf:6:2: error VCF111 group g: ManageFaults = SOME is not one of ALL, NONE',
      'D/two/conf/main.cf:6:2: error VCF111 group g: ManageFaults = SOME is not one of ALL, NONE',
    ]);
    const none = await run(['verify', join(dir, 'empty-dir-does-not-exist')]);
    expect(none.code).toBe(2);
  });

  it('writes GitHub annotations and a GitLab code quality report with paths relative to --base', async () => {
    const dir = scratch({ 'conf/main.cf': bad });
    const gh = await run(['verify', join(dir, 'conf'), '--format', 'github', '--base', dir]);
    expect(gh.stdout).toBe('::error file=conf/main.cf,line=6,col=2,title=VCF111 enum-value::group g%3A ManageFaults = SOME is not one of ALL, NONE\n'.replace('g%3A', 'g:'));
    const gl = await run(['verify', join(dir, 'conf'), '--format', 'gitlab', '--base', dir]);
    const issues = JSON.parse(gl.stdout);
    expect(issues).toEqual([
      expect.objectContaining({ check_name: 'VCF111', severity: 'major', location: { path: 'conf/main.cf', lines: { begin: 6 } }, fingerprint: expect.stringMatching(/^[0-9a-f]{32}$/) }),
    ]);
  });

  it('gives SARIF rules a helpUri, results fingerprints, suppressed findings their suppressions, URIs relative to --base', async () => {
    const dir = scratch({ 'conf/main.cf': bad.replace('\tManageFaults', '\t// vcscf-disable-next-line VCF111\n\tManageFaults') + 'group h (\n\tSystemList = { a = 0 }\n\tManageFaults = FEW\n\t)\n' });
    const r = await run(['verify', join(dir, 'conf'), '--format', 'sarif', '--base', dir]);
    const log = JSON.parse(r.stdout);
    const run0 = log.runs[0];
    expect(run0.tool.driver.rules.every((x: { id: string; helpUri: string }) => x.helpUri.endsWith(`/docs/rules/${x.id}.md`))).toBe(true);
    expect(run0.results).toHaveLength(2);
    const [shown, silenced] = run0.results;
    expect(shown.partialFingerprints['vcscfFinding/v1']).toMatch(/^[0-9a-f]{32}$/);
    expect(shown.suppressions).toBeUndefined();
    expect(silenced.suppressions).toEqual([{ kind: 'inSource', status: 'accepted' }]);
    expect(shown.locations[0].physicalLocation.artifactLocation).toMatchObject({ uri: 'conf/main.cf', uriBaseId: 'SRCROOT' });
  });

  it('keeps rule levels and a baseline in .vcscf.json, which survive haconf -dump rewriting main.cf', async () => {
    const dir = scratch({ 'conf/main.cf': bad + 'group h (\n\t)\n' });
    const base = await run(['verify', join(dir, 'conf'), '--base', dir, '--write-baseline', join(dir, 'baseline.json')]);
    expect(base.code).toBe(0);
    writeFileSync(join(dir, '.vcscf.json'), JSON.stringify({ rules: { 'missing-systemlist': 'off' }, baseline: 'baseline.json' }));
    // haconf -dump moves lines about: the baseline still matches (fingerprints carry no line numbers).
    writeFileSync(join(dir, 'conf', 'main.cf'), '\n\n' + bad);
    const r = await run(['verify', join(dir, 'conf'), '--base', dir, '--config', join(dir, '.vcscf.json')]);
    expect([r.code, r.stdout]).toEqual([0, '']);
    // A new problem is still reported.
    writeFileSync(join(dir, 'conf', 'main.cf'), bad.replace('SOME', 'NEVER'));
    const again = await run(['verify', join(dir, 'conf'), '--base', dir, '--config', join(dir, '.vcscf.json')]);
    expect(again.code).toBe(1);
    expect(again.stdout).toContain('ManageFaults = NEVER');
    writeFileSync(join(dir, 'bad.json'), '{"rules": {"VCF111": "loud"}}');
    const wrong = await run(['verify', join(dir, 'conf'), '--config', join(dir, 'bad.json')]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/bad\.json: "rules"\."VCF111" must be off, warning or error/);
  });

  it('takes --opt=value and refuses unknown releases and platforms in one line', async () => {
    const dir = scratch({ 'main.cf': good });
    expect((await run(['verify', join(dir, 'main.cf'), '--vcs-version=7.4', '--platform=aix', '--max-findings=5'])).code).toBe(0);
    for (const args of [['--vcs-version', '4.0'], ['--platform', 'hpux'], ['--max-findings', 'many'], ['--format', 'junit']]) {
      const r = await run(['verify', join(dir, 'main.cf'), ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trimEnd().split('\n'), args.join(' ')).toHaveLength(1);
    }
  });
});
