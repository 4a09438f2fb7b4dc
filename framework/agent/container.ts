/**
 * RunInContainer: VCS runs the entry points of a resource inside its group's
 * container when the type's ContainerOpts has RunInContainer = 1 and the
 * group's ContainerInfo is enabled on the system (Enabled = 1, or not set).
 * VCS and its agents stay in the global environment; the entry point — its
 * path as seen inside the container — is started through the container's
 * login command, `clogin NAME PATH RESOURCE ARGS...` for a WPAR (AIX clogin(1)).
 * The Virtualization Guide for AIX, "Running VCS, its resources, and your
 * applications": "the agents can run some of their functions (entry points)
 * inside the WPAR".
 *
 * Which entry points run inside: those about the resource's state (monitor,
 * online, offline, clean, action, info, attr_changed, migrate). open, close,
 * shutdown and the IMF entry points stay in the global environment: they
 * run when the agent starts or stops managing a resource, whether or not the
 * container runs, and IMF's notification sources watch from outside. This
 * split is the project's reading of the guides (docs/wpar.md).
 *
 * An entry point runs inside only while the container runs (for a WPAR:
 * lswpar shows it Active, what the WPAR resource's monitor reports online).
 * Otherwise it is not started, and the framework answers for it: nothing
 * runs in a container that is not running, so monitor reports offline,
 * offline and clean succeed; online fails; a container in between (starting,
 * stopping, paused) is unknown.
 *
 * The framework knows containers by ContainerInfo's Type only: the login
 * command and the state listing of each Type below. PassCInfo (ContainerInfo
 * appended to the ArgList) is independent of this and done by the ArgList
 * codec.
 */
import type { Value } from '../cf/model.js';
import { wparNameProblem } from '../cf/wpar/values.js';
import type { CommandRunner } from './command.js';
import type { EntryPointName } from './entrypoints.js';

export interface ContainerRef {
  /** ContainerInfo Type (WPAR). */
  type: string;
  /** ContainerInfo Name. */
  name: string;
}

export type ContainerState = 'running' | 'stopped' | 'unknown';

interface ContainerKind {
  /** Why a name is not one of this kind (it goes into argv: never an option, a path, a field separator). */
  nameProblem(name: string): string | undefined;
  /** What runs a command inside the named container. */
  login(name: string): string[];
  /** A listing of the containers' states. */
  listing: string[];
  /** The named container's state in that listing's output. */
  state(stdout: string, name: string): { state: ContainerState; detail: string };
}

const WPAR_STATES: Record<string, string> = { D: 'Defined', L: 'Loaded', A: 'Active', F: 'Frozen', P: 'Paused', B: 'Broken', T: 'Transitional' };

/** Container types VCS runs entry points in on AIX: ContainerInfo Type = WPAR. */
const KINDS: Readonly<Record<string, ContainerKind>> = {
  WPAR: {
    nameProblem: wparNameProblem,
    login: (name) => ['clogin', name],
    listing: ['lswpar', '-c', '-q', '-a', 'name,state'],
    state(stdout, name) {
      const line = stdout.split('\n').find((l) => l.split(':')[0] === name);
      if (!line) return { state: 'stopped', detail: 'not defined (lswpar does not list it)' };
      const letter = (line.split(':')[1] ?? '').trim().toUpperCase();
      const what = `${WPAR_STATES[letter] ?? 'in state'} (${letter})`;
      // Defined: nothing runs in it; Broken: stopwpar -F (the WPAR resource's clean) ends whatever is left.
      return { state: letter === 'A' ? 'running' : letter === 'D' || letter === 'B' ? 'stopped' : 'unknown', detail: what };
    },
  },
};

/** Entry points VCS runs inside the container (the others run in the global environment). */
export const INSIDE_ENTRY_POINTS: ReadonlySet<EntryPointName> = new Set(['monitor', 'online', 'offline', 'clean', 'action', 'info', 'attr_changed', 'migrate']);

export const runsInside = (ep: EntryPointName) => INSIDE_ENTRY_POINTS.has(ep);

const entries = (v: Value | undefined) => (v?.kind === 'association' ? v.entries : []);
const entry = (v: Value | undefined, key: string) => {
  const e = entries(v).find((x) => x.key === key);
  return e === undefined ? undefined : String(e.value ?? '').trim();
};

/**
 * The container a resource's entry points run in on a system, from its
 * ContainerOpts (resource override, else the type's) and the group's
 * ContainerInfo for that system; undefined when they run in the global environment.
 */
export function containerFor(containerOpts: Value | undefined, containerInfo: Value | undefined): ContainerRef | undefined {
  if (entry(containerOpts, 'RunInContainer') !== '1') return undefined;
  const name = entry(containerInfo, 'Name');
  const enabled = entry(containerInfo, 'Enabled');
  // Enabled 0 (disabled) and 2 (the container ignored on this system): the global environment.
  if (!name || (enabled !== undefined && enabled !== '' && enabled !== '1')) return undefined;
  return { type: entry(containerInfo, 'Type') || 'WPAR', name };
}

/** The command prefix that runs an argv inside the container; undefined for a Type this framework cannot enter. */
export function loginPrefix(c: ContainerRef): string[] | undefined {
  const kind = Object.hasOwn(KINDS, c.type) ? KINDS[c.type]! : undefined;
  return kind && !kind.nameProblem(c.name) ? kind.login(c.name) : undefined;
}

export const describeContainer = (c: ContainerRef) => `${c.type} ${c.name}`;

/** The PATH for the container commands: the caller's, then where AIX keeps them. */
export function containerPath(env: NodeJS.ProcessEnv): string {
  return env.PATH ? `${env.PATH}:/usr/sbin` : '/usr/sbin:/usr/bin:/bin';
}

/** Whether the container runs now. */
export async function containerState(c: ContainerRef, run: CommandRunner, env: NodeJS.ProcessEnv = process.env): Promise<{ state: ContainerState; detail: string }> {
  const kind = Object.hasOwn(KINDS, c.type) ? KINDS[c.type] : undefined;
  if (!kind) return { state: 'unknown', detail: `ContainerInfo Type ${c.type} is not one this framework can enter (${Object.keys(KINDS).join(', ')})` };
  const bad = kind.nameProblem(c.name);
  if (bad) return { state: 'unknown', detail: `not entered: ${bad}` };
  try {
    const r = await run(kind.listing, { timeoutMs: 30_000, env: { ...env, PATH: containerPath(env) } });
    if (r.code !== 0) return { state: 'unknown', detail: `${kind.listing[0]} exited ${r.code ?? r.signal}${r.timedOut ? ' (timed out)' : ''}: ${(r.stderr || r.stdout).trim().split('\n')[0] ?? ''}` };
    return kind.state(r.stdout, c.name);
  } catch (e) {
    return { state: 'unknown', detail: e instanceof Error ? e.message : String(e) };
  }
}

/**
 * The exit code the framework gives for an entry point it does not run
 * because the container is not running: a container that is stopped holds
 * nothing (offline; offline and clean have nothing to do), one in between is
 * unknown (clean fails, so VCS does not think it clean).
 */
export function exitWithoutContainer(ep: EntryPointName, state: ContainerState): number {
  switch (ep) {
    case 'monitor':
      return state === 'stopped' ? 100 : 99;
    case 'clean':
      return state === 'stopped' ? 0 : 1;
    case 'action':
    case 'info':
      return 1;
    default:
      // online (failed: the next monitor says offline), offline, attr_changed, migrate.
      return 0;
  }
}

/** One line saying why an entry point was not run inside. */
export function notRunningLine(c: ContainerRef, ep: EntryPointName, detail: string, code: number): string {
  return `${describeContainer(c)} is ${detail}: ${ep} not run inside it (exit ${code})`;
}

/**
 * Decides for one entry point: the argv prefix to run it inside the
 * container, or the exit code to give without running it (and why).
 */
export async function enterContainer(
  c: ContainerRef,
  ep: EntryPointName,
  run: CommandRunner,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ prefix: string[] } | { exitCode: number; why: string }> {
  const { state, detail } = await containerState(c, run, env);
  const prefix = loginPrefix(c);
  if (state === 'running' && prefix) return { prefix };
  const code = exitWithoutContainer(ep, state);
  return { exitCode: code, why: notRunningLine(c, ep, detail, code) };
}

/**
 * `vcsagent TYPE EP RES --config ...` for a resource that runs in a
 * container: the same entry point, in the VCS calling form, run inside it
 * (`clogin NAME node vcsagent TYPE EP RES ARGS...`, paths as the global
 * environment has them: a system WPAR sees the global /usr and /opt), its
 * standard output passed on, its exit code returned; or, when the container
 * does not run, the framework's answer and one log line.
 */
export async function runFromConfig(
  c: ContainerRef,
  ep: EntryPointName,
  argv: readonly string[],
  io: { env: NodeJS.ProcessEnv; log: { info(msg: string, ...a: unknown[]): void; warn(msg: string, ...a: unknown[]): void }; out(text: string): void },
): Promise<number> {
  const { runCommand } = await import('./command.js');
  const entered = await enterContainer(c, ep, (a, o) => runCommand(a, o), io.env);
  if (!('prefix' in entered)) {
    io.log.warn('%s', entered.why);
    return entered.exitCode;
  }
  io.log.info('running %s inside %s: %s', ep, describeContainer(c), [...entered.prefix, ...argv.slice(1)].join(' '));
  const { spawn } = await import('node:child_process');
  return new Promise((resolve) => {
    const child = spawn(entered.prefix[0]!, [...entered.prefix.slice(1), ...argv], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...io.env, PATH: containerPath(io.env) } });
    child.stdout.on('data', (d: Buffer) => io.out(d.toString()));
    child.on('error', (e) => {
      io.log.warn('%s: %s', entered.prefix[0], e.message);
      resolve(exitWithoutContainer(ep, 'unknown'));
    });
    child.on('close', (code) => resolve(code ?? exitWithoutContainer(ep, 'unknown')));
  });
}
