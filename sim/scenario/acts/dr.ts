/**
 * Act 8: the seed's "Configuring IBM PowerVM LPAR guest for disaster
 * recovery", as the seed sets it up: the two sites are two VCS clusters
 * linked by GCO (sim/configs/dr-sites: each site's main.cf with its
 * `remotecluster`, the wide-area heartbeat, and the global group's
 * ClusterList), each site's LPAR resource with its own DROpts; `vcscf
 * verify` checks both, and the pair.
 *
 * The one-cluster configuration of the earlier acts stops (the group goes
 * offline, its agents stop) and each site's cluster starts on its node. The
 * guest is installed with the primary site's network (the replicated
 * rootvg), its vcs-reconfig service (rc.d script, inittab record) and its
 * key, which the management LPARs of both sites hold too. Then: the group
 * online at the primary site — its online puts the VLAN 123 side in place
 * before the partition starts, and the guest's own boot (hmcsim runs it)
 * asks and applies; the site switch (GCO's `hagrp -switch ... -to site_b`:
 * offline at the primary, online at the DR site) — a cold boot there takes
 * the DR site's network by itself; a reboot changes nothing; offline at the
 * DR site undoes that side. Nothing here runs the guest's service by hand.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { aixRun, installGuest, installService } from '../../aix/guest.js';
import { ActAbort, bounded, setupError, until, type Checks, type Scenario } from '../context.js';
import { ClusterNode } from '../node.js';
import { vcsSeconds } from '../output.js';

const SITES = [
  { cluster: 'site_a', dir: 'site-a', system: 'aixnode55mp1', ms: 'sys1', ip: '10.10.1.15', mask: '255.255.255.0', gw: '10.10.1.1', host: 'lpar-prod', dns: '10.10.1.53', domain: 'prod.example.com' },
  { cluster: 'site_b', dir: 'site-b', system: 'aixnode56mp1', ms: 'sys2', ip: '10.20.1.15', mask: '255.255.255.0', gw: '10.20.1.1', host: 'lpar-dr', dns: '10.20.1.53', domain: 'dr.example.com' },
] as const;

export async function actDr(s: Scenario, c: Checks): Promise<void> {
  const { out, setup, lab } = s;
  const cfgs = SITES.map((site) => join(s.root, 'sim', 'configs', 'dr-sites', site.dir, 'main.cf'));
  if (!cfgs.every((f) => existsSync(f))) throw setupError(`the DR sites' configurations are missing (${cfgs.join(', ')})`);

  // The two clusters, checked as hacf would, and as a GCO pair.
  const rel = cfgs.map((f) => relative(process.cwd(), f) || f);
  out.say(`The seed configures each site as its own VCS cluster, linked by GCO: ${rel.join(' and ')}`);
  out.say(`$ vcscf verify ${rel.join(' ')}`);
  const v = await lab.run([process.execPath, join(s.root, 'bin', 'vcscf'), 'verify', ...cfgs]);
  for (const l of v.stdout.trim().split('\n').filter(Boolean)) out.say(`  ${l}`);
  c.check(v.code === 0, `both sites' main.cf verify, and as a pair: remotecluster and ClusterList agree (exit ${v.code})`);

  // The one-cluster configuration of the earlier acts stops.
  let running = s.nodes.find((n) => n.runner.groupState(setup.group) === 'online');
  const msOf = (system: string) => setup.systems.find((x) => x.name === system)!.physicalServer;
  const other = running && s.nodes.find((n) => n !== running);
  // The seed's step 1 defines the guest at both sites. An LPM outside VCS (act 6) leaves it only where
  // it runs; VCS's own migration keeps a definition at the source: so the group moves that way first.
  if (running && other && (await lab.partitionState(msOf(other.system), setup.lpar)) === undefined) {
    out.say(`${setup.lpar} is defined on ${msOf(running.system)} only; VCS's live migration keeps its definition at the source:`);
    out.say(`$ hagrp -migrate ${setup.group} -to ${other.system}`);
    const r = await bounded(s, running.runner.migrate(setup.group, other.system), 1200, 'hagrp -migrate');
    out.agentLog(running.system, running.newAgentLog(), (l) => l.severity === 'ERROR');
    await bounded(s, other.runner.probe(setup.resource), 300, `the probe on ${other.system}`);
    const defined = await lab.partitionState(msOf(running.system), setup.lpar);
    c.check(r === 'migrated' && other.runner.groupState(setup.group) === 'online' && defined === 'Not Activated', `${setup.group} ONLINE on ${other.system}; ${setup.lpar} still defined on ${msOf(running.system)} (${defined})`);
    running = other;
  }
  if (running) {
    out.say(`$ hagrp -offline ${setup.group} -sys ${running.system}      (cluster ${setup.cluster}, before it is reconfigured as two sites)`);
    const off = await bounded(s, running.runner.offline(setup.group), 900, `hagrp -offline on ${running.system}`);
    running.newAgentLog();
    if (off !== 'offline') throw new ActAbort(`${setup.group} did not go offline on ${running.system}: ${off}`);
  }
  await Promise.all(s.nodes.map((n) => n.stop()));
  const old = s.nodes.splice(0);

  // The guest: the replicated rootvg (primary network), VRTSvcsnr's service, its key.
  const [a, b] = SITES;
  const guest = installGuest(lab.aixDir, setup.lpar, { ipAddress: a.ip, netmask: a.mask, gateway: a.gw, hostName: a.host, resolvConf: `domain ${a.domain}\nnameserver ${a.dns}\n` });
  const key = join(lab.dir, 'dr-keys', `${setup.lpar}.key`);
  mkdirSync(join(lab.dir, 'dr-keys'), { recursive: true, mode: 0o700 });
  const kg = aixRun(guest, 'vcs-reconfig', ['keygen', key], lab.baseEnv());
  if (kg.code !== 0) throw setupError(`vcs-reconfig keygen: ${kg.stderr.trim()}`);
  out.say('');
  out.say(`$ vcs-reconfig keygen ${setup.lpar}.key      (then copied, mode 0600, to the guest and to both sites' management LPARs)`);
  const inst = installService(guest, key, lab.baseEnv());
  out.say(`${setup.lpar}# vcs-reconfig install`);
  for (const l of inst.stdout.trim().split('\n')) out.say(`  ${l}`);
  const status = aixRun(guest, 'vcs-reconfig', ['status'], lab.baseEnv());
  out.say(`${setup.lpar}# vcs-reconfig status`);
  for (const l of status.stdout.trim().split('\n')) out.say(`  ${l}`);
  c.check(inst.code === 0 && /^service: installed/m.test(status.stdout), `vcs-reconfig installed in ${setup.lpar} as a boot service (rc.d script, inittab record before rctcpip and ctrmc)`);

  // Each site's cluster on its node, with its own main.cf.
  const sites: ClusterNode[] = [];
  for (const [i, site] of SITES.entries()) {
    const dirs = old.find((n) => n.system === site.system)?.dirs;
    if (!dirs) throw setupError(`no node ${site.system}`);
    copyFileSync(cfgs[i]!, dirs.mainCf);
    const keys = join(dirs.vcsConf, 'conf', 'vcs-reconfig');
    mkdirSync(keys, { recursive: true, mode: 0o700 });
    copyFileSync(key, join(keys, `${setup.lpar}.key`));
    const n = new ClusterNode(dirs, s.clock, (e) => out.event(e));
    sites.push(n);
    s.nodes.push(n);
  }
  await Promise.all(sites.map((n) => n.runner.start()));
  for (const [i, n] of sites.entries()) c.check(n.runner.resource(setup.resource)?.state === 'offline', `cluster ${SITES[i]!.cluster} on ${n.system} probes ${setup.resource}: OFFLINE`);
  for (const n of sites) n.newAgentLog();

  const boots = () => {
    const f = join(guest, 'var', 'adm', 'sim', 'boot.log');
    return existsSync(f) ? readFileSync(f, 'utf8').split('\n').filter((l) => /vcsreconfig: exit/.test(l)).length : 0;
  };
  const reconfigLog = () => readFileSync(join(guest, 'var', 'adm', 'ras', 'vcs-reconfig.log'), 'utf8');
  const odm = (dev: string, attr: string) => aixRun(guest, 'lsattr', ['-E', '-l', dev, '-a', attr, '-F', 'value'], lab.baseEnv()).stdout.trim();
  /** Waits for the guest's own boot to have run its service, then shows what it said. */
  const bootedOn = async (ms: string, count: number) => {
    await until(s, async () => (boots() >= count ? true : undefined), 60_000, `the boot of ${setup.lpar} on ${ms}`);
    out.say(`${setup.lpar} boots on ${ms}; init runs its vcs-reconfig service (its console):`);
    const console = readFileSync(join(guest, 'dev', 'console'), 'utf8').trim().split('\n');
    const from = console.map((l, i) => (l.startsWith('***') ? i : -1)).filter((i) => i >= 0).pop() ?? 0;
    for (const l of console.slice(from)) out.say(`  ${l}`);
  };
  const vlan = async (ms: string) => {
    const r = await lab.ssh(setup.hmcs[0]!, `lshwres -r virtualio --rsubtype eth --level lpar -m ${ms} -F lpar_name,slot_num,port_vlan_id`);
    return r.stdout.trim().split('\n').filter((l) => l.endsWith(',123'));
  };

  // The primary site.
  const [na, nb] = sites as [ClusterNode, ClusterNode];
  out.say('');
  out.say(`$ hagrp -online ${setup.group} -sys ${a.system}      (cluster ${a.cluster})`);
  let t0 = s.clock.now();
  const on = await bounded(s, na.runner.online(setup.group), 900, `hagrp -online on ${a.system}`);
  const logA = na.newAgentLog();
  out.agentLog(a.system, logA, (l) => l.severity !== 'INFO');
  c.check(on === 'online', `${setup.group} ONLINE at the primary site (${a.cluster}) after ${vcsSeconds(t0, s.clock.now())} of VCS time`);
  const serve = logA.findIndex((l) => /DR: serving the network settings of/.test(l.message));
  const start = logA.findIndex((l) => /starting .* \(chsysstate -o on\)/.test(l.message));
  c.check(serve >= 0 && start > serve, 'online put the VLAN 123 side in place (profile adapter, management adapter and address, responder) before it started the partition');
  await bootedOn(a.ms, 1);
  c.check(odm('en0', 'netaddr') === a.ip && odm('inet0', 'hostname') === a.host && /search prod\.example\.com/.test(readFileSync(join(guest, 'etc', 'resolv.conf'), 'utf8')), `the guest's own boot applied the primary site's settings (en0 ${odm('en0', 'netaddr')}, host ${odm('inet0', 'hostname')})`);

  // The site switch: GCO's hagrp -switch to the other cluster.
  out.say('');
  out.say(`$ hagrp -switch ${setup.group} -to ${b.cluster}      (offline in ${a.cluster}, online in ${b.cluster})`);
  t0 = s.clock.now();
  const off = await bounded(s, na.runner.offline(setup.group), 900, `hagrp -offline on ${a.system}`);
  out.agentLog(a.system, na.newAgentLog(), (l) => l.severity !== 'INFO');
  const leftA = (await vlan(a.ms)).filter((l) => l.startsWith(`${a.system},`));
  const profA = await lab.ssh(setup.hmcs[0]!, `lssyscfg -r prof -m ${a.ms} --filter lpar_names=${setup.lpar} -F virtual_eth_adapters`);
  c.check(
    off === 'offline' && leftA.length === 0 && !/\/123\//.test(profA.stdout) && !existsSync(join(na.dirs.vcsLog, 'tmp', 'LPAR', 'dr', 'responder.pid')),
    `offline at the primary site: responder stopped, the management LPAR's VLAN 123 adapter and the one it put in ${setup.lpar}'s profile removed`,
  );
  const onB = await bounded(s, nb.runner.online(setup.group), 900, `hagrp -online on ${b.system}`);
  out.agentLog(b.system, nb.newAgentLog(), (l) => l.severity !== 'INFO');
  c.check(onB === 'online', `${setup.group} ONLINE at the DR site (${b.cluster}) after ${vcsSeconds(t0, s.clock.now())} of VCS time`);
  const adapters = await vlan(b.ms);
  out.say(`$ lshwres -r virtualio --rsubtype eth --level lpar -m ${b.ms} -F lpar_name,slot_num,port_vlan_id   (VLAN 123 only)`);
  for (const l of adapters) out.say(`  ${l}`);
  c.check(adapters.some((l) => l.startsWith(`${setup.lpar},`)) && adapters.some((l) => l.startsWith(`${b.system},`)), `VLAN 123 adapters in ${setup.lpar} and in the management LPAR ${b.system}`);
  await bootedOn(b.ms, 2);
  const resolv = readFileSync(join(guest, 'etc', 'resolv.conf'), 'utf8');
  c.check(odm('en0', 'netaddr') === b.ip && odm('en0', 'netmask') === b.mask, `cold boot at the DR site: en0 is ${odm('en0', 'netaddr')}/${odm('en0', 'netmask')}, the DR site's address`);
  c.check(odm('inet0', 'route') === `net,-hopcount,0,,0,${b.gw}` && odm('inet0', 'hostname') === b.host, `default route via ${b.gw}, host name ${odm('inet0', 'hostname')}`);
  c.check(resolv.includes(`domain ${b.domain}`) && resolv.includes(`nameserver ${b.dns}`), `resolver: ${resolv.trim().split('\n').join('; ')}`);

  // A reboot at the DR site: nothing to change.
  const rb = await lab.ssh(setup.hmcs[0]!, `chsysstate -m ${b.ms} -r lpar -o shutdown --immed --restart -n ${setup.lpar}`);
  if (rb.code !== 0) throw new ActAbort(`restart of ${setup.lpar}: ${rb.stdout.trim() || rb.stderr.trim()}`);
  await until(s, async () => (boots() >= 3 ? true : undefined), 60_000, `the reboot of ${setup.lpar}`);
  const last = reconfigLog().trim().split('\n').pop() ?? '';
  c.check(/nothing changed/.test(last), `a second boot changes nothing (${last.replace(/^\S+ /, '')})`);

  // Offline at the DR site.
  out.say('');
  out.say(`$ hagrp -offline ${setup.group} -sys ${b.system}      (cluster ${b.cluster})`);
  const down = await bounded(s, nb.runner.offline(setup.group), 900, `hagrp -offline on ${b.system}`);
  out.agentLog(b.system, nb.newAgentLog(), (l) => l.severity !== 'INFO');
  const left = await vlan(b.ms);
  const responder = existsSync(join(nb.dirs.vcsLog, 'tmp', 'LPAR', 'dr', 'responder.pid'));
  c.check(down === 'offline' && !responder && !left.some((l) => l.startsWith(`${b.system},`)), `offline at the DR site stopped the responder and removed the management LPAR's VLAN 123 adapter (${left.filter((l) => l.startsWith(`${b.system},`)).length} left)`);
}
