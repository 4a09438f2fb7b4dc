/**
 * The WPAR act: the seed's WPAR chapter on the same two cluster nodes. Each
 * management LPAR runs a second agent framework over sim/configs/wpar/main.cf
 * (a WPAR group whose ContainerInfo names wpar1, per-site DROpts), with the
 * WPAR agent installed as VCS runs it and wpar1 defined on both (mkwpar; its
 * base directory would be replicated storage). The group comes online on the
 * first node with the first site's DNS in the WPAR's /etc/resolv.conf; a
 * crash (Broken) is noticed through IMF (lswpar polling), cleaned with
 * stopwpar -F and restarted in place (RestartLimit = 1); a second crash
 * faults the group, which — as the engine would — comes online on the
 * second node with the second site's DNS.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../../framework/cf/load.js';
import { allow, bounded, isState, setupError, type Checks, type Scenario } from '../context.js';
import { nodeDirs } from '../lab.js';
import { ClusterNode } from '../node.js';
import { vcsSeconds } from '../output.js';

const GROUP = 'WPAR_wpar1';
const RESOURCE = 'wpar1_res';
const WPAR = 'wpar1';

async function wparNode(s: Scenario, system: string, mainCf: string): Promise<ClusterNode> {
  const d = nodeDirs(join(s.lab.dir, 'nodes-wpar', system), system, mainCf);
  mkdirSync(join(d.aixRoot, 'etc'), { recursive: true });
  writeFileSync(join(d.vcsConf, 'conf', 'sysname'), `${system}\n`);
  // The global environment's own resolver, which mkwpar -r copies into the WPAR.
  writeFileSync(join(d.aixRoot, 'etc', 'resolv.conf'), 'nameserver 192.0.2.53\n');
  d.env = {
    ...s.lab.baseEnv(),
    PATH: `${join(s.root, 'sim', 'aix', 'bin')}:${process.env.PATH ?? '/usr/bin:/bin'}`,
    AIXSIM_ROOT: d.aixRoot,
    VCS_CONF: d.vcsConf,
    VCS_LOG: d.vcsLog,
    VCS_HOME: d.vcsHome,
    // Real seconds: 2 s of VCS time at the default speed.
    VCS_IMF_POLL_INTERVAL: '0.1',
  };
  for (const argv of [[process.execPath, s.lab.vcsagent, 'install', '--vcs-home', d.vcsHome, 'WPAR'], ['mkwpar', '-n', WPAR, '-r']]) {
    const r = await s.lab.run(argv, d.env);
    if (r.code !== 0) throw setupError(`${argv.slice(-3).join(' ')} on ${system}: ${(r.stderr || r.stdout).trim()}`);
  }
  return new ClusterNode(d, s.clock, (e) => s.out.event(e));
}

/** WPAR_A.log lines written since the last call, shown as the LPAR act shows LPAR_A.log. */
function wparLog(s: Scenario, n: ClusterNode, seen: Map<ClusterNode, number>): void {
  const path = join(n.dirs.vcsLog, 'log', 'WPAR_A.log');
  if (!existsSync(path)) return;
  const lines = readFileSync(path, 'utf8').split('\n').filter(Boolean);
  for (const line of lines.slice(seen.get(n) ?? 0)) {
    const m = /^\S+ \S+ VCS (\S+) \S+ WPAR:[^:]*:([^:]*):(.*)$/.exec(line);
    if (m) s.out.line(`     > ${n.system} WPAR_A.log ${m[1]} ${m[2]}: ${m[3]}`);
  }
  seen.set(n, lines.length);
}

export async function actWpar(s: Scenario, c: Checks): Promise<void> {
  const { out, lab } = s;
  const mainCf = join(s.root, 'sim', 'configs', 'wpar', 'main.cf');
  const { config, errors } = loadConfig(mainCf);
  if (errors.length) throw setupError(`${mainCf}: ${errors[0]!.message}`);
  const verify = await lab.run([process.execPath, join(s.root, 'bin', 'vcscf'), 'verify', mainCf]);
  c.check(verify.code === 0, `vcscf verify sim/configs/wpar/main.cf: ${verify.code === 0 ? 'clean' : (verify.stdout || verify.stderr).trim()}`);
  const systems = config.systems.map((x) => x.name);
  out.say(`A WPAR group on ${systems.join(' and ')}: ContainerInfo Name = ${WPAR}; the WPAR agent installed as VCS runs it; ${WPAR} defined on both (mkwpar -n ${WPAR} -r).`);
  const nodes: ClusterNode[] = [];
  const seen = new Map<ClusterNode, number>();
  const clogin = async (n: ClusterNode) => (await lab.run(['clogin', WPAR, 'cat', '/etc/resolv.conf'], n.dirs.env)).stdout.trim();
  const stateOn = async (n: ClusterNode) => (await lab.run(['lswpar', '-c', '-q', '-a', 'state', WPAR], n.dirs.env)).stdout.trim();
  try {
    for (const sys of systems) nodes.push(await wparNode(s, sys, mainCf));
    await Promise.all(nodes.map((n) => n.runner.start()));
    const [n1, n2] = nodes as [ClusterNode, ClusterNode];
    for (const n of nodes) c.check(n.runner.resource(RESOURCE)?.state === 'offline', `${n.system} probes ${RESOURCE}: ${(n.runner.resource(RESOURCE)?.state ?? '?').toUpperCase()}`);

    out.say('');
    out.say(`$ hagrp -online ${GROUP} -sys ${n1.system}`);
    const t0 = s.clock.now();
    const st = await bounded(s, n1.runner.online(GROUP), 600, `hagrp -online ${GROUP}`);
    wparLog(s, n1, seen);
    c.check(st === 'online' && (await stateOn(n1)) === 'A', `group ${GROUP} ONLINE on ${n1.system} after ${vcsSeconds(t0, s.clock.now())}: lswpar shows ${WPAR} Active (A)`);
    const dns1 = await clogin(n1);
    out.say(`$ clogin ${WPAR} cat /etc/resolv.conf     (on ${n1.system})\n${dns1}`);
    c.check(/nameserver 10\.10\.1\.53/.test(dns1) && /domain site1\.example\.com/.test(dns1), `DROpts for ${n1.system} applied in the WPAR (site 1 name server and domain)`);
    let registeredFrom = 0;
    for (const round of [1, 2] as const) {
      // Registered again once two monitors agree it is online: then a crash is IMF's to see.
      await n1.waitFor((e) => e.kind === 'imf-registered' && e.resource === RESOURCE, registeredFrom, allow(s, 300), 'IMF registration', s.signal);
      out.say('');
      out.say(`$ wparsim crash ${WPAR}     (on ${n1.system}: the WPAR breaks, lswpar shows B)`);
      const mark = n1.mark();
      const tc = s.clock.now();
      await lab.run(['wparsim', 'crash', WPAR], n1.dirs.env);
      const note = await n1.waitFor((e) => e.kind === 'imf-notification' && e.resource === RESOURCE, mark, allow(s, 300), 'an IMF notification', s.signal);
      const clean = await n1.waitFor((e) => e.kind === 'clean' && e.resource === RESOURCE, mark, allow(s, 300), 'clean', s.signal);
      c.check(true, `IMF (lswpar polling) noticed the crash ${vcsSeconds(tc, note.time)} after it`);
      c.check(clean.kind === 'clean' && clean.ok && clean.reason === 'unexpected-offline', `clean (stopwpar -F) succeeded`);
      if (round === 1) {
        const from = n1.events.indexOf(await n1.waitFor((e) => e.kind === 'restart' && e.resource === RESOURCE, mark, allow(s, 300), 'a restart', s.signal));
        registeredFrom = from;
        await n1.waitFor((e) => e.kind === 'agent-state' && e.resource === RESOURCE && e.to === 'online', from, allow(s, 600), 'the restarted WPAR online', s.signal);
        wparLog(s, n1, seen);
        c.check((await stateOn(n1)) === 'A' && n1.runner.groupState(GROUP) === 'online', `restarted in place (RestartLimit 1): ${WPAR} Active again on ${n1.system}, the group never FAULTED`);
      } else {
        await n1.waitFor((e) => e.kind === 'group-state' && e.group === GROUP && e.to === 'faulted', mark, allow(s, 300), 'the group FAULTED', s.signal);
        wparLog(s, n1, seen);
        c.check((await stateOn(n1)) === 'D', `a second crash within ConfInterval: RestartLimit used up, ${GROUP} FAULTED on ${n1.system}, ${WPAR} Defined (D) there`);
        out.say(`As the engine would fail it over: hagrp -online ${GROUP} -sys ${n2.system}`);
        const mark2 = n2.mark();
        const st2 = await bounded(s, n2.runner.online(GROUP), 600, `hagrp -online ${GROUP} on ${n2.system}`);
        await n2.waitFor(isState(RESOURCE, 'online'), mark2, allow(s, 60), 'ONLINE', s.signal);
        wparLog(s, n2, seen);
        const dns2 = await clogin(n2);
        out.say(`$ clogin ${WPAR} cat /etc/resolv.conf     (on ${n2.system})\n${dns2}`);
        c.check(st2 === 'online' && (await stateOn(n2)) === 'A', `${GROUP} ONLINE on ${n2.system}: ${WPAR} Active there`);
        c.check(/nameserver 10\.20\.1\.53/.test(dns2) && /search site2\.example\.com example\.com/.test(dns2), `DROpts for ${n2.system} applied: the second site's name server and search list`);
      }
    }
  } finally {
    await Promise.allSettled(nodes.map((n) => n.stop()));
  }
}
