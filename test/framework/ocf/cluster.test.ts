/**
 * A real cluster runs the LPAR agent: corosync and pacemakerd started by
 * this test (one node, aixnode55mp1, whose PhysicalServer node attribute is
 * sys1), the LPAR primitive created with cibadmin, hmcsim as the HMCs.
 * Pacemaker starts the partition on sys1; a reloadable parameter change is a
 * reload, not a restart; a crash seen by the recurring monitor is recovered
 * (fail-count 1, Running again); target-role=Stopped stops it.
 *
 * Every cluster test is in this one file: only one corosync can run on the
 * machine (cluster.ts serialises runs across processes with a lock file).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestCluster } from './cluster.js';
import { createCommandRunner } from '../../../framework/agent/command.js';
import { pacemakerEngine } from '../../../framework/ocf/pacemaker.js';
import { NODE_A, NODE_B, OcfBench, SEED_LPAR, linkProvider, primitiveXml, seedParams } from './helpers.js';

let b: OcfBench;
let link: ReturnType<typeof linkProvider>;
let cluster: TestCluster;

beforeAll(async () => {
  b = await new OcfBench({ speed: 20 }).start();
  link = linkProvider(b.ocfRoot);
  cluster = new TestCluster({ dir: join(b.bench.dir, 'cluster'), node: NODE_A, env: b.env('', {}), otherNodes: [NODE_B] });
  await cluster.start();
}, 20 * 60_000);

afterAll(async () => {
  await cluster?.stop();
  link?.remove();
  await b?.stop();
}, 5 * 60_000);

const partition = async () => (await b.bench.states()).sys1![SEED_LPAR];

/** lpar1's entry in crm_mon's XML: its role and its fail count. */
function lpar1(): { role?: string; failCount: number } {
  const xml = cluster.crmMon() ?? '';
  const role = /<resource id="lpar1"[^>]*role="([^"]+)"/.exec(xml)?.[1];
  const history = /<resource_history id="lpar1"([^>]*)>/.exec(xml);
  const failCount = Number(/fail-count="(\d+)"/.exec(history?.[1] ?? '')?.[1] ?? 0);
  return { ...(role ? { role } : {}), failCount };
}

describe('a one-node Pacemaker cluster', () => {
  it('starts the partition on the node\'s managed system, reloads a parameter change, recovers a crash, stops it', async () => {
    cluster.tool('crm_attribute', '--node', NODE_A, '--name', 'PhysicalServer', '--update', 'sys1');
    const { PhysicalServer: _fromTheNode, VIOSName: _perNode, ...params } = seedParams(b.sshConfig);
    cluster.createResource(
      primitiveXml({
        id: 'lpar1',
        provider: link.provider,
        type: 'LPAR',
        params,
        // VIOSName @aixnode55mp1 = { ... } in main.cf: a rule on the node's name.
        perNode: { [NODE_A]: { VIOSName: 'aixnode55vio1 aixnode55vio2' }, aixnode56mp1: { VIOSName: 'aixnode56vio1 aixnode56vio2' } },
        ops: '<op id="lpar1-monitor" name="monitor" interval="5s" timeout="60s"/><op id="lpar1-start" name="start" interval="0s" timeout="180s"/><op id="lpar1-stop" name="stop" interval="0s" timeout="180s"/>',
      }),
    );

    await cluster.waitFor(async () => (await partition()) === 'Running' && lpar1().role === 'Started', 180_000, 'lpar1 Started, the partition Running on sys1');
    // The agent logged as OCF agents do, into Pacemaker's log file (HA_LOGFILE).
    expect(readFileSync(cluster.pacemakerLog, 'utf8')).toMatch(/LPAR\(lpar1\)\[\d+\]: {4}INFO: /);

    // MCName is reloadable: the new order takes effect without a restart.
    const before = (await b.bench.commandCounts()).commands.chsysstate ?? 0;
    cluster.tool('crm_resource', '--resource', 'lpar1', '--set-parameter', 'MCName', '--parameter-value', 'hmc7 hmc6');
    // The controller logs the reload (its history then records it as the start with the new parameters).
    const log = () => readFileSync(cluster.pacemakerLog, 'utf8');
    await cluster.waitFor(() => /Result of reload-agent operation for lpar1 on \S+: ok/.test(log()), 120_000, 'reload-agent of lpar1');
    expect(log()).not.toMatch(/Result of stop operation for lpar1/);
    expect(await partition()).toBe('Running');
    expect((await b.bench.commandCounts()).commands.chsysstate ?? 0).toBe(before);

    // A crash: the recurring monitor sees it, Pacemaker stops (cleans) and starts it again.
    await b.bench.ctl('lpar-crash', 'sys1', SEED_LPAR);
    await cluster.waitFor(() => lpar1().failCount >= 1, 120_000, 'the crash counted (fail-count 1)');
    await cluster.waitFor(async () => (await partition()) === 'Running' && lpar1().role === 'Started', 180_000, 'lpar1 recovered');
    expect(lpar1().failCount).toBe(1);

    cluster.tool('crm_resource', '--resource', 'lpar1', '--meta', '--set-parameter', 'target-role', '--parameter-value', 'Stopped');
    await cluster.waitFor(async () => (await partition()) === 'Not Activated' && lpar1().role === 'Stopped', 180_000, 'lpar1 Stopped, the partition Not Activated');
  }, 15 * 60_000);

  it('fences a node with fence_lpar through Pacemaker\'s fencer (hmcsim powers its partition off); the fenced node then counts as down', async () => {
    const engine = () => pacemakerEngine({ run: createCommandRunner(), localNode: NODE_A });
    // Configured, never joined: offline, which proves nothing about its server.
    expect((await engine().nodes!()).get(NODE_B)).toMatchObject({ state: 'up' });
    expect((await b.bench.states()).sys2![NODE_B]).toBe('Running');
    const known = join(b.bench.home, '.ssh', 'known_hosts');
    cluster.createResource(
      `<primitive id="fence-sys2-hmc6" class="stonith" type="fence_lpar"><instance_attributes id="fence-sys2-hmc6-params">${Object.entries({
        ip: '127.0.0.1',
        ipport: String(b.bench.ports[0]),
        username: 'hscroot',
        password: 'abc123',
        managed: 'sys2',
        hmc_version: '4',
        pcmk_host_map: `${NODE_B}:${NODE_B}`,
        ssh_options: `-o StrictHostKeyChecking=yes -o UserKnownHostsFile=${known} -o LogLevel=ERROR`,
      })
        .map(([k, v]) => `<nvpair id="fence-sys2-hmc6-${k}" name="${k}" value="${v}"/>`)
        .join('')}</instance_attributes></primitive>`,
    );
    await cluster.waitFor(() => /<resource id="fence-sys2-hmc6"[^>]*role="Started"/.test(cluster.crmMon() ?? ''), 120_000, 'the fence device started (its monitor reached the HMC)');
    cluster.tool('stonith_admin', '--fence', NODE_B, '--timeout', '120');
    expect((await b.bench.states()).sys2![NODE_B]).toBe('Not Activated');
    const state = (await engine().nodes!()).get(NODE_B);
    expect(state).toMatchObject({ state: 'down' });
    expect(state!.detail).toMatch(/^offline, fenced \(off by aixnode55mp1 at /);
  }, 10 * 60_000);
});
