/**
 * The meta-data of every registered type, judged by what Debian ships:
 * ra-api-1.dtd (the check ocf-tester makes, xmllint --valid) and
 * resource-agents' metadata.rng (xmllint --relaxng) for the OCF 1.0 dialect;
 * the OCF 1.1 dialect is what Pacemaker reads (crm-resource.test.ts,
 * cluster.test.ts); here, what it adds.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { VCSAGENT } from './helpers.js';

const RA_DIR = '/usr/share/resource-agents';

function metaData(type: string, ocf11: boolean): string {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.OCF_RA_VERSION_MAJOR;
  delete env.OCF_RA_VERSION_MINOR;
  if (ocf11) Object.assign(env, { OCF_RA_VERSION_MAJOR: '1', OCF_RA_VERSION_MINOR: '1' });
  const r = spawnSync(process.execPath, [VCSAGENT, 'ocf', type, 'meta-data'], { encoding: 'utf8', env });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
}

function xmllint(args: string[], input: string): { status: number | null; stderr: string } {
  const r = spawnSync('xmllint', ['--noout', ...args, '-'], { input, encoding: 'utf8', cwd: RA_DIR });
  return { status: r.status, stderr: r.stderr };
}

const param = (xml: string, name: string) => new RegExp(`<parameter name="${name}"[^>]*>[\\s\\S]*?</parameter>`).exec(xml)?.[0];

describe('meta-data', () => {
  it('is valid against ra-api-1.dtd and resource-agents\' metadata.rng, for every registered type', () => {
    expect(existsSync(`${RA_DIR}/ra-api-1.dtd`), 'resource-agents is installed').toBe(true);
    for (const type of ['LPAR', 'WPAR', 'Application', 'SampleFile']) {
      const xml = metaData(type, false);
      expect(xmllint(['--valid'], xml), `${type} against the DTD`).toMatchObject({ status: 0 });
      const rng = xmllint(['--relaxng', `${RA_DIR}/metadata.rng`], xml);
      expect(rng.stderr, `${type} against metadata.rng`).toContain('- validates');
    }
  });

  it('describes LPAR: required partition and HMCs, lists, PhysicalServer and ssh_config, time limits from the type', () => {
    const xml = metaData('LPAR', false);
    expect(param(xml, 'LPARName')).toMatch(/required="1" unique="1"/);
    expect(param(xml, 'LPARName')).toContain("<shortdesc lang=\"en\">The partition&apos;s name on the HMC.</shortdesc>");
    expect(param(xml, 'MCName')).toMatch(/required="1"/);
    expect(param(xml, 'MCUser')).not.toMatch(/required/);
    expect(param(xml, 'VIOSName')).toContain('a list, blank-separated');
    expect(param(xml, 'RemoveProfileOnOffline')).toContain('<content type="boolean" default="0"/>');
    expect(param(xml, 'DROpts')).toContain('key=value pairs');
    expect(param(xml, 'PhysicalServer')).toContain('crm_attribute --node NODE --name PhysicalServer');
    expect(param(xml, 'ssh_config')).toBeDefined();
    // OnlineTimeout 300 + MonitorTimeout 60; MonitorInterval 60.
    expect(xml).toContain('<action name="start" timeout="360s"/>');
    expect(xml).toContain('<action name="monitor" timeout="60s" interval="60s" depth="0"/>');
    expect(xml).toContain('<action name="migrate_to"');
    expect(xml).not.toContain('reload-agent');
    expect(xml).not.toContain('reloadable');
  });

  it('for an OCF 1.1 caller: reloadable parameters but the identity and the system attributes, unique-group, reload-agent', () => {
    const xml = metaData('LPAR', true);
    expect(xml).toContain('<version>1.1</version>');
    expect(param(xml, 'LPARName')).toMatch(/unique-group="LPAR-identity"/);
    expect(param(xml, 'LPARName')).not.toMatch(/reloadable/);
    expect(param(xml, 'MCName')).toMatch(/reloadable="1"/);
    expect(param(xml, 'PhysicalServer')).not.toMatch(/reloadable/);
    expect(xml).toContain('<action name="reload-agent"');
  });

  it('gives WPAR its ContainerInfo (VCS passes it: PassCInfo = 1), required, and Application no engine attributes (State, IState)', () => {
    const wpar = metaData('WPAR', false);
    expect(param(wpar, 'ContainerInfo')).toMatch(/required="1" unique="1"/);
    expect(param(wpar, 'ShutdownGracePeriod')).toContain('<content type="integer" default="0"/>');
    expect(wpar).not.toContain('migrate_to');
    const app = metaData('Application', false);
    expect(param(app, 'State')).toBeUndefined();
    expect(param(app, 'IState')).toBeUndefined();
    expect(param(app, 'User')).toContain('default="root"');
    expect(param(app, 'ContainerInfo')).toBeUndefined();
  });
});
