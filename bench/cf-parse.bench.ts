/**
 * Parsing a large main.cf to the typed model, against JSON.parse of the same
 * model serialised as JSON, in the same run (goal: at most 3x).
 *
 * The configuration: 200 groups x 50 resources (10,000 resources) with
 * per-system values, resource and group dependencies and a types section
 * (bench/gen-config.ts). "Parse" is what loadConfig does after reading the
 * file: parseCf (syntax tree, comments, positions) then typeConfig.
 */
import { parseCf } from '../framework/cf/parse.js';
import { typeConfig } from '../framework/cf/typing.js';
import { generateConfig } from './gen-config.js';
import { median, time, writeFigures } from './report.js';

const ROUNDS = 15;

const text = generateConfig({ groups: 200, resourcesPerGroup: 50, systems: 4 });
const parse = () => {
  const r = parseCf(text, 'main.cf');
  if (r.errors.length > 0) throw new Error(`generated configuration has errors: ${r.errors[0]!.message}`);
  return typeConfig(r.config);
};
const config = parse();
const resources = config.groups.reduce((n, g) => n + g.resources.length, 0);
const json = JSON.stringify(config);
// A stricter baseline too: the same model without its source positions (a third of the JSON).
const jsonNoPos = JSON.stringify(config, (k, v) => (k === 'pos' ? undefined : v));

// Interleave the two so both see the same machine state; the first rounds warm up the JIT.
const parseMs: number[] = [];
const jsonMs: number[] = [];
const jsonNoPosMs: number[] = [];
for (let i = 0; i < ROUNDS + 3; i++) {
  const [p] = time(parse);
  const [j] = time(() => JSON.parse(json));
  const [k] = time(() => JSON.parse(jsonNoPos));
  if (i >= 3) {
    parseMs.push(p);
    jsonMs.push(j);
    jsonNoPosMs.push(k);
  }
}
const p = median(parseMs);
const j = median(jsonMs);
const k = median(jsonNoPosMs);
const ratio = p / j;
const peakRssMb = process.resourceUsage().maxRSS / 1024;

console.log(`configuration: ${resources} resources in ${config.groups.length} groups, ${(text.length / 1e6).toFixed(2)} MB of main.cf`);
console.log(`model as JSON: ${(json.length / 1e6).toFixed(2)} MB`);
console.log(`parse to typed model: ${p.toFixed(1)} ms (median of ${ROUNDS})`);
console.log(`JSON.parse of the model: ${j.toFixed(1)} ms`);
console.log(`ratio: ${ratio.toFixed(2)}x (goal <= 3x)`);
console.log(`JSON.parse of the model without positions (${(jsonNoPos.length / 1e6).toFixed(2)} MB): ${k.toFixed(1)} ms, ratio ${(p / k).toFixed(2)}x`);
console.log(`peak RSS: ${peakRssMb.toFixed(0)} MB`);

writeFigures({
  resources,
  groups: config.groups.length,
  mainCfBytes: text.length,
  modelJsonBytes: json.length,
  parseMs: Number(p.toFixed(2)),
  jsonParseMs: Number(j.toFixed(2)),
  ratio: Number(ratio.toFixed(3)),
  goalRatio: 3,
  jsonParseNoPositionsMs: Number(k.toFixed(2)),
  ratioNoPositions: Number((p / k).toFixed(3)),
  peakRssMb: Number(peakRssMb.toFixed(1)),
});
