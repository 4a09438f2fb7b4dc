/**
 * A simulated managed LPAR's operating system: its own AIX root under
 * <base>/<partition>/ (ODM, /etc/resolv.conf, logs) and its boot, which runs
 * the vcs-reconfig service as /etc/inittab would on AIX. The HMC simulator
 * only knows the partition's state; the caller (a test, the scenario) boots
 * the guest once the HMC shows it Running on a managed system, and so says
 * which VLAN 123 it is attached to: the management LPARs published under
 * <vlanDir>/<managed system>/.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = fileURLToPath(new URL('.', import.meta.url));
/** The project root, from dist/sim/aix (compiled) or sim/aix (a test importing the source). */
const ROOT = HERE.includes(`${sep}dist${sep}`) ? resolve(HERE, '..', '..', '..') : resolve(HERE, '..', '..');
const BIN = join(ROOT, 'sim', 'aix', 'bin');

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
  if (net.resolvConf !== undefined) writeFileSync(join(root, 'etc', 'resolv.conf'), net.resolvConf);
  return root;
}

export interface BootResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The guest boots on `system`: `vcs-reconfig start` runs in it, a real process. */
export function bootGuest(base: string, partition: string, o: { vlanDir?: string; system?: string; env?: NodeJS.ProcessEnv } = {}): Promise<BootResult> {
  const env: NodeJS.ProcessEnv = {
    ...(o.env ?? process.env),
    PATH: `${BIN}:${(o.env ?? process.env).PATH ?? ''}`,
    AIXSIM_ROOT: guestRoot(base, partition),
    VCS_RECONFIG_ROOT: guestRoot(base, partition),
  };
  if (o.vlanDir && o.system) env.VCS_RECONFIG_VLAN_DIR = join(o.vlanDir, o.system);
  else delete env.VCS_RECONFIG_VLAN_DIR;
  return new Promise((res) => {
    const p = spawn(join(BIN, 'vcs-reconfig'), ['start'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('close', (code) => res({ code, stdout, stderr }));
  });
}
