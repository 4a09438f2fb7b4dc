#!/usr/bin/env node
// Where the suite's time goes: the slowest test files of a vitest JSON report
// (vitest run --reporter=json --outputFile=FILE), with the CPU time of each
// file when a usage log (VCSPVM_TEST_USAGE_LOG, test/support/usage-log.ts) is
// given too. CPU time is steadier than wall time on a shared machine.
//
//   node scripts/test-report.mjs REPORT.json [USAGE.log] [--top N] [--tests] [--write-durations [FILE]]
//
// --write-durations records each file's wall time (s) in FILE (by default
// test/support/durations.json), which the test sequencer reads to start the
// longest files first (test/support/sequencer.ts). Write it from a whole,
// passing run of the suite on the 2-CPU machine.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '10' }, tests: { type: 'boolean', default: false }, 'write-durations': { type: 'boolean', default: false } } });
const durationsPath = values['write-durations'] ? (positionals.find((p) => p.endsWith('durations.json')) ?? 'test/support/durations.json') : undefined;
const [reportPath, usagePath] = positionals.filter((p) => p !== durationsPath);
if (!reportPath) {
  process.stderr.write('usage: node scripts/test-report.mjs REPORT.json [USAGE.log] [--top N] [--tests] [--write-durations [FILE]]\n');
  process.exit(2);
}
const report = JSON.parse(readFileSync(reportPath, 'utf8'));
const cwd = process.cwd();
// Files of another checkout (a report made elsewhere) by their path inside it.
const name = (p) => {
  const r = relative(cwd, p);
  return r.startsWith('..') && p.includes('/test/') ? p.slice(p.lastIndexOf('/test/') + 1) : r;
};
const usage = new Map();
if (usagePath && existsSync(usagePath)) {
  for (const line of readFileSync(usagePath, 'utf8').split('\n').filter(Boolean)) {
    const u = JSON.parse(line);
    usage.set(name(u.file), u);
  }
}
const s = (ms) => (ms / 1000).toFixed(1);
const files = report.testResults.map((f) => ({
  file: name(f.name),
  wall: f.endTime - f.startTime,
  tests: f.assertionResults.length,
  failed: f.assertionResults.filter((a) => a.status === 'failed').length,
  results: f.assertionResults,
}));
files.sort((a, b) => b.wall - a.wall);
const end = Math.max(...report.testResults.map((f) => f.endTime));
const sum = files.reduce((a, f) => a + f.wall, 0);
let cpu = 0;
for (const u of usage.values()) cpu += u.userMs + u.sysMs + u.childUserMs + u.childSysMs;
console.log(`${report.numTotalTests} tests in ${files.length} files: ${report.numPassedTests} passed, ${report.numFailedTests} failed; ` +
  `vitest wall ${s(end - report.startTime)} s, files' own time ${s(sum)} s${usage.size ? `, CPU (worker + children) ${s(cpu)} s` : ''}`);
console.log('');
console.log(`${'wall s'.padStart(7)} ${usage.size ? `${'cpu s'.padStart(6)} ${'child'.padStart(6)} ` : ''}${'tests'.padStart(5)}  file`);
for (const f of files.slice(0, Number(values.top))) {
  const u = usage.get(f.file);
  const c = u ? `${s(u.userMs + u.sysMs + u.childUserMs + u.childSysMs).padStart(6)} ${s(u.childUserMs + u.childSysMs).padStart(6)} ` : usage.size ? `${'?'.padStart(6)} ${'?'.padStart(6)} ` : '';
  console.log(`${s(f.wall).padStart(7)} ${c}${String(f.tests).padStart(5)}  ${f.file}${f.failed ? `  (${f.failed} failed)` : ''}`);
  if (values.tests) for (const a of [...f.results].sort((x, y) => (y.duration ?? 0) - (x.duration ?? 0)).slice(0, 5)) console.log(`${''.padStart(usage.size ? 29 : 15)}${s(a.duration ?? 0).padStart(6)}  ${a.title}`);
}
for (const f of files) for (const a of f.results) if (a.status === 'failed') console.log(`\nFAILED ${f.file} > ${a.fullName}\n  ${(a.failureMessages ?? []).join('\n').split('\n').slice(0, 6).join('\n  ')}`);

if (durationsPath) {
  const failed = files.filter((f) => f.failed > 0).map((f) => f.file);
  if (failed.length > 0) {
    process.stderr.write(`not writing ${durationsPath}: ${failed.length} file(s) failed (${failed.slice(0, 3).join(', ')}); record a passing run\n`);
    process.exit(1);
  }
  const record = {
    comment: 'Wall time (s) of each test file in a whole run on the 2-CPU machine; the sequencer starts the longest first (docs/testing.md).',
    files: Object.fromEntries([...files].sort((a, b) => a.file.localeCompare(b.file)).map((f) => [f.file, Math.round(f.wall / 100) / 10])),
  };
  const tmp = `${durationsPath}.tmp-${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify(record, null, 2)}\n`);
  renameSync(tmp, durationsPath);
  console.log(`\nwrote ${durationsPath}: ${files.length} files`);
}
