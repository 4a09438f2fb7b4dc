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
import { existsSync, readFileSync } from 'node:fs';
import type { Server } from 'node:net';
import ssh2 from './ssh2-limits.js';
import { isVcsPowervmError, UsageError } from '../../framework/errors.js';
import { writeFileAtomic } from '../../framework/fs.js';
import { generateSshKeyPair } from '../../framework/remote/keygen.js';
import { DEFAULT_ADMISSION, type AdmissionOptions } from './admission.js';
import { ctlRequest, listenControl } from './control.js';
import { CTL_USAGE, Simulator, type ListenAddress } from './simulator.js';
import type { World } from './world.js';
import { loadWorldFile } from './worldfile.js';

const USAGE = `usage: hmcsim (--world FILE.json | --from-maincf main.cf) [--listen HOST:PORT]... [--authorized-keys FILE]
              [--host-key FILE] [--speed N] [--control SOCKET] [--login-grace-time SECONDS] [--max-startups N]
       hmcsim ctl --control SOCKET COMMAND [ARGS...]

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
  admission: AdmissionOptions;
}

function parseListen(text: string): ListenAddress {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:\s]+)):(\d{1,5})$/.exec(text);
  if (!m || Number(m[3]) > 65535) throw new UsageError(`--listen ${text}: expected HOST:PORT (PORT 0 picks a free port)`);
  return { host: m[1] ?? m[2]!, port: Number(m[3]) };
}

function parseServe(argv: string[]): ServeArgs {
  const out: ServeArgs = { listen: [], speed: 1, admission: { ...DEFAULT_ADMISSION } };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${a} needs a value`);
      return v;
    };
    switch (a) {
      case '--world':
        out.world = value();
        break;
      case '--from-maincf':
        out.maincf = value();
        break;
      case '--listen':
        out.listen.push(parseListen(value()));
        break;
      case '--authorized-keys':
        out.authorizedKeys = value();
        break;
      case '--host-key':
        out.hostKey = value();
        break;
      case '--speed': {
        const v = value();
        out.speed = Number(v);
        if (!(out.speed > 0) || !Number.isFinite(out.speed)) throw new UsageError(`--speed ${v}: expected a positive number`);
        break;
      }
      case '--control':
        out.control = value();
        break;
      case '--login-grace-time': {
        // As sshd's LoginGraceTime: seconds an unauthenticated connection may wait, 0 for no limit.
        const v = value();
        if (!/^\d+(\.\d+)?$/.test(v)) throw new UsageError(`--login-grace-time ${v}: expected a number of seconds (0: no limit)`);
        out.admission.loginGraceMs = Number(v) * 1000;
        break;
      }
      case '--max-startups': {
        const v = value();
        if (!/^[1-9]\d*$/.test(v)) throw new UsageError(`--max-startups ${v}: expected a positive integer`);
        out.admission.maxStartups = Number(v);
        break;
      }
      default:
        throw new UsageError(`unknown argument ${a}`);
    }
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
  if (args.world) return loadWorldFile(args.world, args.speed);
  const { worldFromMainCf } = await import('./maincf.js');
  return worldFromMainCf(args.maincf!, args.speed);
}

async function serve(argv: string[]): Promise<void> {
  const args = parseServe(argv);
  const world = await loadWorld(args);
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
    else if (argv[i] === '--help' || argv[i] === '-h') {
      process.stdout.write(`usage: hmcsim ctl --control SOCKET COMMAND [ARGS...]\ncommands:\n${CTL_USAGE.map((l) => `  ${l}`).join('\n')}\n`);
      return 0;
    } else rest.push(argv[i]!);
  }
  if (!path) throw new UsageError('ctl needs --control SOCKET');
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
