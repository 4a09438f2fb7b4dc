/**
 * crm_simulate judges the converted configurations: where Pacemaker places
 * each group on an all-online cluster, after a node fails, and after a
 * resource faults, compared with what VCS does according to the VCS
 * Administrator's Guide ("Service group dependency configurations",
 * SystemList / AutoStartList / AutoStartPolicy, RestartLimit, Critical,
 * AutoFailOver, ManageFaults, Frozen). Each row names the documented VCS
 * behaviour it checks; docs/convert.md has the same table.
 *
 * Everything runs on files: crm_simulate --xml-file, crm_mon with CIB_file.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { asStored, placements, repo, scratchDir, setNodeAttribute, simulate, starts, tool, vcscf } from './helpers.js';

const tmp = scratchDir('simulate');
afterAll(() => tmp.remove());
let counter = 0;

/** Converts main.cf text to a stored CIB file; returns its path. */
async function cib(maincf: string): Promise<string> {
  const name = `c${++counter}`;
  const cf = tmp.file(`${name}/main.cf`, maincf);
  const r = await vcscf(['convert', cf, '--to', 'cib']);
  expect(r.code, r.stderr).toBeLessThan(2);
  return tmp.file(`${name}.xml`, asStored(r.stdout));
}

/** All nodes up; returns the state file. */
function allUp(file: string, nodes: string[]): string {
  const out = `${file}.up.xml`;
  simulate(file, out, nodes.flatMap((n) => ['--node-up', n]));
  return out;
}

function step(file: string, args: string[]): { file: string; summary: string[] } {
  const out = `${file}.${++counter}.xml`;
  return { file: out, summary: simulate(file, out, args) };
}

const where = (file: string, rsc: string) => placements(file).get(rsc) ?? [];

const SYSTEMS = 'system s1 ( )\nsystem s2 ( )\nsystem s3 ( )\n';

function dependencyConfig(link: string): string {
  return `include "types.cf"
cluster c ( )
${SYSTEMS}
group child (
    SystemList = { s1 = 0, s2 = 1, s3 = 2 }
    AutoStartList = { s1 }
    )
    Process c ( PathName = "/bin/c" )

group parent (
    SystemList = { s1 = 0, s2 = 1, s3 = 2 }
    AutoStartList = { s2 }
    )
    Process p ( PathName = "/bin/p" )
    requires group child ${link}
`;
}

interface Expect {
  /** [child, parent] node; '' for stopped. */
  allUp: [string, string];
  childNodeFails: [string, string];
  childFaults: [string, string];
  parentFaults: [string, string];
  /** Is the parent stopped and started again when the child fails over? */
  parentRestartedWithChild: boolean;
  /** Where Pacemaker does otherwise (documented in docs/convert.md): what it does instead, and why. */
  pacemaker?: { childNodeFails: [string, string]; why: string };
}

/**
 * When the child's system fails, the child has to be placed afresh, and
 * Pacemaker then weighs the parent's preferences too (colocation influence
 * applies to an inactive child): it picks a child system away from the
 * parent rather than moving the parent. VCS fails the child over by
 * priority and then moves the parent.
 */
const AWAY_FROM_PARENT = { childNodeFails: ['s3', 's2'] as [string, string], why: 'the child is placed away from the parent instead of moving the parent' };

/**
 * VCS semantics, failover parent / failover child (Administrator's Guide,
 * "Service group dependency configurations"). The child prefers s1, the
 * parent s2 (AutoStartList), priorities s1 < s2 < s3 for both.
 */
const DEPENDENCIES: Record<string, Expect> = {
  // Parent online only where the child is; follows the child; a parent fault does not move the child.
  'online local soft': { allUp: ['s1', 's1'], childNodeFails: ['s2', 's2'], childFaults: ['s2', 's2'], parentFaults: ['s1', ''], parentRestartedWithChild: true },
  'online local firm': { allUp: ['s1', 's1'], childNodeFails: ['s2', 's2'], childFaults: ['s2', 's2'], parentFaults: ['s1', ''], parentRestartedWithChild: true },
  // hard: "if the parent faults, the child fails over with it".
  'online local hard': { allUp: ['s1', 's1'], childNodeFails: ['s2', 's2'], childFaults: ['s2', 's2'], parentFaults: ['s2', 's2'], parentRestartedWithChild: true },
  // global soft: the parent needs the child somewhere to start, and stays online when it faults.
  'online global soft': { allUp: ['s1', 's2'], childNodeFails: ['s2', 's2'], childFaults: ['s2', 's2'], parentFaults: ['s1', 's1'], parentRestartedWithChild: false },
  // global firm: the parent is taken offline with the child and brought online again.
  'online global firm': { allUp: ['s1', 's2'], childNodeFails: ['s2', 's2'], childFaults: ['s2', 's2'], parentFaults: ['s1', 's1'], parentRestartedWithChild: true },
  // remote: never on the child's system; moves away when the child fails over to it.
  'online remote soft': { allUp: ['s1', 's2'], childNodeFails: ['s2', 's3'], childFaults: ['s2', 's1'], parentFaults: ['s1', 's3'], parentRestartedWithChild: true, pacemaker: AWAY_FROM_PARENT },
  'online remote firm': { allUp: ['s1', 's2'], childNodeFails: ['s2', 's3'], childFaults: ['s2', 's1'], parentFaults: ['s1', 's3'], parentRestartedWithChild: true, pacemaker: AWAY_FROM_PARENT },
  // offline local: parent and child never on the same system; the child has precedence.
  'offline local': { allUp: ['s1', 's2'], childNodeFails: ['s2', 's3'], childFaults: ['s2', 's1'], parentFaults: ['s1', 's3'], parentRestartedWithChild: true, pacemaker: AWAY_FROM_PARENT },
};

const pair = (file: string): [string, string] => [where(file, 'c').join(','), where(file, 'p').join(',')];
const touches = (summary: string[], rsc: string) => summary.some((l) => new RegExp(`^(Restart|Move|Recover|Stop|Start)\\s+${rsc}\\b`).test(l));

describe('group dependencies under crm_simulate', () => {
  for (const [link, want] of Object.entries(DEPENDENCIES)) {
    it(`requires group child ${link}`, async () => {
      const file = await cib(dependencyConfig(link));
      const up = allUp(file, ['s1', 's2', 's3']);
      expect(pair(up), 'all systems up').toEqual(want.allUp);

      // Either way the two never share a system.
      const nodeFails = pair(step(up, ['--node-fail', 's1']).file);
      expect(nodeFails, `the child's system fails${want.pacemaker ? ` (differs from VCS: ${want.pacemaker.why})` : ''}`).toEqual(want.pacemaker?.childNodeFails ?? want.childNodeFails);

      const fault = step(up, ['--op-inject', 'c_monitor_60000@s1=1']);
      expect(pair(fault.file), 'the child faults (RestartLimit 0: it fails over)').toEqual(want.childFaults);
      expect(touches(fault.summary, 'p'), `the parent is restarted when the child fails over: ${fault.summary.join('; ')}`).toBe(want.parentRestartedWithChild);

      const pNode = want.allUp[1];
      expect(pair(step(up, ['--op-inject', `p_monitor_60000@${pNode}=1`]).file), 'the parent faults').toEqual(want.parentFaults);
    });
  }

  it('starts a parent only after its child (global firm: the child cannot run, the parent stays offline)', async () => {
    const file = await cib(dependencyConfig('online global firm').replace('AutoStartList = { s1 }', 'AutoStartList = { s1 }\n    Enabled = 0'));
    const up = allUp(file, ['s1', 's2', 's3']);
    expect(pair(up)).toEqual(['', '']);
  });
});

describe('placement: SystemList, AutoStartList, AutoStartPolicy', () => {
  const config = `include "types.cf"
cluster c ( )
${SYSTEMS}
group g1 (
    SystemList = { s1 = 0, s2 = 1, s3 = 2 }
    AutoStartList = { s1 }
    )
    Process r1 ( PathName = "/bin/r1" )

group g2 (
    SystemList = { s1 = 2, s2 = 0, s3 = 1 }
    AutoStartList = { s3, s1 }
    )
    Process r2 ( PathName = "/bin/r2" )

group g3 (
    SystemList = { s1 = 0, s2 = 1, s3 = 2 }
    AutoStartList = { s3, s2 }
    AutoStartPolicy = Priority
    )
    Process r3 ( PathName = "/bin/r3" )

group g4 (
    SystemList = { s1 = 0, s2 = 1 }
    )
    Process r4 ( PathName = "/bin/r4" )

group g5 (
    SystemList = { s1 = 0, s2 = 1 }
    AutoStartList = { s1, s2 }
    Enabled @s1 = 0
    )
    Process r5 ( PathName = "/bin/r5" )

group g6 (
    SystemList = { s1 = 0, s2 = 1, s3 = 2 }
    AutoStartList = { s1, s2, s3 }
    Parallel = 1
    )
    Process r6 ( PathName = "/bin/r6" )

group g7 (
    SystemList = { s1 = 0, s2 = 1 }
    AutoStartList = { s1 }
    AutoStart = 0
    )
    Process r7 ( PathName = "/bin/r7" )

group g8 (
    SystemList = { s1 = 0, s2 = 1 }
    AutoStartList = { s1 }
    Frozen = 1
    )
    Process r8 ( PathName = "/bin/r8" )
`;
  // VCS: auto-start on the first AutoStartList system (Order) or the AutoStartList system of
  // lowest priority number (Priority); fail over to the running system of lowest priority number;
  // no AutoStartList or AutoStart = 0: not started; Enabled@sys = 0: never there; Parallel: everywhere;
  // Frozen: VCS neither onlines nor offlines it.
  const ROWS: Array<[string, string, string]> = [
    // resource, all up, after its system fails
    ['r1', 's1', 's2'],
    ['r2', 's3', 's2'],
    ['r3', 's2', 's1'],
    ['r4', '', ''],
    ['r5', 's2', ''],
    ['r7', '', ''],
    ['r8', '', ''],
  ];
  let up = '';
  it('places every group where VCS would start it', async () => {
    up = allUp(await cib(config), ['s1', 's2', 's3']);
    const p = placements(up);
    for (const [rsc, first] of ROWS) expect(`${rsc}@${(p.get(rsc) ?? []).join(',')}`).toBe(`${rsc}@${first}`);
    expect(p.get('r6')).toEqual(['s1', 's2', 's3']);
  });
  it('fails each group over to the system VCS would choose', () => {
    for (const [rsc, first, next] of ROWS) {
      if (first === '') continue;
      const after = step(up, ['--node-fail', first]).file;
      expect(`${rsc}@${where(after, rsc).join(',')}`).toBe(`${rsc}@${next}`);
    }
  });
  it('does not fail back when the system returns (resource stickiness)', () => {
    const down = step(up, ['--node-down', 's1']).file;
    expect(where(down, 'r1')).toEqual(['s2']);
    const back = step(down, ['--node-up', 's1']);
    expect(where(back.file, 'r1')).toEqual(['s2']);
    expect(touches(back.summary, 'r1')).toBe(false);
  });
});

describe('fault handling', () => {
  const config = (groupAttrs: string, resAttrs: string) => `include "types.cf"
cluster c ( )
${SYSTEMS}
group g (
    SystemList = { s1 = 0, s2 = 1, s3 = 2 }
    AutoStartList = { s1 }
    ${groupAttrs}
    )
    Process a ( PathName = "/bin/a" )
    Process b (
        PathName = "/bin/b"
        ${resAttrs}
        )
    b requires a
`;
  const fault = (file: string, rsc: string, node: string) => step(file, ['--op-inject', `${rsc}_monitor_60000@${node}=1`]);

  it('RestartLimit = 1: the first fault restarts in place, the second fails the group over', async () => {
    const up = allUp(await cib(config('', 'RestartLimit = 1')), ['s1', 's2', 's3']);
    const first = fault(up, 'b', 's1');
    expect(first.summary.some((l) => /^Recover\s+b\s+\(\s*s1\s*\)/.test(l)), first.summary.join('; ')).toBe(true);
    expect(where(first.file, 'b')).toEqual(['s1']);
    const second = fault(first.file, 'b', 's1');
    expect([where(second.file, 'a'), where(second.file, 'b')]).toEqual([['s2'], ['s2']]);
  });

  it('Critical = 0: the resource stays faulted, the group stays where it is', async () => {
    const up = allUp(await cib(config('', 'Critical = 0')), ['s1', 's2', 's3']);
    const after = fault(up, 'b', 's1').file;
    expect([where(after, 'a'), where(after, 'b')]).toEqual([['s1'], []]);
  });

  it('Critical = 1 (default): a fault fails the whole group over', async () => {
    const up = allUp(await cib(config('', '')), ['s1', 's2', 's3']);
    const after = fault(up, 'b', 's1').file;
    expect([where(after, 'a'), where(after, 'b')]).toEqual([['s2'], ['s2']]);
  });

  it('AutoFailOver = 0: a fault stops the group where it is, no failover', async () => {
    const up = allUp(await cib(config('AutoFailOver = 0', '')), ['s1', 's2', 's3']);
    const after = fault(up, 'a', 's1').file;
    expect([where(after, 'a'), where(after, 'b')]).toEqual([[], []]);
  });

  it('ManageFaults = NONE: nothing is cleaned or moved, the administrator decides', async () => {
    const up = allUp(await cib(config('ManageFaults = NONE', '')), ['s1', 's2', 's3']);
    const f = fault(up, 'b', 's1');
    expect(f.summary.filter((l) => !/^\(blocked\)/.test(l)).some((l) => /^(Move|Recover|Stop|Start)\s/.test(l) && !/blocked/.test(l)), f.summary.join('; ')).toBe(false);
    expect(readFileSync(f.file, 'utf8')).toContain('on-fail="block"');
  });
});

describe('NIC and Proxy', () => {
  const config = `include "types.cf"
cluster c ( )
${SYSTEMS}
group net (
    SystemList = { s1 = 0, s2 = 1, s3 = 2 }
    AutoStartList = { s1 }
    )
    IP vip (
        Device = en0
        Address = "10.0.0.10"
        NetMask = "255.255.255.0"
        )
    NIC nic ( Device = en0 )
    vip requires nic

group app (
    SystemList = { s1 = 0, s2 = 1, s3 = 2 }
    AutoStartList = { s2 }
    )
    Process srv ( PathName = "/bin/srv" )
    Proxy nicproxy ( TargetResName = nic )
    srv requires nicproxy
`;
  it('a group with a NIC runs only where ethmonitor says the interface is up', async () => {
    const file = await cib(config);
    const up = allUp(file, ['s1', 's2', 's3']);
    // ethmonitor has not reported anywhere yet: nothing that depends on the NIC may run.
    expect([where(up, 'vip'), where(up, 'srv')]).toEqual([[], []]);
    for (const n of ['s1', 's2', 's3']) setNodeAttribute(up, n, 'ethmonitor-nic', '1');
    const running = step(up, []).file;
    expect([where(running, 'vip'), where(running, 'srv')]).toEqual([['s1'], ['s2']]);
    expect(where(running, 'nic')).toEqual(['s1', 's2', 's3']);
    // The interface fails on s1 (VCS: NIC faults, the IP's group fails over); the Proxy's group on s2 is unaffected.
    setNodeAttribute(running, 's1', 'ethmonitor-nic', '0');
    const moved = step(running, []).file;
    expect([where(moved, 'vip'), where(moved, 'srv')]).toEqual([['s2'], ['s2']]);
    // It fails on s2 as well: the Proxy mirrors the NIC there, so srv moves too.
    setNodeAttribute(moved, 's2', 'ethmonitor-nic', '0');
    const again = step(moved, []).file;
    expect([where(again, 'vip'), where(again, 'srv')]).toEqual([['s3'], ['s3']]);
  });
});

describe('NIC clones placed by one pattern constraint', () => {
  // Two NICs on different systems: one constraint (rsc-pattern ^ethmonitor-) allows every NIC
  // clone on the union of the systems, and a ban keeps the narrower one off the rest.
  const twoNics = (otherGroup = 'side') => `include "types.cf"
cluster c ( )
${SYSTEMS}
group net (
    SystemList = { s1 = 0, s2 = 1, s3 = 2 }
    AutoStartList = { s1 }
    )
    IP vip ( Address = "10.0.0.10"
        NetMask = "255.255.255.0"
        Device = en0 )
    NIC nic ( Device = en0 )
    vip requires nic

group ${otherGroup} (
    SystemList = { s1 = 0, s2 = 1 }
    AutoStartList = { s2 }
    )
    Process srv ( PathName = "/bin/srv" )
    NIC sidenic ( Device = en1 )
    srv requires sidenic
`;

  it('runs each NIC clone on exactly the systems of the groups that need it', async () => {
    const file = await cib(twoNics());
    const xml = readFileSync(file, 'utf8');
    expect(xml).toContain('rsc-pattern="^ethmonitor-"');
    const up = allUp(file, ['s1', 's2', 's3']);
    expect([where(up, 'nic'), where(up, 'sidenic')]).toEqual([['s1', 's2', 's3'], ['s1', 's2']]);
    for (const n of ['s1', 's2', 's3']) setNodeAttribute(up, n, 'ethmonitor-nic', '1');
    for (const n of ['s1', 's2']) setNodeAttribute(up, n, 'ethmonitor-sidenic', '1');
    const running = step(up, []).file;
    expect([where(running, 'vip'), where(running, 'srv')]).toEqual([['s1'], ['s2']]);
    // sidenic's interface fails on s2: srv fails over to s1, the only other system of its group.
    setNodeAttribute(running, 's2', 'ethmonitor-sidenic', '0');
    expect(where(step(running, []).file, 'srv')).toEqual(['s1']);
  });

  it('falls back to one constraint per clone when another resource id starts like a NIC clone', async () => {
    const file = await cib(twoNics('ethmonitor-app'));
    const xml = readFileSync(file, 'utf8');
    expect(xml).not.toContain('rsc-pattern');
    const up = allUp(file, ['s1', 's2', 's3']);
    expect([where(up, 'nic'), where(up, 'sidenic')]).toEqual([['s1', 's2', 's3'], ['s1', 's2']]);
  });
});

describe('per-system attribute values', () => {
  it('reach the agent on each node with that node\'s value; systems with the same value share one block', async () => {
    const file = await cib(`include "types.cf"
cluster c ( )
${SYSTEMS}
group g (
    SystemList = { s1 = 0, s2 = 1, s3 = 2 }
    AutoStartList = { s1 }
    )
    IP vip (
        Address = "10.0.0.10"
        NetMask = "255.255.255.0"
        Device @s1 = en0
        Device @s2 = en5
        Device @s3 = en0
        )
    LPAR lp (
        LPARName = lp
        MCName = { hmc1 }
        MCUser = { hscroot }
        VIOSName @s1 = { vios1a, vios1b }
        VIOSName @s2 = { vios2a, vios2b }
        VIOSName @s3 = { vios3a, vios3b }
        )
`);
    expect(readFileSync(file, 'utf8').match(/<instance_attributes id="vip\.params\.s\d"/g)).toEqual(['<instance_attributes id="vip.params.s1"', '<instance_attributes id="vip.params.s2"']);
    const seen = (list: ReturnType<typeof starts>) => list.map((s) => `${s.rsc}@${s.node} ${s.params.nic ?? s.params.VIOSName}`).sort();
    const upFile = `${file}.up.xml`;
    expect(seen(starts(file, upFile, ['--node-up', 's1', '--node-up', 's2', '--node-up', 's3']))).toEqual(['lp@s1 vios1a vios1b', 'vip@s1 en0']);
    const onS2 = `${file}.s2.xml`;
    expect(seen(starts(upFile, onS2, ['--node-fail', 's1']))).toEqual(['lp@s2 vios2a vios2b', 'vip@s2 en5']);
    expect(seen(starts(onS2, `${file}.s3.xml`, ['--node-fail', 's2']))).toEqual(['lp@s3 vios3a vios3b', 'vip@s3 en0']);
  });
});

describe("the seed's LPAR group", () => {
  it('waits for hagrp -online (no AutoStartList), then runs on the first system and fails over to the second', async () => {
    const r = await vcscf(['convert', `${repo}/sim/configs/seed-lpar/main.cf`, '--to', 'cib']);
    const file = tmp.file('seed.xml', asStored(r.stdout));
    const up = allUp(file, ['aixnode55mp1', 'aixnode56mp1']);
    // VCS starts a group by itself only on an AutoStartList system: this one waits for the administrator.
    expect(where(up, 'aixnode5556mp2')).toEqual([]);
    // `pcs resource enable` (here crm_resource on the file) is the hagrp -online.
    const enable = tool('crm_resource', ['--resource', 'LPAR_aixnode5556mp2', '--meta', '--delete-parameter', 'target-role'], { CIB_file: up });
    expect(enable.status, enable.stderr).toBe(0);
    const online = step(up, []).file;
    expect(where(online, 'aixnode5556mp2')).toEqual(['aixnode55mp1']);
    // RestartLimit = 1: the first fault restarts the LPAR in place, the second fails the group over.
    const first = step(online, ['--op-inject', 'aixnode5556mp2_monitor_60000@aixnode55mp1=1']).file;
    expect(where(first, 'aixnode5556mp2')).toEqual(['aixnode55mp1']);
    const second = step(first, ['--op-inject', 'aixnode5556mp2_monitor_60000@aixnode55mp1=1']).file;
    expect(where(second, 'aixnode5556mp2')).toEqual(['aixnode56mp1']);
  });
});
