#!/usr/bin/env node
// npm run test:stress [-- --runs N] [--hogs N] [--keep-going] [-- VITEST ARGS...]
//
// The suite under load: starts CPU hogs (`node -e 'for(;;);'`, nice 0, one
// per CPU by default) that keep every core busy, runs `npm test` (build
// included, as .ci/run does) N times in a row (3 by default), prints the wall
// time of each run and the slowest files (scripts/test-report.mjs), and stops
// the hogs whatever happens: a failed run, Ctrl-C, SIGTERM, an error here.
// Stops at the first failed run unless --keep-going. Exit 0 when every run
// passed, 1 otherwise, 130 on Ctrl-C. Each run's JSON report and per-file CPU
// log are kept in a temporary directory, named at the end.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { availableParallelism, setPriority, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const USAGE = 'usage: npm run test:stress -- [--runs N] [--hogs N] [--keep-going] [-- VITEST ARGS...]\n';

let opts;
try {
  opts = parseArgs({
    allowPositionals: true,
    options: {
      runs: { type: 'string', default: '3' },
      hogs: { type: 'string', default: String(availableParallelism()) },
      'keep-going': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
} catch (e) {
  process.stderr.write(`test-stress: ${e.message}\n${USAGE}`);
  process.exit(2);
}
if (opts.values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
const runs = Number(opts.values.runs);
const hogCount = Number(opts.values.hogs);
if (!Number.isInteger(runs) || runs < 1 || !Number.isInteger(hogCount) || hogCount < 0) {
  process.stderr.write(`test-stress: --runs must be a positive integer and --hogs a non-negative one\n${USAGE}`);
  process.exit(2);
}
const vitestArgs = opts.positionals;
const outDir = mkdtempSync(join(tmpdir(), 'vcs-powervm-stress-'));

const hogs = [];
let current; // the npm test of the run in progress
function stopHogs() {
  for (const h of hogs.splice(0)) {
    try {
      h.kill('SIGKILL');
    } catch {
      // Gone already.
    }
  }
}
// Synchronous, so it holds on every way out, process.exit included.
process.on('exit', stopHogs);
let interrupted = false;
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    interrupted = true;
    stopHogs();
    process.stderr.write(`\ntest-stress: ${sig}: CPU hogs stopped; stopping the test run\n`);
    // A terminal's Ctrl-C reaches the whole process group already; a kill of this script alone does not.
    current?.kill(sig);
    setTimeout(() => process.exit(130), 10_000).unref();
  });
}
process.on('uncaughtException', (e) => {
  stopHogs();
  process.stderr.write(`test-stress: ${e.stack ?? e}\n`);
  process.exit(1);
});

for (let i = 0; i < hogCount; i++) {
  const h = spawn(process.execPath, ['-e', 'for(;;);'], { stdio: 'ignore' });
  try {
    setPriority(h.pid, 0);
  } catch {
    // Not allowed to lower a niceness we inherited: it stays as ours.
  }
  hogs.push(h);
}
process.stdout.write(`test-stress: ${hogCount} CPU hog(s) running (pids ${hogs.map((h) => h.pid).join(', ') || 'none'}), ${runs} run(s) of npm test; reports in ${outDir}\n`);

function runOnce(n) {
  const report = join(outDir, `run${n}.json`);
  const usage = join(outDir, `run${n}-usage.log`);
  const args = ['test', '--', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...vitestArgs];
  const started = Date.now();
  return new Promise((resolve) => {
    current = spawn('npm', args, { cwd: ROOT, stdio: 'inherit', env: { ...process.env, CI: 'true', VCSPVM_TEST_USAGE_LOG: usage } });
    current.on('close', (code, signal) => {
      current = undefined;
      resolve({ n, code, signal, seconds: (Date.now() - started) / 1000, report, usage });
    });
  });
}

const results = [];
for (let n = 1; n <= runs && !interrupted; n++) {
  process.stdout.write(`\n== test-stress: run ${n} of ${runs} (${hogCount} hog(s))\n`);
  const r = await runOnce(n);
  results.push(r);
  process.stdout.write(`== test-stress: run ${n}: ${r.code === 0 ? 'passed' : `FAILED (exit ${r.code ?? r.signal})`} in ${r.seconds.toFixed(0)} s\n`);
  if (r.code !== 0 && !opts.values['keep-going']) break;
}
stopHogs();

process.stdout.write(`\n== test-stress summary (${hogCount} CPU hog(s), ${availableParallelism()} CPUs)\n`);
for (const r of results) {
  process.stdout.write(`   run ${r.n}: ${r.code === 0 ? 'passed' : 'FAILED'}  ${r.seconds.toFixed(0)} s wall\n`);
  const rep = spawnSync(process.execPath, [join(ROOT, 'scripts', 'test-report.mjs'), r.report, r.usage, '--top', '5'], { cwd: ROOT, encoding: 'utf8' });
  if (rep.status === 0) process.stdout.write(rep.stdout.replace(/^/gm, '      '));
}
process.stdout.write(`   reports: ${outDir}\n`);
const ok = results.length === runs && results.every((r) => r.code === 0);
process.exit(interrupted ? 130 : ok ? 0 : 1);
