/**
 * hmcsim (--world FILE.json | --from-maincf main.cf) [--listen HOST:PORT]... [--authorized-keys FILE]
 *        [--host-key FILE] [--speed N] [--control SOCKET] [--login-grace-time SECONDS] [--max-startups N]
 * hmcsim ctl --control SOCKET COMMAND [ARGS...]
 *
 * Prints `listening HOST:PORT` on stdout per endpoint once every endpoint
 * listens; notes for people go to stderr. Exit codes: 0 clean shutdown,
 * 1 a ctl command failed, 2 usage error or unreadable input.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import type { Server } from 'node:net';
import ssh2 from './ssh2-limits.js';
import { parseCommandLine } from '../../framework/cli-args.js';
import { isVcsPowervmError, UsageError } from '../../framework/errors.js';
import { writeFileAtomic } from '../../framework/fs.js';
import { generateSshKeyPair } from '../../framework/remote/keygen.js';
import { packageVersion } from '../../framework/version.js';
import { DEFAULT_ADMISSION, type AdmissionOptions } from './admission.js';
import { ctlRequest, listenControl } from './control.js';
import { CTL_USAGE, Simulator, type ListenAddress } from './simulator.js';
import type { World } from './world.js';
import { loadWorldFile } from './worldfile.js';

const USAGE = `usage: hmcsim (--world FILE.json | --from-maincf main.cf) [--listen HOST:PORT]... [--authorized-keys FILE]
              [--host-key FILE] [--speed N] [--control SOCKET] [--login-grace-time SECONDS] [--max-startups N]
              [--aix DIR]
       hmcsim ctl --control SOCKET COMMAND [ARGS...]
       hmcsim --version | --help

Simulated HMCs over SSH in front of a simulated PowerVM world. Prints
"listening HOST:PORT" on stdout per endpoint once all listen; stops on
SIGTERM or SIGINT.

  --world FILE.json        the world: managed systems, partitions, VIO servers, HMCs, users
                           (the format hmcsim ctl dump prints)
  --from-maincf main.cf    a world made from a VCS configuration: its LPAR resources,
                           systems (PhysicalServer) and HMCs (MCName)
  --listen HOST:PORT       one HMC endpoint (repeatable; port 0 picks a free one; default
                           one per HMC of the world on 127.0.0.1)
  --authorized-keys FILE   public keys (OpenSSH format) accepted for every user
  --host-key FILE          the ed25519 host key; created (with FILE.pub) when missing, so
                           clients can pin it (default: a new key per run)
  --speed N                simulated time runs N times faster (boot, shutdown, migration)
  --control SOCKET         the control socket hmcsim ctl talks to (fault injection)
  --login-grace-time SECS  drop a connection not logged in within SECS (30; 0: no limit)
  --max-startups N         unauthenticated connections at once (100), as sshd's MaxStartups
  --aix DIR                partitions' operating systems: DIR/<partition> is that partition's
                           simulated AIX root; it sees its adapters, and boots (cfgmgr, inittab)
                           before RMC comes up (docs/hmcsim.md, "Operating systems")

ctl commands:
${CTL_USAGE.map((l) => `  ${l}`).join('\n')}`;

interface ServeArgs {
  world?: string;
  maincf?: string;
  listen: ListenAddress[];
  authorizedKeys?: string;
  hostKey?: string;
  speed: number;
  control?: string;
  aix?: string;
  admission: AdmissionOptions;
}

function parseListen(text: string): ListenAddress {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:\s]+)):(\d{1,5})$/.exec(text);
  if (!m || Number(m[3]) > 65535) throw new UsageError(`--listen ${text}: expected HOST:PORT (PORT 0 picks a free port)`);
  return { host: m[1] ?? m[2]!, port: Number(m[3]) };
}

const SERVE_OPTIONS = {
  world: { type: 'string' },
  'from-maincf': { type: 'string' },
  listen: { type: 'string', multiple: true },
  'authorized-keys': { type: 'string' },
  'host-key': { type: 'string' },
  speed: { type: 'string' },
  control: { type: 'string' },
  'login-grace-time': { type: 'string' },
  'max-startups': { type: 'string' },
  aix: { type: 'string' },
} as const;

function parseServe(argv: string[]): ServeArgs {
  const { values: v, positionals } = parseCommandLine(argv, SERVE_OPTIONS);
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
  const out: ServeArgs = { listen: (v.listen ?? []).map(parseListen), speed: 1, admission: { ...DEFAULT_ADMISSION } };
  if (v.world !== undefined) out.world = v.world;
  if (v['from-maincf'] !== undefined) out.maincf = v['from-maincf'];
  if (v['authorized-keys'] !== undefined) out.authorizedKeys = v['authorized-keys'];
  if (v['host-key'] !== undefined) out.hostKey = v['host-key'];
  if (v.control !== undefined) out.control = v.control;
  if (v.aix !== undefined) {
    if (!isDirectory(v.aix)) throw new UsageError(`--aix ${v.aix}: not a directory (it holds one simulated AIX root per partition)`);
    out.aix = resolvePath(v.aix);
  }
  if (v.speed !== undefined) {
    out.speed = Number(v.speed);
    if (!(out.speed > 0) || !Number.isFinite(out.speed)) throw new UsageError(`--speed ${v.speed}: expected a positive number`);
  }
  if (v['login-grace-time'] !== undefined) {
    // As sshd's LoginGraceTime: seconds an unauthenticated connection may wait, 0 for no limit.
    if (!/^\d+(\.\d+)?$/.test(v['login-grace-time'])) throw new UsageError(`--login-grace-time ${v['login-grace-time']}: expected a number of seconds (0: no limit)`);
    out.admission.loginGraceMs = Number(v['login-grace-time']) * 1000;
  }
  if (v['max-startups'] !== undefined) {
    if (!/^[1-9]\d*$/.test(v['max-startups'])) throw new UsageError(`--max-startups ${v['max-startups']}: expected a positive integer`);
    out.admission.maxStartups = Number(v['max-startups']);
  }
  if (!out.world === !out.maincf) throw new UsageError('give exactly one of --world FILE.json and --from-maincf main.cf');
  return out;
}

/**
 * The host key: read from FILE, or created there (ed25519, mode 0600, with
 * FILE.pub beside it) so that clients can pin it across runs.
 */
function loadHostKey(path: string | undefined): { key: string; publicKey: string } {
  if (path && existsSync(path)) {
    const key = readFileSync(path, 'utf8');
    const parsed = ssh2.utils.parseKey(key);
    const k = Array.isArray(parsed) ? parsed[0] : parsed;
    if (!k || k instanceof Error || k.isPrivateKey() !== true) throw new UsageError(`--host-key ${path}: not an unencrypted private key`);
    return { key, publicKey: `${k.type} ${k.getPublicSSH().toString('base64')}` };
  }
  const pair = generateSshKeyPair('ed25519', { comment: 'hmcsim host key' });
  if (path) {
    writeFileAtomic(path, pair.private, { mode: 0o600, backup: false });
    writeFileAtomic(`${path}.pub`, pair.public.trim() + '\n', { mode: 0o644, backup: false });
  }
  return { key: pair.private, publicKey: pair.public.trim().split(/\s+/).slice(0, 2).join(' ') };
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function readAuthorizedKeys(path: string | undefined): string[] {
  if (!path) return [];
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`--authorized-keys ${path}: ${(e as Error).message}`);
  }
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
}

async function loadWorld(args: ServeArgs): Promise<World> {
  if (args.world && isDirectory(args.world)) throw new UsageError(`--world ${args.world} is a directory: give a world file (JSON, as hmcsim ctl dump prints it), or --from-maincf main.cf`);
  if (args.world) return loadWorldFile(args.world, args.speed);
  const { worldFromMainCf } = await import('./maincf.js');
  return worldFromMainCf(args.maincf!, args.speed);
}

async function serve(argv: string[]): Promise<void> {
  const args = parseServe(argv);
  const world = await loadWorld(args);
  if (args.aix) {
    const { AixRoots } = await import('./guest-os.js');
    const os = new AixRoots(args.aix);
    world.os = os;
    // Partitions already running show their operating systems what they have.
    for (const sys of world.systems) for (const p of sys.partitions) if (p.state === 'Running') os.changed(sys, p);
  }
  const listen = args.listen.length ? args.listen : Array.from({ length: Math.max(1, world.hmcNames.length) }, () => ({ host: '127.0.0.1', port: 0 }));
  const hostKey = loadHostKey(args.hostKey);
  const sim = await Simulator.start({ world, listen, hostKey: hostKey.key, authorizedKeys: readAuthorizedKeys(args.authorizedKeys), admission: args.admission });
  let control: Server | null = null;
  if (args.control) {
    try {
      control = await listenControl(args.control, sim);
    } catch (e) {
      await sim.stop();
      throw e;
    }
  }
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    const closing = [sim.stop(), new Promise<void>((r) => (control ? control.close(() => r()) : r()))];
    void Promise.all(closing).then(() => process.exit(0));
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  // A client can never take the simulator down: report the bug and keep serving.
  process.on('uncaughtException', (e) =>
    process.stderr.write(`hmcsim: internal error: ${process.env.HMCSIM_DEBUG === '1' ? (e.stack ?? e) : `${String(e.message ?? e).split('\n')[0]} (HMCSIM_DEBUG=1 shows where)`}\n`),
  );

  // Announced only once the signal handlers are in place: whoever reads the lines may stop us at once.
  const fingerprint = createHash('sha256').update(Buffer.from(hostKey.publicKey.split(' ')[1]!, 'base64')).digest('base64').replace(/=+$/, '');
  for (const e of sim.endpoints) process.stderr.write(`hmcsim: HMC ${e.name} on ${e.address}, host key ${hostKey.publicKey.split(' ')[0]} SHA256:${fingerprint}\n`);
  for (const e of sim.endpoints) process.stdout.write(`listening ${e.address}\n`);
}

async function ctl(argv: string[]): Promise<number> {
  let path: string | undefined;
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--control') path = argv[++i];
    else if (argv[i]!.startsWith('--control=')) path = argv[i]!.slice('--control='.length);
    else if (argv[i] === '--help' || argv[i] === '-h') {
      process.stdout.write(`usage: hmcsim ctl --control SOCKET COMMAND [ARGS...]\ncommands:\n${CTL_USAGE.map((l) => `  ${l}`).join('\n')}\n`);
      return 0;
    } else rest.push(argv[i]!);
  }
  if (!path) throw new UsageError('ctl needs --control SOCKET (the one hmcsim was started with)');
  const [command, ...args] = rest;
  if (!command) throw new UsageError('ctl needs a command');
  const r = await ctlRequest(path, command, args);
  if (!r.ok) {
    process.stderr.write(`hmcsim: ${r.error}\n`);
    return 1;
  }
  if (command === 'help') process.stdout.write((r.result as string[]).join('\n') + '\n');
  else if (r.result !== undefined) process.stdout.write(JSON.stringify(r.result, null, 2) + '\n');
  return 0;
}

export async function main(argv: string[]): Promise<void> {
  try {
    if (argv[0] === '--help' || argv[0] === '-h') {
      process.stdout.write(USAGE + '\n');
      return;
    }
    if (argv[0] === '--version') {
      process.stdout.write(`${packageVersion()}\n`);
      return;
    }
    if (argv[0] === 'ctl') {
      process.exitCode = await ctl(argv.slice(1));
      return;
    }
    await serve(argv);
  } catch (e) {
    if (isVcsPowervmError(e)) {
      const hint = e.code === 'VCSPVM_USAGE' ? ` (see hmcsim ${argv[0] === 'ctl' ? 'ctl ' : ''}--help)` : '';
      process.stderr.write(`hmcsim: ${e.message}${hint}\n`);
      process.exit(e.exitCode);
    }
    // One line, never a stack trace (HMCSIM_DEBUG=1 shows it, for whoever works on the simulator).
    const err = e as NodeJS.ErrnoException;
    process.stderr.write(`hmcsim: ${process.env.HMCSIM_DEBUG === '1' ? (err.stack ?? String(e)) : (err.message ?? String(e)).split('\n')[0]}\n`);
    process.exit(2);
  }
}
