#!/usr/bin/env node
// Where the suite's time goes: the slowest test files of a vitest JSON report
// (vitest run --reporter=json --outputFile=FILE), with the CPU time of each
// file when a usage log (VCSPVM_TEST_USAGE_LOG, test/support/usage-log.ts) is
// given too. CPU time is steadier than wall time on a shared machine.
//
//   node scripts/test-report.mjs REPORT.json [USAGE.log] [--top N] [--tests]
import { existsSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '10' }, tests: { type: 'boolean', default: false } } });
const [reportPath, usagePath] = positionals;
if (!reportPath) {
  process.stderr.write('usage: node scripts/test-report.mjs REPORT.json [USAGE.log] [--top N] [--tests]\n');
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
