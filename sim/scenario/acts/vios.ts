/**
 * Act 4: the seed's "VIO servers are down" row. One VIO server of the
 * partition's physical server goes down: the monitor sees the other one still
 * serving and nothing happens (no failover). The second goes down: the
 * monitor reports the partition offline, the agent framework cleans it and
 * the resource FAULTS on this system; then, as the cluster engine would, the
 * group is brought online on the next system of its SystemList, and runs on
 * the other physical server. The VIO servers come back, the fault is cleared.
 */
import type { RunnerEvent } from '../../../framework/runner/events.js';
import { allow, bounded, isState, until, type Checks, type Scenario } from '../context.js';
import type { ClusterNode } from '../node.js';
import { vcsSeconds } from '../output.js';

/** The first monitor of `resource` that started after `mark`, once it has finished. */
export async function nextMonitor(s: Scenario, n: ClusterNode, resource: string, mark: number, what: string): Promise<RunnerEvent & { kind: 'monitor' }> {
  const started = await n.waitFor((e) => e.kind === 'ep-started' && e.entryPoint === 'monitor' && e.resource === resource, mark, allow(s, 600), what, s.signal);
  return (await n.waitFor((e) => e.kind === 'monitor' && e.resource === resource, n.events.indexOf(started), allow(s, 120), what, s.signal)) as RunnerEvent & { kind: 'monitor' };
}

export async function actVios(s: Scenario, c: Checks): Promise<void> {
  const { out, setup, lab } = s;
  const [first, second] = [setup.systems[0]!, setup.systems[1]!];
  const [n1, n2] = [s.nodes[0]!, s.nodes[1]!];
  const [vio1, vio2] = [first.vios[0]!, first.vios[1]!];
  const res = setup.resource;
  out.monitors = true;
  n1.newAgentLog();

  // One VIO server down: the other still serves.
  out.say(`$ hmcsim ctl vios-down ${first.physicalServer} ${vio1}`);
  await lab.ctl('vios-down', first.physicalServer, vio1);
  out.say(`HMC: ${vio1} is ${await lab.partitionState(first.physicalServer, vio1)}, ${vio2} ${await lab.partitionState(first.physicalServer, vio2)}`);
  let mark = n1.mark();
  const m1 = await nextMonitor(s, n1, res, mark, `a monitor after ${vio1} went down`);
  out.agentLog(first.name, n1.newAgentLog(), (l) => l.severity !== 'INFO');
  c.check(m1.result === 'online', `with ${vio2} still Running the monitor says ${m1.result}: no failover, as the seed says`);
  c.check(!n1.since(mark).some((e) => e.kind === 'clean') && n1.runner.resource(res)!.state === 'online', `${res} stays ONLINE on ${first.name}, nothing cleaned`);

  // Both down: the partition has no VIO server left on this physical server.
  out.say('');
  out.say(`$ hmcsim ctl vios-down ${first.physicalServer} ${vio2}`);
  mark = n1.mark();
  const t0 = s.clock.now();
  await lab.ctl('vios-down', first.physicalServer, vio2);
  const faulted = await n1.waitFor(isState(res, 'faulted'), mark, allow(s, 900), `${res} FAULTED on ${first.name}`, s.signal);
  await bounded(s, n1.runner.idle(), 300, 'the end of the reaction to the fault');
  out.agentLog(first.name, n1.newAgentLog(), (l) => l.severity !== 'INFO');
  const ev = n1.since(mark);
  const firstOffline = ev.find((e) => e.kind === 'monitor' && e.resource === res && e.result === 'offline');
  c.check(firstOffline !== undefined, `with no VIO server left the monitor reports the partition offline${firstOffline ? ` (${vcsSeconds(t0, firstOffline.time)} after)` : ''}`);
  const cleaned = ev.find((e) => e.kind === 'clean' && e.resource === res);
  c.check(cleaned?.kind === 'clean' && cleaned.ok, `clean${cleaned?.kind === 'clean' ? ` (reason ${cleaned.code}, ${cleaned.reason})` : ''} powered it off on ${first.physicalServer}`);
  const restart = ev.find((e) => e.kind === 'restart');
  if (restart) out.say(`(RestartLimit allowed a restart here: online refuses to start it without a VIO server, so it faults all the same)`);
  else out.say(`(no restart: RestartLimit ${setup.restartLimit} was used by the crash of act 3, and ConfInterval has not passed since)`);
  c.check(faulted.kind === 'resource-state' && n1.runner.groupState(setup.group) === 'faulted', `${res} FAULTED on ${first.name} ${vcsSeconds(t0, faulted.time)} after the second VIO server went down: group FAULTED there`);

  // The engine's part: fail over to the next system of the SystemList.
  out.say('');
  out.say(`The cluster engine fails the group over to the next system of its SystemList:`);
  out.say(`$ hagrp -online ${setup.group} -sys ${second.name}`);
  n2.newAgentLog();
  const t1 = s.clock.now();
  const state = await bounded(s, n2.runner.online(setup.group), 900, `hagrp -online on ${second.name}`);
  out.agentLog(second.name, n2.newAgentLog(), (l) => l.severity !== 'INFO');
  c.check(state === 'online', `group ${setup.group} ONLINE on ${second.name} after ${vcsSeconds(t1, s.clock.now())} of VCS time`);
  const w = await lab.world();
  const at = (ms: string) => w.find((x) => x.name === ms)?.partitions.find((p) => p.name === setup.lpar)?.state;
  out.say(`HMC: ${setup.lpar} is ${at(second.physicalServer)} on ${second.physicalServer}, ${at(first.physicalServer)} on ${first.physicalServer}`);
  c.check(at(second.physicalServer) === 'Running' && at(first.physicalServer) === 'Not Activated', `the partition runs on ${second.physicalServer}, the other physical server`);

  // Repairs: the VIO servers boot again; the administrator clears the fault.
  out.say('');
  out.say(`$ hmcsim ctl vios-up ${first.physicalServer} ${vio1}; hmcsim ctl vios-up ${first.physicalServer} ${vio2}`);
  await lab.ctl('vios-up', first.physicalServer, vio1);
  await lab.ctl('vios-up', first.physicalServer, vio2);
  await until(
    s,
    async () => {
      const ws = await lab.world();
      const ps = ws.find((x) => x.name === first.physicalServer)?.partitions ?? [];
      return [vio1, vio2].every((v) => ps.find((p) => p.name === v)?.state === 'Running') ? true : undefined;
    },
    allow(s, 120),
    `${vio1} and ${vio2} Running`,
  );
  out.say(`HMC: ${vio1} and ${vio2} are Running again`);
  out.say(`$ hagrp -clear ${setup.group} -sys ${first.name}`);
  await bounded(s, n1.runner.clear(setup.group), 300, 'hagrp -clear');
  c.check(n1.runner.resource(res)!.state === 'offline' && n1.runner.groupState(setup.group) === 'offline', `fault cleared: ${setup.group} OFFLINE on ${first.name}, ready to take the group back`);
}
