/**
 * Simulated AIX hosts for the DR tests and the scenario: a managed LPAR (a
 * guest) or a management LPAR, each its own root under <base>/<partition>/
 * — the directory `hmcsim --aix <base>` knows it by — with its ODM
 * (etc/objrepos), /etc/inittab, /etc/resolv.conf and logs.
 *
 * - installGuest: the guest's replicated rootvg, with the primary site's
 *   network; installService: `vcs-reconfig install` in it, and its key;
 * - a management LPAR's root needs nothing but the directory: hmcsim
 *   shows it its adapters, the agent configures them.
 *
 * hmcsim runs a root's boot (boot.ts) when the partition boots; bootOs
 * runs it by hand, for tests of the simulated AIX alone.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_INITTAB } from './inittab.js';

const HERE = fileURLToPath(new URL('.', import.meta.url));
/** The project root, from dist/sim/aix (compiled) or sim/aix (a test importing the source). */
const ROOT = HERE.includes(`${sep}dist${sep}`) ? resolve(HERE, '..', '..', '..') : resolve(HERE, '..', '..');
export const AIX_BIN = join(ROOT, 'sim', 'aix', 'bin');

export interface GuestNetwork {
  id?: number;
  device?: string;
  ipAddress?: string;
  netmask?: string;
  gateway?: string;
  hostName?: string;
  resolvConf?: string;
}

export function guestRoot(base: string, partition: string): string {
  return join(base, partition);
}

/** The environment of a command run in that simulated host. */
export function aixEnv(root: string, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...env, PATH: `${AIX_BIN}:${env.PATH ?? '/usr/bin:/bin'}`, AIXSIM_ROOT: root, VCS_RECONFIG_ROOT: root };
}

/** Installs a guest with the primary site's network (as the replicated rootvg brings it). */
export function installGuest(base: string, partition: string, net: GuestNetwork = {}): string {
  const root = guestRoot(base, partition);
  mkdirSync(join(root, 'etc', 'objrepos'), { recursive: true });
  writeFileSync(join(root, 'etc', 'lpar.json'), `${JSON.stringify({ name: partition, id: net.id ?? 3, node: net.hostName ?? partition })}\n`);
  const dev = net.device ?? 'en0';
  const devices = {
    [dev]: { netaddr: net.ipAddress ?? '', netmask: net.netmask ?? '', state: net.ipAddress ? 'up' : 'down', mtu: '1500' },
    inet0: { hostname: net.hostName ?? '', route: net.gateway ? [`net,-hopcount,0,,0,${net.gateway}`] : [] },
  };
  writeFileSync(join(root, 'etc', 'objrepos', 'CuAt.json'), `${JSON.stringify(devices, null, 2)}\n`);
  writeFileSync(join(root, 'etc', 'inittab'), `${DEFAULT_INITTAB.join('\n')}\n`);
  if (net.resolvConf !== undefined) writeFileSync(join(root, 'etc', 'resolv.conf'), net.resolvConf);
  return root;
}

export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A simulated AIX command (or vcs-reconfig) run in that host, to completion. */
export function aixRun(root: string, command: string, args: string[], env?: NodeJS.ProcessEnv): CommandResult {
  const r = spawnSync(join(AIX_BIN, command), args, { encoding: 'utf8', env: aixEnv(root, env) });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * The vcs-reconfig service installed in the guest as VRTSvcsnr installs it
 * (rc.d script, inittab record), with its key: `key` is the file made by
 * `vcs-reconfig keygen` that the management LPARs hold too.
 */
export function installService(root: string, key: string | undefined, env?: NodeJS.ProcessEnv): CommandResult {
  if (key !== undefined) {
    mkdirSync(join(root, 'etc', 'vcs-reconfig'), { recursive: true, mode: 0o700 });
    spawnSync('cp', ['-p', key, join(root, 'etc', 'vcs-reconfig', 'key')]);
  }
  return aixRun(root, 'vcs-reconfig', ['install'], env);
}

/** Runs the root's boot by hand (hmcsim does it when the partition boots): a real process. */
export function bootOs(root: string, env?: NodeJS.ProcessEnv): Promise<CommandResult> {
  return new Promise((res) => {
    const p = spawn(join(AIX_BIN, 'aixsim-boot'), [], { env: aixEnv(root, env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('close', (code) => res({ code, stdout, stderr }));
  });
}
