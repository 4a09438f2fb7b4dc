/**
 * `vcsagent wpar setup` and `vcsagent wpar verify`: the seed's hawparsetup.pl
 * and hawparverify.pl on our main.cf toolkit.
 *
 *   vcsagent wpar setup GROUP RESOURCE WPAR [SYSTEM...] --config main.cf
 *                       (--password-file FILE [--user NAME] | --no-user) [--dry-run]
 *   vcsagent wpar verify GROUP --config main.cf [--host [--system NAME] [--hostname NAME]]
 *
 * setup edits main.cf (setup.ts), checks the result with the verifier and
 * writes it atomically, the old file kept as main.cf.previous; nothing is
 * written when the result would have errors the file did not have. The
 * password file holds the user's password as `vcsencrypt -vcs` prints it
 * (what main.cf holds): this command never sees nor prints a clear password.
 * verify runs the verifier's rules on the group (hawparverify's: one WPAR
 * resource, dependencies, ContainerInfo, IMF), and with --host the checks
 * of this system (host.ts). Exit 0 done, 1 problems found, 2 usage error or
 * unreadable input.
 */
import { readFileSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { MainOptions } from '../../agent/main-options.js';
import { UsageError } from '../../errors.js';
import { writeFileAtomic } from '../../fs.js';
import { configFile, loadConfig, readText } from '../load.js';
import { parseCf } from '../parse.js';
import { printCf } from '../print.js';
import type { Finding } from '../verify/finding.js';
import { verifyPath } from '../verify/verify.js';

export const usage = `usage:
  vcsagent wpar setup GROUP RESOURCE WPAR [SYSTEM...] --config main.cf (--password-file FILE [--user NAME] | --no-user) [--dry-run]
  vcsagent wpar verify GROUP --config main.cf [--host [--system NAME] [--hostname NAME]]
setup (hawparsetup): the WPAR group (created on SYSTEM... when it does not exist), its WPAR resource
  RESOURCE, ContainerInfo naming WPAR, dependencies on it for what runs inside, IMF Mode 0 where
  ContainerInfo Enabled is 0 or 2, and the VCS user for the WPAR (default name: the WPAR's) with its
  password as vcsencrypt -vcs prints it; main.cf is replaced atomically, the old one kept as main.cf.previous
verify (hawparverify): the WPAR rules of vcscf verify on GROUP; --host: this system's WPAR (exists,
  Defined or Active, host name, root location, the group's mounts seen from inside)
`;

const out = (opts: MainOptions) => opts.out ?? ((t: string) => process.stdout.write(t));
const err = (opts: MainOptions) => opts.err ?? ((t: string) => process.stderr.write(t));

export async function run(argv: string[], opts: MainOptions): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'setup') return setup(rest, opts);
  if (sub === 'verify') return verify(rest, opts);
  throw new UsageError(sub === undefined ? 'setup or verify?' : `unknown wpar command ${sub} (setup, verify)`);
}

function parse<T extends Record<string, { type: 'string' | 'boolean' }>>(argv: string[], options: T) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** Error findings as comparable keys (the file name aside). */
const errorKeys = (f: Finding[]) => f.filter((x) => x.severity === 'error').map((x) => `${x.code} ${x.message}`);

async function setup(argv: string[], opts: MainOptions): Promise<number> {
  const { values: v, positionals } = parse(argv, {
    config: { type: 'string' },
    'password-file': { type: 'string' },
    user: { type: 'string' },
    'no-user': { type: 'boolean' },
    'dry-run': { type: 'boolean' },
  });
  const [group, resource, wpar, ...systems] = positionals;
  if (!group || !resource || !wpar) throw new UsageError('GROUP, RESOURCE and WPAR are required');
  if (!v.config) throw new UsageError('--config main.cf is required');
  if (!v['no-user'] && !v['password-file']) throw new UsageError('the VCS user for the WPAR needs --password-file FILE (its password as vcsencrypt -vcs prints it), or --no-user');
  if (v['no-user'] && (v['password-file'] || v.user)) throw new UsageError('--no-user excludes --password-file and --user');
  const file = configFile(v.config);
  let user: { name: string; encryptedPassword: string } | undefined;
  if (!v['no-user']) {
    const secret = readText(v['password-file']!).split('\n')[0]!.trim();
    if (!/^[!#-~]+$/.test(secret)) throw new UsageError(`${v['password-file']}: the first line is not a password as vcsencrypt -vcs prints it`);
    user = { name: v.user ?? wpar, encryptedPassword: secret };
  }
  const { setupWpar, SetupError } = await import('./setup.js');
  const before = loadConfig(file);
  const text = readText(file);
  const parsed = parseCf(text, file);
  if (parsed.errors.length) {
    err(opts)(`vcsagent wpar setup: ${file} has errors (${parsed.errors[0]!.message}); nothing changed\n`);
    return 1;
  }
  let result;
  try {
    result = setupWpar(parsed.doc, before.config, { group, resource, wpar, systems, ...(user ? { user } : {}) });
  } catch (e) {
    if (e instanceof SetupError) {
      err(opts)(`vcsagent wpar setup: ${e.message}; nothing changed\n`);
      return 1;
    }
    throw e;
  }
  const next = printCf(result.doc);
  // The result is verified where includes resolve as for main.cf itself, before main.cf is touched.
  const probe = join(dirname(file), `.${basename(file)}.wpar-setup.${process.pid}.tmp`);
  let added: string[];
  try {
    writeFileAtomic(probe, next, { backup: false, fsync: false });
    const had = new Set(errorKeys(verifyPath(file).findings));
    added = errorKeys(verifyPath(probe).findings).filter((k) => !had.has(k));
  } finally {
    rmSync(probe, { force: true });
  }
  if (added.length) {
    err(opts)(`vcsagent wpar setup: the result would have errors main.cf does not have; nothing changed:\n${added.map((a) => `  ${a}\n`).join('')}`);
    return 1;
  }
  const report = result.changes.map((c) => `${c}\n`).join('');
  if (v['dry-run']) {
    err(opts)(report);
    out(opts)(next);
    return 0;
  }
  const written = next !== text && writeFileAtomic(file, next, { throughSymlink: true });
  out(opts)(`${report}${written ? `${file} written (the previous one kept as ${basename(file)}.previous)` : `${file} already had all of it`}\n`);
  if (!v['no-user']) out(opts)(`the WPAR reaches VCS as ${user!.name}: run halogin ${user!.name} inside it once the group is online\n`);
  return 0;
}

async function verify(argv: string[], opts: MainOptions): Promise<number> {
  const { values: v, positionals } = parse(argv, { config: { type: 'string' }, host: { type: 'boolean' }, system: { type: 'string' }, hostname: { type: 'string' } });
  const [group, ...extra] = positionals;
  if (!group || extra.length) throw new UsageError('one GROUP is required');
  if (!v.config) throw new UsageError('--config main.cf is required');
  if ((v.system || v.hostname) && !v.host) throw new UsageError('--system and --hostname go with --host');
  const file = configFile(v.config);
  const load = loadConfig(file);
  const g = load.config.groups.find((x) => x.name === group);
  if (!g) {
    err(opts)(`vcsagent wpar verify: no group ${group} in ${file}\n`);
    return 1;
  }
  // The group's findings: those on its lines of main.cf (the group and its resources).
  const items = (load.docs.get(resolve(file)) ?? parseCf(readText(file), file).doc).items;
  const at = items.findIndex((n) => n.kind === 'group' && n.def.name === group);
  const next = items[at + 1];
  const from = g.pos.line;
  const to = next ? (next.kind === 'include' ? next.include.pos.line : (next.def.pos?.line ?? Infinity)) - 1 : Infinity;
  const findings = verifyPath(file).findings.filter((f) => f.file === file && f.line >= from && f.line <= to);
  const say = out(opts);
  let errors = 0;
  for (const f of findings) {
    if (f.severity === 'error') errors++;
    say(`${f.severity === 'error' ? 'error' : 'warn '} ${f.file}:${f.line}:${f.column}: ${f.code} ${f.message}\n`);
  }
  const wpars = g.resources.filter((r) => r.type === 'WPAR');
  if (!findings.some((f) => f.severity === 'error')) say(`ok    group ${group}: ${wpars.length === 1 ? `WPAR resource ${wpars[0]!.name}` : 'no WPAR resource'}, ContainerInfo, dependencies and IMF as VCS needs them\n`);
  if (v.host) {
    const { hostChecks } = await import('./host.js');
    const { runCommand } = await import('../../agent/command.js');
    const { localSystemName } = await import('../../agent/dispatch.js');
    const { vcsPaths } = await import('../../agent/main-options.js');
    const env = { ...process.env, ...(opts.env ?? {}) };
    const system = v.system ?? localSystemName(vcsPaths(env));
    const path = env.PATH ? `${env.PATH}:/usr/sbin` : '/usr/sbin:/usr/bin:/bin';
    const checks = await hostChecks(g, system, (a) => runCommand(a, { timeoutMs: 30_000, env: { ...env, PATH: path } }), v.hostname !== undefined ? { hostname: v.hostname } : {});
    for (const c of checks) {
      if (c.level === 'error') errors++;
      say(`${c.level === 'ok' ? 'ok   ' : c.level === 'warn' ? 'warn ' : 'error'} ${c.text}\n`);
    }
  }
  say(errors ? `FAILED: ${errors} problem${errors === 1 ? '' : 's'}\n` : 'PASSED\n');
  return errors ? 1 : 0;
}
