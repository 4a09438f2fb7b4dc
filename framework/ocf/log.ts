/**
 * Logging as OCF resource agents do it (resource-agents' ocf_log and
 * ha_log), for the lines the agent logger writes (framework/agent/log.ts
 * blanks secrets before they get here):
 *
 * - on a terminal: `TAG: LEVEL: message` on stderr, nothing else;
 * - HA_LOGFACILITY (set and not `none`): syslog through `logger -t TAG -p
 *   FACILITY.LEVEL`;
 * - HA_LOGFILE: `DATE TAG:    LEVEL: message` appended;
 * - neither: `DATE LEVEL: message` on stderr (Pacemaker's executor logs an
 *   agent's stderr);
 * - HA_DEBUGLOG: every line appended there too (when it is not HA_LOGFILE).
 *
 * TAG is HA_LOGTAG, else `TYPE(INSTANCE)[PID]`; DATE follows HA_DATEFMT
 * (default `%b %d %T `). DEBUG lines (the framework's DBG_* lines) are
 * written only when HA_debug is set and not 0: then every DBG tag is on.
 */
import { appendFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Env } from './env.js';

/** VCS severities (and DBG_n) as OCF log levels: the word in the line and the syslog priority. */
function levelOf(severity: string): { word: string; priority: string } {
  switch (severity) {
    case 'CRITICAL':
      return { word: 'CRIT', priority: 'crit' };
    case 'ERROR':
      return { word: 'ERROR', priority: 'err' };
    case 'WARNING':
      return { word: 'WARNING', priority: 'warning' };
    case 'NOTICE':
      return { word: 'NOTICE', priority: 'notice' };
    case 'INFO':
      return { word: 'INFO', priority: 'info' };
    default:
      return { word: 'DEBUG', priority: 'debug' };
  }
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** The strftime subset HA_DATEFMT uses in practice (%b %d %e %T %H %M %S %Y %m %y %F %%); other text as is. */
export function formatDate(fmt: string, d: Date): string {
  return fmt.replace(/%([bdeTHMSYmyF%])/g, (_, c: string) => {
    switch (c) {
      case 'b':
        return MONTHS[d.getMonth()]!;
      case 'd':
        return pad(d.getDate());
      case 'e':
        return String(d.getDate()).padStart(2, ' ');
      case 'T':
        return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
      case 'H':
        return pad(d.getHours());
      case 'M':
        return pad(d.getMinutes());
      case 'S':
        return pad(d.getSeconds());
      case 'Y':
        return String(d.getFullYear());
      case 'm':
        return pad(d.getMonth() + 1);
      case 'y':
        return pad(d.getFullYear() % 100);
      case 'F':
        return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
      default:
        return '%';
    }
  });
}

export interface OcfLogOptions {
  env: Env;
  /** The resource type and instance, for the default tag. */
  type: string;
  instance: string;
  /** stderr is a terminal (a person runs the agent). */
  tty: boolean;
  /** Writes to stderr. */
  err(text: string): void;
  now?: () => Date;
  /** Runs logger(1); tests replace it. */
  syslog?: (tag: string, priority: string, message: string) => void;
}

export interface OcfLog {
  /** The agent logger's onLine: one line, already secret-free. */
  line(severity: string, message: string): void;
  /** HA_debug asks for debug lines. */
  readonly debug: boolean;
  /** The first error line of this run: the exit reason Pacemaker shows. */
  readonly firstError: string | undefined;
}

let childProcess: typeof import('node:child_process') | undefined;

function runLogger(tag: string, priority: string, message: string): void {
  // One short process per line, as ocf_log does; a missing logger(1) must not fail the agent.
  // child_process is loaded on the first line that goes to syslog: a monitor that logs nothing never pays for it.
  childProcess ??= createRequire(import.meta.url)('node:child_process') as typeof import('node:child_process');
  childProcess.spawnSync('logger', ['-t', tag, '-p', priority, message], { stdio: 'ignore', timeout: 5000 });
}

export function ocfLog(o: OcfLogOptions): OcfLog {
  const env = o.env;
  const debug = env.HA_debug !== undefined && env.HA_debug !== '' && env.HA_debug !== '0';
  const facility = env.HA_LOGFACILITY && env.HA_LOGFACILITY !== 'none' ? env.HA_LOGFACILITY : '';
  const file = env.HA_LOGFILE ?? '';
  const debugFile = env.HA_DEBUGLOG ?? '';
  const tag = env.HA_LOGTAG || (o.instance ? `${o.type}(${o.instance})[${process.pid}]` : `${o.type}[${process.pid}]`);
  const dateFmt = env.HA_DATEFMT ?? '%b %d %T ';
  const now = o.now ?? (() => new Date());
  const syslog = o.syslog ?? runLogger;
  let firstError: string | undefined;

  const append = (path: string, text: string) => {
    try {
      appendFileSync(path, text);
    } catch {
      // An unwritable log file must not fail the action; stderr still has it when nothing else does.
    }
  };

  return {
    debug,
    get firstError() {
      return firstError;
    },
    line(severity, message) {
      const { word, priority } = levelOf(severity);
      if (priority === 'debug' && !debug) return;
      if ((priority === 'err' || priority === 'crit') && firstError === undefined) firstError = message;
      const text = `${word}: ${message}`;
      if (o.tty) {
        o.err(`${tag}: ${text}\n`);
        return;
      }
      const date = formatDate(dateFmt, now());
      if (facility) syslog(tag, `${facility}.${priority}`, text);
      if (file) append(file, `${date} ${tag}:    ${text}\n`);
      if (!facility && !file) o.err(`${date}${text}\n`);
      if (debugFile && debugFile !== file) append(debugFile, `${tag}:\t${date}${text}\n`);
    },
  };
}
