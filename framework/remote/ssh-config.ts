/**
 * OpenSSH client configuration (`ssh_config(5)`), the subset that decides how
 * we reach a host: Host and Match blocks, Include, HostName, Port, User,
 * IdentityFile, IdentitiesOnly, IdentityAgent, UserKnownHostsFile,
 * GlobalKnownHostsFile, StrictHostKeyChecking, HashKnownHosts, HostKeyAlias,
 * ConnectTimeout, ServerAliveInterval and ServerAliveCountMax. Other keywords
 * are read and ignored, so a real ~/.ssh/config loads unchanged.
 *
 * Semantics follow OpenSSH: the first value obtained for a keyword wins
 * (IdentityFile accumulates); Host patterns match the name the caller gave,
 * with `*`, `?` and `!` negation; an Include inside a Host block only counts
 * when the block applies; relative Include paths are under ~/.ssh (/etc/ssh
 * for the system file). Match blocks are evaluated for `all`, `host`,
 * `originalhost`, `user` and `localuser`; a block using any other criterion
 * (exec, canonical, final, localnetwork, tagged…) is skipped as not matching,
 * which is the safe reading because we cannot run the test OpenSSH would.
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { VcsPowervmError } from '../errors.js';
import { matchPattern } from './patterns.js';

export type StrictHostKeyChecking = 'yes' | 'no' | 'accept-new';

/** Everything about the local side that token and tilde expansion need. */
export interface LocalContext {
  home: string;
  localUser: string;
  /** Local host name, full (%l) — the short form (%L) is derived. */
  localHost: string;
  uid: number;
  env: Readonly<Record<string, string | undefined>>;
}

export interface HostRequest {
  /** The name the caller gave (VCS's MCName): a Host alias, a name or an address. */
  host: string;
  /** Given by the caller (VCS's MCUser): beats the config's User, as `ssh -l` does. */
  user?: string;
  /** Given by the caller: beats the config's Port, as `ssh -p` does. */
  port?: number;
}

export interface ResolvedHost {
  /** The name the caller gave. */
  alias: string;
  /** Where to connect (HostName, else the alias). */
  hostname: string;
  port: number;
  user: string;
  /** IdentityFile values, expanded; the OpenSSH defaults when none was configured. */
  identityFiles: string[];
  /** IdentityFile came from the config (false: the defaults above). */
  identityFilesConfigured: boolean;
  identitiesOnly: boolean;
  /** IdentityAgent: a socket path, `null` for none, undefined for $SSH_AUTH_SOCK. */
  identityAgent?: string | null;
  userKnownHostsFiles: string[];
  globalKnownHostsFiles: string[];
  /** `ask` is read as `yes`: an agent never prompts. */
  strictHostKeyChecking: StrictHostKeyChecking;
  hashKnownHosts: boolean;
  hostKeyAlias?: string;
  connectTimeoutMs?: number;
  serverAliveIntervalMs?: number;
  serverAliveCountMax?: number;
}

interface ConfigLine {
  /** Lower case, for matching. */
  keyword: string;
  /** As written, for messages. */
  name: string;
  args: string[];
  file: string;
  line: number;
  column: number;
  /** Column of each argument, for error messages. */
  argColumns: number[];
}

interface ConfigFile {
  path: string;
  /** A system file: relative includes are under /etc/ssh rather than ~/.ssh. */
  system: boolean;
}

const MAX_INCLUDE_DEPTH = 16;

/** Keywords whose values accumulate instead of first-wins. */
const MULTI = new Set(['identityfile', 'certificatefile']);

export const DEFAULT_IDENTITY_FILES = ['~/.ssh/id_ed25519', '~/.ssh/id_ecdsa', '~/.ssh/id_rsa'];
const DEFAULT_USER_KNOWN_HOSTS = ['~/.ssh/known_hosts', '~/.ssh/known_hosts2'];
const DEFAULT_GLOBAL_KNOWN_HOSTS = ['/etc/ssh/ssh_known_hosts', '/etc/ssh/ssh_known_hosts2'];

export interface SshConfigOptions {
  /**
   * The user configuration file; `'none'` reads no user file. When given, the
   * system file is not read, as with `ssh -F`. Default `~/.ssh/config`.
   */
  path?: string;
  /** The system file read after the user one when `path` is not given. */
  systemPath?: string;
  local: LocalContext;
  /** Called for what is skipped (Match criteria we do not evaluate…). */
  onNote?: (note: string) => void;
}

function configError(file: string, line: number, column: number, detail: string): VcsPowervmError {
  return new VcsPowervmError('VCSPVM_SSH_CONFIG', { file, line, column, detail });
}

export class SshConfig {
  private readonly files: ConfigFile[];
  private readonly cache = new Map<string, ConfigLine[] | null>();
  readonly local: LocalContext;
  private readonly onNote: (note: string) => void;

  constructor(options: SshConfigOptions) {
    this.local = options.local;
    this.onNote = options.onNote ?? (() => {});
    if (options.path !== undefined) {
      this.files = options.path === 'none' ? [] : [{ path: expandTilde(options.path, this.local.home), system: false }];
    } else {
      this.files = [
        { path: join(this.local.home, '.ssh', 'config'), system: false },
        { path: options.systemPath ?? '/etc/ssh/ssh_config', system: true },
      ];
    }
  }

  /** The settings that apply to `request.host`, as `ssh` would compute them. */
  resolve(request: HostRequest): ResolvedHost {
    const opts = new Map<string, ConfigLine>();
    const identityFiles: ConfigLine[] = [];
    const state: EvalState = { request, opts, identityFiles };
    for (const f of this.files) {
      const lines = this.read(f.path, undefined);
      if (lines) this.evaluate(lines, f.system, state, true, 0);
    }
    return this.finish(request, opts, identityFiles);
  }

  private read(path: string, from: ConfigLine | undefined): ConfigLine[] | null {
    if (this.cache.has(path)) return this.cache.get(path)!;
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') {
        this.cache.set(path, null);
        return null;
      }
      if (from) throw configError(from.file, from.line, from.column, `cannot read included ${path}: ${(e as Error).message}`);
      throw new VcsPowervmError('VCSPVM_READ', { path, reason: (e as Error).message }, { cause: e });
    }
    const lines = parseConfigText(text, path);
    this.cache.set(path, lines);
    return lines;
  }

  private evaluate(lines: ConfigLine[], system: boolean, state: EvalState, startActive: boolean, depth: number): void {
    let active = startActive;
    for (const l of lines) {
      switch (l.keyword) {
        case 'host':
          active = startActive && hostLineMatches(l, state.request.host);
          continue;
        case 'match':
          active = startActive && this.matchLineMatches(l, state);
          continue;
        case 'include':
          if (depth >= MAX_INCLUDE_DEPTH) throw configError(l.file, l.line, l.column, `Include nested deeper than ${MAX_INCLUDE_DEPTH}`);
          for (const arg of l.args) {
            for (const path of this.includePaths(arg, system)) {
              const included = this.read(path, l);
              if (included) this.evaluate(included, system, state, active, depth + 1);
            }
          }
          continue;
      }
      if (!active) continue;
      if (MULTI.has(l.keyword)) {
        if (l.keyword === 'identityfile') state.identityFiles.push(l);
      } else if (!state.opts.has(l.keyword)) {
        validate(l);
        state.opts.set(l.keyword, l);
      }
    }
  }

  private matchLineMatches(l: ConfigLine, state: EvalState): boolean {
    const args = l.args;
    if (args.length === 0) throw configError(l.file, l.line, l.column, 'Match needs at least one criterion');
    let result = true;
    for (let i = 0; i < args.length; i++) {
      let criterion = args[i]!.toLowerCase();
      const negate = criterion.startsWith('!');
      if (negate) criterion = criterion.slice(1);
      if (criterion === 'all') {
        if (args.length !== 1) {
          throw configError(l.file, l.line, l.argColumns[i]!, "'all' cannot be combined with other Match criteria");
        }
        if (negate) result = false;
        continue;
      }
      if (criterion === 'canonical' || criterion === 'final') {
        // We do no hostname canonicalisation and no final pass.
        this.onNote(`${l.file}:${l.line}: Match ${criterion} never applies here; block skipped`);
        return false;
      }
      const value = args[i + 1];
      if (value === undefined) throw configError(l.file, l.line, l.argColumns[i]!, `Match ${criterion} needs an argument`);
      i++;
      let subject: string;
      switch (criterion) {
        case 'host':
          subject = state.opts.has('hostname')
            ? expandHostName(state.opts.get('hostname')!, state.request.host)
            : state.request.host;
          break;
        case 'originalhost':
          subject = state.request.host;
          break;
        case 'user':
          subject = state.request.user ?? state.opts.get('user')?.args[0] ?? this.local.localUser;
          break;
        case 'localuser':
          subject = this.local.localUser;
          break;
        default:
          this.onNote(`${l.file}:${l.line}: Match ${criterion} is not evaluated; block skipped`);
          return false;
      }
      const m = matchPatternList(subject, value) === 1;
      if (m === negate) result = false;
    }
    return result;
  }

  private includePaths(arg: string, system: boolean): string[] {
    let path = expandTilde(arg, this.local.home);
    if (!isAbsolute(path)) path = join(system ? '/etc/ssh' : join(this.local.home, '.ssh'), path);
    return /[*?[]/.test(path) ? globSync(path) : [path];
  }

  private finish(request: HostRequest, opts: Map<string, ConfigLine>, identityLines: ConfigLine[]): ResolvedHost {
    const first = (k: string): ConfigLine | undefined => opts.get(k);
    const local = this.local;
    const hostname = first('hostname') ? expandHostName(first('hostname')!, request.host) : request.host;
    const port = request.port ?? (first('port') ? parsePort(first('port')!) : 22);
    const user = request.user ?? first('user')?.args[0] ?? local.localUser;
    const hostKeyAlias = first('hostkeyalias')?.args[0];
    const tokens = tokenTable(local, { alias: request.host, hostname, port, user, hostKeyAlias });
    const expandPath = (l: ConfigLine, v: string): string => expandTilde(expandTokens(expandEnv(v, l, local.env), tokens, l), local.home);

    let identityFiles: string[];
    if (identityLines.length > 0) {
      identityFiles = [];
      for (const l of identityLines) {
        if (l.args[0]!.toLowerCase() === 'none') continue;
        const p = expandPath(l, l.args[0]!);
        if (!identityFiles.includes(p)) identityFiles.push(p);
      }
    } else {
      identityFiles = DEFAULT_IDENTITY_FILES.map((f) => expandTilde(f, local.home));
    }

    const fileList = (k: string, dflt: string[]): string[] => {
      const l = first(k);
      if (!l) return dflt.map((f) => expandTilde(f, local.home));
      if (l.args.length === 1 && l.args[0]!.toLowerCase() === 'none') return [];
      return l.args.map((a) => expandPath(l, a));
    };

    const agentLine = first('identityagent');
    let identityAgent: string | null | undefined;
    if (agentLine) {
      const v = agentLine.args[0]!;
      if (v.toLowerCase() === 'none') identityAgent = null;
      else if (v === 'SSH_AUTH_SOCK') identityAgent = undefined;
      else if (v.startsWith('$')) identityAgent = local.env[v.slice(1)] ?? null;
      else identityAgent = expandPath(agentLine, v);
    }

    const seconds = (k: string): number | undefined => {
      const l = first(k);
      return l ? parseSeconds(l) : undefined;
    };
    const connectTimeout = seconds('connecttimeout');
    const aliveInterval = seconds('serveraliveinterval');
    const aliveCount = first('serveralivecountmax');

    const resolved: ResolvedHost = {
      alias: request.host,
      hostname,
      port,
      user,
      identityFiles,
      identityFilesConfigured: identityLines.length > 0,
      identitiesOnly: yesNo(first('identitiesonly')) ?? false,
      userKnownHostsFiles: fileList('userknownhostsfile', DEFAULT_USER_KNOWN_HOSTS),
      globalKnownHostsFiles: fileList('globalknownhostsfile', DEFAULT_GLOBAL_KNOWN_HOSTS),
      strictHostKeyChecking: strictness(first('stricthostkeychecking')),
      hashKnownHosts: yesNo(first('hashknownhosts')) ?? false,
    };
    if (agentLine) resolved.identityAgent = identityAgent;
    if (hostKeyAlias !== undefined) resolved.hostKeyAlias = hostKeyAlias;
    if (connectTimeout !== undefined && connectTimeout > 0) resolved.connectTimeoutMs = connectTimeout * 1000;
    if (aliveInterval !== undefined && aliveInterval > 0) resolved.serverAliveIntervalMs = aliveInterval * 1000;
    if (aliveCount) resolved.serverAliveCountMax = parseCount(aliveCount);
    return resolved;
  }
}

interface EvalState {
  request: HostRequest;
  opts: Map<string, ConfigLine>;
  identityFiles: ConfigLine[];
}

/* ---------- lexical level ---------- */

/**
 * Splits a configuration file into keyword lines. Arguments may be double- or
 * single-quoted; an unquoted `#` starting an argument begins a comment; the
 * keyword may be followed by `=`.
 */
export function parseConfigText(text: string, file: string): ConfigLine[] {
  const out: ConfigLine[] = [];
  const rows = text.split(/\r?\n/);
  for (let n = 0; n < rows.length; n++) {
    const row = rows[n]!;
    const tokens = splitArgs(row, file, n + 1);
    if (tokens.length === 0) continue;
    let [kw, ...rest] = tokens;
    // `Keyword=value` and `Keyword = value`
    const eq = kw!.text.indexOf('=');
    if (!kw!.quoted && eq >= 0) {
      const after = kw!.text.slice(eq + 1);
      const kwText = kw!.text.slice(0, eq);
      rest = after ? [{ text: after, column: kw!.column + eq + 1, quoted: false }, ...rest] : rest;
      kw = { text: kwText, column: kw!.column, quoted: false };
    } else if (rest[0] && !rest[0].quoted && rest[0].text.startsWith('=')) {
      const after = rest[0].text.slice(1);
      rest = after ? [{ text: after, column: rest[0].column + 1, quoted: false }, ...rest.slice(1)] : rest.slice(1);
    }
    if (!kw!.text) throw configError(file, n + 1, kw!.column, 'missing keyword');
    out.push({
      keyword: kw!.text.toLowerCase(),
      name: kw!.text,
      args: rest.map((t) => t.text),
      argColumns: rest.map((t) => t.column),
      file,
      line: n + 1,
      column: kw!.column,
    });
  }
  return out;
}

interface Token {
  text: string;
  column: number;
  quoted: boolean;
}

function splitArgs(row: string, file: string, line: number): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < row.length) {
    while (i < row.length && (row[i] === ' ' || row[i] === '\t')) i++;
    if (i >= row.length) break;
    if (row[i] === '#') break;
    const start = i;
    let text = '';
    let quoted = false;
    while (i < row.length && row[i] !== ' ' && row[i] !== '\t') {
      const c = row[i]!;
      if (c === '"' || c === "'") {
        quoted = true;
        const end = row.indexOf(c, i + 1);
        if (end < 0) throw configError(file, line, i + 1, 'unterminated quoted argument');
        text += row.slice(i + 1, end);
        i = end + 1;
      } else if (c === '\\' && i + 1 < row.length && /["'\\ \t]/.test(row[i + 1]!)) {
        text += row[i + 1];
        i += 2;
      } else {
        text += c;
        i++;
      }
    }
    tokens.push({ text, column: start + 1, quoted });
  }
  return tokens;
}

/* ---------- matching ---------- */

function hostLineMatches(l: ConfigLine, host: string): boolean {
  if (l.args.length === 0) throw configError(l.file, l.line, l.column, 'Host needs at least one pattern');
  let matched = false;
  for (const raw of l.args) {
    const negate = raw.startsWith('!');
    const pattern = negate ? raw.slice(1) : raw;
    if (matchPattern(host.toLowerCase(), pattern.toLowerCase())) {
      if (negate) return false;
      matched = true;
    }
  }
  return matched;
}

/** OpenSSH's match_pattern_list: comma-separated, `!` negates; 1, 0 or -1. */
export function matchPatternList(subject: string, list: string): 1 | 0 | -1 {
  let got: 1 | 0 = 0;
  const s = subject.toLowerCase();
  for (const raw of list.split(',')) {
    const negate = raw.startsWith('!');
    const pattern = (negate ? raw.slice(1) : raw).toLowerCase();
    if (matchPattern(s, pattern)) {
      if (negate) return -1;
      got = 1;
    }
  }
  return got;
}

/* ---------- values ---------- */

function validate(l: ConfigLine): void {
  const need = (n: number): void => {
    if (l.args.length < n) throw configError(l.file, l.line, l.column, `${l.name} needs a value`);
  };
  switch (l.keyword) {
    case 'hostname':
    case 'user':
    case 'hostkeyalias':
    case 'identityagent':
      need(1);
      break;
    case 'port':
      parsePort(l);
      break;
    case 'connecttimeout':
    case 'serveraliveinterval':
      parseSeconds(l);
      break;
    case 'serveralivecountmax':
      parseCount(l);
      break;
    case 'stricthostkeychecking':
      strictness(l);
      break;
    case 'hashknownhosts':
    case 'identitiesonly':
      yesNo(l);
      break;
    case 'userknownhostsfile':
    case 'globalknownhostsfile':
      need(1);
      break;
  }
}

function parsePort(l: ConfigLine): number {
  const v = l.args[0];
  const n = v !== undefined && /^\d+$/.test(v) ? Number(v) : NaN;
  if (!(n >= 1 && n <= 65535)) throw configError(l.file, l.line, l.argColumns[0] ?? l.column, `bad Port ${JSON.stringify(v ?? '')}: expected 1-65535`);
  return n;
}

/** Seconds, with OpenSSH's optional unit suffixes (s, m, h, d, w), or `none`. */
function parseSeconds(l: ConfigLine): number {
  const v = (l.args[0] ?? '').toLowerCase();
  if (v === 'none') return 0;
  const units: Record<string, number> = { '': 1, s: 1, m: 60, h: 3600, d: 86400, w: 604800 };
  let total = 0;
  const re = /(\d+)([smhdw]?)/gy;
  let m: RegExpExecArray | null;
  let consumed = 0;
  while ((m = re.exec(v))) {
    total += Number(m[1]) * units[m[2]!]!;
    consumed = re.lastIndex;
  }
  if (v === '' || consumed !== v.length) {
    throw configError(l.file, l.line, l.argColumns[0] ?? l.column, `bad time value ${JSON.stringify(l.args[0] ?? '')} for ${l.name}`);
  }
  return total;
}

function parseCount(l: ConfigLine): number {
  const v = l.args[0] ?? '';
  if (!/^\d+$/.test(v)) throw configError(l.file, l.line, l.argColumns[0] ?? l.column, `bad number ${JSON.stringify(v)} for ${l.name}`);
  return Number(v);
}

function yesNo(l: ConfigLine | undefined): boolean | undefined {
  if (!l) return undefined;
  const v = (l.args[0] ?? '').toLowerCase();
  if (v === 'yes' || v === 'true') return true;
  if (v === 'no' || v === 'false') return false;
  throw configError(l.file, l.line, l.argColumns[0] ?? l.column, `bad value ${JSON.stringify(l.args[0] ?? '')} for ${l.name}: expected yes or no`);
}

function strictness(l: ConfigLine | undefined): StrictHostKeyChecking {
  if (!l) return 'yes';
  const v = (l.args[0] ?? '').toLowerCase();
  switch (v) {
    case 'yes':
    case 'true':
    case 'ask': // an agent cannot answer a prompt: ask is yes
      return 'yes';
    case 'no':
    case 'false':
    case 'off':
      return 'no';
    case 'accept-new':
      return 'accept-new';
  }
  throw configError(l.file, l.line, l.argColumns[0] ?? l.column, `bad StrictHostKeyChecking ${JSON.stringify(l.args[0] ?? '')}: expected yes, no, ask or accept-new`);
}

/* ---------- expansion ---------- */

export function expandTilde(path: string, home: string): string {
  if (path === '~') return home;
  if (path.startsWith('~/')) return join(home, path.slice(2));
  return path;
}

function expandHostName(l: ConfigLine, alias: string): string {
  return l.args[0]!.replace(/%([%h])/g, (_, t: string) => (t === '%' ? '%' : alias));
}

function expandEnv(value: string, l: ConfigLine, env: LocalContext['env']): string {
  return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
    const v = env[name];
    if (v === undefined) throw configError(l.file, l.line, l.column, `environment variable ${name} is not set`);
    return v;
  });
}

function tokenTable(
  local: LocalContext,
  t: { alias: string; hostname: string; port: number; user: string; hostKeyAlias: string | undefined },
): Record<string, string> {
  const short = local.localHost.split('.')[0] ?? local.localHost;
  return {
    '%': '%',
    d: local.home,
    h: t.hostname,
    n: t.alias,
    p: String(t.port),
    r: t.user,
    u: local.localUser,
    l: local.localHost,
    L: short,
    i: String(local.uid),
    k: t.hostKeyAlias ?? t.hostname,
    C: createHash('sha1').update(`${local.localHost}${t.hostname}${t.port}${t.user}`).digest('hex'),
  };
}

function expandTokens(value: string, table: Record<string, string>, l: ConfigLine): string {
  return value.replace(/%(.?)/g, (_, t: string) => {
    const v = table[t];
    if (v === undefined) throw configError(l.file, l.line, l.column, `unknown token %${t} in ${l.name}`);
    return v;
  });
}

/* ---------- include globbing ---------- */

/** Expands `*`, `?` and `[…]` in each path component, sorted as glob(3) does. */
function globSync(pattern: string): string[] {
  const parts = pattern.split('/');
  let bases = [parts[0] === '' ? '/' : parts[0]!];
  for (let i = 1; i < parts.length; i++) {
    const part = parts[i]!;
    if (part === '') continue;
    const next: string[] = [];
    for (const base of bases) {
      if (!/[*?[]/.test(part)) {
        next.push(join(base, part));
        continue;
      }
      let names: string[];
      try {
        names = readdirSync(base);
      } catch {
        continue;
      }
      for (const name of names.sort()) {
        if (name.startsWith('.') && !part.startsWith('.')) continue;
        if (matchPattern(name, part, true)) next.push(join(base, name));
      }
    }
    bases = next;
  }
  return bases.filter((p) => {
    try {
      return statSync(p).isFile();
    } catch {
      return false;
    }
  });
}
