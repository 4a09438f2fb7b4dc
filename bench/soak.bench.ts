/**
 * `npm run bench -- soak`: the LPAR agent's fault soak (bench/soak/run.ts).
 * Two management-LPAR nodes running `vcsagent run` over one simulated world
 * behind two HMCs, a seeded random schedule of faults and administrator
 * actions, invariants checked continuously from the world's truth.
 *
 *   SOAK_ROUNDS (200)   rounds of 3–7 s each
 *   SOAK_SEED           replays a run (printed at the start and the end)
 *   SOAK_VERBOSE=1      every round and every fault as it happens
 *   SOAK_KEEP=1         keeps the lab's directory (node logs, engine logs)
 *
 * Exit 1 when an invariant was violated.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFigures } from './report.js';
import { runSoak } from './soak/run.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const rounds = Number(process.env.SOAK_ROUNDS ?? 200);
const seed = process.env.SOAK_SEED !== undefined ? Number(process.env.SOAK_SEED) : Math.floor(Math.random() * 2 ** 31);
const verbose = process.env.SOAK_VERBOSE === '1';

console.log(`LPAR fault soak: ${rounds} rounds, seed ${seed} (SOAK_SEED=${seed} replays it)`);
const started = Date.now();
let last = 0;
const report = await runSoak({
  root,
  rounds,
  seed,
  keep: process.env.SOAK_KEEP === '1',
  log: (line) => {
    if (verbose) console.log(line);
    else if (line.startsWith('round ') && Date.now() - last > 30_000) {
      last = Date.now();
      console.log(`  ${line.split(';')[0]} (${Math.round((Date.now() - started) / 1000)} s)`);
    }
  },
});

console.log(`\nrounds              ${report.rounds}`);
console.log(`faults injected     ${report.injected}  (${Object.entries(report.faults).sort().map(([k, n]) => `${k} ${n}`).join(', ')})`);
console.log(`failovers           ${report.failovers}`);
console.log(`rounds online       ${report.roundsOnline} of ${report.rounds} ended with the group online on exactly one node`);
console.log(`double boots        ${report.overlaps}; longest time powered on two systems at once ${(report.maxOverlapMs / 1000).toFixed(1)} s (both in firmware)`);
console.log(`violations          ${report.violations.length}`);
for (const v of report.violations) console.log(`  ${new Date(v.at).toISOString()} ${v.invariant}: ${v.detail}`);
console.log(`seed                ${report.seed}`);
console.log(`duration            ${Math.round(report.durationMs / 1000)} s`);
writeFigures({
  rounds: report.rounds,
  seed: report.seed,
  faultsInjected: report.injected,
  faults: report.faults,
  failovers: report.failovers,
  roundsOnline: report.roundsOnline,
  doubleBoots: report.overlaps,
  maxOverlapMs: report.maxOverlapMs,
  violations: report.violations.length,
  violationDetails: report.violations,
  durationMs: report.durationMs,
});
process.exit(report.violations.length ? 1 : 0);
