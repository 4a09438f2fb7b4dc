/**
 * Act 3: the managed LPAR crashes (hmcsim: state Error with a reference
 * code). The next monitor finds it down, the agent framework cleans it
 * (reason: unexpected offline — an immediate shutdown on the HMC) and, with
 * RestartLimit = 1 in the seed's sample, restarts it in place: ONLINE again
 * on the same system, the group never FAULTED.
 */
import { allow, isMonitor, isState, type Checks, type Scenario } from '../context.js';
import { vcsSeconds } from '../output.js';

export async function actCrash(s: Scenario, c: Checks): Promise<void> {
  const { out, setup, lab } = s;
  const sys = setup.systems[0]!;
  const n = s.nodes[0]!;
  n.newAgentLog();
  out.monitors = true;
  const mark = n.mark();
  out.say(`$ hmcsim ctl lpar-crash ${sys.physicalServer} ${setup.lpar}`);
  const t0 = s.clock.now();
  await lab.ctl('lpar-crash', sys.physicalServer, setup.lpar);
  const state = await lab.partitionState(sys.physicalServer, setup.lpar);
  const refcode = (await lab.world()).find((w) => w.name === sys.physicalServer)?.partitions.find((p) => p.name === setup.lpar)?.refcode;
  out.say(`HMC: ${setup.lpar} is ${state}${refcode ? ` (reference code ${refcode})` : ''} on ${sys.physicalServer}`);

  const seen = await n.waitFor(isMonitor(setup.resource, 'offline'), mark, allow(s, 120), 'a monitor reporting the partition offline', s.signal);
  const clean = await n.waitFor((e) => e.kind === 'clean' && e.resource === setup.resource, mark, allow(s, 120), 'clean', s.signal);
  const restart = await n.waitFor((e) => e.kind === 'restart' || isState(setup.resource, 'faulted')(e), mark, allow(s, 120), 'a restart', s.signal);
  // A restart is the agent framework's business: the engine keeps seeing ONLINE. Done once the monitor after online confirms it.
  const from = n.events.indexOf(restart);
  const back = await n.waitFor((e) => e.kind === 'agent-state' && e.resource === setup.resource && e.to === 'online', from, allow(s, 600), 'the restarted partition confirmed online', s.signal);
  out.agentLog(sys.name, n.newAgentLog(), (l) => l.severity !== 'INFO');

  const events = n.since(mark);
  c.check(true, `the monitor saw the crash ${vcsSeconds(t0, seen.time)} after it (MonitorInterval ${n.runner.resource(setup.resource)!.settings.MonitorInterval} s)`);
  c.check(clean.kind === 'clean' && clean.ok && clean.reason === 'unexpected-offline', `clean (reason ${clean.kind === 'clean' ? `${clean.code}, ${clean.reason}` : '?'}) succeeded: the partition was shut down immediately`);
  c.check(restart !== undefined && restart.kind === 'restart' && restart.limit === setup.restartLimit, `restarted in place (RestartLimit ${setup.restartLimit}), no failover`);
  c.check(n.runner.resource(setup.resource)!.state === 'online', `ONLINE again on ${sys.name}, confirmed by monitor ${vcsSeconds(t0, back.time)} after the crash`);
  c.check(!events.some((e) => e.kind === 'group-state' && e.to === 'faulted') && n.runner.groupState(setup.group) === 'online', `group ${setup.group} never FAULTED; ONLINE on ${sys.name}`);
  const after = await lab.partitionState(sys.physicalServer, setup.lpar);
  out.say(`HMC: ${setup.lpar} is ${after} on ${sys.physicalServer}`);
  c.check(after === 'Running', `the partition runs again on ${sys.physicalServer}`);
}
