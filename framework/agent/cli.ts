/**
 * `vcsagent`: the command VCS runs for every entry point of our agents, and
 * the tools around it. bin/vcsagent calls main() with the agent registry.
 *
 *   vcsagent TYPE ENTRY_POINT RESOURCE [ARGLIST VALUES...]        as VCS calls it
 *   vcsagent TYPE ENTRY_POINT RESOURCE [LEADING...] --config main.cf --system NAME [--target SYS] [-- ACTION ARGS]
 *   vcsagent install --vcs-home DIR [--conf-dir DIR] [--module FILE]... [TYPE...]
 *   vcsagent check TYPE RESOURCE --config main.cf --system NAME
 *   vcsagent run --config main.cf --system NAME [--group G]       (the local runner, framework/runner)
 *   vcsagent precompile                                           (build step)
 *
 * Entry point invocations speak VCS exit codes and never print a stack trace:
 * every problem is one line in $VCS_LOG/log/<Type>_A.log (and on stderr when
 * a person is watching: a terminal, or --config).
 *
 * Only what every entry point needs is imported up front; subcommands, the
 * configuration reader and ajv are loaded when used, so that a monitor starts
 * about as fast as node itself.
 */
import { writeSync } from 'node:fs';
import { join } from 'node:path';
import { format } from 'node:util';
import { AgentError, UsageError, isVcsPowervmError } from '../errors.js';
import { type Agent, DEFAULT_CATALOG, type VcsPaths, implementedEntryPoints } from './define.js';
import { type DispatchRequest, debugTagsOf, describeError, dispatch, logError } from './dispatch.js';
import { ENTRY_POINT_SPECS, type EntryPointRef, formatEntryPointRef, parseEntryPointRef } from './entrypoints.js';
import { type AgentLogger, type LogContext, LogOpenError, closeLog, createAgentLogger, openAgentLog } from './log.js';
import { type AgentRegistry, findEntry, loadAgent, withModules } from './registry.js';
import { secretAttributeNames } from './typeinfo.js';
import { loadAgentType } from './typeload.js';

export interface MainOptions {
  registry: AgentRegistry;
  /** The repository root (where dist/ and the registered types files are). */
  root: string;
  /** The vcsagent executable itself (installed wrappers and `check` run it). */
  self: string;
  env?: NodeJS.ProcessEnv;
  /** Standard output and error; default: synchronous writes to fd 1 and 2. */
  out?(text: string): void;
  err?(text: string): void;
}

export interface Subcommand {
  run(argv: string[], opts: MainOptions): Promise<number>;
  /** Its own usage text; by default the subcommand's lines of USAGE. */
  usage?: string;
}

/** Subcommands by name, loaded on use (an entry point never loads them). */
export const SUBCOMMANDS: Record<string, () => Promise<Subcommand>> = {
  install: () => import('./install.js'),
  check: () => import('./check.js'),
  precompile: () => import('./precompile.js'),
  run: () => import('../runner/cli.js'),
  wpar: () => import('../cf/wpar/command.js'),
};

export const USAGE = `usage:
  vcsagent TYPE ENTRY_POINT RESOURCE [ARGLIST VALUES...]
  vcsagent TYPE ENTRY_POINT RESOURCE [LEADING ARGS...] --config main.cf --system NAME [--target SYSTEM] [-- ACTION ARGS...]
  vcsagent install --vcs-home DIR [--conf-dir DIR] [--module FILE]... [TYPE...]
  vcsagent check TYPE RESOURCE --config main.cf --system NAME [--module FILE]...
  vcsagent run --config main.cf --system NAME [--group G] [--online G]... [--duration S] [--commands]
  vcsagent wpar setup|verify ... (hawparsetup, hawparverify: vcsagent wpar --help)
options before TYPE: --module FILE (an agent outside this repository), --types FILE (its types.cf)
entry points: open close monitor online offline clean shutdown migrate attr_changed info
              action/TOKEN imf_init imf_register imf_getnotification
`;

function writeFd(fd: number, text: string): void {
  try {
    writeSync(fd, text);
  } catch {
    // The reader went away (EPIPE): nothing sensible left to do with the text.
  }
}

export function outputs(opts: MainOptions): { out(text: string): void; err(text: string): void } {
  return { out: opts.out ?? ((t) => writeFd(1, t)), err: opts.err ?? ((t) => writeFd(2, t)) };
}

export function vcsPaths(env: NodeJS.ProcessEnv): VcsPaths {
  return {
    home: env.VCS_HOME || '/opt/VRTSvcs',
    conf: env.VCS_CONF || '/etc/VRTSvcs',
    log: env.VCS_LOG || '/var/VRTSvcs',
  };
}

export async function main(argv: string[], opts: MainOptions): Promise<number> {
  const { out, err } = outputs(opts);
  const first = argv[0];
  if (first === undefined) {
    err(USAGE);
    return 2;
  }
  if (first === '--help' || first === '-h' || first === 'help') {
    out(USAGE);
    return 0;
  }
  if (Object.hasOwn(SUBCOMMANDS, first)) {
    try {
      const sub = await SUBCOMMANDS[first]!();
      if (argv[1] === '--help' || argv[1] === '-h') {
        const own = USAGE.split('\n').filter((l) => l.trimStart().startsWith(`vcsagent ${first} `));
        out(sub.usage ?? `usage:\n${own.join('\n')}\n`);
        return 0;
      }
      return await sub.run(argv.slice(1), opts);
    } catch (e) {
      // What a subcommand throws (a UsageError from its arguments, anything unforeseen) is one line, never a stack.
      const hint = isVcsPowervmError(e) && e.code === 'VCSPVM_USAGE' ? ` (see vcsagent ${first} --help)` : '';
      err(`vcsagent ${first}: ${e instanceof Error ? e.message : String(e)}${hint}\n`);
      return isVcsPowervmError(e) ? e.exitCode : 1;
    }
  }
  return runEntryPointCommand(argv, opts);
}

/** A parsed entry point invocation. */
export interface EntryPointArgs {
  modules: string[];
  typesFile?: string;
  config?: string;
  system?: string;
  target?: string;
  type: string;
  entryPoint: string;
  subject?: string;
  /** As VCS passes them (after the subject), or the leading arguments in --config form. */
  args: string[];
  /** `-- ARGS` in --config form (action arguments). */
  actionArgs: string[];
}

const VALUE_OPTIONS = new Set(['--module', '--types', '--config', '--system', '--target']);
/** Options of the --config form that may follow the resource (and its leading arguments). */
const CONFIG_OPTIONS = new Set(['--config', '--system', '--target']);

function takeOption(a: EntryPointArgs, name: string, value: string | undefined): void {
  if (value === undefined) throw new UsageError(`${name} needs a value`);
  if (name === '--module') a.modules.push(value);
  else if (name === '--types') a.typesFile = value;
  else if (name === '--config') a.config = value;
  else if (name === '--system') a.system = value;
  else a.target = value;
}

/**
 * Options go before TYPE, or — for the --config form — after the leading
 * arguments. In the VCS form nothing after the resource is an option: an
 * ArgList value may well start with dashes, but an ArgList never starts
 * with an option name, since its first token is an attribute name.
 */
export function parseEntryPointArgs(argv: readonly string[]): EntryPointArgs {
  const a: EntryPointArgs = { modules: [], type: '', entryPoint: '', args: [], actionArgs: [] };
  let i = 0;
  while (i < argv.length && argv[i]!.startsWith('--')) {
    const name = argv[i]!;
    if (!VALUE_OPTIONS.has(name)) throw new UsageError(`unknown option ${name}`);
    takeOption(a, name, argv[i + 1]);
    i += 2;
  }
  a.type = argv[i++] ?? '';
  a.entryPoint = argv[i++] ?? '';
  const ref = parseEntryPointRef(a.entryPoint);
  const spec = ref ? ENTRY_POINT_SPECS[ref.name] : undefined;
  if (spec?.subject !== 'none' && i < argv.length) a.subject = argv[i++];
  const rest = argv.slice(i);
  const lead = spec?.leading.length ?? 0;
  if (rest.slice(0, lead).some((x) => CONFIG_OPTIONS.has(x)))
    throw new UsageError(`${ref!.name} needs ${spec!.leading.join(' ')} before --config (e.g. vcsagent ${a.type} ${a.entryPoint} ${a.subject ?? 'RES'} ${spec!.leading.map((l) => l.toUpperCase()).join(' ')} --config FILE)`);
  const tail = rest.slice(lead);
  if (tail.length > 0 && (CONFIG_OPTIONS.has(tail[0]!) || (a.config !== undefined && tail[0] === '--'))) {
    a.args = rest.slice(0, lead);
    let j = 0;
    while (j < tail.length) {
      const name = tail[j]!;
      if (name === '--') {
        a.actionArgs = tail.slice(j + 1);
        break;
      }
      if (!CONFIG_OPTIONS.has(name)) throw new UsageError(`unexpected ${name} after the resource (options such as --module go before TYPE)`);
      takeOption(a, name, tail[j + 1]);
      j += 2;
    }
    if (a.config === undefined) throw new UsageError('--system and --target go with --config');
  } else {
    if (a.config !== undefined && tail.length > 0) throw new UsageError('with --config the ArgList values come from the configuration; give no values');
    // shutdown, imf_init and imf_getnotification concern the type: VCS gives them no ArgList.
    if (spec && spec.subject !== 'resource' && rest.some((x) => CONFIG_OPTIONS.has(x)))
      throw new UsageError(`${ref!.name} concerns the agent, not a resource: vcsagent ${a.type} ${a.entryPoint} --config FILE [--system NAME]`);
    a.args = rest;
  }
  return a;
}

/** Echoes error lines to stderr too, for a person at a terminal or debugging with --config. */
function withEcho(log: AgentLogger, err: (t: string) => void): AgentLogger {
  const echo =
    (fn: AgentLogger['error']): AgentLogger['error'] =>
    ((first: unknown, ...rest: unknown[]) => {
      (fn as (...a: unknown[]) => void)(first, ...rest);
      const args = typeof first === 'string' ? [first, ...rest] : rest;
      const text = first instanceof Error ? first.message : format(...(args as [string, ...unknown[]]));
      err(`vcsagent: ${text.replace(/\r?\n/g, ' ')}\n`);
    }) as AgentLogger['error'];
  return { ...log, error: echo(log.error), fatal: echo(log.fatal) };
}

async function runEntryPointCommand(argv: string[], opts: MainOptions): Promise<number> {
  const { out, err } = outputs(opts);
  const env = opts.env ?? process.env;
  let a: EntryPointArgs;
  try {
    a = parseEntryPointArgs(argv);
  } catch (e) {
    err(`vcsagent: ${(e as Error).message} (see vcsagent --help)\n`);
    return 2;
  }
  const ref = parseEntryPointRef(a.entryPoint);
  const failure = ref ? ENTRY_POINT_SPECS[ref.name].failureExit : 1;
  const paths = vcsPaths(env);

  let fd: number;
  try {
    fd = openAgentLog(paths.log, a.type);
  } catch (e) {
    // Without a log there is nowhere else to say it: one line on stderr.
    const detail = e instanceof LogOpenError ? e.message : String(e);
    err(`vcsagent: ${new AgentError('VCSPVM_AGENT_LOG', { detail }).message}\n`);
    return failure;
  }
  const spec = ref ? ENTRY_POINT_SPECS[ref.name] : undefined;
  const subject = spec?.subject === 'type' ? (a.subject ?? a.type) : spec?.subject === 'none' ? '' : (a.subject ?? '');

  const secrets: string[] = [];
  const logCtx: LogContext = {
    type: a.type,
    // An unknown entry point still names the resource it was called for.
    resource: !spec || spec.subject === 'resource' ? subject : '',
    entryPoint: ref ? formatEntryPointRef(ref) : a.entryPoint,
    catalog: DEFAULT_CATALOG,
    debugTags: new Set<string>(),
    secrets,
    secretNames: [],
  };
  const rawLog = createAgentLogger(fd, logCtx);
  const log = a.config !== undefined || process.stderr.isTTY ? withEcho(rawLog, err) : rawLog;
  // An error agent code throws where nothing awaits it (a timer, a stray
  // promise) would otherwise end the process with a stack trace on stderr
  // and nothing in the agent log: log it and exit as a failed entry point.
  const onStray = (e: unknown) => {
    logError(log, new AgentError('VCSPVM_AGENT_FAILED', { entryPoint: logCtx.entryPoint, resource: subject || a.type, detail: `uncaught: ${describeError(e)}` }));
    closeLog(fd);
    process.exit(failure);
  };
  process.on('uncaughtException', onStray);
  process.on('unhandledRejection', onStray);
  try {
    return await runLogged(a, ref, subject, { opts, env, paths, log, logCtx, secrets, out });
  } catch (e) {
    logError(log, e);
    return failure;
  } finally {
    process.off('uncaughtException', onStray);
    process.off('unhandledRejection', onStray);
    closeLog(fd);
  }
}

interface RunState {
  opts: MainOptions;
  env: NodeJS.ProcessEnv;
  paths: VcsPaths;
  log: AgentLogger;
  logCtx: LogContext;
  secrets: string[];
  out(text: string): void;
}

async function runLogged(a: EntryPointArgs, ref: EntryPointRef | undefined, subject: string, s: RunState): Promise<number> {
  if (!ref) throw new AgentError('VCSPVM_AGENT_UNKNOWN_ENTRY_POINT', { type: a.type, entryPoint: a.entryPoint || '(none)' });
  const spec = ENTRY_POINT_SPECS[ref.name];
  if (spec.subject === 'resource' && !subject) {
    throw new AgentError('VCSPVM_AGENT_ARGLIST', { type: a.type, resource: '(none)', detail: 'the resource name is missing' });
  }
  const entry = findEntry(await withModules(s.opts.registry, a.modules), a.type);
  if (!entry) throw new AgentError('VCSPVM_AGENT_UNKNOWN_TYPE', { type: a.type });
  const agent: Agent<any> = await loadAgent(entry);
  s.logCtx.catalog = agent.catalog ?? DEFAULT_CATALOG;
  if (!implementedEntryPoints(agent).includes(formatEntryPointRef(ref))) {
    throw new AgentError('VCSPVM_AGENT_UNKNOWN_ENTRY_POINT', { type: a.type, entryPoint: formatEntryPointRef(ref) });
  }
  const loaded = await loadAgentType(entry, agent, {
    root: s.opts.root,
    precompiledDir: join(s.opts.root, 'dist', 'typedefs'),
    ...(a.typesFile ? { typesFile: a.typesFile } : {}),
  });
  s.logCtx.secretNames = secretAttributeNames(loaded.info, agent.secrets ?? []);

  let args = a.args;
  let extra: Pick<DispatchRequest, 'config' | 'staticOverrides' | 'system'> = a.system !== undefined ? { system: a.system } : {};
  if (a.config !== undefined && ENTRY_POINT_SPECS[ref.name].subject !== 'resource') {
    const { configForAgent } = await import('./config.js');
    const inv = await configForAgent(a.config, a.type, a.system, s.paths);
    extra = { config: inv.config, system: inv.system };
  } else if (a.config !== undefined) {
    const { configInvocation } = await import('./config.js');
    const inv = await configInvocation({
      configPath: a.config,
      system: a.system,
      resource: subject,
      type: a.type,
      ref,
      leading: a.args,
      target: a.target,
      actionArgs: a.actionArgs,
      info: loaded.info,
      paths: s.paths,
    });
    args = inv.args;
    extra = { config: inv.config, staticOverrides: inv.staticOverrides, system: inv.system };
    // RunInContainer: the same entry point, VCS's way, inside the container (container.ts).
    const inside = inv.container && (await import('./container.js'));
    if (inside && inside.runsInside(ref.name)) {
      const options = [...a.modules.flatMap((m) => ['--module', m]), ...(a.typesFile ? ['--types', a.typesFile] : []), '--system', inv.system];
      return inside.runFromConfig(inv.container!, ref.name, [process.execPath, s.opts.self, ...options, a.type, formatEntryPointRef(ref), subject, ...args], { env: s.env, log: s.log, out: s.out });
    }
  }
  const tags = debugTagsOf({ ...loaded.info.statics, ...(extra.staticOverrides ?? {}) }, s.env);
  for (const t of tags) (s.logCtx.debugTags as Set<string>).add(t);

  return dispatch({
    agent,
    type: loaded,
    ref,
    subject,
    args,
    paths: s.paths,
    log: s.log,
    secrets: s.secrets,
    ...extra,
    writeOut: s.out,
    interruptSignals: ['SIGTERM', 'SIGINT'],
  });
}
