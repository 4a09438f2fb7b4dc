/**
 * `vcscf convert` of the 10,000-resource configuration (200 groups x 50
 * resources, 4 systems, bench/gen-config.ts), whole process, as a ratio to
 * `vcscf json` of the same file in the same run (goal: at most 1.5x); then
 * `crm_verify --xml-file` of the CIB it printed, which must pass.
 *
 * Both commands run as a user runs them (node bin/vcscf ...), stdout to a
 * file, interleaved so both see the same machine; the median of ROUNDS.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateConfig } from './gen-config.js';
import { median, writeFigures } from './report.js';

const ROUNDS = 9;
const WARMUP = 1;
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const vcscf = join(root, 'bin', 'vcscf');

const dir = mkdtempSync(join(tmpdir(), 'cf-convert-bench-'));
const cf = join(dir, 'main.cf');
writeFileSync(cf, generateConfig({ groups: 200, resourcesPerGroup: 50, systems: 4 }));

/** Runs a command with stdout to `out`; its wall time in ms and exit status. */
function run(cmd: string, args: string[], out: string): { ms: number; status: number | null; stderr: string } {
  const fd = openSync(out, 'w');
  try {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { stdio: ['ignore', fd, 'pipe'], encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    return { ms: Number(process.hrtime.bigint() - t0) / 1e6, status: r.status, stderr: r.stderr };
  } finally {
    closeSync(fd);
  }
}

// The machine may be shared: the 1-minute load average before and after goes with the figures.
const loadBefore = loadavg()[0]!;
try {
  const cib = join(dir, 'cib.xml');
  const pcs = join(dir, 'pcs.sh');
  const json = join(dir, 'model.json');
  const convertMs: number[] = [];
  const pcsMs: number[] = [];
  const jsonMs: number[] = [];
  let findings = 0;
  for (let i = 0; i < ROUNDS + WARMUP; i++) {
    const c = run(process.execPath, [vcscf, 'convert', cf, '--to', 'cib'], cib);
    const j = run(process.execPath, [vcscf, 'json', cf], json);
    const p = run(process.execPath, [vcscf, 'convert', cf, '--to', 'pcs'], pcs);
    // Exit 1: the Application resources need their systemd units (CVT102), as the findings say.
    if (c.status !== 1 || j.status !== 0 || p.status !== 1) throw new Error(`unexpected exit: convert ${c.status}, json ${j.status}, pcs ${p.status}: ${c.stderr.slice(0, 300)}`);
    findings = c.stderr.split('\n').filter(Boolean).length;
    if (i >= WARMUP) {
      convertMs.push(c.ms);
      jsonMs.push(j.ms);
      pcsMs.push(p.ms);
    }
  }
  const t0 = process.hrtime.bigint();
  const v = spawnSync('crm_verify', ['--xml-file', cib], { encoding: 'utf8' });
  const verifyMs = Number(process.hrtime.bigint() - t0) / 1e6;
  if (v.error) throw v.error;
  const verifyOk = v.status === 0 && (v.stdout + v.stderr).trim() === '';

  const loadAfter = loadavg()[0]!;
  const c = median(convertMs);
  const j = median(jsonMs);
  const p = median(pcsMs);
  const ratio = c / j;
  console.log(`configuration: 10,000 resources in 200 groups on 4 systems, ${(statSync(cf).size / 1e6).toFixed(2)} MB of main.cf`);
  console.log(`vcscf convert --to cib: ${c.toFixed(0)} ms (median of ${ROUNDS}, whole process), CIB ${(statSync(cib).size / 1e6).toFixed(1)} MB, ${findings} findings`);
  console.log(`vcscf json:             ${j.toFixed(0)} ms, model ${(statSync(json).size / 1e6).toFixed(1)} MB`);
  console.log(`ratio: ${ratio.toFixed(2)}x (goal <= 1.5x)`);
  console.log(`vcscf convert --to pcs: ${p.toFixed(0)} ms (${(p / j).toFixed(2)}x json), script ${(statSync(pcs).size / 1e6).toFixed(1)} MB`);
  console.log(`load average (1 min): ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after the timed runs`);
  console.log(`crm_verify --xml-file of the CIB: ${verifyOk ? 'passes' : `FAILS (exit ${v.status}): ${(v.stdout + v.stderr).slice(0, 500)}`} in ${(verifyMs / 1000).toFixed(1)} s`);

  writeFigures({
    resources: 10_000,
    convertMs: Number(c.toFixed(1)),
    jsonMs: Number(j.toFixed(1)),
    ratio: Number(ratio.toFixed(3)),
    goalRatio: 1.5,
    pcsMs: Number(p.toFixed(1)),
    pcsRatio: Number((p / j).toFixed(3)),
    cibBytes: statSync(cib).size,
    modelJsonBytes: statSync(json).size,
    findings,
    crmVerifyPasses: verifyOk,
    crmVerifyMs: Number(verifyMs.toFixed(0)),
    loadAverage1m: [Number(loadBefore.toFixed(2)), Number(loadAfter.toFixed(2))],
  });
  if (!verifyOk) process.exitCode = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
