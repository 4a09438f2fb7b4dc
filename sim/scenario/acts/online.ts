/**
 * Act 2: VCS starts on both management LPARs — each node's agent framework
 * runs open (which blocks live migration of the management LPAR itself with
 * drmgr) and probes the resource — then the group is brought online on the
 * first system of its SystemList: online, then the monitor that confirms it.
 */
import { bounded, type Checks, type Scenario } from '../context.js';
import { ClusterNode } from '../node.js';
import { vcsSeconds } from '../output.js';

export async function actOnline(s: Scenario, c: Checks): Promise<void> {
  const { out, setup, lab } = s;
  const [first, second] = setup.systems as [(typeof setup.systems)[0], (typeof setup.systems)[0]];

  out.say(`Starting VCS's agent framework on ${setup.systems.map((x) => x.name).join(' and ')} (one runner per node; every entry point`);
  out.say(`a process: $VCS_HOME/bin/LPAR/<entry point>, laid out by vcsagent install):`);
  for (const sys of setup.systems) {
    const dirs = await lab.node(sys.name, s.seedPath);
    s.nodes.push(new ClusterNode(dirs, s.clock, (e) => out.event(e)));
  }
  await Promise.all(s.nodes.map((n) => n.runner.start()));
  for (const n of s.nodes) {
    const st = n.runner.resource(setup.resource)!.state;
    c.check(st === 'offline', `${n.system} probes ${setup.resource}: ${st.toUpperCase()}`);
  }
  for (const n of s.nodes) {
    const l = await lab.run(['drmgr', '-l'], n.dirs.env);
    const blocked = /vcs_blockmigrate\.sh/.test(l.stdout);
    c.check(blocked, `open on ${n.system}: live migration of the management LPAR blocked (drmgr -l lists vcs_blockmigrate.sh)`);
  }
  for (const n of s.nodes) out.agentLog(n.system, n.newAgentLog(), (l) => l.severity !== 'INFO');

  const n1 = s.nodes[0]!;
  out.say('');
  out.say(`$ hagrp -online ${setup.group} -sys ${first.name}`);
  const t0 = s.clock.now();
  const r0 = Date.now();
  const state = await bounded(s, n1.runner.online(setup.group), 900, `hagrp -online on ${first.name}`);
  const took = vcsSeconds(t0, s.clock.now());
  out.agentLog(first.name, n1.newAgentLog(), (l) => l.severity !== 'INFO');
  c.check(state === 'online', `group ${setup.group} ONLINE on ${first.name} after ${took} of VCS time (${((Date.now() - r0) / 1000).toFixed(1)} s real): online, then monitor`);
  c.check(s.nodes[1]!.runner.groupState(setup.group) === 'offline', `and OFFLINE on ${second.name}`);
  const world = await lab.world();
  const on = (ms: string) => world.find((w) => w.name === ms)?.partitions.find((p) => p.name === setup.lpar)?.state;
  out.say(`HMC: ${setup.lpar} is ${on(first.physicalServer)} on ${first.physicalServer}, ${on(second.physicalServer)} on ${second.physicalServer}`);
  c.check(on(first.physicalServer) === 'Running' && on(second.physicalServer) === 'Not Activated', `the partition runs on ${first.physicalServer} only`);
}
