/**
 * Under Pacemaker (the OCF face sets ctx.engine) the LPAR safety rule's
 * cluster membership is Pacemaker's node states, not `hasys -state`.
 */
import { describe, expect, it } from 'vitest';
import { membershipOf } from '../../../agents/lpar/membership.js';
import type { CommandRunner } from '../../../framework/agent/command-types.js';
import { pacemakerEngine } from '../../../framework/ocf/pacemaker.js';

const quiet = { fatal() {}, error() {}, warn() {}, notice() {}, info() {}, debug() {}, trace() {} };
const vcs = { home: '/nonexistent', conf: '/nonexistent', log: '/nonexistent' };
const crmMon = `<pacemaker-result><nodes>
  <node name="aixnode55mp1" id="1" online="true" unclean="false" expected_up="true" pending="false"/>
  <node name="aixnode56mp1" id="2" online="false" unclean="true" expected_up="true" pending="false"/>
  <node name="aixnode57mp1" id="3" online="false" unclean="false" expected_up="false" pending="false"/>
</nodes></pacemaker-result>`;
const argvs: string[][] = [];
const run: CommandRunner = async (argv) => {
  argvs.push([...argv]);
  return { argv, code: argv[0] === 'crm_mon' ? 0 : 127, signal: null, stdout: argv[0] === 'crm_mon' ? crmMon : '', stderr: '', truncated: false, timedOut: false, aborted: false, durationMs: 1 };
};

describe('cluster membership under Pacemaker', () => {
  it('is Pacemaker\'s node states by default when the entry point runs under it', async () => {
    const m = membershipOf({ vcs, run, log: quiet, engine: pacemakerEngine({ run, localNode: 'aixnode55mp1' }) }, {});
    expect(m.source).toBe('Pacemaker (node states)');
    const nodes = await m.nodes();
    expect(Object.fromEntries([...nodes].map(([k, v]) => [k, v.state]))).toEqual({ aixnode55mp1: 'up', aixnode56mp1: 'down', aixnode57mp1: 'up' });
    expect(argvs.every((a) => a[0] === 'crm_mon')).toBe(true);
  });

  it('is still what VCSPVM_MEMBERSHIP names, and hasys without an engine', () => {
    const engine = pacemakerEngine({ run, localNode: 'aixnode55mp1' });
    expect(membershipOf({ vcs, run, log: quiet, engine }, { VCSPVM_MEMBERSHIP: 'vcs' }).source).toBe('VCS (hasys -state)');
    expect(membershipOf({ vcs, run, log: quiet, engine }, { VCSPVM_MEMBERSHIP: 'none' }).source).toBe('none');
    expect(membershipOf({ vcs, run, log: quiet }, {}).source).toBe('VCS (hasys -state)');
  });
});
