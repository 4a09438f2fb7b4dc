/**
 * ClusterLabs' ocf-tester (resource-agents), a judge we did not write, runs
 * the LPAR agent as an OCF resource agent against hmcsim: meta-data valid
 * against ra-api-1.dtd, readable by nobody; validate-all; probes and
 * monitors of a stopped and a started partition; start and stop, each twice.
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OcfBench, SEED_LPAR, runProcess, seedParams } from './helpers.js';

const OCF_TESTER = '/usr/sbin/ocf-tester';
let b: OcfBench;

beforeAll(async () => {
  expect(existsSync(OCF_TESTER), 'ocf-tester is installed (.ci/run installs resource-agents)').toBe(true);
  b = await new OcfBench({ speed: 20 }).start();
}, 60_000);
afterAll(() => b?.stop());

describe('ocf-tester', () => {
  it('passes the LPAR agent against hmcsim; the partition was started and stopped on sys1', async () => {
    const params = seedParams(b.sshConfig);
    const args = ['-n', 'lpar1', ...Object.entries(params).flatMap(([k, v]) => ['-o', `${k}=${v}`]), b.agent('LPAR')];
    // ocf-tester gives every action 20 s (CRM_meta_timeout=20000); hmcsim boots fast at --speed 20.
    const r = await runProcess(OCF_TESTER, args, b.env('lpar1', {}), 240_000);
    expect(r.stdout + r.stderr, r.stdout + r.stderr).toContain('passed all tests');
    expect(r.code).toBe(0);
    expect((await b.bench.states()).sys1![SEED_LPAR]).toBe('Not Activated');
    const c = await b.bench.commandCounts();
    // Started twice (the second start of a started partition starts nothing), stopped twice.
    expect(c.commands.chsysstate).toBeGreaterThanOrEqual(4);
  }, 300_000);
});
