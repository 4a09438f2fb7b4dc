/**
 * Pacemaker's own executor code runs the LPAR agent: `crm_resource
 * --force-start/--force-check/--force-stop` with the resource defined in a
 * CIB file (no cluster needed), against hmcsim. crm_resource reads the
 * meta-data, builds the OCF environment from the CIB's instance attributes
 * and reads our exit codes and exit reasons.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OcfBench, SEED_LPAR, linkProvider, primitiveXml, runProcess, seedParams } from './helpers.js';

let b: OcfBench;
let link: ReturnType<typeof linkProvider>;

beforeAll(async () => {
  b = await new OcfBench({ speed: 20 }).start();
  link = linkProvider(b.ocfRoot);
}, 60_000);
afterAll(async () => {
  link?.remove();
  await b?.stop();
});

function cibWith(primitive: string): string {
  const file = join(b.bench.dir, `cib-${Math.random().toString(36).slice(2)}.xml`);
  writeFileSync(
    file,
    `<cib crm_feature_set="3.16.1" validate-with="pacemaker-3.9" epoch="1" num_updates="0" admin_epoch="0"><configuration><crm_config/><nodes/><resources>${primitive}</resources><constraints/></configuration><status/></cib>\n`,
  );
  return file;
}

const crmResource = (cib: string, ...args: string[]) => runProcess('crm_resource', args, { ...b.env('', {}), CIB_file: cib }, 120_000);
const state = async () => (await b.bench.states()).sys1![SEED_LPAR];

describe('crm_resource --force-*', () => {
  it('shows the meta-data Pacemaker reads (OCF 1.1: reloadable parameters, reload-agent)', async () => {
    const r = await runProcess('crm_resource', ['--show-metadata', `ocf:${link.provider}:LPAR`], b.env('', {}));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/<parameter name="LPARName" required="1" unique-group="LPAR-identity">/);
    expect(r.stdout).toMatch(/<parameter name="MCName" required="1" reloadable="1">/);
    expect(r.stdout).toMatch(/<parameter name="PhysicalServer">/);
    expect(r.stdout).toContain('<action name="reload-agent"');
  });

  it('starts, checks and stops the partition as the CIB defines it', async () => {
    const cib = cibWith(primitiveXml({ id: 'lpar1', provider: link.provider, type: 'LPAR', params: seedParams(b.sshConfig) }));
    const check0 = await crmResource(cib, '-r', 'lpar1', '--force-check');
    expect(check0.code, check0.stdout + check0.stderr).toBe(7);
    expect(await state()).toBe('Not Activated');

    const start = await crmResource(cib, '-r', 'lpar1', '--force-start');
    expect(start.code, start.stdout + start.stderr).toBe(0);
    expect(await state()).toBe('Running');
    const check1 = await crmResource(cib, '-r', 'lpar1', '--force-check');
    expect(check1.code, check1.stdout + check1.stderr).toBe(0);

    const stop = await crmResource(cib, '-r', 'lpar1', '--force-stop');
    expect(stop.code, stop.stdout + stop.stderr).toBe(0);
    expect(await state()).toBe('Not Activated');
    expect((await crmResource(cib, '-r', 'lpar1', '--force-check')).code).toBe(7);
  }, 120_000);

  it('reports bad parameters as not configured (6), with the reason Pacemaker shows', async () => {
    const cib = cibWith(primitiveXml({ id: 'lpar2', provider: link.provider, type: 'LPAR', params: { ...seedParams(b.sshConfig), RemoveProfileOnOffline: 'maybe' } }));
    const r = await crmResource(cib, '-r', 'lpar2', '--force-check');
    expect(r.code).toBe(6);
    expect(r.stdout + r.stderr).toMatch(/RemoveProfileOnOffline.*expected 1 or 0/);
    const v = await runProcess('crm_resource', ['--validate', '--class', 'ocf', '--provider', link.provider, '--agent', 'LPAR', '--option', `LPARName=${SEED_LPAR}`], b.env('', {}));
    expect(v.code, v.stdout + v.stderr).toBe(6);
    expect(v.stdout + v.stderr).toMatch(/MCName/);
  }, 60_000);
});
