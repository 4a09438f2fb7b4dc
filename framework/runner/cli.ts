/**
 * `vcsagent run --config main.cf --system NAME [--group G] [options]`
 *
 * Loads the configuration, starts the entry points of the resources of the
 * groups configured for NAME as VCS would (installed ones under
 * $VCS_HOME/bin/<Type>/ by absolute path, else through vcsagent), brings
 * the auto-start groups online (or those --online names), and prints what
 * happens — one readable line per state change, or JSON lines with --json —
 * while writing $VCS_LOG/log/engine_A.log. It runs until interrupted
 * (SIGINT/SIGTERM), --duration has passed, or the standard input closes
 * under --commands. A FAULTED group is reported; failing it over to another
 * system is the cluster engine's job.
 *
 * With --commands, lines on standard input drive it like ha commands:
 *   online G | offline G | migrate G SYSTEM | clear G | probe RES
 *   modify RES ATTR VALUE... | state | stop
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { implementedEntryPoints } from '../agent/define.js';
import { type MainOptions, MODULE_OPTION, outputs, vcsPaths } from '../agent/main-options.js';
import { findEntry, loadAgent, withModules } from '../agent/registry.js';
import { parseCommandLine, positiveNumber } from '../cli-args.js';
import { UsageError, isVcsPowervmError } from '../errors.js';
import { realClock } from '../clock.js';
import { EngineLog } from './engine-log.js';
import { formatEvent, type RunnerEvent } from './events.js';
import { ProcessExecutor } from './executor.js';
import { buildPlan } from './plan.js';
import { Runner } from './runner.js';

/** What `vcsagent run --help` prints. */
export const usage = `usage: vcsagent run --config main.cf --system NAME [--group G]
         [--online G]... [--no-online] [--duration SECONDS] [--speed N]
         [--json] [--verbose] [--commands] [--offline-on-exit] [--imf-restart-delay SECONDS]
         [--module FILE]...
`;

export interface RunArgs {
  config: string;
  system: string;
  group?: string;
  online: string[];
  noOnline: boolean;
  duration?: number;
  speed: number;
  json: boolean;
  verbose: boolean;
  commands: boolean;
  offlineOnExit: boolean;
  imfRestartDelay?: number;
  /** Agents outside the package (--module FILE). */
  modules: string[];
}

const RUN_OPTIONS = {
  config: { type: 'string' },
  system: { type: 'string' },
  group: { type: 'string' },
  online: { type: 'string', multiple: true },
  'no-online': { type: 'boolean' },
  duration: { type: 'string' },
  speed: { type: 'string' },
  'imf-restart-delay': { type: 'string' },
  json: { type: 'boolean' },
  verbose: { type: 'boolean' },
  commands: { type: 'boolean' },
  'offline-on-exit': { type: 'boolean' },
  ...MODULE_OPTION,
} as const;

export function parseRunArgs(argv: readonly string[]): RunArgs {
  const { values: v, positionals } = parseCommandLine(argv, RUN_OPTIONS);
  if (positionals.length > 0) throw new UsageError(`unknown argument ${positionals[0]}`);
  if (!v.config) throw new UsageError('--config is required');
  if (!v.system) throw new UsageError('--system is required');
  const duration = positiveNumber(v.duration, '--duration');
  const imfRestartDelay = positiveNumber(v['imf-restart-delay'], '--imf-restart-delay');
  return {
    config: v.config,
    system: v.system,
    ...(v.group !== undefined ? { group: v.group } : {}),
    online: v.online ?? [],
    noOnline: v['no-online'] ?? false,
    ...(duration !== undefined ? { duration } : {}),
    speed: positiveNumber(v.speed, '--speed') ?? 1,
    json: v.json ?? false,
    verbose: v.verbose ?? false,
    commands: v.commands ?? false,
    offlineOnExit: v['offline-on-exit'] ?? false,
    ...(imfRestartDelay !== undefined ? { imfRestartDelay } : {}),
    modules: v.module ?? [],
  };
}

/** Applies one --commands line; returns false for `stop`. */
async function command(runner: Runner, line: string, out: (t: string) => void): Promise<boolean> {
  const [verb, ...rest] = line.trim().split(/\s+/);
  if (!verb) return true;
  const need = (n: number) => {
    if (rest.length < n) throw new UsageError(`${verb} needs ${n} argument${n === 1 ? '' : 's'}`);
  };
  switch (verb) {
    case 'online':
      need(1);
      await runner.online(rest[0]!);
      return true;
    case 'offline':
      need(1);
      await runner.offline(rest[0]!);
      return true;
    case 'migrate':
      need(2);
      await runner.migrate(rest[0]!, rest[1]!);
      return true;
    case 'clear':
      need(1);
      await runner.clear(rest[0]!);
      return true;
    case 'probe':
      need(1);
      await runner.probe(rest[0]!);
      return true;
    case 'modify':
      need(2);
      await runner.modify(rest[0]!, rest[1]!, rest.slice(2));
      return true;
    case 'state':
      for (const g of runner.groupNames()) {
        const grp = runner.group(g)!;
        out(`group ${g} ${grp.state.toUpperCase()}\n`);
        for (const r of grp.resources) out(`  ${r.name} ${r.state.toUpperCase()} (${r.agentState}${r.imfStatus.status === 'registered' ? ', IMF' : ''})\n`);
      }
      return true;
    case 'stop':
      return false;
    default:
      throw new UsageError(`unknown command ${verb} (online, offline, migrate, clear, probe, modify, state, stop)`);
  }
}

export async function run(argv: string[], opts: MainOptions): Promise<number> {
  const { out, err } = outputs(opts);
  const env = opts.env ?? process.env;
  const args = parseRunArgs(argv);
  const { loadConfig } = await import('../cf/load.js');
  const { config, errors } = loadConfig(args.config);
  if (errors.length > 0) {
    for (const e of errors.slice(0, 20)) err(`${e.message}\n`);
    return 2;
  }
  let plan;
  try {
    plan = buildPlan(config, args.system, args.group !== undefined ? { group: args.group } : {});
  } catch (e) {
    err(`vcsagent run: ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
  for (const g of args.online) {
    if (!plan.groups.some((p) => p.name === g)) {
      err(`vcsagent run: --online ${g}: no such group on ${args.system}\n`);
      return 2;
    }
  }

  const paths = vcsPaths(env);
  // What the vcsagent registry implements, per type (agents installed under $VCS_HOME win).
  const implemented = new Map<string, ReadonlySet<string>>();
  let registry = opts.registry;
  try {
    registry = await withModules(opts.registry, args.modules);
  } catch (e) {
    err(`vcsagent run: ${isVcsPowervmError(e) ? e.message : String(e)}\n`);
    return 2;
  }
  for (const type of new Set(plan.groups.flatMap((g) => g.resources.map((r) => r.type)))) {
    const entry = findEntry(registry, type);
    if (!entry) continue;
    try {
      implemented.set(type, new Set(implementedEntryPoints(await loadAgent(entry))));
    } catch (e) {
      err(`vcsagent run: ${isVcsPowervmError(e) ? e.message : String(e)}\n`);
      return 2;
    }
  }
  const executor = new ProcessExecutor({
    ...(existsSync(join(paths.home, 'bin')) ? { vcsHome: paths.home } : {}),
    vcsagent: [process.execPath, opts.self, ...args.modules.flatMap((m) => ['--module', resolve(m)])],
    vcsagentEntryPoints: (type) => implemented.get(type),
    env,
  });
  for (const g of plan.groups) {
    for (const r of g.resources) {
      if (!executor.implements(r.type, 'monitor')) {
        err(`vcsagent run: no agent for type ${r.type} (resource ${r.name}): not installed under ${paths.home}/bin/${r.type} and unknown to vcsagent\n`);
        return 2;
      }
    }
  }

  let sysname: string | undefined;
  try {
    sysname = readFileSync(join(paths.conf, 'conf', 'sysname'), 'utf8').split('\n')[0]!.trim();
  } catch {
    sysname = undefined;
  }
  if (sysname && sysname !== args.system) {
    err(`vcsagent run: warning: ${join(paths.conf, 'conf', 'sysname')} says ${sysname}; entry points will see that system name, not ${args.system}\n`);
  }

  const groupOf = new Map<string, string>();
  for (const g of plan.groups) for (const r of g.resources) groupOf.set(r.name, g.name);
  let engineLog: EngineLog | undefined;
  try {
    engineLog = new EngineLog(paths.log, (r) => groupOf.get(r));
  } catch (e) {
    err(`vcsagent run: warning: no engine log: ${e instanceof Error ? e.message : String(e)}\n`);
  }
  let faulted = false;
  const onEvent = (e: RunnerEvent) => {
    engineLog?.write(e);
    if (e.kind === 'group-state' && e.to === 'faulted') faulted = true;
    if (args.json) out(`${JSON.stringify(e)}\n`);
    else {
      const line = formatEvent(e, { verbose: args.verbose });
      if (line) out(`${line}\n`);
    }
  };
  const runner = new Runner(plan, {
    executor,
    clock: realClock({ speed: args.speed }),
    onEvent,
    imf: { ...(args.imfRestartDelay !== undefined ? { restartDelayMs: args.imfRestartDelay * 1000 } : {}) },
  });

  let finish!: () => void;
  const finished = new Promise<void>((r) => (finish = r));
  let signals = 0;
  const onSignal = () => {
    // The first signal stops the run the orderly way; a second one does not wait for it.
    if (++signals > 1) {
      executor.killAll();
      process.exit(130);
    }
    finish();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let timer: NodeJS.Timeout | undefined;
  if (args.duration !== undefined) timer = setTimeout(finish, (args.duration * 1000) / args.speed);

  let startedUp = false;
  try {
    // A signal or the end of --duration also ends a start-up still probing or onlining.
    const startup = (async () => {
      await runner.start();
      const toOnline = args.noOnline ? [] : args.online.length > 0 ? args.online : runner.autoStartGroups();
      await Promise.all(toOnline.map((g) => runner.online(g)));
      startedUp = true;
    })();
    startup.catch(() => undefined); // awaited below when it matters; never an unhandled rejection
    await Promise.race([startup, finished]);
    if (startedUp && args.commands) {
      const rl = createInterface({ input: process.stdin });
      // Commands run one after another; the end of the input (after the last one) ends the run.
      void (async () => {
        for await (const line of rl) {
          try {
            if (!(await command(runner, line, out))) break;
          } catch (e) {
            err(`vcsagent run: ${e instanceof Error ? e.message : String(e)}\n`);
          }
        }
        finish();
      })();
    }
    if (startedUp) await finished;
  } finally {
    if (timer) clearTimeout(timer);
    // Entry points still running from an interrupted start-up are ended, not waited for.
    if (!startedUp) executor.killAll();
    await runner.stop({ offline: args.offlineOnExit });
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    executor.killAll();
    engineLog?.close();
  }
  return faulted ? 1 : 0;
}
