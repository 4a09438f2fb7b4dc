/**
 * The WPAR act: the seed's WPAR chapter on the same two cluster nodes. Each
 * management LPAR runs a second agent framework over sim/configs/wpar/main.cf
 * (a WPAR group whose ContainerInfo names wpar1, per-site DROpts, and an
 * Application that runs inside the WPAR), with the WPAR and Application
 * agents installed as VCS runs them and wpar1 defined on both (mkwpar; VCS's
 * directory shared into it as a system WPAR shares /opt, the application
 * installed in it). hawparverify (`vcsagent wpar verify`) checks the group
 * and each host. The group comes online on the first node: the WPAR with
 * the first site's DNS in its /etc/resolv.conf, then the application inside
 * it, started through clogin. The application dies and is restarted in
 * place, inside the WPAR (RestartLimit = 1); then the WPAR crashes (Broken,
 * its processes gone), which IMF notices (lswpar polling): the group
 * faults and — as the engine would — comes online on the second node, the
 * WPAR with the second site's DNS and the application inside it.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../../framework/cf/load.js';
import { isProcessRunning as isProcessAlive } from '../../../framework/process.js';
import { allow, bounded, isState, setupError, type Checks, type Scenario } from '../context.js';
import { nodeDirs } from '../lab.js';
import { ClusterNode } from '../node.js';
import { vcsSeconds } from '../output.js';

const GROUP = 'WPAR_wpar1';
const RESOURCE = 'wpar1_res';
const APP = 'app1';
const WPAR = 'wpar1';

/** The application as installed in the WPAR on every node: a daemon, its pid file, a start and a stop script. */
const APP_FILES: Record<string, string> = {
  'bin/appd': '#!/bin/sh\n# The application: a daemon that runs until stopped.\nexec sleep 86400\n',
  'bin/start': '#!/bin/sh\ncd "$(dirname "$0")/.." || exit 1\nmkdir -p run\nnohup bin/appd >/dev/null 2>&1 &\necho $! > run/appd.pid\n',
  'bin/stop': '#!/bin/sh\ncd "$(dirname "$0")/.." || exit 1\n[ -f run/appd.pid ] && kill "$(cat run/appd.pid)" 2>/dev/null\nrm -f run/appd.pid\n',
};

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
  // VCS_HOME is shared into the WPAR (namefs), as /opt/VRTSvcs is in a system WPAR on AIX: the entry points run there.
  const setup = [
    [process.execPath, s.lab.vcsagent, 'install', '--vcs-home', d.vcsHome, 'WPAR', 'Application'],
    ['mkwpar', '-n', WPAR, '-r', '-M', `directory=${d.vcsHome}`, 'vfs=namefs', `dev=${d.vcsHome}`],
  ];
  for (const argv of setup) {
    const r = await s.lab.run(argv, d.env);
    if (r.code !== 0) throw setupError(`${argv.slice(0, 4).join(' ')} on ${system}: ${(r.stderr || r.stdout).trim()}`);
  }
  for (const [file, text] of Object.entries(APP_FILES)) {
    const path = join(d.aixRoot, 'wpars', WPAR, 'app', file);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, text, { mode: 0o755 });
  }
  return new ClusterNode(d, s.clock, (e) => s.out.event(e));
}

/** <TYPE>_A.log lines written since the last call, shown as the LPAR act shows LPAR_A.log. */
function agentLog(s: Scenario, n: ClusterNode, seen: Map<string, number>): void {
  for (const type of ['WPAR', 'Application']) {
    const path = join(n.dirs.vcsLog, 'log', `${type}_A.log`);
    if (!existsSync(path)) continue;
    const key = `${n.system}/${type}`;
    const lines = readFileSync(path, 'utf8').split('\n').filter(Boolean);
    for (const line of lines.slice(seen.get(key) ?? 0)) {
      const m = new RegExp(`^\\S+ \\S+ VCS (\\S+) \\S+ ${type}:[^:]*:([^:]*):(.*)$`).exec(line);
      if (m) s.out.line(`     > ${n.system} ${type}_A.log ${m[1]} ${m[2]}: ${m[3]}`);
    }
    seen.set(key, lines.length);
  }
}

/** The WPAR commands a node ran, as wpar.log records them. */
function wparCommands(n: ClusterNode): string[] {
  const path = join(n.dirs.aixRoot, 'var', 'adm', 'wpar.log');
  return existsSync(path) ? readFileSync(path, 'utf8').trim().split('\n').map((l) => (JSON.parse(l).argv as string[]).join(' ')) : [];
}

export async function actWpar(s: Scenario, c: Checks): Promise<void> {
  const { out, lab } = s;
  const mainCf = join(s.root, 'sim', 'configs', 'wpar', 'main.cf');
  const { config, errors } = loadConfig(mainCf);
  if (errors.length) throw setupError(`${mainCf}: ${errors[0]!.message}`);
  const verify = await lab.run([process.execPath, join(s.root, 'bin', 'vcscf'), 'verify', mainCf]);
  c.check(verify.code === 0, `vcscf verify sim/configs/wpar/main.cf: ${verify.code === 0 ? 'clean' : (verify.stdout || verify.stderr).trim()}`);
  const systems = config.systems.map((x) => x.name);
  out.say(`A WPAR group on ${systems.join(' and ')}: ContainerInfo Name = ${WPAR}, the Application ${APP} inside it (ContainerOpts RunInContainer = 1);`);
  out.say(`the WPAR and Application agents installed as VCS runs them; ${WPAR} defined on both (mkwpar -n ${WPAR} -r), the application installed in it.`);
  const nodes: ClusterNode[] = [];
  const seen = new Map<string, number>();
  const inWpar = async (n: ClusterNode, ...argv: string[]) => (await lab.run(['clogin', WPAR, ...argv], n.dirs.env)).stdout.trim();
  const stateOn = async (n: ClusterNode) => (await lab.run(['lswpar', '-c', '-q', '-a', 'state', WPAR], n.dirs.env)).stdout.trim();
  const appPid = (n: ClusterNode) => {
    const f = join(n.dirs.aixRoot, 'wpars', WPAR, 'app', 'run', 'appd.pid');
    return existsSync(f) ? Number(readFileSync(f, 'utf8').trim()) : undefined;
  };
  const startedInside = (n: ClusterNode) => wparCommands(n).filter((x) => x.startsWith(`clogin ${WPAR} `) && x.includes(`/bin/Application/online ${APP} `));
  try {
    for (const sys of systems) nodes.push(await wparNode(s, sys, mainCf));
    const [n1, n2] = nodes as [ClusterNode, ClusterNode];
    out.say('');
    out.say(`$ vcsagent wpar verify ${GROUP} --config main.cf --host     (hawparverify, on each node)`);
    for (const n of nodes) {
      const r = await lab.run([process.execPath, s.lab.vcsagent, 'wpar', 'verify', GROUP, '--config', n.dirs.mainCf, '--host', '--system', n.system], n.dirs.env);
      for (const l of r.stdout.trim().split('\n')) if (s.out.verbose || !l.startsWith('ok ')) out.say(`  ${n.system}: ${l}`);
      c.check(r.code === 0, `hawparverify on ${n.system}: the group's WPAR rules, ${WPAR} Defined there with a host name`);
    }
    await Promise.all(nodes.map((n) => n.runner.start()));
    for (const n of nodes) c.check(n.runner.resource(RESOURCE)?.state === 'offline' && n.runner.resource(APP)?.state === 'offline', `${n.system} probes ${RESOURCE} and ${APP}: OFFLINE (the stopped WPAR is not entered)`);

    out.say('');
    out.say(`$ hagrp -online ${GROUP} -sys ${n1.system}`);
    const t0 = s.clock.now();
    const st = await bounded(s, n1.runner.online(GROUP), 600, `hagrp -online ${GROUP}`);
    agentLog(s, n1, seen);
    c.check(st === 'online' && (await stateOn(n1)) === 'A', `group ${GROUP} ONLINE on ${n1.system} after ${vcsSeconds(t0, s.clock.now())}: lswpar shows ${WPAR} Active (A)`);
    const dns1 = await inWpar(n1, 'cat', '/etc/resolv.conf');
    out.say(`$ clogin ${WPAR} cat /etc/resolv.conf     (on ${n1.system})\n${dns1}`);
    c.check(/nameserver 10\.10\.1\.53/.test(dns1) && /domain site1\.example\.com/.test(dns1), `DROpts for ${n1.system} applied in the WPAR (site 1 name server and domain)`);
    const pid1 = appPid(n1);
    out.say(`$ clogin ${WPAR} cat /app/run/appd.pid     (on ${n1.system})\n${await inWpar(n1, 'cat', '/app/run/appd.pid')}`);
    c.check(
      startedInside(n1).length === 1 && pid1 !== undefined && isProcessAlive(pid1),
      `${APP} ONLINE inside ${WPAR}: VCS ran ${startedInside(n1)[0]?.split(' ').slice(0, 4).join(' ') ?? 'its online entry point'} ...; the application's process ${pid1} runs`,
    );

    // The application dies inside the WPAR: restarted in place, inside it.
    out.say('');
    out.say(`$ kill -9 ${pid1}     (on ${n1.system}, from the global environment: the application in the WPAR dies)`);
    const markApp = n1.mark();
    if (pid1) process.kill(pid1, 'SIGKILL');
    const restart = await n1.waitFor((e) => e.kind === 'restart' && e.resource === APP, markApp, allow(s, 600), `a restart of ${APP}`, s.signal);
    await n1.waitFor((e) => e.kind === 'agent-state' && e.resource === APP && e.to === 'online', n1.events.indexOf(restart), allow(s, 600), `${APP} online again`, s.signal);
    agentLog(s, n1, seen);
    const pid2 = appPid(n1);
    c.check(startedInside(n1).length === 2 && pid2 !== undefined && pid2 !== pid1 && isProcessAlive(pid2) && n1.runner.groupState(GROUP) === 'online', `${APP} restarted in place inside ${WPAR} (RestartLimit 1): a new process ${pid2}, the group never FAULTED`);

    // The WPAR crashes: IMF sees it, the group faults and fails over.
    await n1.waitFor((e) => e.kind === 'imf-registered' && e.resource === RESOURCE, 0, allow(s, 300), 'IMF registration', s.signal);
    out.say('');
    out.say(`$ wparsim crash ${WPAR}     (on ${n1.system}: the WPAR breaks, lswpar shows B, its processes are gone)`);
    const mark = n1.mark();
    const tc = s.clock.now();
    await lab.run(['wparsim', 'crash', WPAR], n1.dirs.env);
    const note = await n1.waitFor((e) => e.kind === 'imf-notification' && e.resource === RESOURCE, mark, allow(s, 300), 'an IMF notification', s.signal);
    const clean = await n1.waitFor((e) => e.kind === 'clean' && e.resource === RESOURCE, mark, allow(s, 300), 'clean', s.signal);
    c.check(true, `IMF (lswpar polling) noticed the crash ${vcsSeconds(tc, note.time)} after it`);
    c.check(clean.kind === 'clean' && clean.ok && clean.reason === 'unexpected-offline', `clean (stopwpar -F) succeeded`);
    await n1.waitFor((e) => e.kind === 'group-state' && e.group === GROUP && e.to === 'faulted', mark, allow(s, 600), 'the group FAULTED', s.signal);
    agentLog(s, n1, seen);
    c.check((await stateOn(n1)) === 'D' && !isProcessAlive(pid2 ?? 0), `${GROUP} FAULTED on ${n1.system}: ${WPAR} Defined (D) there, the application gone with it`);

    out.say(`As the engine would fail it over: hagrp -online ${GROUP} -sys ${n2.system}`);
    const mark2 = n2.mark();
    const st2 = await bounded(s, n2.runner.online(GROUP), 600, `hagrp -online ${GROUP} on ${n2.system}`);
    await n2.waitFor(isState(APP, 'online'), mark2, allow(s, 60), 'ONLINE', s.signal);
    agentLog(s, n2, seen);
    const dns2 = await inWpar(n2, 'cat', '/etc/resolv.conf');
    out.say(`$ clogin ${WPAR} cat /etc/resolv.conf     (on ${n2.system})\n${dns2}`);
    c.check(st2 === 'online' && (await stateOn(n2)) === 'A', `${GROUP} ONLINE on ${n2.system}: ${WPAR} Active there`);
    c.check(/nameserver 10\.20\.1\.53/.test(dns2) && /search site2\.example\.com example\.com/.test(dns2), `DROpts for ${n2.system} applied: the second site's name server and search list`);
    const pid3 = appPid(n2);
    c.check(startedInside(n2).length === 1 && pid3 !== undefined && isProcessAlive(pid3), `${APP} failed over with the WPAR: ONLINE inside ${WPAR} on ${n2.system}, process ${pid3}`);
  } finally {
    await Promise.allSettled(nodes.map((n) => n.stop()));
    // hastop -force leaves resources as they are: the WPARs (and the application in them) are stopped here, as the lab goes away.
    await Promise.allSettled(nodes.map((n) => lab.run(['stopwpar', '-F', WPAR], n.dirs.env)));
  }
}
