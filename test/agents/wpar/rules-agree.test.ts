/**
 * One table of values, fed to both judges: `vcscf verify` (a main.cf holding
 * the value) and the WPAR agent (the checks its entry points make before any
 * command runs). Every value one accepts, the other accepts; every value one
 * refuses, the other refuses. A warning is an acceptance.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { verifyPath } from '../../../framework/cf/verify/verify.js';
import { wparOf, type WparContext } from '../../../agents/wpar/resource.js';
import { wparSettings } from '../../../agents/wpar/settings.js';

const dir = mkdtempSync(join(tmpdir(), 'wpar-agree-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Assoc = Record<string, string>;
interface Row {
  what: string;
  containerInfo?: Assoc;
  resourceSet?: string;
  workLoad?: Assoc;
  dropts?: Assoc;
  accept: boolean;
}

const CI: Assoc = { Name: 'w1', Type: 'WPAR', Enabled: '1' };
const seven = 'a.example b.example c.example d.example e.example f.example g.example';

const TABLE: Row[] = [
  // DROpts (the issue's disagreements first)
  { what: '4 DNSServers', dropts: { DNSServers: '10.0.0.1 10.0.0.2 10.0.0.3 10.0.0.4' }, accept: true },
  { what: '7 DNSSearchPath domains', dropts: { DNSSearchPath: seven }, accept: true },
  { what: 'an IPv6 name server', dropts: { DNSServers: 'fd00::53' }, accept: true },
  { what: 'servers separated by ;', dropts: { DNSServers: '10.0.0.1;10.0.0.2' }, accept: true },
  { what: 'an empty DNSDomain', dropts: { DNSDomain: '' }, accept: true },
  { what: 'a site', dropts: { DNSServers: '10.10.1.53', DNSSearchPath: 'site1.example.com,example.com', DNSDomain: 'site1.example.com.' }, accept: true },
  { what: 'a bad address', dropts: { DNSServers: '999.1.1.1' }, accept: false },
  { what: 'a command after ;', dropts: { DNSServers: '10.0.0.1;reboot' }, accept: false },
  { what: 'two domains in DNSDomain', dropts: { DNSDomain: 'a.example b.example' }, accept: false },
  { what: 'a bad search domain', dropts: { DNSSearchPath: 'ok.example bad..example' }, accept: false },
  { what: "an LPAR key", dropts: { Gateway: '10.0.0.1' }, accept: false },
  // ResourceSet
  { what: 'an rset', resourceSet: 'sys/node.01', accept: true },
  { what: 'a bogus ResourceSet', resourceSet: 'noslash', accept: false },
  { what: 'a ResourceSet with two slashes', resourceSet: 'a/b/c', accept: false },
  // WorkLoad
  { what: 'shares_CPU = 99999', workLoad: { shares_CPU: '99999' }, accept: false },
  { what: 'shares_CPU = 65535', workLoad: { shares_CPU: '65535' }, accept: true },
  { what: 'a CPU range', workLoad: { CPU: '5%-50%,80%' }, accept: true },
  { what: 'a CPU number', workLoad: { CPU: '50' }, accept: false },
  { what: 'a memory range upside down', workLoad: { memory: '60%-50%,80%' }, accept: false },
  { what: 'sizes, counts, switches', workLoad: { procVirtMem: '2G', totalProcesses: '1024', active: 'yes', pct_pinMem: '50' }, accept: true },
  { what: 'rset in WorkLoad', workLoad: { rset: 'a/b' }, accept: false },
  { what: 'an unknown control', workLoad: { Shares_CPU: '1' }, accept: false },
  { what: 'an empty control', workLoad: { totalProcesses: '' }, accept: true },
  // ContainerInfo: names as mkwpar takes them, Type, Enabled
  { what: 'a plain name', containerInfo: { ...CI, Name: 'wpar1' }, accept: true },
  { what: 'a name with @ and _', containerInfo: { ...CI, Name: 'w@1_x-y' }, accept: true },
  { what: 'a 25-character name', containerInfo: { ...CI, Name: 'a'.repeat(25) }, accept: true },
  { what: 'the name my.wpar', containerInfo: { ...CI, Name: 'my.wpar' }, accept: false },
  { what: 'a 30-character name', containerInfo: { ...CI, Name: 'a'.repeat(30) }, accept: false },
  { what: 'a name starting with 0', containerInfo: { ...CI, Name: '0w' }, accept: false },
  { what: 'a name starting with -', containerInfo: { ...CI, Name: '-F' }, accept: false },
  { what: 'a name with a blank', containerInfo: { ...CI, Name: 'w 1' }, accept: false },
  { what: 'Type Zone', containerInfo: { ...CI, Type: 'Zone' }, accept: false },
  { what: 'Enabled 3', containerInfo: { ...CI, Enabled: '3' }, accept: false },
  { what: 'Enabled 2', containerInfo: { ...CI, Enabled: '2' }, accept: true },
  { what: 'an unknown key', containerInfo: { ...CI, Mode: 'x' }, accept: false },
];

const q = (s: string) => JSON.stringify(s);
const assoc = (m: Assoc) => `{ ${Object.entries(m).map(([k, v]) => `${k} = ${q(v)}`).join(', ')} }`;

function mainCf(row: Row): string {
  const ci = row.containerInfo ?? CI;
  const imf = ci.Enabled === '2' || ci.Enabled === '0' ? '\n\t\tIMF = { Mode = 0, MonitorFreq = 5, RegisterRetryLimit = 3 }' : '';
  return `include "types.cf"

cluster c1 (
	)

system sysA (
	)

group WG (
	SystemList = { sysA = 0 }
	ContainerInfo = ${assoc(ci)}
	)

	WPAR wpar_res (${row.resourceSet !== undefined ? `\n\t\tResourceSet = ${q(row.resourceSet)}` : ''}${row.workLoad ? `\n\t\tWorkLoad = ${assoc(row.workLoad)}` : ''}${row.dropts ? `\n\t\tDROpts = ${assoc(row.dropts)}` : ''}${imf}
		)
`;
}

/** The verifier's verdict: no error finding. */
function verifierAccepts(row: Row, i: number): { ok: boolean; errors: string[] } {
  const file = join(dir, `row${i}.cf`);
  writeFileSync(file, mainCf(row));
  const errors = verifyPath(file)
    .findings.filter((f) => f.severity === 'error')
    .map((f) => `${f.code} ${f.message}`);
  return { ok: errors.length === 0, errors };
}

/** The agent's verdict: what its entry points check before running anything (the WPAR named, the settings). */
function agentAccepts(row: Row): { ok: boolean; why: string } {
  const ctx = { containerInfo: row.containerInfo ?? CI, system: 'sysA', resource: 'wpar_res' } as unknown as WparContext;
  try {
    wparOf(ctx);
  } catch (e) {
    return { ok: false, why: (e as Error).message };
  }
  const v = wparSettings({ ResourceSet: row.resourceSet ?? '', WorkLoad: row.workLoad ?? {}, DROpts: row.dropts ?? {} });
  return v.ok ? { ok: true, why: '' } : { ok: false, why: v.problems.join('; ') };
}

describe('the verifier and the WPAR agent judge every value alike', () => {
  it.each(TABLE.map((row, i) => [row.what, row, i] as const))('%s', (_what, row, i) => {
    const verifier = verifierAccepts(row, i);
    const agent = agentAccepts(row);
    expect({ verifier: verifier.ok, agent: agent.ok }, `verifier: ${verifier.errors.join(' | ')}; agent: ${agent.why}`).toEqual({ verifier: row.accept, agent: row.accept });
  });

  it('ContainerInfo set only @sysA: the verifier refuses, and the agent on sysB has no WPAR to manage (it used to take the resource name)', () => {
    const file = join(dir, 'only-a.cf');
    writeFileSync(
      file,
      mainCf({ what: '', accept: false })
        .replace('system sysA (\n\t)', 'system sysA (\n\t)\n\nsystem sysB (\n\t)')
        .replace('SystemList = { sysA = 0 }', 'SystemList = { sysA = 0, sysB = 1 }')
        .replace('ContainerInfo = ', 'ContainerInfo@sysA = '),
    );
    expect(verifyPath(file).findings.map((f) => f.code)).toEqual(['VCF706']);
    const ctx = { system: 'sysB', resource: 'wpar_res' } as unknown as WparContext;
    expect(() => wparOf(ctx)).toThrow(/ContainerInfo does not name a WPAR for sysB/);
  });
});
