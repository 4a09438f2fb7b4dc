/**
 * Runs one entry point the way VCS calls it: decodes what comes after the
 * resource name, builds the context, enforces the time limit, and turns the
 * result — or any error — into the exit code VCS expects. Nothing here throws
 * to the caller: every failure is one log line and a VCS exit code.
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Config, Value } from '../cf/model.js';
import { AgentError, ERROR_TABLE, type VcsPowervmError, isVcsPowervmError } from '../errors.js';
import { GENERATED_TUPLES, decodeArgList, splitTuples } from './arglist.js';
import { type AttrValue, type Attributes, emptyValue, isSecretAttributeName, valueToAttr, valueToItems } from './attributes.js';
import type { CommandRunner } from './command.js';
import { type Agent, type BaseContext, CLEAN_REASONS, type ClusterEngine, type VcsPaths } from './define.js';
import { ENTRY_POINT_SPECS, type EntryPointRef, formatEntryPointRef } from './entrypoints.js';
import { ACTION_OUTPUT_LIMIT, type MonitorResult, capUtf8, migrateExitCode, monitorExitCode, waitExitCode } from './exitcodes.js';
import { type AgentLogger, messageId, normalizeDebugTag } from './log.js';
import { assertValid, type Validator } from './schema.js';
import { type AgentTypeInfo, entryPointTimeout, secretAttributeNames, typeCodec } from './typeinfo.js';

/** A type ready to decode and validate values. */
export interface LoadedType {
  info: AgentTypeInfo;
  /** The validator (precompiled when possible; compiled on first use otherwise). */
  validator(): Validator | Promise<Validator>;
}

export interface DispatchRequest {
  agent: Agent<any>;
  type: LoadedType;
  ref: EntryPointRef;
  /** The resource name (or the type name for imf_init/imf_getnotification; '' for shutdown). */
  subject: string;
  /** Everything after the subject, as VCS passed it. */
  args: readonly string[];
  paths: VcsPaths;
  log: AgentLogger;
  /** Grows as secret values are decoded, so the log can blank them. */
  secrets: string[];
  /** --system; otherwise $VCS_CONF/conf/sysname, then the host name. */
  system?: string;
  config?: Config;
  /** Resource-level overrides of static attributes (--config). */
  staticOverrides?: Readonly<Record<string, AttrValue>>;
  /** Extra LogDbg tags (VCSAGENT_LOGDBG). */
  debugTags?: readonly string[];
  /** Writes an entry point's output (action, info). */
  writeOut(text: string): void;
  /** Signals that interrupt the entry point (SIGTERM, SIGINT); the dispatcher listens while it runs. */
  interruptSignals?: readonly NodeJS.Signals[];
  /** The cluster engine when it is not VCS (ctx.engine). */
  engine?: ClusterEngine;
  /**
   * Told how the entry point ended, before the exit code is returned: a face
   * that needs more than VCS's exit codes (the OCF face: a refused online
   * from one that will take time) reads it here.
   */
  report?(r: DispatchReport): void;
}

/** How an entry point ended: its value, or why there is none. */
export type DispatchReport =
  | { outcome: 'done'; value: unknown }
  /** The arguments or values were refused before it ran (VCSPVM_AGENT_ARGLIST, VCSPVM_AGENT_ATTRIBUTE, ...). */
  | { outcome: 'config'; error: unknown }
  | { outcome: 'error' | 'timeout' | 'interrupted'; error: unknown };

/**
 * A project error, also when it comes from another copy of framework/errors
 * (an agent loaded with --module imports the unbundled modules, the
 * dispatcher may run from the bundle): same code, same meaning.
 */
export function asProjectError(e: unknown): VcsPowervmError | undefined {
  if (isVcsPowervmError(e)) return e;
  const code = (e as { code?: unknown } | null)?.code;
  if (e instanceof Error && typeof code === 'string' && Object.hasOwn(ERROR_TABLE, code)) return e as VcsPowervmError;
  return undefined;
}

/** The command runner, loaded on first use: most monitors never start a command, and child_process is not free. */
let commandModule: typeof import('./command.js') | undefined;
function lazyRunner(signal: AbortSignal, log: AgentLogger): CommandRunner {
  let runner: CommandRunner | undefined;
  return async (argv, opts) => {
    commandModule ??= await import('./command.js');
    runner ??= commandModule.createCommandRunner({ signal, log });
    return runner(argv, opts);
  };
}

function killCommands(): void {
  commandModule?.killRunningCommands();
}

/** How long an interrupted entry point gets to finish cleaning up before the process exits. */
const INTERRUPT_GRACE_MS = 2000;

/** The local system name as VCS agents find it. */
export function localSystemName(paths: VcsPaths): string {
  try {
    const name = readFileSync(join(paths.conf, 'conf', 'sysname'), 'utf8').split('\n')[0]!.trim();
    if (name) return name;
  } catch {
    // No sysname file: not under VCS, or VCS not configured yet.
  }
  return hostname();
}

function leadingError(req: DispatchRequest, detail: string): AgentError {
  return new AgentError('VCSPVM_AGENT_ARGLIST', { type: req.type.info.name, resource: req.subject, detail });
}

interface Decoded {
  extra: Record<string, unknown>;
  attributes: Attributes;
  values: Map<string, Value>;
  rest: string[];
}

const IMF_SWITCH: Record<string, 'start' | 'stop'> = { VCSAgIMFMonitorStart: 'start', VCSAgIMFMonitorStop: 'stop', start: 'start', stop: 'stop', '1': 'start', '0': 'stop' };
const IMF_STATE: Record<string, 'online' | 'offline'> = { VCSAgIMFResOnline: 'online', VCSAgIMFResOffline: 'offline', online: 'online', offline: 'offline', '1': 'online', '0': 'offline' };

function lookup<T>(table: Record<string, T>, key: string | undefined): T | undefined {
  return key !== undefined && Object.hasOwn(table, key) ? table[key] : undefined;
}

/** Decodes leading arguments and the ArgList; validates values. Throws configuration errors. */
async function decode(req: DispatchRequest): Promise<Decoded> {
  const spec = ENTRY_POINT_SPECS[req.ref.name];
  const info = req.type.info;
  const lead = req.args.slice(0, spec.leading.length);
  if (lead.length < spec.leading.length) {
    throw leadingError(req, `${req.ref.name} expects ${spec.leading.join(' ')} before the ArgList values`);
  }
  const extra: Record<string, unknown> = {};
  switch (req.ref.name) {
    case 'clean': {
      const code = /^\d+$/.test(lead[0]!) ? Number(lead[0]) : NaN;
      if (!(code >= 0 && code < CLEAN_REASONS.length)) throw leadingError(req, `clean reason "${lead[0]}" is not 0–${CLEAN_REASONS.length - 1}`);
      extra.cleanReasonCode = code;
      extra.cleanReason = CLEAN_REASONS[code];
      break;
    }
    case 'info': {
      if (lead[0] !== '1' && lead[0] !== '2') throw leadingError(req, `resinfo_op "${lead[0]}" is not 1 or 2`);
      extra.infoOp = lead[0] === '1' ? 'initialize' : 'update';
      break;
    }
    case 'imf_register': {
      const monitor = lookup(IMF_SWITCH, lead[0]);
      const state = lookup(IMF_STATE, lead[1]);
      if (!monitor) throw leadingError(req, `mswitch "${lead[0]}" is not VCSAgIMFMonitorStart or VCSAgIMFMonitorStop`);
      if (!state) throw leadingError(req, `rstate "${lead[1]}" is not VCSAgIMFResOnline or VCSAgIMFResOffline`);
      extra.imf = { monitor, state };
      break;
    }
    case 'attr_changed':
      extra.changed = { resource: lead[0], attribute: lead[1], value: req.args.slice(2) };
      break;
  }
  const values = new Map<string, Value>();
  let rest: string[] = [];
  if (spec.argList) {
    const tokens = req.args.slice(spec.leading.length);
    const opts = { resource: req.subject, trailingArguments: req.ref.name === 'action' };
    const codec = typeCodec(info);
    // Learn the secret values first, so that no later message can carry one.
    for (const t of splitTuples(codec, tokens, opts).tuples) {
      if (isSecretAttributeName(t.name) || req.agent.secrets?.includes(t.name)) req.secrets.push(...t.items);
    }
    const decoded = decodeArgList(codec, tokens, opts);
    for (const [k, v] of decoded.values) values.set(k, v);
    rest = decoded.rest;
  } else if (req.ref.name !== 'attr_changed' && req.args.length > 0) {
    throw leadingError(req, `${req.ref.name} takes no ArgList values, got ${req.args.length} argument${req.args.length === 1 ? '' : 's'}`);
  }
  // Every ArgList attribute is present: VCS passes them all; a missing one takes its default.
  const entries: [string, AttrValue][] = [];
  for (const name of info.argList) {
    let v = values.get(name);
    if (!v) {
      const def = info.attributes.find((a) => a.name === name);
      v = def?.default ?? (def ? emptyValue(def.dimension, def.base) : undefined);
      if (v && spec.argList) req.log.debug({ dbg: 'AGDEBUG' }, 'ArgList attribute %s not passed; using its default', name);
    }
    if (v) entries.push([name, valueToAttr(v)]);
  }
  for (const [name, v] of values) {
    if (!Object.hasOwn(GENERATED_TUPLES, name) && !info.argList.includes(name)) entries.push([name, valueToAttr(v)]);
  }
  const attributes = Object.fromEntries(entries) as Attributes;
  // Only values VCS passed are judged: defaults alone (shutdown, imf_init, attr_changed get no ArgList)
  // would fail an agent's constraints on a required attribute and stop an entry point that reads none.
  if (spec.argList) assertValid(await req.type.validator(), attributes, req.subject, secretAttributeNames(info, req.agent.secrets ?? []));
  return { extra, attributes, values, rest };
}

/** Decodes and validates what an entry point would get, without running it; throws the configuration error (validate-all). */
export async function checkArguments(req: DispatchRequest): Promise<Attributes> {
  return (await decode(req)).attributes;
}

function isMonitorResult(r: unknown): r is MonitorResult {
  if (r === 'online' || r === 'offline' || r === 'unknown' || r === 'intentional-offline') return true;
  return !!r && typeof r === 'object' && (r as { state?: unknown }).state === 'online' && typeof (r as { confidence?: unknown }).confidence === 'number';
}

/** One line for one error: the message (never a stack), the UMI from the error code. */
export function logError(log: AgentLogger, e: unknown): void {
  const pe = asProjectError(e);
  if (pe) log.error({ msgId: messageId(pe.code) }, '%s', pe.message);
  else log.error({ msgId: messageId('VCSPVM_AGENT_FAILED') }, '%s', describeError(e));
}

export function describeError(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}

/** Runs the entry point; returns the exit code. */
export async function dispatch(req: DispatchRequest): Promise<number> {
  const { ref, agent } = req;
  const spec = ENTRY_POINT_SPECS[ref.name];
  const epLabel = formatEntryPointRef(ref);
  let decoded: Decoded;
  try {
    decoded = await decode(req);
  } catch (e) {
    logError(req.log, e);
    req.report?.({ outcome: 'config', error: e });
    return spec.failureExit;
  }

  const statics: Record<string, AttrValue> = { ...req.type.info.statics, ...(req.staticOverrides ?? {}) };
  const aepValue = decoded.values.get('AEPTimeout');
  const aepTimeout = aepValue?.kind === 'scalar' && typeof aepValue.value === 'number' ? aepValue.value : undefined;
  const timeoutSeconds = entryPointTimeout(ref.name, statics, aepTimeout);
  const controller = new AbortController();
  const started = Date.now();
  const deadline = timeoutSeconds > 0 ? started + timeoutSeconds * 1000 : Infinity;

  let system: string | undefined = req.system;
  const base: BaseContext = {
    type: req.type.info.name,
    entryPoint: ref.name,
    get system() {
      return (system ??= localSystemName(req.paths));
    },
    log: req.log,
    signal: controller.signal,
    timeoutSeconds,
    deadline,
    run: lazyRunner(controller.signal, req.log),
    vcs: req.paths,
    statics: Object.freeze(statics),
    ...(req.config ? { config: req.config } : {}),
    ...(req.engine ? { engine: req.engine } : {}),
  };
  const assocOf = (name: string): Record<string, string> | undefined => {
    const v = decoded.values.get(name);
    if (!v) return undefined;
    const items = valueToItems(v);
    const out: [string, string][] = [];
    for (let i = 0; i + 1 < items.length; i += 2) out.push([items[i]!, items[i + 1]!]);
    return Object.fromEntries(out);
  };
  // Copy descriptors, not values: `system` stays lazy (reading sysname costs a file read few entry points need).
  const ctx: Record<string, unknown> = Object.defineProperties({}, Object.getOwnPropertyDescriptors(base));
  if (spec.subject === 'resource') {
    ctx.resource = req.subject;
    ctx.attributes = Object.freeze(decoded.attributes);
    if (aepTimeout !== undefined) ctx.aepTimeout = aepTimeout;
    const ci = assocOf('ContainerInfo');
    if (ci) ctx.containerInfo = ci;
  }
  Object.assign(ctx, decoded.extra);
  let fn: ((c: unknown) => unknown) | undefined;
  if (ref.name === 'action') {
    const handlers = (agent.entryPoints.action ?? {}) as Record<string, (c: unknown) => unknown>;
    fn = ref.token !== undefined && Object.hasOwn(handlers, ref.token) ? handlers[ref.token] : undefined;
    // VCS may pass the number of action arguments first (the pre-5.0 layout); drop it when it matches.
    const rest = decoded.rest;
    ctx.token = ref.token;
    ctx.args = rest.length > 0 && /^\d+$/.test(rest[0]!) && Number(rest[0]) === rest.length - 1 ? rest.slice(1) : rest;
  } else {
    fn = (agent.entryPoints as unknown as Record<string, (c: unknown) => unknown>)[ref.name];
  }
  if (ref.name === 'migrate') {
    const vcsInfo = assocOf('VCSInfo') ?? {};
    ctx.vcsInfo = vcsInfo;
    ctx.targetHost = vcsInfo.TargetHost ?? '';
  }
  if (typeof fn !== 'function') {
    const e = new AgentError('VCSPVM_AGENT_UNKNOWN_ENTRY_POINT', { type: req.type.info.name, entryPoint: epLabel });
    logError(req.log, e);
    req.report?.({ outcome: 'config', error: e });
    return spec.failureExit;
  }

  req.log.debug({ dbg: 'AGINFO' }, '%s starting (timeout %d s)', epLabel, timeoutSeconds);
  type Outcome = { kind: 'done'; value: unknown } | { kind: 'error'; error: unknown } | { kind: 'timeout' } | { kind: 'interrupted'; signal: string };
  const call = (async () => fn!(ctx))().then(
    (value): Outcome => ({ kind: 'done', value }),
    (error): Outcome => ({ kind: 'error', error }),
  );
  let timer: NodeJS.Timeout | undefined;
  // An entry point waiting on something that holds no handle (a promise, a signal) must not let node
  // exit under it (with node's "unsettled top-level await" 13): keep the process alive until it settles.
  const keepAlive = setInterval(() => undefined, 1 << 30);
  const races: Promise<Outcome>[] = [call];
  if (timeoutSeconds > 0) races.push(new Promise((res) => (timer = setTimeout(() => res({ kind: 'timeout' }), timeoutSeconds * 1000))));
  const handlers: [NodeJS.Signals, () => void][] = [];
  races.push(
    new Promise((res) => {
      for (const sig of req.interruptSignals ?? []) {
        const h = () => res({ kind: 'interrupted', signal: sig });
        handlers.push([sig, h]);
        process.once(sig, h);
      }
    }),
  );
  let outcome = await Promise.race(races);
  clearInterval(keepAlive);
  if (timer) clearTimeout(timer);
  for (const [sig, h] of handlers) process.removeListener(sig, h);

  if (outcome.kind === 'timeout') {
    controller.abort(new AgentError('VCSPVM_AGENT_TIMEOUT', { entryPoint: epLabel, resource: req.subject, seconds: timeoutSeconds }));
    killCommands();
    logError(req.log, controller.signal.reason);
    req.report?.({ outcome: 'timeout', error: controller.signal.reason });
    return spec.failureExit;
  }
  if (outcome.kind === 'interrupted') {
    controller.abort(new AgentError('VCSPVM_AGENT_FAILED', { entryPoint: epLabel, resource: req.subject, detail: `interrupted by ${outcome.signal}` }));
    // Give the entry point a moment to release what it holds (a socket, a registration).
    const settled = await Promise.race([call, new Promise<undefined>((res) => setTimeout(() => res(undefined), INTERRUPT_GRACE_MS))]);
    killCommands();
    req.log.warn('%s interrupted by %s', epLabel, outcome.signal);
    const interrupted = { outcome: 'interrupted', error: controller.signal.reason } as const;
    if (ref.name === 'imf_getnotification') {
      req.report?.(interrupted);
      return 3;
    }
    outcome = settled && settled.kind === 'done' ? settled : { kind: 'error', error: controller.signal.reason };
    if (outcome.kind === 'error') {
      req.report?.(interrupted);
      return spec.failureExit;
    }
  }
  if (outcome.kind === 'error') {
    const e = outcome.error;
    const error = asProjectError(e) ?? new AgentError('VCSPVM_AGENT_FAILED', { entryPoint: epLabel, resource: req.subject, detail: describeError(e) });
    logError(req.log, error);
    const message = error.message;
    if (ref.name === 'action') req.writeOut(capUtf8(`${message}\n`, ACTION_OUTPUT_LIMIT));
    req.report?.({ outcome: 'error', error });
    return spec.failureExit;
  }
  const value = (outcome as { value: unknown }).value;
  req.report?.({ outcome: 'done', value });
  const code = exitCodeFor(req, value);
  req.log.debug({ dbg: 'AGINFO' }, '%s exits %d after %d ms', epLabel, code, Date.now() - started);
  return code;
}

function exitCodeFor(req: DispatchRequest, value: unknown): number {
  const name = req.ref.name;
  switch (name) {
    case 'monitor':
      if (!isMonitorResult(value)) {
        req.log.error('monitor returned %s, not online, offline, unknown or intentional-offline', JSON.stringify(value) ?? String(value));
        return ENTRY_POINT_SPECS.monitor.failureExit;
      }
      return monitorExitCode(value);
    case 'online':
    case 'offline':
      return waitExitCode(value as number | undefined);
    case 'migrate':
      return migrateExitCode(value as number | undefined);
    case 'clean':
      return value === false ? 1 : 0;
    case 'action':
    case 'info': {
      if (typeof value === 'string' && value.length > 0) {
        const text = value.endsWith('\n') ? value : `${value}\n`;
        const capped = name === 'action' ? capUtf8(text, ACTION_OUTPUT_LIMIT) : text;
        if (capped.length < text.length) req.log.warn('action output cut to %d bytes', ACTION_OUTPUT_LIMIT);
        req.writeOut(capped);
      }
      return 0;
    }
    case 'imf_init':
    case 'imf_register':
    case 'imf_getnotification':
      return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 255 ? value : 0;
    default:
      return 0;
  }
}

/** Debug tags in force: the type's LogDbg (with a resource's override under --config) and VCSAGENT_LOGDBG. */
export function debugTagsOf(statics: Readonly<Record<string, AttrValue>>, env: NodeJS.ProcessEnv): Set<string> {
  const tags = new Set<string>();
  const add = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(add);
    else if (typeof v === 'string' || typeof v === 'number') for (const t of String(v).split(/[\s,]+/)) if (t) tags.add(normalizeDebugTag(t));
  };
  add(statics.LogDbg);
  add(env.VCSAGENT_LOGDBG);
  return tags;
}
