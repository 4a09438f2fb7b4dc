/**
 * `vcsagent ocf TYPE ACTION`: a VCS agent as an OCF 1.1 resource agent.
 * Pacemaker runs the file `vcsagent install --ocf-root DIR` writes,
 * DIR/resource.d/vcs-powervm/<Type>, which runs this with the action as its
 * argument and the parameters in OCF_RESKEY_* (docs/pacemaker.md).
 *
 * Everything is an OCF exit code: 0 success, 1 generic error, 2 bad
 * arguments, 3 unimplemented action, 5 type or agent not installed here, 6
 * bad parameters, 7 not running, 190 degraded (OCF 1.1). Nothing is printed
 * on stdout but the meta-data and the usage; an action that fails says why
 * on stderr as `ocf-exit-reason:...`, which Pacemaker shows.
 */
import { mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { parseCommandLine } from '../cli-args.js';
import type { CommandRunner } from '../agent/command-types.js';
import { type Agent, DEFAULT_CATALOG, type VcsPaths } from '../agent/define.js';
import { asProjectError, debugTagsOf, describeError, logError } from '../agent/dispatch.js';
import { type LogContext, createAgentLogger, normalizeDebugTag } from '../agent/log.js';
import { type MainOptions, MODULE_OPTION, outputs } from '../agent/main-options.js';
import { findEntry, loadAgent, withModules } from '../agent/registry.js';
import { secretAttributeNames } from '../agent/typeinfo.js';
import { loadAgentType, precompiledDirOf } from '../agent/typeload.js';
import { Face } from './actions.js';
import { OCF_ERR_ARGS, OCF_ERR_CONFIGURED, OCF_ERR_GENERIC, OCF_ERR_INSTALLED, OCF_ERR_UNIMPLEMENTED, OCF_NOT_RUNNING, OCF_SUCCESS } from './codes.js';
import { readOcfCall, speaksOcf11 } from './env.js';
import { ocfLog } from './log.js';
import { pacemakerEngine } from './pacemaker.js';

/** Where entry points keep their state under Pacemaker when VCS_LOG is not set ($VCS_LOG/tmp under VCS). */
export const DEFAULT_OCF_STATE_DIR = '/var/lib/vcs-powervm';

const RESOURCE_ACTIONS = new Set(['start', 'stop', 'monitor', 'validate-all', 'migrate_to', 'migrate_from', 'reload-agent']);

export const usage = `usage: vcsagent ocf [--module FILE]... [--types FILE] TYPE ACTION
the agent of TYPE as an OCF resource agent (docs/pacemaker.md): Pacemaker runs
DIR/resource.d/vcs-powervm/TYPE ACTION (vcsagent install --ocf-root DIR), parameters in OCF_RESKEY_*
actions: start stop monitor validate-all meta-data migrate_to migrate_from reload-agent usage
`;

const OPTIONS = { ...MODULE_OPTION, types: { type: 'string' } } as const;

/** Every DBG tag, for HA_debug. */
const ALL_DEBUG_TAGS = [...Array.from({ length: 21 }, (_, i) => `DBG_${i + 1}`), normalizeDebugTag('AGINFO'), normalizeDebugTag('AGDEBUG')];

export async function run(argv: string[], opts: MainOptions): Promise<number> {
  const { out, err } = outputs(opts);
  const env = opts.env ?? process.env;
  let parsed;
  try {
    // As Pacemaker calls it (TYPE ACTION, no options), there is nothing for parseArgs to do.
    parsed = argv.some((a) => a.startsWith('-')) ? parseCommandLine(argv, OPTIONS) : { values: {} as { module?: string[]; types?: string }, positionals: argv };
  } catch (e) {
    err(`vcsagent ocf: ${(e as Error).message}\n${usage}`);
    return OCF_ERR_ARGS;
  }
  // OCF: the action is the only argument the agent reads; anything after it is ignored.
  const [type, action] = parsed.positionals;
  if (!type || !action) {
    err(usage);
    return OCF_ERR_ARGS;
  }
  if (action === 'usage' || action === 'help') {
    out(usage);
    return OCF_SUCCESS;
  }

  let registry = opts.registry;
  try {
    registry = await withModules(opts.registry, parsed.values.module ?? []);
  } catch (e) {
    err(`vcsagent ocf: ${describeError(e)}\n`);
    return OCF_ERR_INSTALLED;
  }
  const entry = findEntry(registry, type);
  if (!entry) {
    err(`vcsagent ocf: unknown resource type ${type} (known: ${registry.map((r) => r.type).join(', ')}; an agent outside this package needs --module FILE)\n`);
    return OCF_ERR_INSTALLED;
  }
  let agent: Agent<any>;
  let loaded;
  try {
    agent = await loadAgent(entry);
    loaded = await loadAgentType(entry, agent, { root: opts.root, precompiledDir: precompiledDirOf(opts.root), ...(parsed.values.types ? { typesFile: parsed.values.types } : {}) });
  } catch (e) {
    err(`vcsagent ocf: ${describeError(e)}\n`);
    return OCF_ERR_INSTALLED;
  }
  const call = readOcfCall(env);

  if (action === 'meta-data') {
    const { metaData } = await import('./metadata-action.js');
    try {
      out(await metaData({ entry, agent, loaded, root: opts.root, ocf11: speaksOcf11(call), typesFile: parsed.values.types }));
      return OCF_SUCCESS;
    } catch (e) {
      err(`vcsagent ocf: ${describeError(e)}\n`);
      return OCF_ERR_GENERIC;
    }
  }
  if (!RESOURCE_ACTIONS.has(action)) return OCF_ERR_UNIMPLEMENTED;

  // State: $VCS_LOG/tmp as under VCS; Pacemaker sets no VCS_LOG, so one of our own (the connection broker reads it too).
  const stateDir = env.VCS_LOG || DEFAULT_OCF_STATE_DIR;
  if (!process.env.VCS_LOG) process.env.VCS_LOG = stateDir;
  const paths: VcsPaths = { home: env.VCS_HOME || '/opt/VRTSvcs', conf: env.VCS_CONF || '/etc/VRTSvcs', log: stateDir };
  try {
    mkdirSync(stateDir, { recursive: true, mode: 0o755 });
  } catch {
    // An entry point that needs it says so; monitor may not.
  }

  const log = ocfLog({ env, type, instance: call.instance, tty: process.stderr.isTTY === true, err });
  let fallbackReason: string | undefined;
  const secrets: string[] = [];
  const logCtx: LogContext = {
    type,
    resource: call.instance,
    entryPoint: action,
    catalog: agent.catalog ?? DEFAULT_CATALOG,
    debugTags: new Set([...debugTagsOf(loaded.info.statics, env), ...(log.debug ? ALL_DEBUG_TAGS : [])]),
    secrets,
    secretNames: secretAttributeNames(loaded.info, agent.secrets ?? []),
    onLine: (severity, message) => log.line(severity, logCtx.entryPoint === action ? message : `${logCtx.entryPoint}: ${message}`),
  };
  const logger = createAgentLogger(-1, logCtx);
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  const onStray = (e: unknown) => {
    logError(logger, e);
    err(`ocf-exit-reason:${describeError(e)}\n`);
    process.exit(OCF_ERR_GENERIC);
  };
  process.on('uncaughtException', onStray);
  process.on('unhandledRejection', onStray);

  if (!call.instance) {
    err('ocf-exit-reason:OCF_RESOURCE_INSTANCE is not set (the resource name)\n');
    return OCF_ERR_CONFIGURED;
  }
  const node = call.node || hostname();
  // child_process is loaded on the first command (a monitor given PhysicalServer may start none).
  let real: CommandRunner | undefined;
  const runner: CommandRunner = async (argv, o) => {
    real ??= (await import('../agent/command.js')).createCommandRunner({ signal: controller.signal, log: logger });
    return real(argv, o);
  };
  const overrides = new Map<string, string>();
  for (const name of Object.keys(agent.inputs?.systemAttributes ?? {})) {
    const v = call.params.get(name);
    if (v !== undefined && v !== '') overrides.set(name, v);
  }
  const engine = pacemakerEngine({ run: runner, localNode: node, overrides, log: logger, signal: controller.signal });
  let code: number;
  try {
    code = await new Face({
      call,
      action,
      agent,
      type: loaded,
      node,
      paths,
      log: logger,
      logCtx,
      secrets,
      engine,
      run: runner,
      signal: controller.signal,
      reason: (t) => (fallbackReason ??= t),
      out,
    }).run();
  } catch (e) {
    logError(logger, e);
    code = asProjectError(e)?.code === 'VCSPVM_AGENT_ATTRIBUTE' ? OCF_ERR_CONFIGURED : OCF_ERR_GENERIC;
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    process.off('uncaughtException', onStray);
    process.off('unhandledRejection', onStray);
  }
  if (code !== OCF_SUCCESS && code !== OCF_NOT_RUNNING) {
    const reason = log.firstError ?? fallbackReason;
    if (reason) err(`ocf-exit-reason:${reason.replace(/\s+/g, ' ')}\n`);
  }
  return code;
}
