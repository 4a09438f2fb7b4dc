/**
 * A Pacemaker monitor of the LPAR, whole process, as Pacemaker's executor
 * runs it: the installed OCF agent (`DIR/resource.d/vcs-powervm/LPAR
 * monitor`, a /bin/sh wrapper that execs `vcsagent ocf LPAR`), its
 * parameters in OCF_RESKEY_* (the HMCs' SSH settings in an ssh_config
 * parameter), against hmcsim over SSH with a warm connection broker — as a
 * ratio to `node -e 0` in the same run, interleaved with the same monitor
 * in VCS's form (`vcsagent LPAR monitor RES ArgList...`). And a probe
 * (interval 0: open, then monitor).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isProcessAlive } from '../framework/process.js';
import { brokerPing, filesOfSocket } from '../framework/remote/index.js';
import { launchHmcsim } from '../sim/hmc/launch.js';
import { printRatios, timeProcesses, type ProcessCase } from './process-timing.js';
import { writeFigures } from './report.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const vcsagent = join(root, 'bin', 'vcsagent');
const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const LPAR = 'lpar000';

const dir = mkdtempSync(join(tmpdir(), 'ocf-bench-'));
const keygen = (file: string) => {
  const r = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', file], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ssh-keygen: ${r.stderr}`);
};
const mainCf = join(dir, 'main.cf');
writeFileSync(
  mainCf,
  `include "types.cf"\n\ncluster bench ( )\n\nsystem mgmt1 ( PhysicalServer = sys1 )\n\nsystem mgmt2 ( PhysicalServer = sys2 )\n\ngroup g (\n    SystemList = { mgmt1 = 0, mgmt2 = 1 }\n)\n\nLPAR ${LPAR} (\n    LPARName = ${LPAR}\n    MCUser = { hscroot, hscroot }\n    MCName = { hmc6, hmc7 }\n    VIOSName @mgmt1 = { sys1-vios1 }\n    VIOSName @mgmt2 = { sys2-vios1 }\n)\n`,
);
keygen(join(dir, 'hostkey'));
keygen(join(dir, 'id'));
writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'id.pub')));
const sim = await launchHmcsim(
  join(root, 'bin', 'hmcsim'),
  ['--from-maincf', mainCf, '--host-key', join(dir, 'hostkey'), '--authorized-keys', join(dir, 'authorized_keys'), '--speed', '20', '--listen', '127.0.0.1:0', '--listen', '127.0.0.1:0'],
  { ports: 2, inheritStderr: true },
);
const stateDir = join(dir, 'state');
try {
  const pub = readFileSync(join(dir, 'hostkey.pub'), 'utf8').trim().split(' ').slice(0, 2).join(' ');
  writeFileSync(join(dir, 'known_hosts'), sim.ports.map((p) => `[127.0.0.1]:${p} ${pub}\n`).join(''));
  const sshConfig = join(dir, 'ssh_config');
  writeFileSync(sshConfig, ['hmc6', 'hmc7'].map((n, i) => `Host ${n}\n  HostName 127.0.0.1\n  Port ${sim.ports[i]}\n  User hscroot\n  IdentityFile ${join(dir, 'id')}\n  UserKnownHostsFile ${join(dir, 'known_hosts')}\n  StrictHostKeyChecking yes\n`).join('\n'), { mode: 0o600 });
  const install = spawnSync(process.execPath, [vcsagent, 'install', '--ocf-root', join(dir, 'ocf'), 'LPAR'], { encoding: 'utf8' });
  if (install.status !== 0) throw new Error(`install: ${install.stderr}`);
  mkdirSync(stateDir, { recursive: true });
  const agent = join(dir, 'ocf', 'resource.d', 'vcs-powervm', 'LPAR');
  const params = { LPARName: LPAR, MCName: 'hmc6 hmc7', MCUser: 'hscroot hscroot', VIOSName: 'sys1-vios1', PhysicalServer: 'sys1', ssh_config: sshConfig };
  // What Pacemaker's executor gives a recurring monitor (HA_LOGFILE: where our lines would go).
  const env: NodeJS.ProcessEnv = {
    PATH: `${join(root, 'sim', 'aix', 'bin')}:${process.env.PATH}`,
    HOME: join(dir, 'nohome'),
    AIXSIM_ROOT: join(dir, 'aix'),
    VCS_LOG: stateDir,
    OCF_ROOT: '/usr/lib/ocf',
    OCF_RA_VERSION_MAJOR: '1',
    OCF_RA_VERSION_MINOR: '1',
    OCF_RESOURCE_INSTANCE: 'lpar1',
    OCF_RESOURCE_TYPE: 'LPAR',
    OCF_RESOURCE_PROVIDER: 'vcs-powervm',
    OCF_RESKEY_CRM_meta_interval: '60000',
    OCF_RESKEY_CRM_meta_timeout: '60000',
    OCF_RESKEY_CRM_meta_on_node: 'mgmt1',
    HA_LOGFILE: join(dir, 'pacemaker.log'),
    HA_debug: '0',
    // The VCS form names the same ssh_config this way (and so uses the same connection broker).
    VCS_REMOTE_SSH_CONFIG: sshConfig,
    ...Object.fromEntries(Object.entries(params).map(([k, v]) => [`OCF_RESKEY_${k}`, v])),
  };
  const start = spawnSync(agent, ['start'], { env, encoding: 'utf8' });
  if (start.status !== 0) throw new Error(`start: ${start.stderr}`);
  const argList = ['LPARName', '1', LPAR, 'MCUser', '2', 'hscroot', 'hscroot', 'MCName', '2', 'hmc6', 'hmc7', 'VIOSName', '1', 'sys1-vios1', 'ProfileFile', '1', '', 'RemoveProfileOnOffline', '1', '0', 'DROpts', '0'];
  const cases: ProcessCase[] = [
    { name: 'node -e 0', cmd: process.execPath, args: ['-e', '0'], expect: 0 },
    { name: 'OCF monitor (installed agent, as Pacemaker runs it)', cmd: agent, args: ['monitor'], expect: 0 },
    { name: 'vcsagent ocf LPAR monitor (no /bin/sh)', cmd: process.execPath, args: [vcsagent, 'ocf', 'LPAR', 'monitor'], expect: 0 },
    { name: 'vcsagent LPAR monitor (VCS form)', cmd: process.execPath, args: [vcsagent, '--system', 'mgmt1', 'LPAR', 'monitor', LPAR, ...argList], expect: 110 },
  ];
  const monitors = timeProcesses(cases, env, RUNS);
  const probe = timeProcesses([cases[0]!, { name: 'OCF probe (open, then monitor)', cmd: agent, args: ['monitor'], expect: 0 }], { ...env, OCF_RESKEY_CRM_meta_interval: '0' }, Math.max(5, Math.floor(RUNS / 3)));
  printRatios(`Pacemaker monitor of one LPAR against hmcsim, warm connection broker, ${RUNS} interleaved runs; milliseconds`, monitors, 'node -e 0');
  printRatios('a probe', probe, 'node -e 0');
  const ratio = monitors['OCF monitor (installed agent, as Pacemaker runs it)']!.median / monitors['node -e 0']!.median;
  console.log(`OCF monitor: ${ratio.toFixed(2)}× node -e 0 (wall, median)`);
  writeFigures({ runs: RUNS, monitors, probe, ratio });
} finally {
  // The broker the monitors use, then the simulator.
  const remote = join(stateDir, 'tmp', 'remote');
  let socks: string[] = [];
  try {
    socks = readdirSync(remote).filter((f) => f.endsWith('.sock'));
  } catch {
    // none started
  }
  for (const s of socks) {
    const p = await brokerPing(filesOfSocket(join(remote, s)));
    if (!p) continue;
    process.kill(p.pid, 'SIGTERM');
    for (let i = 0; i < 60 && isProcessAlive(p.pid); i++) await new Promise((r) => setTimeout(r, 50));
    if (isProcessAlive(p.pid)) process.kill(p.pid, 'SIGKILL');
  }
  await sim.stop();
  rmSync(dir, { recursive: true, force: true });
}
