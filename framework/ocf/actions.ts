/**
 * OCF actions over the VCS entry points of one resource. Each entry point
 * runs in this process through the framework's dispatcher, exactly as VCS
 * would run it (its ArgList built from the parameters, AEPTimeout holding
 * what is left of Pacemaker's time), and this module decides what the OCF
 * action answers:
 *
 *   start         open; monitor (already online: 0); online; monitor until
 *                 online — 0, or 1 when online failed or time ran out
 *   stop          monitor (offline: clean for an unexpected offline, 0);
 *                 offline; monitor until offline; if not: clean, monitor —
 *                 0 only when monitor says offline
 *   monitor       0 online, 7 offline or intentional offline, 1 unknown;
 *                 a probe (interval 0) runs open first
 *   migrate_to    migrate to CRM_meta_migrate_target; 0 when it is gone from here
 *   migrate_from  monitor here until online
 *   validate-all  the values against the type; OCF_CHECK_LEVEL 10: also what
 *                 this node must provide (system attributes, ssh_config)
 *   reload-agent  validate-all, then open again (values are read afresh by
 *                 every entry point anyway)
 *
 * Bad parameters are 6 everywhere. The mapping is documented in
 * docs/pacemaker.md.
 */
import { accessSync, constants } from 'node:fs';
import { isAbsolute } from 'node:path';
import type { Value } from '../cf/model.js';
import { encodeArgList, type ArgListType } from '../agent/arglist.js';
import { isSecretAttributeName } from '../agent/attributes.js';
import type { CommandRunner } from '../agent/command-types.js';
import { type Agent, CLEAN_REASONS, implementedEntryPoints, type CleanReason, type ClusterEngine, type VcsPaths } from '../agent/define.js';
import { type DispatchReport, type LoadedType, checkArguments, dispatch, logError } from '../agent/dispatch.js';
import { ENTRY_POINT_SPECS, type EntryPointName } from '../agent/entrypoints.js';
import { interpretMonitorExit, type MonitorState } from '../agent/exitcodes.js';
import type { AgentLogger, LogContext } from '../agent/log.js';
import { entryPointTimeout, typeCodec } from '../agent/typeinfo.js';
import { AgentError } from '../errors.js';
import { OCF_ERR_ARGS, OCF_ERR_CONFIGURED, OCF_ERR_GENERIC, OCF_ERR_INSTALLED, OCF_NOT_RUNNING, OCF_SUCCESS, monitorCode } from './codes.js';
import { type OcfCall, speaksOcf11 } from './env.js';
import { CONTAINER_INFO_PARAMETER, SSH_CONFIG_PARAMETER, containerInfoRequired, faceParameters, metadataActions } from './metadata.js';
import { parameterItems, parameterValue } from './params.js';

/** Time kept back from Pacemaker's limit to log and exit before it kills us. */
const MARGIN_MS = 2_000;
/** Between the monitors that follow online, offline, clean and migrate. */
export const POLL_MS = 2_000;
/** An entry point is not started with less time than this (AEPTimeout is whole seconds, at least 1). */
const MIN_ENTRY_MS = 1_500;

export interface FaceSetup {
  call: OcfCall;
  action: string;
  agent: Agent<any>;
  type: LoadedType;
  /** The node this runs on (ctx.system). */
  node: string;
  paths: VcsPaths;
  log: AgentLogger;
  logCtx: LogContext;
  /** Secret values found so far (the log blanks them); grows as entry points decode. */
  secrets: string[];
  engine: ClusterEngine;
  run: CommandRunner;
  /** Aborted on SIGTERM/SIGINT: stop waiting, answer. */
  signal: AbortSignal;
  /** Says why the action failed where no error line does (the exit reason Pacemaker shows). */
  reason(text: string): void;
  /** Writes an entry point's output (none of ours have any here). */
  out(text: string): void;
}

interface Ran {
  code: number;
  report: DispatchReport | undefined;
}

class ConfigError extends Error {}

export class Face {
  private readonly started = Date.now();
  private readonly deadline: number;
  private readonly codec: ArgListType;
  private values = new Map<string, Value>();
  private containerInfo: Record<string, string> | undefined;
  private readonly implemented: Set<string>;

  constructor(private readonly s: FaceSetup) {
    this.codec = typeCodec(s.type.info);
    this.implemented = new Set(implementedEntryPoints(s.agent));
    const own = metadataActions(s.type.info, [...this.implemented], true).find((a) => a.name === s.action)?.timeout;
    const budget = s.call.timeoutMs ?? (own ?? 60) * 1000;
    this.deadline = this.started + Math.max(1000, budget - MARGIN_MS);
  }

  private get info() {
    return this.s.type.info;
  }

  private remainingMs(): number {
    return this.deadline - Date.now();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((res) => {
      if (this.s.signal.aborted) return res();
      const t = setTimeout(done, Math.max(0, ms));
      function done() {
        clearTimeout(t);
        res();
      }
      this.s.signal.addEventListener('abort', done, { once: true });
    });
  }

  /** Reads the parameters into ArgList values; a bad value or a missing required one is a ConfigError, said once. */
  decodeParameters(): void {
    const { call, agent } = this.s;
    const resource = call.instance;
    const known = new Set<string>([...this.info.argList, ...faceParameters(this.info, agent).map((p) => p.name)]);
    for (const [name, text] of call.params) {
      if (!known.has(name)) {
        const near = [...known].find((k) => k.toLowerCase() === name.toLowerCase());
        this.s.log.warn('parameter %s is not one of %s; ignored%s', name, this.info.name, near ? ` (did you mean ${near}?)` : '');
        continue;
      }
      if (name === CONTAINER_INFO_PARAMETER && !this.info.argList.includes(name)) {
        const items = parameterItems({ name, base: 'str', dimension: 'association' }, text);
        const ci: Record<string, string> = {};
        for (let i = 0; i + 1 < items.length; i += 2) ci[items[i]!] = items[i + 1]!;
        this.containerInfo = ci;
        continue;
      }
      const def = this.info.attributes.find((a) => a.name === name);
      if (!def || !this.info.argList.includes(name)) continue;
      if ((agent.secrets ?? []).includes(name) || isSecretAttributeName(name)) this.s.secrets.push(...parameterItems(def, text).filter((v) => v !== ''));
      try {
        this.values.set(name, parameterValue(def, text, resource));
      } catch (e) {
        throw this.config(e);
      }
    }
    if (!this.containerInfo && containerInfoRequired(this.info) && !this.info.argList.includes(CONTAINER_INFO_PARAMETER)) {
      throw this.config(new AgentError('VCSPVM_AGENT_ATTRIBUTE', { attribute: CONTAINER_INFO_PARAMETER, resource, detail: 'is required: the container, as "Name=NAME Type=WPAR Enabled=1"' }));
    }
    const ssh = call.params.get(SSH_CONFIG_PARAMETER);
    if (ssh !== undefined && ssh !== '' && known.has(SSH_CONFIG_PARAMETER)) {
      if (!isAbsolute(ssh)) throw this.config(new AgentError('VCSPVM_AGENT_ATTRIBUTE', { attribute: SSH_CONFIG_PARAMETER, resource, detail: `"${ssh}" is not an absolute path` }));
      // framework/remote reads it where no caller names a file (the connection broker keys on it too).
      process.env.VCS_REMOTE_SSH_CONFIG = ssh;
    }
  }

  private config(e: unknown): ConfigError {
    logError(this.s.log, e);
    return new ConfigError(e instanceof Error ? e.message : String(e));
  }

  /** The ArgList VCS would pass, AEPTimeout holding this entry point's share of the time left. */
  private argsFor(ep: EntryPointName, leading: string[], extra: { vcsInfo?: Record<string, string> } = {}): string[] | undefined {
    const own = entryPointTimeout(ep, this.info.statics);
    const left = Math.floor((this.remainingMs() - (MIN_ENTRY_MS - 1000)) / 1000);
    if (left < 1) return undefined;
    const seconds = own > 0 ? Math.min(own, left) : left;
    return [
      ...leading,
      ...encodeArgList(this.codec, (n) => this.values.get(n), {
        resource: this.s.call.instance,
        aepTimeout: seconds,
        ...(extra.vcsInfo ? { vcsInfo: extra.vcsInfo } : {}),
        ...(this.containerInfo ? { containerInfo: this.containerInfo } : {}),
      }),
    ];
  }

  /** One entry point, as VCS runs it. */
  private async entry(ep: EntryPointName, leading: string[] = [], extra: { vcsInfo?: Record<string, string> } = {}): Promise<Ran> {
    const args = this.argsFor(ep, leading, extra);
    if (!args) {
      this.s.log.error('no time left for %s (the operation timeout is too short)', ep);
      return { code: ENTRY_POINT_SPECS[ep].failureExit, report: { outcome: 'timeout', error: new Error('no time left') } };
    }
    let report: DispatchReport | undefined;
    const before = this.s.logCtx.entryPoint;
    this.s.logCtx.entryPoint = ep;
    try {
      const code = await dispatch({
        agent: this.s.agent,
        type: this.s.type,
        ref: { name: ep },
        subject: this.s.call.instance,
        args,
        paths: this.s.paths,
        log: this.s.log,
        secrets: this.s.secrets,
        system: this.s.node,
        engine: this.s.engine,
        writeOut: this.s.out,
        interruptSignals: ['SIGTERM', 'SIGINT'],
        report: (r) => (report = r),
      });
      if (report?.outcome === 'config') throw new ConfigError(report.error instanceof Error ? report.error.message : String(report.error));
      return { code, report };
    } finally {
      this.s.logCtx.entryPoint = before;
    }
  }

  private async monitorState(): Promise<{ state: MonitorState; confidence: number }> {
    const { code } = await this.entry('monitor');
    return interpretMonitorExit(code);
  }

  /** Monitors every POLL_MS until `want` or until `untilMs` (epoch); the last state seen. */
  private async waitFor(want: (s: MonitorState) => boolean, untilMs: number, firstWaitMs = 0): Promise<MonitorState> {
    if (firstWaitMs > 0) await this.sleep(Math.min(firstWaitMs, untilMs - Date.now()));
    let last: MonitorState = 'unknown';
    for (;;) {
      last = (await this.monitorState()).state;
      if (want(last) || this.s.signal.aborted) return last;
      // Another monitor only if it gets at least its minimum time after the pause.
      if (Date.now() + POLL_MS + MIN_ENTRY_MS >= untilMs) return last;
      await this.sleep(POLL_MS);
    }
  }

  private fail(text: string, code = OCF_ERR_GENERIC): number {
    this.s.log.error('%s', text);
    return code;
  }

  /** VCS runs open when it starts managing a resource: here before a probe, a start and a reload. */
  private async open(): Promise<void> {
    if (this.implemented.has('open')) await this.entry('open');
  }

  private failed(r: Ran): boolean {
    return r.report !== undefined && r.report.outcome !== 'done';
  }

  async run(): Promise<number> {
    try {
      this.decodeParameters();
      switch (this.s.action) {
        case 'start':
          return await this.start();
        case 'stop':
          return await this.stop();
        case 'monitor':
          return await this.monitor();
        case 'validate-all':
          return await this.validate();
        case 'migrate_to':
          return await this.migrateTo();
        case 'migrate_from':
          return await this.migrateFrom();
        case 'reload-agent':
          return await this.reload();
        default:
          return this.fail(`no action ${this.s.action}`, OCF_ERR_ARGS);
      }
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      // Pacemaker stops with the parameters the resource was started with: refused ones never started it.
      if (this.s.action === 'stop') {
        this.s.log.warn('%s cannot be running with these parameters: stopped', this.s.call.instance);
        return OCF_SUCCESS;
      }
      return OCF_ERR_CONFIGURED;
    }
  }

  private async monitor(): Promise<number> {
    if (this.s.call.intervalMs === 0) await this.open();
    const { state, confidence } = await this.monitorState();
    const code = monitorCode(state === 'online' ? { state, confidence } : state, speaksOcf11(this.s.call));
    if (code === OCF_ERR_GENERIC) this.s.reason(`monitor cannot tell whether ${this.s.call.instance} is online`);
    return code;
  }

  private async start(): Promise<number> {
    const name = this.s.call.instance;
    await this.open();
    const first = await this.monitorState();
    if (first.state === 'online') {
      this.s.log.info('%s is already online', name);
      return OCF_SUCCESS;
    }
    const online = await this.entry('online');
    if (this.failed(online)) return this.fail(`online of ${name} failed`);
    const state = await this.waitFor((st) => st === 'online', this.deadline, online.code * 1000);
    if (state === 'online') return OCF_SUCCESS;
    return this.fail(`${name} is not online ${Math.round((Date.now() - this.started) / 1000)} s after start began (monitor: ${state})`);
  }

  private async clean(reason: CleanReason): Promise<boolean> {
    if (!this.implemented.has('clean')) return false;
    const r = await this.entry('clean', [String(CLEAN_REASONS.indexOf(reason))]);
    return !this.failed(r) && r.code === 0;
  }

  private async stop(): Promise<number> {
    const name = this.s.call.instance;
    const first = await this.monitorState();
    if (first.state === 'intentional-offline') return OCF_SUCCESS;
    if (first.state === 'offline') {
      // Pacemaker stops what it found failed: VCS cleans a resource that went offline by itself.
      if (this.implemented.has('clean') && !(await this.clean('unexpected-offline'))) this.s.log.warn('clean of %s failed; monitor says it is offline', name);
      return OCF_SUCCESS;
    }
    // Kept for clean and the monitor after it: their time limits, at most a third of what is left, at least 3 s.
    const cleanShare = Math.max(3000, Math.min((entryPointTimeout('clean', this.info.statics) + entryPointTimeout('monitor', this.info.statics)) * 1000, (this.deadline - Date.now()) / 3));
    let reason: CleanReason = 'offline-ineffective';
    if (this.implemented.has('offline')) {
      const offline = await this.entry('offline');
      if (offline.report?.outcome === 'timeout') reason = 'offline-hung';
      if (!this.failed(offline)) {
        const state = await this.waitFor((st) => st === 'offline' || st === 'intentional-offline', this.deadline - (this.implemented.has('clean') ? cleanShare : 0), offline.code * 1000);
        if (state === 'offline' || state === 'intentional-offline') return OCF_SUCCESS;
      }
    }
    if (!this.implemented.has('clean')) return this.fail(`${name} did not go offline, and its agent has no clean`);
    this.s.log.warn('%s is not offline: cleaning it (%s)', name, reason);
    await this.clean(reason);
    const state = await this.waitFor((st) => st === 'offline' || st === 'intentional-offline', this.deadline);
    if (state === 'offline' || state === 'intentional-offline') return OCF_SUCCESS;
    return this.fail(`${name} is still ${state === 'unknown' ? 'in an unknown state' : state} after offline and clean`);
  }

  private async validate(): Promise<number> {
    const { call, agent } = this.s;
    try {
      await checkArguments({
        agent,
        type: this.s.type,
        ref: { name: 'monitor' },
        subject: call.instance,
        args: this.argsFor('monitor', []) ?? [],
        paths: this.s.paths,
        log: this.s.log,
        secrets: this.s.secrets,
        writeOut: this.s.out,
      });
    } catch (e) {
      throw this.config(e);
    }
    if ((call.checkLevel ?? 0) < 10) return OCF_SUCCESS;
    // Level 10: what this node must provide.
    for (const p of faceParameters(this.info, agent)) {
      if (p.kind === 'system') {
        let v: string | undefined;
        try {
          v = await this.s.engine.systemAttribute(this.s.node, p.name);
        } catch (e) {
          return this.fail(e instanceof Error ? e.message : String(e), OCF_ERR_ARGS);
        }
        if (!v) return this.fail(`${p.name} of node ${this.s.node} is not set: give the parameter ${p.name}, or set the node attribute (pcs node attribute ${this.s.node} ${p.name}=VALUE)`, OCF_ERR_ARGS);
      } else if (p.kind === 'ssh') {
        const f = call.params.get(SSH_CONFIG_PARAMETER);
        if (f) {
          try {
            accessSync(f, constants.R_OK);
          } catch {
            return this.fail(`${SSH_CONFIG_PARAMETER} ${f} is not readable on ${this.s.node}`, OCF_ERR_INSTALLED);
          }
        }
      }
    }
    return OCF_SUCCESS;
  }

  private async migrateTo(): Promise<number> {
    const name = this.s.call.instance;
    const target = this.s.call.meta.migrate_target;
    if (!target) return this.fail('migrate_to needs the target node (CRM_meta_migrate_target)', OCF_ERR_ARGS);
    const r = await this.entry('migrate', [], { vcsInfo: { TargetHost: target } });
    if (this.failed(r)) return this.fail(`migration of ${name} to ${target} failed`);
    const state = await this.waitFor((st) => st !== 'online', this.deadline, r.code * 10_000);
    if (state === 'online') return this.fail(`${name} is still online here after migrating to ${target}`);
    return OCF_SUCCESS;
  }

  private async migrateFrom(): Promise<number> {
    const name = this.s.call.instance;
    const state = await this.waitFor((st) => st === 'online', this.deadline);
    if (state === 'online') return OCF_SUCCESS;
    return this.fail(`${name} did not come online here after migrating from ${this.s.call.meta.migrate_source ?? 'its node'} (monitor: ${state})`);
  }

  private async reload(): Promise<number> {
    const code = await this.validate();
    if (code !== OCF_SUCCESS) return code;
    await this.open();
    return OCF_SUCCESS;
  }
}
