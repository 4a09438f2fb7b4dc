/**
 * vcs-reconfig — the guest side of DR network reconfiguration (fileset
 * VRTSvcsnr): at boot it asks the management LPAR, over VLAN 123, for this
 * partition's site-specific network settings and applies them.
 *
 *   vcs-reconfig start [--root DIR] [--server HOST:PORT]...
 *
 * The partition name comes from `lparstat -i`. The management LPARs asked
 * are the --server ones, else those published in $VCS_RECONFIG_VLAN_DIR (the
 * simulation's VLAN 123: one HOST:PORT file per management LPAR). No answer
 * for this partition (no responder, ConfigureNetwork = 0, another site's
 * partition) changes nothing. Every run is logged in
 * ROOT/var/adm/ras/vcs-reconfig.log. Exit 0 when applied or nothing to do,
 * 1 when the settings could not be applied, 2 on a usage error.
 */
import { execFile } from 'node:child_process';
import { appendFileSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isVcsPowervmError, VcsPowervmError } from '../../framework/errors.js';
import { applySettings } from './apply.js';
import { ask } from './client.js';
import { parseEndpoint } from './protocol.js';
import { settingsFromWire } from './settings.js';

const USAGE = 'usage: vcs-reconfig start [--root DIR] [--server HOST:PORT]...';

interface Options {
  root: string;
  servers: { host: string; port: number }[];
}

function usage(detail: string): never {
  throw new VcsPowervmError('VCSPVM_USAGE', { detail: `${detail}\n${USAGE}` });
}

function parseArgs(argv: string[], env: NodeJS.ProcessEnv): Options {
  if (argv[0] !== 'start') usage(argv.length ? `unknown command ${argv[0]}` : 'no command');
  const o: Options = { root: env.VCS_RECONFIG_ROOT || '/', servers: [] };
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i];
    const v = argv[i + 1];
    if (a === '--root' && v) o.root = v;
    else if (a === '--server' && v) o.servers.push(parseEndpoint(v) ?? usage(`--server ${v} is not HOST:PORT`));
    else usage(`unexpected argument ${a}`);
    i++;
  }
  return o;
}

/** Management LPARs published on the simulated VLAN. */
function published(dir: string | undefined): { host: string; port: number }[] {
  if (!dir) return [];
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.json') && !f.startsWith('.'));
  } catch {
    return [];
  }
  const out: { host: string; port: number }[] = [];
  for (const f of files.sort()) {
    try {
      const o = JSON.parse(readFileSync(join(dir, f), 'utf8')) as { host?: unknown; port?: unknown };
      const e = parseEndpoint(`${String(o.host)}:${String(o.port)}`);
      if (e) out.push(e);
    } catch {
      // Half-written or foreign: not a responder we can ask.
    }
  }
  return out;
}

function partitionName(env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('lparstat', ['-i'], { env, timeout: 10_000 }, (err, stdout) => {
      const m = /^Partition Name\s*:\s*(\S+)\s*$/m.exec(stdout ?? '');
      if (err || !m) reject(new VcsPowervmError('VCSPVM_RECONFIG', { detail: `cannot tell this partition's name (lparstat -i${err ? `: ${err.message.split('\n')[0]}` : ''})` }));
      else resolve(m[1]!);
    });
  });
}

export async function start(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const o = parseArgs(argv, env);
  const logFile = join(o.root, 'var', 'adm', 'ras', 'vcs-reconfig.log');
  const say = (text: string) => {
    process.stdout.write(`vcs-reconfig: ${text}\n`);
    try {
      mkdirSync(join(o.root, 'var', 'adm', 'ras'), { recursive: true });
      appendFileSync(logFile, `${new Date().toISOString()} ${text}\n`);
    } catch {
      // The log is for the administrator; the settings matter more.
    }
  };
  const partition = await partitionName(env);
  const servers = o.servers.length ? o.servers : published(env.VCS_RECONFIG_VLAN_DIR);
  if (servers.length === 0) {
    say(`${partition}: no management LPAR on VLAN 123; network settings unchanged`);
    return 0;
  }
  const failures: string[] = [];
  for (const server of servers) {
    const r = await ask(server, partition);
    const where = `${server.host}:${server.port}`;
    if (r.kind === 'failed') {
      failures.push(`${where}: ${r.reason}`);
      continue;
    }
    if (r.reply.status !== 'ok') {
      failures.push(`${where}: ${r.reply.status}`);
      continue;
    }
    const { settings, problems } = settingsFromWire(r.reply.settings);
    if (!settings) throw new VcsPowervmError('VCSPVM_RECONFIG', { detail: `${where} sent settings that are refused: ${problems.join('; ')}` });
    const changes = await applySettings(settings, { root: o.root, env });
    if (changes.length === 0) say(`${partition}: settings from ${where} already in place; nothing changed`);
    for (const c of changes) say(`${partition}: ${c} (from ${where})`);
    return 0;
  }
  say(`${partition}: no management LPAR serves this partition (${failures.join('; ')}); network settings unchanged`);
  return 0;
}

export async function main(argv: string[]): Promise<number> {
  if (argv[0] === '--help' || argv[0] === '-h') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  try {
    return await start(argv);
  } catch (e) {
    // One line, never a stack trace.
    process.stderr.write(`${isVcsPowervmError(e) && e.code !== 'VCSPVM_RECONFIG' ? 'vcs-reconfig: ' : ''}${e instanceof Error ? e.message : String(e)}\n`);
    return isVcsPowervmError(e) ? e.exitCode : 1;
  }
}
