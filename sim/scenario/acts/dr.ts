/**
 * Act: the seed's "Configuring IBM PowerVM LPAR guest for disaster
 * recovery". The two systems stand for the two sites: each gets its own
 * DROpts (hares -modify ... -sys, as `hares -local` makes it per system).
 * The group moves to the DR site's system (hagrp -switch: a site takeover
 * is an administrator's decision in a global cluster); its online checks
 * DROpts, adds the VLAN 123 adapters and starts the responder; the guest
 * boots there, its vcs-reconfig asks over VLAN 123 and comes up with the DR
 * site's address, route, resolver and host name; a second boot changes
 * nothing. The group then goes offline at the DR site: responder stopped,
 * the adapters online added removed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { guestRoot, installGuest } from '../../aix/guest.js';
const bootGuest = async (..._a: unknown[]): Promise<{ code: number; stdout: string; stderr: string }> => ({ code: 1, stdout: '', stderr: 'rewritten' });
import { ActAbort, bounded, type Checks, type Scenario } from '../context.js';
import { vcsSeconds } from '../output.js';

/** Site settings, as an administrator would write DROpts for each site. */
const SITES = [
  { IPAddress: '10.10.1.15', Netmask: '255.255.255.0', Gateway: '10.10.1.1', DNSServers: '10.10.1.53', DNSSearchPath: 'prod.example.com', Domain: 'prod.example.com', HostName: 'lpar-prod' },
  { IPAddress: '10.20.1.15', Netmask: '255.255.255.0', Gateway: '10.20.1.1', DNSServers: '10.20.1.53 10.20.2.53', DNSSearchPath: 'dr.example.com', Domain: 'dr.example.com', HostName: 'lpar-dr' },
] as const;

const dropts = (site: (typeof SITES)[number]) => ['ConfigureNetwork', '1', 'Device', 'en0', ...Object.entries(site).flat()];

export async function actDr(s: Scenario, c: Checks): Promise<void> {
  const { out, setup, lab } = s;
  const i = s.nodes.findIndex((n) => n.runner.groupState(setup.group) === 'online');
  if (i < 0) throw new ActAbort(`${setup.group} is online nowhere: the DR act starts from a running group`);
  let [from, to] = [s.nodes[i]!, s.nodes[1 - i]!];
  const msOf = (system: string) => setup.systems.find((x) => x.name === system)!.physicalServer;
  const [primary, dr] = [SITES[0], SITES[1]];

  // Seed step 1: the guest is defined at both sites. An LPM outside VCS (act 6) leaves it only
  // where it runs; VCS's own migration keeps a definition at the source. So the group first
  // goes back to the other system that way, and the system it leaves becomes the DR site.
  if ((await lab.partitionState(msOf(to.system), setup.lpar)) === undefined) {
    out.say(`${setup.lpar} is defined on ${msOf(from.system)} only; VCS's live migration keeps its definition at the source:`);
    out.say(`$ hagrp -migrate ${setup.group} -to ${to.system}`);
    const r = await bounded(s, from.runner.migrate(setup.group, to.system), 1200, 'hagrp -migrate');
    out.agentLog(from.system, from.newAgentLog(), (l) => l.severity === 'ERROR');
    // The engine probes the target, as after any migration.
    await bounded(s, to.runner.probe(setup.resource), 300, `the probe on ${to.system}`);
    const here = await lab.partitionState(msOf(from.system), setup.lpar);
    c.check(r === 'migrated' && to.runner.groupState(setup.group) === 'online' && here === 'Not Activated', `${setup.group} ONLINE on ${to.system}; ${setup.lpar} still defined on ${msOf(from.system)} (${here})`);
    [from, to] = [to, from];
  }
  const fromSys = setup.systems.find((x) => x.name === from.system)!;
  const toSys = setup.systems.find((x) => x.name === to.system)!;

  out.say(`The two systems stand for the two sites: ${fromSys.name} (${fromSys.physicalServer}) the primary, ${toSys.name} (${toSys.physicalServer}) the DR site.`);
  for (const [n, site] of [[from, primary], [to, dr]] as const) {
    out.say(`$ hares -modify ${setup.resource} DROpts ${dropts(site).join(' ')} -sys ${n.system}`);
    await n.runner.modify(setup.resource, 'DROpts', dropts(site));
  }
  // The replicated rootvg carries the primary site's network into the DR site.
  installGuest(lab.guestsDir, setup.lpar, { ipAddress: primary.IPAddress, netmask: primary.Netmask, gateway: primary.Gateway, hostName: primary.HostName, resolvConf: `domain ${primary.Domain}\nnameserver ${primary.DNSServers}\n` });

  out.say('');
  out.say(`$ hagrp -switch ${setup.group} -to ${to.system}`);
  from.newAgentLog();
  to.newAgentLog();
  const t0 = s.clock.now();
  const off = await bounded(s, from.runner.offline(setup.group), 900, `hagrp -offline on ${from.system}`);
  out.agentLog(from.system, from.newAgentLog(), (l) => l.severity !== 'INFO');
  c.check(off === 'offline', `${setup.group} OFFLINE at the primary site (${from.system})`);
  const on = await bounded(s, to.runner.online(setup.group), 900, `hagrp -online on ${to.system}`);
  const log = to.newAgentLog();
  out.agentLog(to.system, log, (l) => l.severity !== 'INFO');
  c.check(on === 'online', `${setup.group} ONLINE at the DR site (${to.system}) after ${vcsSeconds(t0, s.clock.now())} of VCS time`);
  c.check(log.some((l) => /DR: serving the network settings of .* over VLAN 123/.test(l.message)), `online served the DR site's DROpts over VLAN 123`);

  const vlan = async (ms: string) => {
    const r = await lab.ssh(setup.hmcs[0]!, `lshwres -r virtualio --rsubtype eth --level lpar -m ${ms} -F lpar_name,slot_num,port_vlan_id`);
    return r.stdout.trim().split('\n').filter((l) => l.endsWith(',123'));
  };
  const adapters = await vlan(toSys.physicalServer);
  out.say(`$ lshwres -r virtualio --rsubtype eth --level lpar -m ${toSys.physicalServer} -F lpar_name,slot_num,port_vlan_id   (VLAN 123 only)`);
  for (const a of adapters) out.say(`  ${a}`);
  c.check(adapters.some((a) => a.startsWith(`${setup.lpar},`)) && adapters.some((a) => a.startsWith(`${to.system},`)), `VLAN 123 adapters in ${setup.lpar} and in the management LPAR ${to.system}`);

  out.say('');
  out.say(`${setup.lpar} boots on ${toSys.physicalServer}; its vcs-reconfig service runs:`);
  const boot = await bootGuest(lab.guestsDir, setup.lpar, { vlanDir: lab.vlanDir, system: toSys.physicalServer, env: lab.baseEnv() });
  for (const l of (boot.stdout + boot.stderr).trim().split('\n')) out.say(`  ${l}`);
  const root = guestRoot(lab.guestsDir, setup.lpar);
  const odm = JSON.parse(readFileSync(join(root, 'etc', 'objrepos', 'CuAt.json'), 'utf8')) as Record<string, Record<string, unknown>>;
  const resolv = readFileSync(join(root, 'etc', 'resolv.conf'), 'utf8');
  c.check(boot.code === 0 && odm.en0?.netaddr === dr.IPAddress && odm.en0?.netmask === dr.Netmask, `en0 is ${String(odm.en0?.netaddr)}/${String(odm.en0?.netmask)}: the DR site's address`);
  c.check(JSON.stringify(odm.inet0?.route) === JSON.stringify([`net,-hopcount,0,,0,${dr.Gateway}`]) && odm.inet0?.hostname === dr.HostName, `default route via ${dr.Gateway}, host name ${String(odm.inet0?.hostname)}`);
  c.check(resolv.includes(`domain ${dr.Domain}`) && dr.DNSServers.split(' ').every((n) => resolv.includes(`nameserver ${n}`)), `resolver: ${resolv.trim().split('\n').join('; ')}`);
  const again = await bootGuest(lab.guestsDir, setup.lpar, { vlanDir: lab.vlanDir, system: toSys.physicalServer, env: lab.baseEnv() });
  c.check(again.code === 0 && /nothing changed/.test(again.stdout), `a second boot changes nothing (${again.stdout.trim().replace(/^vcs-reconfig: /, '')})`);

  out.say('');
  out.say(`$ hagrp -offline ${setup.group} -sys ${to.system}`);
  const down = await bounded(s, to.runner.offline(setup.group), 900, `hagrp -offline on ${to.system}`);
  out.agentLog(to.system, to.newAgentLog(), (l) => l.severity !== 'INFO');
  const left = await vlan(toSys.physicalServer);
  const responder = existsSync(join(to.dirs.vcsLog, 'tmp', 'LPAR', 'dr', 'responder.pid')) || existsSync(join(lab.vlanDir, toSys.physicalServer, `${to.system}.json`));
  c.check(down === 'offline' && left.length === 0 && !responder, `offline at the DR site stopped the responder and removed the VLAN 123 adapters it added (${left.length} left)`);
}
