/**
 * Act 5: the seed's "HMC is down" row. The first HMC of MCName stops
 * answering; the monitors of the node where the group runs keep working
 * through the second one (the agent passes the dead HMC over at once: the
 * connection is refused), and the HMCs' own counters show who served. The
 * HMC comes back and serves again.
 */
import { hmcStats, type Checks, type Scenario } from '../context.js';
import { describeStats } from '../output.js';
import { nextMonitor } from './vios.js';

export async function actHmc(s: Scenario, c: Checks): Promise<void> {
  const { out, setup, lab } = s;
  const [hmcA, hmcB] = [setup.hmcs[0]!, setup.hmcs[1]!];
  const res = setup.resource;
  const n = s.nodes.find((x) => x.runner.groupState(setup.group) === 'online');
  if (!c.check(n !== undefined, `the group runs somewhere (${n?.system ?? 'nowhere'})`) || !n) return;
  out.monitors = true;
  for (const x of s.nodes) x.newAgentLog();

  out.say(`$ hmcsim ctl hmc-down ${hmcA}`);
  await lab.ctl('hmc-down', hmcA);
  // Counted from here: a monitor in flight may have logged in to it just before.
  await hmcStats(s);
  let mark = n.mark();
  const monitors = [await nextMonitor(s, n, res, mark, `a monitor on ${n.system} with ${hmcA} down`)];
  monitors.push(await nextMonitor(s, n, res, n.mark(), `a second monitor on ${n.system} with ${hmcA} down`));
  for (const x of s.nodes) out.agentLog(x.system, x.newAgentLog(), (l) => /HMC|ssh/.test(l.message));
  const during = await hmcStats(s);
  out.say(`The HMCs during the outage (hmcsim ctl stats):`);
  for (const l of describeStats(during)) out.say(`  ${l}`);
  const a = during.find((e) => e.name === hmcA);
  const b = during.find((e) => e.name === hmcB);
  c.check(monitors.every((m) => m.result === 'online'), `monitors on ${n.system} say ${monitors.map((m) => m.result).join(', ')}: the outage of ${hmcA} changes nothing for VCS`);
  c.check(a?.state === 'down' && a.logins === 0 && (b?.logins ?? 0) >= 2, `${hmcB} served them (${b?.logins ?? 0} logins), ${hmcA} none`);
  c.check(!n.since(mark).some((e) => e.kind === 'clean' || (e.kind === 'resource-state' && e.to !== 'online')) && n.runner.resource(res)!.state === 'online', `${res} stays ONLINE on ${n.system}: no clean, no fault, no UNKNOWN`);

  out.say('');
  out.say(`$ hmcsim ctl hmc-up ${hmcA}`);
  await lab.ctl('hmc-up', hmcA);
  mark = n.mark();
  const m = await nextMonitor(s, n, res, mark, `a monitor on ${n.system} with ${hmcA} back`);
  for (const x of s.nodes) out.agentLog(x.system, x.newAgentLog(), (l) => /HMC|ssh/.test(l.message));
  const after = await hmcStats(s);
  out.say(`The HMCs since ${hmcA} came back:`);
  for (const l of describeStats(after)) out.say(`  ${l}`);
  c.check(m.result === 'online' && (after.find((e) => e.name === hmcA)?.logins ?? 0) >= 1, `${hmcA}, first in MCName, serves again`);
}
