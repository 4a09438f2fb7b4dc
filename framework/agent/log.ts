/**
 * Agent logs as VCS writes them: one line per message, appended to
 * `$VCS_LOG/log/<Type>_A.log`,
 *
 *   2024/05/01 10:00:00 VCS ERROR V-16-50000-4711 LPAR:lpar1:monitor:message
 *
 * Messages go through pino (structured fields, printf-style formatting,
 * redaction) into a destination that formats the VCS line and appends it with
 * a synchronous write: an entry point is a short-lived process and must not
 * lose its last lines when it exits. pino itself is loaded on the first
 * message only, so an entry point that logs nothing never pays for it.
 *
 * Severities: fatal → CRITICAL, error → ERROR, warn → WARNING, notice →
 * NOTICE, info → INFO; debug and trace become DBG_<n> lines (n from the
 * `dbg` field, 1 by default for debug and 21 for trace) and are written only
 * when the type's LogDbg holds that tag; their UMI is always V-16-50-0 (the
 * guide's example: `VCS DBG_3 V-16-50-0 FileOnOff:f1:monitor:...`). The
 * message id (the last part of the UMI) of other lines is the `msgId` field,
 * else a stable hash of the message format: an agent gives each message an
 * explicit msgId so that its UMI survives a change of wording; the hash is
 * the fallback.
 */
import { closeSync, existsSync, mkdirSync, openSync, statSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Logger, LoggerOptions } from 'pino';
import { isSecretAttributeName } from './attributes.js';

export type Severity = 'CRITICAL' | 'ERROR' | 'WARNING' | 'NOTICE' | 'INFO';

/** `Attr` values VCS uses in LogDbg: DBG_1 … DBG_21 and the framework tags. */
export function normalizeDebugTag(tag: string | number): string {
  const t = String(tag).trim().toUpperCase();
  return /^\d+$/.test(t) ? `DBG_${Number(t)}` : t.startsWith('DBG_') ? t : `DBG_${t}`;
}

export interface LogFn {
  (msg: string, ...args: unknown[]): void;
  (obj: object, msg?: string, ...args: unknown[]): void;
}

export interface AgentLogger {
  fatal: LogFn;
  error: LogFn;
  warn: LogFn;
  notice: LogFn;
  info: LogFn;
  debug: LogFn;
  trace: LogFn;
}

const LEVEL_SEVERITY: Record<number, Severity> = { 60: 'CRITICAL', 50: 'ERROR', 40: 'WARNING', 35: 'NOTICE', 30: 'INFO' };

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** Local time as VCS logs it: `YYYY/MM/DD HH:MM:SS`. */
export function formatLogTime(d: Date): string {
  return `${d.getFullYear()}/${pad(d.getMonth() + 1)}/${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** FNV-1a over the message format, folded to the 0–65535 range VCS message ids use. */
export function messageId(format: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < format.length; i++) {
    h ^= format.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return ((h >>> 16) ^ (h & 0xffff)) & 0xffff;
}

export interface LineFields {
  time: Date;
  severity: string;
  catalog: number;
  msgId: number;
  type: string;
  resource: string;
  entryPoint: string;
  message: string;
}

/** The UMI of every debug line. */
export const DEBUG_UMI = 'V-16-50-0';

function formatVcsLine(f: LineFields): string {
  // One message, one line: VCS log readers (and halog) are line-oriented.
  const message = f.message.replace(/\r?\n/g, ' ');
  // Debug lines carry no message id of their own: V-16-50-0, as in the Agent Developer's Guide's LogDbg example.
  const umi = f.severity.startsWith('DBG_') ? DEBUG_UMI : `V-16-${f.catalog}-${f.msgId}`;
  return `${formatLogTime(f.time)} VCS ${f.severity} ${umi} ${f.type}:${f.resource}:${f.entryPoint}:${message}\n`;
}

/** Where the agent log of a type lives, and the error when it cannot be opened. */
export class LogOpenError extends Error {}

const SAFE_TYPE = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function agentLogPath(vcsLog: string, type: string): string {
  return join(vcsLog, 'log', `${SAFE_TYPE.test(type) ? type : 'vcsagent'}_A.log`);
}

/**
 * Opens `$VCS_LOG/log/<Type>_A.log` for appending. A missing `$VCS_LOG` is an
 * installation problem reported as such; a missing `log` directory under an
 * existing `$VCS_LOG` is created, as VCS itself would.
 */
export function openAgentLog(vcsLog: string, type: string): number {
  let isDir = false;
  try {
    isDir = statSync(vcsLog).isDirectory();
  } catch {
    isDir = false;
  }
  if (!isDir) throw new LogOpenError(`log directory ${vcsLog} (VCS_LOG) does not exist`);
  const dir = join(vcsLog, 'log');
  try {
    if (!existsSync(dir)) mkdirSync(dir, { mode: 0o755 });
    return openSync(agentLogPath(vcsLog, type), 'a', 0o644);
  } catch (e) {
    throw new LogOpenError(`cannot open ${agentLogPath(vcsLog, type)}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
}

export interface LogContext {
  type: string;
  resource: string;
  entryPoint: string;
  /** The V-16-<catalog> part of message ids. */
  catalog: number;
  /** Normalized LogDbg tags (DBG_1 …); debug lines are written only for these. */
  debugTags: ReadonlySet<string>;
  /** Values that must never appear in a line (values of password-like attributes); may grow while the logger lives. */
  secrets: readonly string[];
  /** Attribute names whose values are secret (used for pino's redaction paths). */
  secretNames: readonly string[];
  /** Called with each line's severity and message as written (secrets blanked), e.g. to echo errors on stderr. */
  onLine?(severity: string, message: string): void;
}

const CENSOR = '****';

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Replaces every secret value in a line; short values only as whole words, so "1" does not blank every digit. */
export function makeScrubber(secrets: readonly string[]): (line: string) => string {
  const sorted = [...new Set(secrets.filter((s) => s.length > 0))].sort((a, b) => b.length - a.length);
  if (sorted.length === 0) return (line) => line;
  const re = new RegExp(
    sorted.map((s) => (s.length >= 4 ? escapeRegExp(s) : `(?<![A-Za-z0-9])${escapeRegExp(s)}(?![A-Za-z0-9])`)).join('|'),
    'g',
  );
  return (line) => line.replace(re, CENSOR);
}

const RESERVED = new Set(['level', 'time', 'msg', 'msgId', 'dbg', 'err', 'pid', 'hostname']);

function fieldText(key: string, v: unknown, secretNames: readonly string[]): string {
  const secret = (k: string) => isSecretAttributeName(k) || secretNames.includes(k);
  if (secret(key)) return CENSOR;
  if (typeof v === 'string') return /\s/.test(v) || v === '' ? JSON.stringify(v) : v;
  return JSON.stringify(v, (k, inner) => (k && secret(k) ? CENSOR : inner));
}

/**
 * The pino destination: receives pino's JSON line, writes the VCS line.
 * Structured fields follow the message as `key=value`; an `err` adds its
 * message (never its stack).
 */
export class VcsLogDestination {
  private scrub: (line: string) => string = (line) => line;
  private scrubbedCount = -1;
  /** Lines written, for tests and for the dispatcher's own bookkeeping. */
  lines = 0;

  constructor(
    private readonly fd: number,
    private readonly ctx: LogContext,
  ) {}

  write(json: string): void {
    let rec: Record<string, unknown>;
    try {
      rec = JSON.parse(json) as Record<string, unknown>;
    } catch {
      rec = { level: 30, time: Date.now(), msg: json.trim() };
    }
    const level = Number(rec.level);
    let severity: string | undefined = LEVEL_SEVERITY[level];
    if (!severity) {
      const tag = normalizeDebugTag(rec.dbg !== undefined ? String(rec.dbg) : level <= 10 ? '21' : '1');
      if (!this.ctx.debugTags.has(tag)) return;
      severity = tag;
    }
    let message = typeof rec.msg === 'string' ? rec.msg : '';
    const err = rec.err as { message?: unknown } | undefined;
    if (err && typeof err.message === 'string' && !message.includes(err.message)) {
      message = message ? `${message}: ${err.message}` : err.message;
    }
    const fields = Object.entries(rec)
      .filter(([k]) => !RESERVED.has(k))
      .map(([k, v]) => `${k}=${fieldText(k, v, this.ctx.secretNames)}`);
    if (fields.length) message += ` (${fields.join(' ')})`;
    const line = formatVcsLine({
      time: new Date(typeof rec.time === 'number' ? rec.time : Date.now()),
      severity,
      catalog: this.ctx.catalog,
      msgId: typeof rec.msgId === 'number' ? rec.msgId : messageId(message),
      type: this.ctx.type,
      resource: this.ctx.resource,
      entryPoint: this.ctx.entryPoint,
      message,
    });
    // Secrets become known while the ArgList is decoded, after the logger exists.
    if (this.scrubbedCount !== this.ctx.secrets.length) {
      this.scrub = makeScrubber(this.ctx.secrets);
      this.scrubbedCount = this.ctx.secrets.length;
    }
    // fd -1: no agent log file (another face's logging takes the lines through onLine).
    if (this.fd >= 0) writeSync(this.fd, this.scrub(line));
    this.lines++;
    this.ctx.onLine?.(severity, this.scrub(message.replace(/\r?\n/g, ' ')));
  }
}

const GENERIC_SECRET_KEYS = ['password', 'passwd', 'secret', 'token', 'key', 'privateKey', 'passphrase'];

function redactPaths(secretNames: readonly string[]): string[] {
  const names = [...new Set([...GENERIC_SECRET_KEYS, ...secretNames])].filter((n) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(n));
  return names.flatMap((n) => [n, `*.${n}`]);
}

type Level = keyof AgentLogger;

/**
 * The logger an entry point gets. pino is required on the first message that
 * will actually be written; debug and trace calls are free when LogDbg is empty.
 */
export function createAgentLogger(fd: number, ctx: LogContext): AgentLogger & { destination(): VcsLogDestination | undefined } {
  let real: Logger<'notice'> | undefined;
  let dest: VcsLogDestination | undefined;

  const load = (): Logger<'notice'> => {
    if (real) return real;
    const require = createRequire(import.meta.url);
    const pino = require('pino') as (opts: LoggerOptions<'notice'>, stream: { write(s: string): void }) => Logger<'notice'>;
    dest = new VcsLogDestination(fd, ctx);
    real = pino(
      {
        // The destination decides which debug lines to keep: LogDbg may become known after the first line.
        level: 'trace',
        customLevels: { notice: 35 },
        base: undefined,
        redact: { paths: redactPaths(ctx.secretNames), censor: CENSOR },
      },
      dest,
    );
    return real;
  };

  const method = (level: Level): LogFn =>
    ((first: unknown, ...rest: unknown[]) => {
      if (ctx.debugTags.size === 0 && (level === 'debug' || level === 'trace')) return;
      const logger = load();
      // Give every message a stable id from its format string unless the caller chose one.
      if (typeof first === 'string') {
        (logger[level] as (o: object, m: string, ...a: unknown[]) => void)({ msgId: messageId(first) }, first, ...rest);
      } else if (first instanceof Error) {
        (logger[level] as (o: object, m?: string, ...a: unknown[]) => void)({ err: first, msgId: messageId(first.message) }, ...(rest as [string?]));
      } else if (first && typeof first === 'object') {
        const obj = first as Record<string, unknown>;
        const fmt = typeof rest[0] === 'string' ? rest[0] : '';
        const withId = obj.msgId === undefined ? { ...obj, msgId: messageId(fmt) } : obj;
        (logger[level] as (o: object, ...a: unknown[]) => void)(withId, ...rest);
      } else {
        (logger[level] as (m: string) => void)(String(first));
      }
    }) as LogFn;

  return {
    fatal: method('fatal'),
    error: method('error'),
    warn: method('warn'),
    notice: method('notice'),
    info: method('info'),
    debug: method('debug'),
    trace: method('trace'),
    destination: () => dest,
  };
}

export function closeLog(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // Already closed: nothing left to flush, writes are synchronous.
  }
}
