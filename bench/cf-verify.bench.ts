/**
 * Verifying the 10,000-resource configuration of the parse benchmark (200
 * groups x 50 resources, bench/gen-config.ts) against parsing it, in the same
 * run (goal: verify at most 2x parse).
 *
 * "Parse" is what the parse benchmark measures: parseCf then typeConfig.
 * "Verify" is everything `vcscf verify` does after reading the file: the same
 * parse and typing, then every rule, suppressions and sorting. The rules
 * alone are reported too, and the end-to-end run from a file (loadConfig vs
 * verifyPath) as a user sees it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { loadConfig, type LoadResult } from '../framework/cf/load.js';
import { parseCf } from '../framework/cf/parse.js';
import { typeConfig } from '../framework/cf/typing.js';
import { verifyLoaded, verifyPath, type VerifyResult } from '../framework/cf/verify/verify.js';
import { generateConfig } from './gen-config.js';
import { median, time, writeFigures } from './report.js';

const ROUNDS = 15;
const WARMUP = 3;

const text = generateConfig({ groups: 200, resourcesPerGroup: 50, systems: 4 });
const FILE = 'main.cf';

const parse = (): LoadResult => {
  const r = parseCf(text, FILE);
  return { config: typeConfig(r.config), docs: new Map([[FILE, r.doc]]), errors: r.errors, warnings: [], fallbacks: [] };
};
const verify = (): VerifyResult => verifyLoaded(parse());

const dir = mkdtempSync(join(tmpdir(), 'cf-verify-bench-'));
const file = join(dir, 'main.cf');
writeFileSync(file, text);

try {
  const first = verify();
  const loaded = parse();
  if (loaded.errors.length > 0) throw new Error(`the generated configuration does not parse: ${loaded.errors[0]!.message}`);
  const resources = loaded.config.groups.reduce((n, g) => n + g.resources.length, 0);

  // Interleaved rounds so every measure sees the same machine state; the first ones warm up the JIT.
  const parseMs: number[] = [];
  const verifyMs: number[] = [];
  const rulesMs: number[] = [];
  const loadFileMs: number[] = [];
  const verifyFileMs: number[] = [];
  for (let i = 0; i < ROUNDS + WARMUP; i++) {
    const [p, model] = time(parse);
    const [v] = time(verify);
    const [r] = time(() => verifyLoaded(model));
    const [lf] = time(() => loadConfig(file));
    const [vf] = time(() => verifyPath(file));
    if (i >= WARMUP) {
      parseMs.push(p);
      verifyMs.push(v);
      rulesMs.push(r);
      loadFileMs.push(lf);
      verifyFileMs.push(vf);
    }
  }
  const p = median(parseMs);
  const v = median(verifyMs);
  const r = median(rulesMs);
  const lf = median(loadFileMs);
  const vf = median(verifyFileMs);
  const peakRssMb = process.resourceUsage().maxRSS / 1024;

  console.log(`configuration: ${resources} resources in ${loaded.config.groups.length} groups, ${(text.length / 1e6).toFixed(2)} MB of main.cf`);
  console.log(`findings: ${first.errors} errors, ${first.warnings} warnings`);
  console.log(`parse to typed model: ${p.toFixed(1)} ms (median of ${ROUNDS})`);
  console.log(`verify (parse, type, every rule): ${v.toFixed(1)} ms; the rules alone ${r.toFixed(1)} ms`);
  console.log(`ratio verify/parse: ${(v / p).toFixed(2)}x (goal <= 2x)`);
  console.log(`from a file: loadConfig ${lf.toFixed(1)} ms, verifyPath ${vf.toFixed(1)} ms, ratio ${(vf / lf).toFixed(2)}x`);
  console.log(`peak RSS: ${peakRssMb.toFixed(0)} MB`);

  writeFigures({
    resources,
    groups: loaded.config.groups.length,
    mainCfBytes: text.length,
    findingsErrors: first.errors,
    findingsWarnings: first.warnings,
    parseMs: Number(p.toFixed(2)),
    verifyMs: Number(v.toFixed(2)),
    rulesMs: Number(r.toFixed(2)),
    ratio: Number((v / p).toFixed(3)),
    goalRatio: 2,
    loadFileMs: Number(lf.toFixed(2)),
    verifyFileMs: Number(vf.toFixed(2)),
    ratioFromFile: Number((vf / lf).toFixed(3)),
    peakRssMb: Number(peakRssMb.toFixed(1)),
  });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
