/**
 * The main job (`npm start`). The end-to-end PowerVM scenario (simulated HMCs
 * and VIO servers, LPAR online/monitor/crash/migration, DR, WPAR failover) is
 * built by later issues; until then this runs the part that exists: it loads
 * the seed's sample main.cf with the configuration toolkit and shows what it
 * found, then its canonical form.
 */
import { existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatDiagnostic } from '../../framework/cf/diagnostics.js';
import { loadConfig } from '../../framework/cf/load.js';
import type { AttributeAssignment, Value } from '../../framework/cf/model.js';
import { printCf, printValue } from '../../framework/cf/print.js';
import { attributeValue, scalarOf } from '../../framework/cf/values.js';

function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

const root = repoRoot();
const configPath = join(root, 'sim', 'configs', 'seed-lpar', 'main.cf');
const say = (s = '') => console.log(s);
const show = (v: Value) => printValue(v);

function attrs(list: AttributeAssignment[], indent: string): void {
  for (const a of list) say(`${indent}${a.system === undefined ? a.name : `${a.name} on ${a.system}`}: ${show(a.value)}`);
}

say('vcs-powervm: the main job');
say('');
say('What exists so far is the configuration toolkit (framework/cf). The end-to-end');
say('scenario (simulated HMCs, LPAR failover, live migration, DR, WPARs) comes with');
say('the later issues; this run loads the seed\'s sample main.cf and shows what it holds.');
say('');

const r = loadConfig(configPath);
const c = r.config;
say(`Loaded ${relative(root, configPath)}`);
for (const inc of c.includes) say(`  include "${inc.path}" -> ${inc.resolved ? relative(root, inc.resolved) : 'not found'}`);
for (const e of r.errors) say(`  ${formatDiagnostic(e).replace(/\n/g, '\n  ')}`);
say('');
for (const cl of c.clusters) say(`Cluster ${cl.name}${cl.attributes.length ? '' : ' (no attributes set)'}`);
say(`Systems (management LPARs) and the physical servers they run on:`);
for (const s of c.systems) {
  const ps = scalarOf(attributeValue(s, 'PhysicalServer'));
  say(`  ${s.name}  PhysicalServer = ${ps ?? '(not set)'}`);
}
for (const g of c.groups) {
  say(`Service group ${g.name}`);
  attrs(g.attributes, '  ');
  for (const res of g.resources) {
    say(`  Resource ${res.name} of type ${res.type}`);
    attrs(res.attributes.filter((a) => a.system === undefined), '    ');
    const local = res.attributes.filter((a) => a.system !== undefined);
    if (local.length) {
      say('    per-system values:');
      attrs(local, '      ');
    }
  }
  for (const d of g.dependencies) say(`  ${d.parent} requires ${d.child}`);
  for (const d of g.groupDependencies) say(`  requires group ${d.group} ${d.category} ${d.location} ${d.rigidity ?? ''}`.trimEnd());
}
say('');
say('Canonical form (vcscf fmt), as hacf would write it:');
say('');
const doc = r.docs.get(configPath)!;
process.stdout.write(printCf(doc).replace(/^/gm, '    '));
say('');
say(r.errors.length === 0 ? 'The configuration loaded without errors.' : `The configuration loaded with ${r.errors.length} error(s), shown above.`);
say('Not yet run: vcscf verify (issue 4), the agents and the simulated HMCs (issues 5-8).');
process.exitCode = r.errors.length === 0 ? 0 : 1;
