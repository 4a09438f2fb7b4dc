/**
 * `vcsagent`: the command VCS runs for every entry point of our agents, and
 * the tools around it. bin/vcsagent calls main() with the agent registry.
 *
 *   vcsagent TYPE ENTRY_POINT RESOURCE [ARGLIST VALUES...]        as VCS calls it
 *   vcsagent TYPE ENTRY_POINT RESOURCE [LEADING...] --config main.cf --system NAME [--target SYS] [-- ACTION ARGS]
 *   vcsagent TYPE --help                                           the type's entry points and attributes
 *   vcsagent SUBCOMMAND ...                                        the table in commands.ts
 *
 * Entry point invocations speak VCS exit codes and never print a stack trace:
 * every problem is one line in $VCS_LOG/log/<Type>_A.log, and on stderr too
 * unless VCS is the caller (an installed wrapper, stderr not a terminal).
 *
 * Only what every entry point needs is imported up front; subcommands, the
 * configuration reader and ajv are loaded when used, so that a monitor starts
 * about as fast as node itself.
 */
import { leadingOptionsEnd, parseCommandLine } from '../cli-args.js';
import { AgentError, ERROR_TABLE, UsageError } from '../errors.js';
import { COMMANDS, commandUsage } from './commands.js';
import { type Agent, DEFAULT_CATALOG, type VcsPaths, implementedEntryPoints } from './define.js';
import { type DispatchRequest, asProjectError, debugTagsOf, describeError, dispatch, logError } from './dispatch.js';
import { ENTRY_POINT_SPECS, ENTRY_POINTS, type EntryPointRef, formatEntryPointRef, parseEntryPointRef } from './entrypoints.js';
import { type AgentLogger, type LogContext, LogOpenError, closeLog, createAgentLogger, openAgentLog } from './log.js';
import { type MainOptions, outputs, vcsPaths } from './main-options.js';
import { type AgentRegistry, type RegistryEntry, findEntry, loadAgent, withModules } from './registry.js';
import { secretAttributeNames } from './typeinfo.js';
import { packageVersion } from '../version.js';
import { loadAgentType, precompiledDirOf, typesPathOf } from './typeload.js';


/** Set by the installed wrappers: VCS (or something standing in for it) is the caller. */
export const INSTALLED_ENV = 'VCSAGENT_INSTALLED';

export const USAGE = `usage:
  vcsagent TYPE ENTRY_POINT RESOURCE [ARGLIST VALUES...]
  vcsagent TYPE ENTRY_POINT RESOURCE [LEADING ARGS...] --config main.cf --system NAME [--target SYSTEM] [-- ACTION ARGS...]
  vcsagent TYPE --help
${Object.values(COMMANDS)
  .map((c) => `  ${c.usage[0]}\n`)
  .join('')}options: --module FILE: an agent outside this package (its compiled module; repeatable). Every
         subcommand takes it; in the entry point form it goes before TYPE, as --types FILE
         (the type's types.cf) does. --version, --help.
entry points: ${ENTRY_POINTS.filter((e) => e !== 'action').join(' ')} action/TOKEN
`;

/** Options that may come before TYPE or SUBCOMMAND. */
const LEADING_OPTIONS = {
  module: { type: 'string', multiple: true },
  types: { type: 'string' },
  config: { type: 'string' },
  system: { type: 'string' },
  target: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
} as const;
/** Options of the --config form that may follow the resource (and its leading arguments). */
const CONFIG_OPTIONS = { config: { type: 'string' }, system: { type: 'string' }, target: { type: 'string' } } as const;
const CONFIG_OPTION = /^--(config|system|target)(=|$)/;

export async function main(argv: string[], opts: MainOptions): Promise<number> {
  const { out, err } = outputs(opts);
  if (argv.length === 0) {
    err(USAGE);
    return 2;
  }
  let end: number;
  let lead;
  try {
    end = leadingOptionsEnd(argv, LEADING_OPTIONS);
    lead = parseCommandLine(argv.slice(0, end), LEADING_OPTIONS, { positionals: false }).values;
  } catch (e) {
    err(`vcsagent: ${(e as Error).message} (see vcsagent --help)\n`);
    return 2;
  }
  const first = argv[end] === '--' ? argv[end + 1] : argv[end];
  if (lead.version) {
    out(`${packageVersion(opts.root)}\n`);
    return 0;
  }
  if ((lead.help && first === undefined) || first === 'help') {
    out(USAGE);
    return 0;
  }
  if (first !== undefined && Object.hasOwn(COMMANDS, first)) {
    // Options given before the subcommand are its own: `vcsagent --module x.js run ...` is `vcsagent run --module x.js ...`.
    const rest = [...argv.slice(0, end), ...argv.slice(argv.indexOf(first, end) + 1)];
    try {
      const sub = await COMMANDS[first]!.load();
      if (rest.includes('--help') || rest.includes('-h')) {
        out(commandUsage(first, sub));
        return 0;
      }
      return await sub.run(rest, opts);
    } catch (e) {
      // What a subcommand throws (a UsageError from its arguments, anything unforeseen) is one line, never a stack.
      // The subcommands are bundled apart from this module (subcommands.ts): their errors are recognized by code.
      const known = asProjectError(e);
      const hint = known?.code === 'VCSPVM_USAGE' ? ` (see vcsagent ${first} --help)` : '';
      err(`vcsagent ${first}: ${e instanceof Error ? e.message : String(e)}${hint}\n`);
      return known ? (ERROR_TABLE[known.code]?.exitCode ?? 1) : 1;
    }
  }
  const after = argv.slice(end + (argv[end] === '--' ? 2 : 1));
  if (first !== undefined && (lead.help || (after.length === 1 && (after[0] === '--help' || after[0] === '-h')))) {
    return typeHelp(first, lead.module ?? [], lead.types, opts);
  }
  return runEntryPointCommand(argv, opts);
}

/** `vcsagent TYPE --help`: the type's entry points, attributes and time limits. */
async function typeHelp(type: string, modules: readonly string[], typesFile: string | undefined, opts: MainOptions): Promise<number> {
  const { out, err } = outputs(opts);
  try {
    const registry = await withModules(opts.registry, modules);
    const entry = findEntry(registry, type);
    if (!entry) {
      err(`vcsagent: ${unknownTypeMessage(type, registry)}\n`);
      return 2;
    }
    const agent = await loadAgent(entry);
    const loaded = await loadAgentType(entry, agent, { root: opts.root, precompiledDir: precompiledDirOf(opts.root), ...(typesFile ? { typesFile } : {}) });
    const { describeType } = await import('./type-help.js');
    out(describeType(entry, agent, loaded.info, typesFile ?? typesPathOf(entry, opts.root)));
    return 0;
  } catch (e) {
    err(`vcsagent: ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
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

/**
 * Options go before TYPE, or — for the --config form — after the leading
 * arguments. In the VCS form nothing after the resource is an option: an
 * ArgList value may well start with dashes, but an ArgList never starts
 * with an option name, since its first token is an attribute name.
 */
export function parseEntryPointArgs(argv: readonly string[]): EntryPointArgs {
  const end = leadingOptionsEnd(argv, LEADING_OPTIONS);
  const lead = parseCommandLine(argv.slice(0, end), LEADING_OPTIONS, { positionals: false }).values;
  const a: EntryPointArgs = { modules: [...(lead.module ?? [])], type: '', entryPoint: '', args: [], actionArgs: [] };
  if (lead.types !== undefined) a.typesFile = lead.types;
  if (lead.config !== undefined) a.config = lead.config;
  if (lead.system !== undefined) a.system = lead.system;
  if (lead.target !== undefined) a.target = lead.target;
  let i = argv[end] === '--' ? end + 1 : end;
  a.type = argv[i++] ?? '';
  a.entryPoint = argv[i++] ?? '';
  const ref = parseEntryPointRef(a.entryPoint);
  const spec = ref ? ENTRY_POINT_SPECS[ref.name] : undefined;
  if (spec?.subject !== 'none' && i < argv.length) a.subject = argv[i++];
  const rest = argv.slice(i);
  const lead2 = spec?.leading.length ?? 0;
  if (rest.slice(0, lead2).some((x) => CONFIG_OPTION.test(x)))
    throw new UsageError(`${ref!.name} needs ${spec!.leading.join(' ')} before --config (e.g. vcsagent ${a.type} ${a.entryPoint} ${a.subject ?? 'RES'} ${spec!.leading.map((l) => l.toUpperCase()).join(' ')} --config FILE)`);
  const tail = rest.slice(lead2);
  if (tail.length > 0 && (CONFIG_OPTION.test(tail[0]!) || (a.config !== undefined && tail[0] === '--'))) {
    a.args = rest.slice(0, lead2);
    let parsed;
    try {
      parsed = parseCommandLine(tail, CONFIG_OPTIONS);
    } catch (e) {
      if (/^unknown option /.test((e as Error).message)) throw new UsageError(`unexpected ${(e as Error).message.slice('unknown option '.length)} after the resource (options such as --module go before TYPE)`);
      throw e;
    }
    const stray = parsed.positionals.slice(0, parsed.positionals.length - parsed.afterDoubleDash.length);
    if (stray.length > 0) throw new UsageError(`unexpected ${stray[0]} after the resource (action arguments go after --)`);
    a.actionArgs = parsed.afterDoubleDash;
    for (const k of ['config', 'system', 'target'] as const) if (parsed.values[k] !== undefined) a[k] = parsed.values[k];
    if (a.config === undefined) throw new UsageError('--system and --target go with --config');
  } else {
    if (a.config !== undefined && tail.length > 0) throw new UsageError('with --config the ArgList values come from the configuration; give no values');
    // shutdown, imf_init and imf_getnotification concern the type: VCS gives them no ArgList.
    if (spec && spec.subject !== 'resource' && rest.some((x) => CONFIG_OPTION.test(x)))
      throw new UsageError(`${ref!.name} concerns the agent, not a resource: vcsagent ${a.type} ${a.entryPoint} --config FILE [--system NAME]`);
    a.args = rest;
  }
  return a;
}

/** Edit distance counting a swap of two neighbours as one edit (LAPR is one typo from LPAR), for "did you mean". */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

/** "unknown type Lpar (did you mean LPAR?)", naming what is known otherwise. */
export function unknownTypeMessage(type: string, registry: AgentRegistry): string {
  const names = [...new Set(registry.map((e) => e.type))];
  const near = names
    .map((n) => ({ n, d: n.toLowerCase() === type.toLowerCase() ? 0 : distance(n.toLowerCase(), type.toLowerCase()) }))
    .filter((x) => x.d <= Math.max(1, Math.ceil(x.n.length / 3)))
    .sort((x, y) => x.d - y.d);
  const hint = near.length ? `did you mean ${near[0]!.n}?` : `known types: ${names.join(', ') || 'none'}; an agent outside this package needs --module FILE`;
  return `${new AgentError('VCSPVM_AGENT_UNKNOWN_TYPE', { type }).message} (${hint})`;
}

/** `vcsagent WORD` where WORD is neither a subcommand nor a type: what there is instead. */
function unknownWordMessage(word: string, registry: AgentRegistry): string {
  const commands = Object.keys(COMMANDS);
  const near = commands.find((c) => distance(c, word.toLowerCase()) <= 2);
  const hint =
    word.replace(/^-+/, '') === 'version'
      ? 'for the version: vcsagent --version'
      : near
        ? `did you mean vcsagent ${near}?`
        : `commands: ${commands.join(', ')}; resource types: ${[...new Set(registry.map((e) => e.type))].join(', ')}; see vcsagent --help`;
  return `unknown command or resource type ${word} (${hint})`;
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
  // VCS runs the installed wrappers, with stderr not a terminal: anyone else is a person (or a script) to tell.
  const echo = a.config !== undefined || process.stderr.isTTY === true || env[INSTALLED_ENV] !== '1';

  // The type first: a typo is said on stderr and creates no <typo>_A.log.
  let registry: AgentRegistry = opts.registry;
  let moduleError: unknown;
  try {
    registry = await withModules(opts.registry, a.modules);
  } catch (e) {
    // Logged below, in the log of the type the caller named.
    moduleError = e;
  }
  const entry = moduleError === undefined ? findEntry(registry, a.type) : undefined;
  if (!entry && moduleError === undefined) {
    // A lone word (vcsagent uninstall, vcsagent version) is more likely a command than a type.
    const lone = a.entryPoint === '' && a.type !== '';
    err(`vcsagent: ${!a.type ? 'TYPE is missing (see vcsagent --help)' : lone ? unknownWordMessage(a.type, registry) : unknownTypeMessage(a.type, registry)}\n`);
    return lone ? 2 : failure;
  }

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
  // Error lines go to stderr as well, as written to the log (secrets blanked), for a person or a script watching.
  // A person at a terminal also sees the progress (an online can take a minute): what the log says, but debug.
  const progress = process.stderr.isTTY === true && env[INSTALLED_ENV] !== '1';
  if (echo) {
    logCtx.onLine = (severity, message) => {
      if (severity === 'ERROR' || severity === 'CRITICAL') err(`vcsagent: ${message}\n`);
      else if (progress && (severity === 'WARNING' || severity === 'NOTICE' || severity === 'INFO')) err(`vcsagent: ${severity === 'WARNING' ? 'warning: ' : ''}${message}\n`);
    };
  }
  const log = createAgentLogger(fd, logCtx);
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
    if (moduleError !== undefined || !entry) throw moduleError;
    return await runLogged(a, ref, subject, entry, { opts, env, paths, log, logCtx, secrets, out });
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

async function runLogged(a: EntryPointArgs, ref: EntryPointRef | undefined, subject: string, entry: RegistryEntry, s: RunState): Promise<number> {
  if (!ref) throw new AgentError('VCSPVM_AGENT_UNKNOWN_ENTRY_POINT', { type: a.type, entryPoint: a.entryPoint || '(none)' });
  const spec = ENTRY_POINT_SPECS[ref.name];
  if (spec.subject === 'resource' && !subject) {
    throw new AgentError('VCSPVM_AGENT_ARGLIST', { type: a.type, resource: '(none)', detail: 'the resource name is missing' });
  }
  const agent: Agent<any> = await loadAgent(entry);
  s.logCtx.catalog = agent.catalog ?? DEFAULT_CATALOG;
  if (!implementedEntryPoints(agent).includes(formatEntryPointRef(ref))) {
    throw new AgentError('VCSPVM_AGENT_UNKNOWN_ENTRY_POINT', { type: a.type, entryPoint: formatEntryPointRef(ref) });
  }
  const loaded = await loadAgentType(entry, agent, {
    root: s.opts.root,
    precompiledDir: precompiledDirOf(s.opts.root),
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
