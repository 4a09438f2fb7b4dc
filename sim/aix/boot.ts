/**
 * The simulated operating system's boot, as hmcsim runs it when the
 * partition reaches AIX's multi-user start (before RMC, which the HMC sees
 * only once the boot is through): what ifconfig did is gone, cfgmgr
 * configures the adapters the hypervisor presents (the profile's), then
 * init runs /etc/inittab's records for run level 2 in order — `wait`,
 * `once`, `boot` and `bootwait` ones — as far as the simulation has them:
 * a command whose program exists under $AIXSIM_ROOT (a script a package
 * installed, /etc/rc.d/init.d/...) runs, with /dev/console the root's
 * dev/console file; `/etc/rc.d/rc 2` runs rc2.d's S* scripts with `start`;
 * the rest (rc.boot, rc.tcpip, startsrc) is the part of AIX not simulated,
 * noted in var/adm/sim/boot.log and skipped.
 *
 *   aixsim-boot            (AIXSIM_ROOT names the partition's root)
 */
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { configureDevices } from './cfgmgr.js';
import { resetRunning } from './ifnet.js';
import { parseRecord, readInittab } from './inittab.js';
import { readPlatform } from './platform.js';
import { runMain, simPath, simRoot, SimUsageError } from './root.js';

/** A boot service that has not finished in this long is killed: the simulated boot goes on. */
const SERVICE_LIMIT_MS = 120_000;
const RUN_ACTIONS = new Set(['wait', 'once', 'boot', 'bootwait']);

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

function note(text: string): void {
  mkdirSync(simPath('var', 'adm', 'sim'), { recursive: true });
  appendFileSync(simPath('var', 'adm', 'sim', 'boot.log'), `${new Date().toISOString()} ${text}\n`);
}

function consoleFile(): string {
  mkdirSync(simPath('dev'), { recursive: true });
  return simPath('dev', 'console');
}

function runShell(command: string, id: string): Promise<number | null> {
  return new Promise((resolve) => {
    const p = spawn('/bin/sh', ['-c', command], { stdio: 'ignore', env: process.env, cwd: simRoot() });
    const timer = setTimeout(() => {
      note(`${id}: still running after ${SERVICE_LIMIT_MS / 1000} s: killed`);
      p.kill('SIGKILL');
    }, SERVICE_LIMIT_MS);
    p.on('error', () => resolve(null));
    p.on('close', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

/** The path under the root of an absolute AIX path, when the simulated host has it. */
function simulated(aixPath: string): string | undefined {
  if (!aixPath.startsWith('/')) return undefined;
  const p = join(simRoot(), aixPath);
  try {
    return statSync(p).isFile() ? p : undefined;
  } catch {
    return undefined;
  }
}

async function runRcDir(level: string): Promise<void> {
  const dir = simPath('etc', 'rc.d', `rc${level}.d`);
  if (!existsSync(dir)) return;
  for (const f of readdirSync(dir).filter((n) => n.startsWith('S')).sort()) {
    const code = await runShell(`${quote(join(dir, f))} start >>${quote(consoleFile())} 2>&1`, `rc${level}.d/${f}`);
    note(`rc${level}.d/${f} start: exit ${code}`);
  }
}

export async function bootOs(): Promise<void> {
  resetRunning();
  const made = configureDevices();
  const platform = readPlatform(simRoot());
  appendFileSync(consoleFile(), `\n*** ${platform?.lparName ?? 'partition'} booting on ${platform?.system ?? '?'}${made.length ? ` (new devices: ${made.join(', ')})` : ''}\n`);
  note(`boot on ${platform?.system ?? '?'}; cfgmgr${made.length ? `: ${made.join(', ')}` : ''}`);
  for (const line of readInittab()) {
    const r = parseRecord(line);
    if (!r || !RUN_ACTIONS.has(r.action) || (r.runlevel !== '' && !r.runlevel.includes('2'))) continue;
    const words = r.command.replace(/\s+#.*$/, '').trim().split(/\s+/);
    const rc = /^\/etc\/rc\.d\/rc$/.test(words[0] ?? '') ? words[1] : undefined;
    if (rc) {
      await runRcDir(rc);
      continue;
    }
    const program = simulated(words[0] ?? '');
    if (!program) {
      note(`${r.id}: ${words[0] ?? ''} is not simulated: skipped`);
      continue;
    }
    const command = [quote(program), ...words.slice(1)].join(' ').replace(/\/dev\/console/g, quote(consoleFile()));
    const code = await runShell(command, r.id);
    note(`${r.id}: exit ${code}`);
  }
  note('boot done');
}

export async function boot(argv: string[]): Promise<number> {
  if (argv.length) throw new SimUsageError('Usage: aixsim-boot (AIXSIM_ROOT names the partition)');
  await bootOs();
  return 0;
}

export const main = (argv: string[]) => runMain('aixsim-boot', boot, argv);
