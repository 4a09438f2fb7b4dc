/**
 * Pacemaker as the engine: node attributes through crm_attribute (a
 * recording runner stands in for it), node states from crm_mon's XML — the
 * samples are what crm_mon 2.1 prints for a running node, a lost one, a
 * fenced one (crm_simulate --node-fail with fencing; stonith_admin
 * --confirm) and one that left on purpose.
 */
import { describe, expect, it } from 'vitest';
import type { CommandRunner, RunResult } from '../../../framework/agent/command-types.js';
import { systemAttribute } from '../../../framework/agent/system-attributes.js';
import { pacemakerEngine, parseCrmMonNodes, xmlAttributes } from '../../../framework/ocf/pacemaker.js';

const node = (name: string, a: string) =>
  `<node name="${name}" id="1" ${a} standby="false" standby_onfail="false" maintenance="false" pending="false" health="green" shutdown="false" is_dc="false" resources_running="0" type="member"/>`;

const CRM_MON = `<pacemaker-result api-version="2.25" request="crm_mon --one-shot --output-as=xml --fence-history=2">
  <nodes>
    ${node('up1', 'online="true" unclean="false" expected_up="true"')}
    ${node('lost1', 'online="false" unclean="true" expected_up="true"')}
    ${node('crashed1', 'online="false" unclean="false" expected_up="true"')}
    ${node('fenced1', 'online="false" unclean="false" expected_up="false"')}
    ${node('left1', 'online="false" unclean="false" expected_up="false"')}
  </nodes>
  <node_attributes><node name="up1"><attribute name="PhysicalServer" value="sys1"/></node></node_attributes>
  <fence_history>
    <fence_event action="off" target="fenced1" client="stonith_admin.32374" origin="up1" status="success" delegate="a human" completed="2026-12-07 00:22:31Z"/>
    <fence_event action="reboot" target="left1" client="pacemaker-controld.1" origin="up1" status="failed" delegate="up1" completed="2026-12-07 00:20:00Z"/>
  </fence_history>
</pacemaker-result>`;

function runner(answers: Record<string, Partial<RunResult> | Error>): { run: CommandRunner; argvs: string[][] } {
  const argvs: string[][] = [];
  const run: CommandRunner = async (argv) => {
    argvs.push([...argv]);
    const a = answers[argv.join(' ')] ?? answers[argv[0]!];
    if (a instanceof Error) throw a;
    return { argv, code: 0, signal: null, stdout: '', stderr: '', truncated: false, timedOut: false, aborted: false, durationMs: 1, ...a };
  };
  return { run, argvs };
}

describe('node states from crm_mon', () => {
  it('up when online; down when lost, unclean or fenced; up when it left on purpose (no proof its server is down)', () => {
    const states = parseCrmMonNodes(CRM_MON);
    expect(Object.fromEntries([...states].map(([k, v]) => [k, v.state]))).toEqual({ up1: 'up', lost1: 'down', crashed1: 'down', fenced1: 'down', left1: 'up' });
    expect(states.get('fenced1')!.detail).toBe('offline, fenced (off by a human at 2026-12-07 00:22:31Z)');
    expect(states.get('left1')!.detail).toMatch(/left the cluster on purpose/);
  });

  it('unescapes attribute values', () => {
    expect(xmlAttributes('<node name="a&amp;b" x="&lt;3.15&gt;" y="&#65;&#x42;"/>')).toEqual({ name: 'a&b', x: '<3.15>', y: 'AB' });
  });

  it('asks crm_mon once per entry point, and takes a failure for no knowledge (nothing is down)', async () => {
    const ok = runner({ crm_mon: { stdout: CRM_MON } });
    const engine = pacemakerEngine({ run: ok.run, localNode: 'up1' });
    await engine.nodes!();
    await engine.nodes!();
    expect(ok.argvs).toEqual([['crm_mon', '--one-shot', '--output-as=xml', '--fence-history=2']]);
    const down = runner({ crm_mon: { code: 102, stderr: 'crm_mon: Error: cluster is not available on this node' } });
    expect((await pacemakerEngine({ run: down.run, localNode: 'up1' }).nodes!()).size).toBe(0);
  });
});

describe('system attributes from Pacemaker', () => {
  const ctx = (run: CommandRunner, overrides = new Map<string, string>()) => ({
    vcs: { home: '/nonexistent', conf: '/nonexistent', log: '/nonexistent' },
    run,
    engine: pacemakerEngine({ run, localNode: 'node1', overrides }),
  });

  it('are the resource\'s parameter for this node, else the node attribute (crm_attribute), undefined when not set', async () => {
    const r = runner({
      'crm_attribute --node node1 --name PhysicalServer --query --quiet': { stdout: 'sys1\n' },
      'crm_attribute --node node2 --name PhysicalServer --query --quiet': { stdout: 'sys2\n' },
      'crm_attribute --node node3 --name PhysicalServer --query --quiet': { code: 105, stderr: 'crm_attribute: Error performing operation: No such device or address' },
    });
    expect(await systemAttribute(ctx(r.run, new Map([['PhysicalServer', 'sysP']])), 'node1', 'PhysicalServer')).toBe('sysP');
    expect(await systemAttribute(ctx(r.run, new Map([['PhysicalServer', 'sysP']])), 'node2', 'PhysicalServer')).toBe('sys2');
    expect(await systemAttribute(ctx(r.run), 'node1', 'PhysicalServer')).toBe('sys1');
    expect(await systemAttribute(ctx(r.run), 'node3', 'PhysicalServer')).toBeUndefined();
    expect(r.argvs.map((a) => a[2])).toEqual(['node2', 'node1', 'node3']);
  });

  it('say what to do when Pacemaker cannot answer', async () => {
    const notConnected = runner({ crm_attribute: { code: 107, stderr: 'crm_attribute: Could not connect to the CIB: Transport endpoint is not connected\n' } });
    await expect(systemAttribute(ctx(notConnected.run), 'node1', 'PhysicalServer')).rejects.toThrow(/Could not connect to the CIB.*PhysicalServer may also be given as a parameter/);
    const missing = runner({ crm_attribute: Object.assign(new Error('command crm_attribute failed: not found'), { code: 'VCSPVM_AGENT_COMMAND' }) });
    await expect(systemAttribute(ctx(missing.run), 'node1', 'PhysicalServer')).rejects.toThrow(/give PhysicalServer as a parameter of the resource, or install Pacemaker's command line tools/);
  });
});
