/**
 * `vcsagent check TYPE RESOURCE --config main.cf --system NAME`: the
 * conformance run for agent writers, in the spirit of ClusterLabs'
 * ocf-tester but for VCS. Every entry point runs as its own process with the
 * argv VCS would build from the configuration, and each step prints one line:
 *
 *   PASS  monitor on a stopped resource reports offline (0.1 s)
 *   FAIL  online again is harmless: monitor reports unknown (exit 99)
 *
 * After online and offline the resource is monitored as VCS would — after
 * the wait the entry point asked for, then until OnlineWaitLimit (or
 * OfflineWaitLimit) monitor intervals have passed — but polled every
 * --interval seconds (default 1) so a quick resource is checked quickly.
 * Each entry point runs in its own process group with a marker in its
 * environment, so that what it leaves running is found (leftovers.ts):
 * online may leave the resource's own processes, but not start them again
 * when run twice; offline and clean must stop them; no other entry point
 * may leave any. The check ends whatever is left.
 *
 * Exit 0 when every step passes, 1 when one fails, 2 when the check cannot
 * run (bad arguments, unreadable configuration, no $VCS_LOG).
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseCommandLine, positiveNumber } from '../cli-args.js';
import { AgentError, UsageError, isVcsPowervmError } from '../errors.js';
import { argListType, decodeArgList } from './arglist.js';
import { type AttrValue, type Attributes, valueToAttr } from './attributes.js';
import { isProcessRunning } from '../process.js';
import { type Leftover, RUN_MARKER_ENV, describeLeftovers, leftovers } from './leftovers.js';
import { type MainOptions, MODULE_OPTION, outputs, vcsPaths } from './main-options.js';
import { type ResolvedResource, argvFor, containerOf, resolveResource, staticsFor } from './config.js';
import { type ContainerRef, containerPath, describeContainer, enterContainer, runsInside } from './container.js';
import { type Agent, implementedEntryPoints } from './define.js';
import { ENTRY_POINT_SPECS, type EntryPointRef, formatEntryPointRef, parseEntryPointRef } from './entrypoints.js';
import { type MonitorState, interpretMonitorExit } from './exitcodes.js';
import { agentLogPath, closeLog, openAgentLog } from './log.js';
import { type RegistryEntry, findEntry, loadAgent, withModules } from './registry.js';
import { agentSchema, assertValid, compileValidator } from './schema.js';
import { type AgentTypeInfo, entryPointTimeout, secretAttributeNames } from './typeinfo.js';
import { parseTypeDef, typeInfoOf, typesPathOf } from './typeload.js';

interface CheckArgs {
  type?: string;
  resource?: string;
  config?: string;
  system?: string;
  modules: string[];
  typesFile?: string;
  interval: number;
}

export const usage = `usage:
  vcsagent check TYPE RESOURCE --config main.cf --system NAME [--module FILE]... [--types FILE] [--interval SECONDS]

The conformance run for agent writers: runs every entry point of TYPE for
RESOURCE as VCS would (its own process, the ArgList built from main.cf for
SYSTEM), and prints one PASS or FAIL line per step. Works on a real
resource: online and offline are run.

  --config FILE      the main.cf that defines RESOURCE
  --system NAME      the cluster node to act as (its per-system values apply)
  --module FILE      an agent outside this package (its compiled module; repeatable)
  --types FILE       the types.cf that defines TYPE (default: the agent's own)
  --interval SECONDS how often to monitor while waiting for a state (default 1)

Exit: 0 every step passed, 1 a step failed, 2 the check could not run.
`;

function parseArgs(argv: string[]): CheckArgs {
  const { values, positionals } = parseCommandLine(argv, {
    config: { type: 'string' },
    system: { type: 'string' },
    types: { type: 'string' },
    interval: { type: 'string' },
    ...MODULE_OPTION,
  });
  if (positionals.length !== 2) throw new UsageError('TYPE and RESOURCE are required');
  if (!values.config) throw new UsageError('--config main.cf is required');
  return {
    type: positionals[0],
    resource: positionals[1],
    config: values.config,
    ...(values.system !== undefined ? { system: values.system } : {}),
    ...(values.types !== undefined ? { typesFile: values.types } : {}),
    modules: values.module ?? [],
    interval: positiveNumber(values.interval, '--interval') ?? 1,
  };
}

const KILL_GRACE_MS = 1000;

/** After an entry point exits, how long its output may still take to arrive (a daemon it started may keep the pipe). */
const OUTPUT_DRAIN_MS = 200;

interface EpRun {
  code: number | null;
  seconds: number;
  timeout: number;
  stdout: string;
  stderr: string;
  /** Processes it left running. */
  left: Leftover[];
  /** Lines it appended to the agent log. */
  logLines: string[];
}

/** Reads what was appended to a file since `from` bytes. */
function appendedLines(file: string, from: number): string[] {
  let fd: number | undefined;
  try {
    const size = statSync(file).size;
    if (size <= from) return [];
    fd = openSync(file, 'r');
    const buf = Buffer.alloc(Math.min(size - from, 1 << 20));
    readSync(fd, buf, 0, buf.length, from);
    return buf.toString('utf8').split('\n').filter(Boolean);
  } catch {
    return [];
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

class Checker {
  passed = 0;
  failed = 0;
  /** Entry points that ran past their time limit: "online (312 s > 300 s)". */
  overtime: string[] = [];
  /** Processes entry points other than online left running, by entry point. */
  readonly leaks = new Map<string, Leftover[]>();
  /** What online runs left running: the resource's own processes (a daemon), presumably. */
  readonly started = new Map<number, string>();
  /** What other entry points left running (ended when the check ends). */
  private readonly strays = new Map<number, string>();
  private readonly logFile: string;

  constructor(
    private readonly out: (t: string) => void,
    private readonly opts: MainOptions,
    private readonly a: CheckArgs,
    private readonly r: ResolvedResource,
    private readonly info: AgentTypeInfo,
    readonly statics: Readonly<Record<string, AttrValue>>,
    vcsLog: string,
    /** RunInContainer: entry points that run inside go through its login command. */
    private readonly container?: ContainerRef,
  ) {
    this.logFile = agentLogPath(vcsLog, info.name);
  }

  pass(step: string, seconds?: number): void {
    this.passed++;
    this.out(`PASS  ${step}${seconds !== undefined ? ` (${seconds.toFixed(1)} s)` : ''}\n`);
  }

  fail(step: string, why: string): void {
    this.failed++;
    this.out(`FAIL  ${step}: ${why}\n`);
  }

  note(text: string): void {
    this.out(`note  ${text}\n`);
  }

  async run(ref: EntryPointRef, leading: string[] = []): Promise<EpRun> {
    const timeout = entryPointTimeout(ref.name, this.statics);
    const args = await argvFor(this.r, this.info, ref, this.statics, { leading });
    const subject = ENTRY_POINT_SPECS[ref.name].subject;
    const argv = [
      this.opts.self,
      // VCS's entry points learn their system from $VCS_CONF/conf/sysname; the check runs them as on --system.
      '--system',
      this.r.system,
      ...this.a.modules.flatMap((m) => ['--module', m]),
      ...(this.a.typesFile ? ['--types', this.a.typesFile] : []),
      this.info.name,
      formatEntryPointRef(ref),
      ...(subject === 'resource' ? [this.r.resource.name] : subject === 'type' ? [this.info.name] : []),
      ...args,
    ];
    const marker = randomUUID();
    const env: NodeJS.ProcessEnv = { ...process.env, ...(this.opts.env ?? {}), [RUN_MARKER_ENV]: marker };
    let command = [process.execPath, ...argv];
    if (this.container && runsInside(ref.name)) {
      const { runCommand } = await import('./command.js');
      const entered = await enterContainer(this.container, ref.name, runCommand, env);
      if (!('prefix' in entered)) return { code: entered.exitCode, seconds: 0, timeout, stdout: '', stderr: entered.why, left: [], logLines: [] };
      command = [...entered.prefix, ...command];
      env.PATH = containerPath(env);
    }
    const logFrom = sizeOf(this.logFile);
    const started = Date.now();
    const result = await new Promise<Omit<EpRun, 'left' | 'logLines'> & { pid: number | undefined }>((resolveRun) => {
      // Its own process group, as under VCS; the marker finds what it starts even in a session of its own.
      const child = spawn(command[0]!, command.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], detached: true, env });
      let stdout = '';
      let stderr = '';
      let done = false;
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const killGroup = () => {
        try {
          if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
        } catch {
          child.kill('SIGKILL');
        }
      };
      // VCS kills an entry point at its timeout (a resource-level override reaches the process only
      // through AEPTimeout) with what it started; the second of grace lets one that knows its limit exit with its own code.
      const guard = timeout > 0 ? setTimeout(killGroup, timeout * 1000 + KILL_GRACE_MS) : undefined;
      const finish = (code: number | null) => {
        if (done) return;
        done = true;
        if (guard) clearTimeout(guard);
        resolveRun({ code, seconds: (Date.now() - started) / 1000, timeout, stdout, stderr, pid: child.pid });
      };
      child.on('error', () => finish(null));
      child.on('close', (code) => finish(code));
      child.on('exit', (code) => {
        // A process it left running may hold its output open: stop waiting for the rest.
        setTimeout(() => {
          child.stdout.destroy();
          child.stderr.destroy();
          finish(code);
        }, OUTPUT_DRAIN_MS).unref();
      });
    });
    if (timeout > 0 && result.seconds > timeout) this.overtime.push(`${formatEntryPointRef(ref)} (${result.seconds.toFixed(1)} s > ${timeout} s)`);
    const left = result.pid !== undefined ? leftovers(result.pid, marker) : [];
    if (ref.name === 'online') for (const l of left) this.started.set(l.pid, l.command);
    else if (left.length > 0) {
      const ep = formatEntryPointRef(ref);
      this.leaks.set(ep, [...(this.leaks.get(ep) ?? []), ...left]);
      for (const l of left) this.strays.set(l.pid, l.command);
    }
    const { pid: _pid, ...rest } = result;
    return { ...rest, left, logLines: appendedLines(this.logFile, logFrom) };
  }

  /** online's processes still running, after a grace period for them to stop. */
  async stillStarted(graceMs = 3000): Promise<Leftover[]> {
    const end = Date.now() + graceMs;
    for (;;) {
      const alive = [...this.started].filter(([pid]) => isProcessRunning(pid)).map(([pid, command]) => ({ pid, command }));
      if (alive.length === 0 || Date.now() >= end) return alive;
      await sleep(100);
    }
  }

  /** Ends what online (and, with `all`, any entry point) left running, so that the check leaves the system as it found it. */
  /** SIGKILLs what entry points left running and waits (up to 10 s) until the kernel has ended it. */
  async killLeftovers(all = false): Promise<Leftover[]> {
    const alive = [...this.started, ...(all ? this.strays : [])].filter(([pid]) => isProcessRunning(pid)).map(([pid, command]) => ({ pid, command }));
    for (const l of alive) {
      try {
        process.kill(l.pid, 'SIGKILL');
      } catch {
        // Gone meanwhile.
      }
    }
    this.started.clear();
    if (all) this.strays.clear();
    // A SIGKILLed process is gone only once the kernel has torn it down: on a busy machine, later than kill() returns.
    for (const end = Date.now() + 10_000; alive.some((l) => isProcessRunning(l.pid)) && Date.now() < end; ) await sleep(50);
    return alive;
  }

  async monitor(): Promise<{ state: MonitorState; run: EpRun }> {
    const run = await this.run({ name: 'monitor' });
    return { state: interpretMonitorExit(run.code).state, run };
  }

  /** Monitors as VCS does after online/offline, polling faster: until `want`, or the wait limit passes. */
  async monitorUntil(want: MonitorState, waitSeconds: number, limitAttr: 'OnlineWaitLimit' | 'OfflineWaitLimit'): Promise<{ state: MonitorState; seconds: number; polls: number }> {
    const started = Date.now();
    const mi = typeof this.statics.MonitorInterval === 'number' ? this.statics.MonitorInterval : 60;
    const limit = typeof this.statics[limitAttr] === 'number' ? (this.statics[limitAttr] as number) : 0;
    const windowMs = (waitSeconds + (limit + 1) * mi) * 1000;
    await sleep(waitSeconds * 1000);
    let polls = 0;
    for (;;) {
      const m = await this.monitor();
      polls++;
      if (m.state === want || Date.now() - started + this.a.interval * 1000 > windowMs) {
        return { state: m.state, seconds: (Date.now() - started) / 1000, polls };
      }
      await sleep(this.a.interval * 1000);
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((res) => setTimeout(res, ms));
}

function exitText(run: EpRun): string {
  const why = run.stderr.trim().split('\n').pop();
  return `exit ${run.code}${why ? `: ${why}` : ''}`;
}

/**
 * Static checks: the type definition, the configuration's view of it, the
 * resource's values. Returns false when the values themselves are rejected:
 * every entry point would then fail the same way, so running them proves nothing.
 */
async function checkDefinition(c: Checker, agent: Agent<any>, entry: RegistryEntry, info: AgentTypeInfo, r: ResolvedResource, typesFile: string | undefined, opts: MainOptions): Promise<boolean> {
  const step = 'type definition validates';
  const { typeDefinition } = await import('../cf/values.js');
  const { RESOURCE_ATTRIBUTES, TYPE_STATIC_ATTRIBUTES } = await import('../cf/builtins.js');
  const problems: string[] = [];
  let valuesOk = true;
  const known = new Set([...info.attributes.map((a) => a.name), ...RESOURCE_ATTRIBUTES.map((a) => a.name), ...TYPE_STATIC_ATTRIBUTES.map((a) => a.name)]);
  for (const name of info.argList) if (!known.has(name)) problems.push(`ArgList names ${name}, which the type does not define`);
  if (info.argList.length === 0) problems.push('the type has no ArgList: entry points would get no attribute values');
  const configDef = typeDefinition(r.config, info.name);
  if (configDef) {
    if (configDef.argList.join(' ') !== info.argList.join(' ')) {
      problems.push(`${r.config.file} has ArgList { ${configDef.argList.join(', ')} }, the agent's ${typesFile ?? typesPathOf(entry, opts.root)} has { ${info.argList.join(', ')} }`);
    }
    for (const a of info.attributes) {
      const other = configDef.attributes.find((x) => x.name === a.name);
      if (other && (other.base !== a.base || other.dimension !== a.dimension)) {
        problems.push(`${a.name} is ${other.base} ${other.dimension} in ${r.config.file}, ${a.base} ${a.dimension} in the agent's types file`);
      }
    }
  }
  const supported = Array.isArray(c.statics.SupportedActions) ? (c.statics.SupportedActions as string[]) : [];
  for (const ep of implementedEntryPoints(agent)) {
    if (ep.startsWith('action/') && !supported.includes(ep.slice(7))) problems.push(`action ${ep.slice(7)} is not in SupportedActions, so VCS refuses it`);
  }
  try {
    const args = await argvFor(r, info, { name: 'monitor' }, c.statics);
    const decoded = decodeArgList(argListType(info), args, { resource: r.resource.name });
    const attrs: Attributes = Object.fromEntries([...decoded.values].filter(([k]) => k !== 'AEPTimeout').map(([k, v]) => [k, valueToAttr(v)]));
    assertValid(compileValidator(agentSchema(info, agent.attributeSchemas)), attrs, r.resource.name, secretAttributeNames(info, agent.secrets ?? []));
  } catch (e) {
    problems.push(isVcsPowervmError(e) ? e.message : String(e));
    valuesOk = false;
  }
  if (problems.length) c.fail(step, problems.join('; '));
  else c.pass(step);
  return valuesOk;
}

export async function run(argv: string[], opts: MainOptions): Promise<number> {
  const { out, err } = outputs(opts);
  const a = parseArgs(argv);
  const env = { ...process.env, ...(opts.env ?? {}) };
  const paths = vcsPaths(env);
  let agent: Agent<any>;
  let entry: RegistryEntry | undefined;
  let info: AgentTypeInfo;
  let r: ResolvedResource;
  let statics: Record<string, AttrValue>;
  try {
    // The entry points will log; make sure they can before blaming them.
    closeLog(openAgentLog(paths.log, a.type!));
    entry = findEntry(await withModules(opts.registry, a.modules), a.type!);
    if (!entry) throw new AgentError('VCSPVM_AGENT_UNKNOWN_TYPE', { type: a.type });
    agent = await loadAgent(entry);
    info = await typeInfoOf(await parseTypeDef(a.typesFile ?? typesPathOf(entry, opts.root), entry.type));
    r = await resolveResource(a.config!, a.resource!, a.type!, a.system, paths);
    statics = await staticsFor(r, info);
  } catch (e) {
    err(`vcsagent check: ${isVcsPowervmError(e) ? e.message : (e as Error).message}\n`);
    return 2;
  }
  out(`check ${info.name} ${r.resource.name} on ${r.system} (${r.config.file}); entry points log to ${join(paths.log, 'log', `${info.name}_A.log`)}\n`);
  const container = await containerOf(r);
  const c = new Checker(out, opts, a, r, info, statics, paths.log, container);
  if (container) {
    out(`note  RunInContainer: monitor, online, offline and clean run inside ${describeContainer(container)} through its login command; the container must be running\n`);
    const { containerState } = await import('./container.js');
    const { runCommand } = await import('./command.js');
    const { state, detail } = await containerState(container, runCommand, env);
    if (state !== 'running') {
      c.fail(`${describeContainer(container)} (ContainerInfo) runs`, `it is ${detail}: bring its resource online first, then check again`);
      out(`FAILED: ${c.passed} passed, ${c.failed} failed\n`);
      return 1;
    }
  }
  const has = (ep: string) => implementedEntryPoints(agent).includes(ep);

  if (!(await checkDefinition(c, agent, entry, info, r, a.typesFile, opts))) {
    out(`stop  the resource's values are rejected, so every entry point would fail the same way\n`);
    out(`FAILED: ${c.passed} passed, ${c.failed} failed\n`);
    return 1;
  }

  if (has('open')) {
    const run = await c.run({ name: 'open' });
    if (run.code === null) c.fail('open completes', 'killed');
    else c.pass('open completes', run.seconds);
  }

  // Probe: start from a stopped resource, as a newly configured one would be.
  const probe = await c.monitor();
  if (probe.state === 'unknown') {
    c.fail('probe: monitor reports a state', `monitor reports unknown (${exitText(probe.run)})`);
  } else if (probe.state === 'online') {
    out(`note  the resource was online; taking it offline to start from a stopped resource\n`);
    if (has('offline')) {
      const off = await c.run({ name: 'offline' });
      await c.monitorUntil('offline', off.code ?? 0, 'OfflineWaitLimit');
    }
  }

  const stopped = await c.monitor();
  if (stopped.state === 'offline') c.pass('monitor on a stopped resource reports offline', stopped.run.seconds);
  else c.fail('monitor on a stopped resource reports offline', `monitor reports ${stopped.state} (${exitText(stopped.run)})`);

  const cleanOn = async (label: string, reason: string) => {
    if (!has('clean')) {
      c.fail(label, 'the agent has no clean entry point; VCS cannot restart or fail over a resource it cannot clean');
      return;
    }
    const run = await c.run({ name: 'clean' }, [reason]);
    if (run.code === 0) c.pass(label, run.seconds);
    else c.fail(label, `clean ${exitText(run)}`);
  };
  await cleanOn('clean on an offline resource returns 0', '1');

  /** Runs online (or offline), then monitors until the state is reached or the wait limit has passed. */
  const transitionStep = async (ep: 'online' | 'offline', label: string): Promise<EpRun | undefined> => {
    if (!has(ep)) {
      c.fail(label, `the agent has no ${ep} entry point`);
      return undefined;
    }
    const Ep = ep === 'online' ? 'Online' : 'Offline';
    const run = await c.run({ name: ep });
    if (run.code === null) {
      c.fail(label, `${ep} did not finish within ${Ep}Timeout (${run.timeout} s) and was killed`);
      return undefined;
    }
    const m = await c.monitorUntil(ep, run.code, `${Ep}WaitLimit`);
    if (m.state === ep) c.pass(label, run.seconds + m.seconds);
    else c.fail(label, `monitor reports ${m.state} after ${m.seconds.toFixed(1)} s (${m.polls} monitors)`);
    return m.state === ep ? run : undefined;
  };

  /** After offline or clean: what online started must be gone. */
  const stopsWhatOnlineStarted = async (ep: 'offline' | 'clean') => {
    if (c.started.size === 0) return;
    const label = `${ep} stops what online started`;
    const alive = await c.stillStarted();
    if (alive.length) c.fail(label, `still running after ${ep}: ${describeLeftovers(alive)}`);
    else c.pass(label);
    await c.killLeftovers();
  };

  const first = await transitionStep('online', 'online, then monitor reports online');
  if (first && c.started.size > 0) {
    c.note(`online left ${c.started.size} process(es) running (${describeLeftovers([...c.started].map(([pid, command]) => ({ pid, command })))}): the resource's own, presumably`);
  }
  const before = new Map(c.started);
  const again = await transitionStep('online', 'online again is harmless: monitor still reports online');
  if (first && again) {
    const label = 'online is idempotent: run again, it starts nothing new, keeps what runs, logs no error';
    const problems: string[] = [];
    const extra = again.left.filter((l) => !before.has(l.pid));
    if (extra.length) problems.push(`the second online left another ${describeLeftovers(extra)} — an orphan VCS never stops`);
    const gone = [...before].filter(([pid]) => !isProcessRunning(pid));
    if (gone.length) problems.push(`what the first online started is gone (pid ${gone.map(([pid]) => pid).join(', ')}): it restarted the resource instead of leaving it online`);
    const errors = again.logLines.filter((l) => / VCS (ERROR|CRITICAL) /.test(l));
    if (errors.length) problems.push(`it logged an error: ${errors[0]!.replace(/^.*? V-16-\d+-\d+ /, '')}`);
    if (problems.length) c.fail(label, problems.join('; '));
    else c.pass(label);
  }
  await transitionStep('offline', 'offline, then monitor reports offline');
  await stopsWhatOnlineStarted('offline');
  await transitionStep('offline', 'offline again is harmless: monitor still reports offline');

  if (has('online')) {
    const run = await c.run({ name: 'online' });
    await c.monitorUntil('online', run.code ?? 0, 'OnlineWaitLimit');
  }
  await cleanOn('clean on an online resource returns 0', '2');
  const after = await c.monitor();
  if (after.state === 'offline') c.pass('monitor after clean reports offline', after.run.seconds);
  else c.fail('monitor after clean reports offline', `monitor reports ${after.state} (${exitText(after.run)})`);
  await stopsWhatOnlineStarted('clean');

  for (const ep of ['close', 'shutdown'] as const) {
    if (!has(ep)) continue;
    const ref = parseEntryPointRef(ep)!;
    const run = await c.run(ref);
    if (run.code === null) c.fail(`${ep} completes`, 'killed');
    else c.pass(`${ep} completes`, run.seconds);
  }

  if (c.overtime.length) c.fail('every entry point finishes within its timeout', c.overtime.join(', '));
  else c.pass('every entry point finishes within its timeout');
  if (c.leaks.size) {
    const each = [...c.leaks].map(([ep, list]) => `${ep} left ${list.length} (${describeLeftovers(list.slice(0, 2))}${list.length > 2 ? '; ...' : ''})`);
    c.fail('no entry point but online leaves a process running', each.join(', '));
  }
  else c.pass('no entry point but online leaves a process running');
  const killed = await c.killLeftovers(true);
  if (killed.length) c.note(`ended the ${killed.length} process(es) entry points left running`);

  out(`${c.failed ? 'FAILED' : 'PASSED'}: ${c.passed} passed, ${c.failed} failed\n`);
  return c.failed ? 1 : 0;
}
