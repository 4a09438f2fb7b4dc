/**
 * The main job as a user runs it: `node dist/sim/scenario/main.js` as a
 * process (hmcsim, the entry points and OpenSSH beneath it, all real), as
 * fast as the machine allows: simulated time runs at the speed that leaves
 * the shortest entry point timeout of its configurations (CleanTimeout and
 * MonitorTimeout, 60 s) a safe real-time budget on this machine now
 * (test/support/timing.ts: 6 s or more; speed 10 on a quiet machine, lower
 * when it is busy). Asserts every act's verdict, the lines that tell the
 * seed's story, and that nothing is left behind — after a full run and after
 * Ctrl-C. Needs dist/ (npm test builds). It takes about 10 s plus 900
 * s of VCS time at that speed.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { requireBuild, ROOT } from '../../bin/helpers.js';
import { calibration, shortestTimeoutS, speedFor } from '../../support/timing.js';

const MAIN = join(ROOT, 'dist', 'sim', 'scenario', 'main.js');
const CONFIGS = ['seed-lpar', 'wpar', 'dr-sites/site-a', 'dr-sites/site-b'].map((c) => join(ROOT, 'sim', 'configs', c, 'main.cf'));
/** The scenario's VCS time, all acts (about 900 s at the time of writing), with room. */
const SCENARIO_VCS_S = 1500;

interface Run {
  /** The run's own TMPDIR: empty once it is done, removed after the file. */
  tmp: string;
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Measured when the file loads, so that the test's own time limit follows from it. */
const speed = speedFor({ shortestTimeoutS: Math.min(...CONFIGS.map((c) => shortestTimeoutS(c))), max: 20, min: 4 });

const tmps: string[] = [];
beforeAll(() => {
  requireBuild();
  if (!existsSync(MAIN)) throw new Error('run `npm run build` first: dist/sim/scenario/main.js is missing');
  const c = calibration();
  console.log(`scenario at --speed ${speed} (machine slowdown ${c.slowdown}: node starts in ${c.nodeStartMs} ms, load ${c.loadPerCpu} per CPU)`);
});
afterAll(() => {
  for (const t of tmps) rmSync(t, { recursive: true, force: true });
});

/** Runs the scenario with its own TMPDIR, so what it leaves behind can be seen. */
function scenario(args: string[], opts: { interruptOn?: RegExp } = {}): Promise<Run> {
  const tmp = mkdtempSync(join(tmpdir(), 'scenario-test-'));
  tmps.push(tmp);
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [MAIN, ...args], { env: { ...process.env, TMPDIR: tmp }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let sent = false;
    p.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (opts.interruptOn && !sent && opts.interruptOn.test(stdout)) {
        sent = true;
        p.kill('SIGINT');
      }
    });
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('close', (code, signal) => resolve({ tmp, code, signal, stdout, stderr }));
  });
}

/** Processes whose command line or environment names `dir` (hmcsim, entry points: VCS_LOG, HOME...). */
function processesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      const env = readFileSync(`/proc/${pid}/environ`, 'utf8');
      if (cmd.includes(dir) || env.includes(dir)) out.push(`${pid}: ${cmd}`);
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return out;
}

/** The summary's verdict per act number. */
function verdicts(stdout: string): Record<number, string> {
  const summary = stdout.slice(stdout.lastIndexOf('== Summary'));
  const out: Record<number, string> = {};
  for (const m of summary.matchAll(/^\s+(\d+)\s+(PASS|FAIL|NOT BUILT|NOT RUN|INTERRUPTED)\s/gm)) out[Number(m[1])] = m[2]!;
  return out;
}

// The runs are independent (each its own TMPDIR, simulators on ports of their own): the short
// ones run while the full one waits on simulated time, rather than after it.
describe.concurrent('npm start: the PowerVM scenario', () => {
  it('--help prints the usage; a bad argument is a usage error', async ({ expect }) => {
    const help = await scenario(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--speed N/);
    expect(help.stdout).toMatch(/--act N/);
    const bad = await scenario(['--act', '9']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--act must be an act number from 1 to 8, not 9/);
    expect(bad.stdout).toBe('');
    const speed = await scenario(['--speed', 'fast']);
    expect(speed.code).toBe(2);
    expect(speed.stderr).toMatch(/--speed must be a number/);
  });

  it('runs every act as the seed says, and leaves nothing behind', { timeout: (SCENARIO_VCS_S / speed + 120) * 1000 }, async ({ expect }) => {
    const r = await scenario(['--speed', String(speed)]);
    const out = r.stdout;
    expect(r.code, `${out}\n${r.stderr}`).toBe(0);
    expect(verdicts(out)).toEqual({ 1: 'PASS', 2: 'PASS', 3: 'PASS', 4: 'PASS', 5: 'PASS', 6: 'PASS', 7: 'PASS', 8: 'PASS' });

    // Act 1: verified, the world from main.cf, OpenSSH to both HMCs.
    expect(out).toMatch(/\$ vcscf verify .*main\.cf\n(?:\s+vcscf verify: .*VCS 9\.0, AIX.*\n)?\s+no findings \(exit 0\)/);
    expect(out).toMatch(/managed system sys1 \(Operating\)[\s\S]*aixnode55vio1\s+Running\s+VIO server[\s\S]*aixnode5556mp2\s+Not Activated\s+managed LPAR/);
    expect(out).toMatch(/ok\s+password-less SSH to hmc7 works/);
    // Act 2: online on the first system.
    expect(out).toMatch(/aixnode55mp1 {2}aixnode5556mp2 \(LPAR, group LPAR_aixnode5556mp2\): OFFLINE -> ONLINE \(VCS initiated\)/);
    // Act 3: crash, clean, restart in place.
    expect(out).toMatch(/HMC: aixnode5556mp2 is Error \(reference code B2001230/);
    expect(out).toMatch(/aixnode55mp1 {2}aixnode5556mp2: clean \(reason 4, unexpected-offline\) succeeded/);
    expect(out).toMatch(/restarting \(attempt 1 of RestartLimit 1\)/);
    // Act 4: one VIOS, no failover; both, fault and failover to sys2.
    expect(out).toMatch(/VIO server\(s\) of aixnode5556mp2 down, but aixnode55vio2 still serve: no failover/);
    expect(out).toMatch(/aixnode55mp1 {2}aixnode5556mp2 \(LPAR, group LPAR_aixnode5556mp2\): ONLINE -> FAULTED/);
    expect(out).toMatch(/aixnode56mp1 {2}aixnode5556mp2 \(LPAR, group LPAR_aixnode5556mp2\): OFFLINE -> ONLINE \(VCS initiated\)/);
    expect(out).toMatch(/HMC: aixnode5556mp2 is Running on sys2, Not Activated on sys1/);
    // Act 5: hmc6 down, hmc7 serves.
    expect(out).toMatch(/HMC hmc7 serves this request/);
    expect(out).toMatch(/hmc6 \[down\]: 0 logins, 0 commands\n\s+hmc7: [1-9]\d* logins?,/);
    // Act 6: through VCS, then outside VCS.
    expect(out).toMatch(/ok\s+the HMC ran migrlpar \(validate, then migrate: \d+ calls\)/);
    expect(out).toMatch(/: HMC \+\S+ s {2}sys1: aixnode5556mp2 (appears|Not Activated) -> /);
    expect(out).toMatch(/aixnode56mp1 {2}aixnode5556mp2 \(LPAR, group LPAR_aixnode5556mp2\): ONLINE -> OFFLINE \(migrated away\)/);
    expect(out).toMatch(/aixnode55mp1 {2}aixnode5556mp2 \(LPAR, group LPAR_aixnode5556mp2\): ONLINE -> OFFLINE \(intentional offline\)/);
    expect(out).toMatch(/aixnode56mp1 {2}aixnode5556mp2 \(LPAR, group LPAR_aixnode5556mp2\): OFFLINE -> ONLINE \(not initiated by VCS\)/);
    // Act 7: WPAR: DROpts in the WPAR, an application inside it (restarted in place), a crash seen by IMF, then the other site's DNS.
    expect(out).toMatch(/ok\s+hawparverify on aixnode55mp1/);
    expect(out).toMatch(/ok\s+DROpts for aixnode55mp1 applied in the WPAR/);
    expect(out).toMatch(/ok\s+app1 ONLINE inside wpar1: VCS ran clogin wpar1 \S+\/bin\/Application\/online app1/);
    expect(out).toMatch(/ok\s+app1 restarted in place inside wpar1 \(RestartLimit 1\)/);
    expect(out).toMatch(/ok\s+app1 failed over with the WPAR: ONLINE inside wpar1 on aixnode56mp1/);
    expect(out).toMatch(/ok\s+IMF \(lswpar polling\) noticed the crash [\d.]+ s after it/);
    expect(out).toMatch(/aixnode56mp1 {2}wpar1_res \(WPAR, group WPAR_wpar1\): OFFLINE -> ONLINE \(VCS initiated\)/);
    expect(out).toMatch(/nameserver 10\.20\.1\.53/);
    // Act 8: DR: two GCO clusters, the guest's own boot at each site, offline at either end cleans its side.
    expect(out).toMatch(/ok\s+both sites' main.cf verify, and as a pair/);
    expect(out).toMatch(/ok\s+online put the VLAN 123 side in place .* before it started the partition/);
    expect(out).toMatch(/ok\s+the guest's own boot applied the primary site's settings/);
    expect(out).toMatch(/ok\s+offline at the primary site: responder stopped/);
    expect(out).toMatch(/ok\s+VLAN 123 adapters in aixnode5556mp2 and in the management LPAR aixnode56mp1/);
    expect(out).toMatch(/vcs-reconfig: aixnode5556mp2: en0: address 10\.10\.1\.15\/255\.255\.255\.0 -> 10\.20\.1\.15\/255\.255\.255\.0 \(from aixnode56mp1 at 169\.254\.123\.1:14123\)/);
    expect(out).toMatch(/ok\s+a second boot changes nothing/);
    expect(out).toMatch(/ok\s+offline at the DR site stopped the responder and removed the management LPAR's VLAN 123 adapter \(0 left\)/);
    // Never a line that fails, and the totals.
    expect(out).not.toMatch(/^\s+FAIL /m);
    expect(out).toMatch(new RegExp(`total \\d+(\\.\\d)? s at speed ${speed}; the HMCs`));
    expect(out).not.toMatch(/TIMED OUT/);
    expect(out).toMatch(/; the HMCs saw [1-9]\d* SSH logins? and [1-9]\d* commands/);
    expect(readdirSync(r.tmp)).toEqual([]);
    expect(processesUnder(r.tmp)).toEqual([]);
  });

  it('Ctrl-C stops the agents and the simulated HMCs and removes the temporary directory', { timeout: 120_000 }, async ({ expect }) => {
    const r = await scenario(['--speed', String(speed)], { interruptOn: /\$ hagrp -online/ });
    expect(r.code).toBe(130);
    expect(r.stderr).toMatch(/SIGINT: stopping the agents and the simulated HMCs/);
    expect(verdicts(r.stdout)).toMatchObject({ 1: 'PASS', 2: 'INTERRUPTED', 3: 'NOT RUN' });
    expect(readdirSync(r.tmp)).toEqual([]);
    expect(processesUnder(r.tmp)).toEqual([]);
  });

  it('--act N stops after act N', { timeout: 120_000 }, async ({ expect }) => {
    const r = await scenario(['--act', '1']);
    expect(r.code).toBe(0);
    expect(verdicts(r.stdout)).toEqual({ 1: 'PASS', 2: 'NOT RUN', 3: 'NOT RUN', 4: 'NOT RUN', 5: 'NOT RUN', 6: 'NOT RUN', 7: 'NOT RUN', 8: 'NOT RUN' });
    expect(r.stdout).not.toMatch(/== Act 2/);
    expect(readdirSync(r.tmp)).toEqual([]);
  });
});
