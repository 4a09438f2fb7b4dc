/**
 * The builtins of the simulated restricted bash that HMC clients use:
 * echo, printf, read, test/[, true/false/:, export, readonly, unset, local,
 * set (-e, -o pipefail, --), shift, let, eval, pwd, sleep, and the control
 * builtins (exit, return, break, continue) that unwind through signals.
 * cd and exec are refused as rbash refuses them.
 */
import { ArithError } from './shell-arith.js';
import { ExpandError } from './shell-expand.js';
import { stdinOf, writeFd, type Io } from './shell-io.js';
import { runTest } from './shell-test.js';

/** `exit`: ends the shell (or the subshell it runs in). */
export class ExitSignal {
  constructor(readonly status: number) {}
}
/** `break N` / `continue N`: `levels` loops are left (or resumed at the outermost of them). */
export class BreakSignal {
  constructor(readonly levels: number) {}
}
export class ContinueSignal {
  constructor(readonly levels: number) {}
}
export class ReturnSignal {
  constructor(readonly status: number) {}
}

export interface ShellOptions {
  errexit: boolean;
  pipefail: boolean;
}

/** What a builtin may see and change of the shell running it. */
export interface BuiltinEnv {
  readonly prog: string;
  readonly user: string;
  readonly io: Io;
  /** Loops around the builtin in the current function (or at top level). */
  readonly loops: number;
  readonly inFunction: boolean;
  readonly lastStatus: number;
  readonly options: ShellOptions;
  positional: string[];
  lookup(name: string): string | undefined;
  /** Throws ExpandError for a readonly variable. */
  assign(name: string, value: string): void;
  unset(name: string): void;
  unsetFunction(name: string): void;
  isReadonly(name: string): boolean;
  markReadonly(name: string): void;
  markExported(name: string): void;
  exported(): string[];
  /** `local NAME`: the variable is restored when the function returns. */
  declareLocal(name: string): void;
  fileKind(path: string): 'file' | 'dir' | null;
  isVarSet(name: string): boolean;
  arith(expr: string): bigint;
  evalScript(text: string): Promise<number>;
  /** Waits, unless the command line is interrupted first. */
  sleep(ms: number): Promise<void>;
}

export type Builtin = (env: BuiltinEnv, args: string[]) => number | Promise<number>;

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function err(env: BuiltinEnv, text: string): void {
  writeFd(env.io, 2, `${env.prog}: ${text}\n`);
}

function out(env: BuiltinEnv, text: string): void {
  writeFd(env.io, 1, text);
}

const SIMPLE_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', f: '\f', v: '\v', e: '\x1b', E: '\x1b', '\\': '\\', '"': '"', "'": "'" };

/**
 * The backslash escape at `i` (the backslash) of `echo -e` (octal as `\0NNN`)
 * or of printf (octal as `\NNN`): the text it stands for and its length;
 * null text for `\c`, which ends the output.
 */
function escapeAt(text: string, i: number, printfStyle: boolean): [string | null, number] {
  const d = text[i + 1];
  if (d === undefined) return ['\\', 1];
  if (d in SIMPLE_ESCAPES && (printfStyle || (d !== '"' && d !== "'"))) return [SIMPLE_ESCAPES[d]!, 2];
  if (d === 'c') return [null, 2];
  const oct = printfStyle ? /^[0-7]{1,3}/.exec(text.slice(i + 1, i + 4)) : d === '0' ? /^0([0-7]{0,3})/.exec(text.slice(i + 1, i + 5)) : null;
  if (oct) return [String.fromCharCode(parseInt((printfStyle ? oct[0] : oct[1]) || '0', 8) & 255), 1 + oct[0].length];
  if (d === 'x') {
    const hex = /^[0-9a-fA-F]{1,2}/.exec(text.slice(i + 2, i + 4));
    if (hex) return [String.fromCharCode(parseInt(hex[0], 16)), 2 + hex[0].length];
  }
  return [`\\${d}`, 2];
}

/** All the escapes of `text`; `stop` when `\c` cut it short. */
function escapes(text: string, printfStyle: boolean): { text: string; stop: boolean } {
  let s = '';
  for (let i = 0; i < text.length; ) {
    if (text[i] !== '\\') {
      s += text[i++];
      continue;
    }
    const [piece, len] = escapeAt(text, i, printfStyle);
    if (piece === null) return { text: s, stop: true };
    s += piece;
    i += len;
  }
  return { text: s, stop: false };
}

function echo(env: BuiltinEnv, args: string[]): number {
  let newline = true;
  let interpret = false;
  let i = 0;
  for (; i < args.length && /^-[neE]+$/.test(args[i]!); i++) {
    for (const f of args[i]!.slice(1)) {
      if (f === 'n') newline = false;
      else if (f === 'e') interpret = true;
      else interpret = false;
    }
  }
  let text = args.slice(i).join(' ');
  if (interpret) {
    const e = escapes(text, false);
    text = e.text;
    if (e.stop) newline = false;
  }
  out(env, newline ? `${text}\n` : text);
  return 0;
}

/** A number argument of printf: integers, 0x hex, 0 octal, or 'c (the character's code). */
function printfNumber(env: BuiltinEnv, arg: string | undefined, bad: { failed: boolean }): number {
  if (arg === undefined || arg === '') return 0;
  if (/^['"]/.test(arg)) return arg.length > 1 ? arg.codePointAt(1)! : 0;
  const t = arg.trim();
  const n = /^[-+]?0[xX][0-9a-fA-F]+$/.test(t) ? Number.parseInt(t, 16) : /^[-+]?0[0-7]+$/.test(t) ? Number.parseInt(t, 8) : /^[-+]?[0-9]+(\.[0-9]*)?$/.test(t) ? Number(t) : NaN;
  if (Number.isNaN(n)) {
    err(env, `printf: ${arg}: invalid number`);
    bad.failed = true;
    return 0;
  }
  return n;
}

function shellQuote(s: string): string {
  if (s === '') return "''";
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : s.replace(/[^A-Za-z0-9_@%+=:,./-]/g, '\\$&');
}

function printf(env: BuiltinEnv, argv: string[]): number {
  let args = argv;
  let target: string | null = null;
  if (args[0] === '-v') {
    target = args[1] ?? null;
    if (!target || !NAME.test(target)) {
      err(env, `printf: \`${target ?? ''}': not a valid identifier`);
      return 2;
    }
    args = args.slice(2);
  }
  if (args[0] === '--') args = args.slice(1);
  const fmt = args[0];
  if (fmt === undefined) {
    err(env, 'printf: usage: printf [-v var] format [arguments]');
    return 2;
  }
  const rest = args.slice(1);
  const bad = { failed: false };
  let result = '';
  let ai = 0;
  const SPEC = /^%([-+ #0]*)(\*|\d+)?(?:\.(\*|\d*))?([diouxXcsbqfFeEgG%])/;
  for (let pass = 0; pass === 0 || (ai < rest.length && ai > 0); pass++) {
    const startAi = ai;
    for (let i = 0; i < fmt.length; ) {
      const c = fmt[i]!;
      if (c === '\\') {
        const [piece, len] = escapeAt(fmt, i, true);
        if (piece === null) break;
        result += piece;
        i += len;
        continue;
      }
      if (c !== '%') {
        result += c;
        i++;
        continue;
      }
      const m = SPEC.exec(fmt.slice(i));
      if (!m) {
        err(env, `printf: \`${fmt.slice(i + 1, i + 2)}': invalid format character`);
        return 1;
      }
      i += m[0].length;
      const conv = m[4]!;
      if (conv === '%') {
        result += '%';
        continue;
      }
      const flags = m[1]!;
      const width = m[2] === '*' ? printfNumber(env, rest[ai++], bad) : m[2] ? Number(m[2]) : 0;
      const precision = m[3] === undefined ? undefined : m[3] === '*' ? printfNumber(env, rest[ai++], bad) : Number(m[3] || '0');
      const arg = rest[ai++];
      let text: string;
      switch (conv) {
        case 's':
          text = arg ?? '';
          if (precision !== undefined) text = text.slice(0, precision);
          break;
        case 'b': {
          const e = escapes(arg ?? '', true);
          text = e.text;
          break;
        }
        case 'q':
          text = shellQuote(arg ?? '');
          break;
        case 'c':
          text = (arg ?? '').slice(0, 1);
          break;
        case 'd':
        case 'i':
        case 'u': {
          const n = Math.trunc(printfNumber(env, arg, bad));
          text = Math.abs(n).toString().padStart(precision ?? 0, '0');
          text = (n < 0 ? '-' : flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '') + text;
          break;
        }
        case 'o':
        case 'x':
        case 'X': {
          const n = Math.trunc(printfNumber(env, arg, bad));
          text = (n < 0 ? BigInt.asUintN(64, BigInt(n)) : BigInt(n)).toString(conv === 'o' ? 8 : 16);
          if (conv === 'X') text = text.toUpperCase();
          text = text.padStart(precision ?? 0, '0');
          if (flags.includes('#') && n !== 0) text = (conv === 'o' ? '0' : conv === 'x' ? '0x' : '0X') + text;
          break;
        }
        default: {
          const n = printfNumber(env, arg, bad);
          const p = precision ?? 6;
          text = conv === 'e' || conv === 'E' ? n.toExponential(p).replace(/e([+-])(\d)$/, 'e$10$2') : conv === 'g' || conv === 'G' ? String(Number(n.toPrecision(p || 1))) : n.toFixed(p);
          if (conv === 'E' || conv === 'G') text = text.toUpperCase();
          if (n >= 0 && flags.includes('+')) text = `+${text}`;
        }
      }
      if (text.length < width) {
        if (flags.includes('-')) text = text.padEnd(width);
        else if (flags.includes('0') && !'sbqc'.includes(conv)) text = text.startsWith('-') || text.startsWith('+') ? text[0] + text.slice(1).padStart(width - 1, '0') : text.padStart(width, '0');
        else text = text.padStart(width);
      }
      result += text;
    }
    if (ai === startAi) break;
  }
  if (target) env.assign(target, result);
  else out(env, result);
  return bad.failed ? 1 : 0;
}

/**
 * `read [-r] [-p PROMPT] [NAME...]`: one line of standard input split on
 * IFS, the last name taking the rest of the line. Exit 1 at end of input
 * (a last line without a newline is still assigned).
 */
function read(env: BuiltinEnv, argv: string[]): number {
  let raw = false;
  const names: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (names.length === 0 && /^-[rs]+$/.test(a)) {
      if (a.includes('r')) raw = true;
      continue;
    }
    if (names.length === 0 && (a === '-p' || a === '-t' || a === '-u')) {
      i++;
      continue;
    }
    if (names.length === 0 && a === '--') continue;
    if (names.length === 0 && a.startsWith('-') && a.length > 1) {
      err(env, `read: ${a.slice(0, 2)}: invalid option`);
      writeFd(env.io, 2, 'read: usage: read [-ers] [-a array] [-d delim] [-i text] [-n nchars] [-N nchars] [-p prompt] [-t timeout] [-u fd] [name ...]\n');
      return 2;
    }
    if (!NAME.test(a)) {
      err(env, `read: \`${a}': not a valid identifier`);
      return 1;
    }
    names.push(a);
  }
  const reader = stdinOf(env.io);
  // Characters of the line, with those a backslash protects marked (they neither split nor disappear).
  const chars: Array<{ c: string; esc: boolean }> = [];
  let complete = false;
  let gotAny = false;
  for (;;) {
    const l = reader?.readLine() ?? null;
    if (!l) break;
    gotAny = true;
    complete = l.complete;
    let line = l.line;
    let continued = false;
    if (!raw) {
      const trailing = /\\+$/.exec(line)?.[0].length ?? 0;
      if (trailing % 2 === 1 && l.complete) {
        line = line.slice(0, -1);
        continued = true;
      }
    }
    for (let i = 0; i < line.length; i++) {
      if (!raw && line[i] === '\\' && i + 1 < line.length) chars.push({ c: line[++i]!, esc: true });
      else chars.push({ c: line[i]!, esc: false });
    }
    if (!continued) break;
  }
  const ifs = env.lookup('IFS') ?? ' \t\n';
  const isWs = (x: { c: string; esc: boolean } | undefined) => !!x && !x.esc && ifs.includes(x.c) && ' \t\n'.includes(x.c);
  const isSep = (x: { c: string; esc: boolean } | undefined) => !!x && !x.esc && ifs.includes(x.c);
  const text = (list: Array<{ c: string }>) => list.map((x) => x.c).join('');
  if (names.length === 0) {
    env.assign('REPLY', text(chars));
  } else {
    let i = 0;
    while (isWs(chars[i])) i++;
    names.forEach((name, k) => {
      if (k === names.length - 1) {
        let end = chars.length;
        while (end > i && isWs(chars[end - 1])) end--;
        env.assign(name, text(chars.slice(i, end)));
        return;
      }
      const start = i;
      while (i < chars.length && !isSep(chars[i])) i++;
      env.assign(name, text(chars.slice(start, i)));
      while (isWs(chars[i])) i++;
      if (isSep(chars[i])) {
        i++;
        while (isWs(chars[i])) i++;
      }
    });
  }
  return gotAny && complete ? 0 : 1;
}

function variables(env: BuiltinEnv, name: 'export' | 'readonly' | 'local', args: string[]): number {
  let status = 0;
  const list = args.filter((a) => !/^-[nfpx]+$/.test(a));
  if (name === 'local' && !env.inFunction) {
    err(env, 'local: can only be used in a function');
    return 1;
  }
  if (list.length === 0 && name !== 'local') {
    const names = name === 'export' ? env.exported() : [];
    for (const n of names.sort()) {
      const v = env.lookup(n);
      out(env, v === undefined ? `declare -x ${n}\n` : `declare -x ${n}="${v.replace(/(["\\$`])/g, '\\$1')}"\n`);
    }
    return 0;
  }
  for (const a of list) {
    const eq = a.indexOf('=');
    const n = eq < 0 ? a : a.slice(0, eq);
    if (!NAME.test(n)) {
      err(env, `${name}: \`${a}': not a valid identifier`);
      status = 1;
      continue;
    }
    if (env.isReadonly(n) && (eq >= 0 || name === 'local')) {
      err(env, `${n}: readonly variable`);
      status = 1;
      continue;
    }
    if (name === 'local') env.declareLocal(n);
    if (eq >= 0) env.assign(n, a.slice(eq + 1));
    else if (name === 'local') env.assign(n, '');
    if (name === 'export') env.markExported(n);
    if (name === 'readonly') env.markReadonly(n);
  }
  return status;
}

function unset(env: BuiltinEnv, args: string[]): number {
  let functions = false;
  let status = 0;
  for (const a of args) {
    if (a === '-f') functions = true;
    else if (a === '-v') functions = false;
    else if (functions) env.unsetFunction(a);
    else if (env.isReadonly(a)) {
      err(env, `unset: ${a}: cannot unset: readonly variable`);
      status = 1;
    } else env.unset(a);
  }
  return status;
}

function loopControl(kind: 'break' | 'continue', env: BuiltinEnv, args: string[]): number {
  const arg = args[0];
  if (arg !== undefined && !/^-?\d+$/.test(arg)) {
    err(env, `${kind}: ${arg}: numeric argument required`);
    return 1;
  }
  const n = arg === undefined ? 1 : Number(arg);
  if (env.loops === 0) {
    err(env, `${kind}: only meaningful in a \`for', \`while', or \`until' loop`);
    return 0;
  }
  if (n < 1) {
    err(env, `${kind}: ${arg}: loop count out of range`);
    return 1;
  }
  throw kind === 'break' ? new BreakSignal(Math.min(n, env.loops)) : new ContinueSignal(Math.min(n, env.loops));
}

function setBuiltin(env: BuiltinEnv, args: string[]): number {
  if (args.length === 0) {
    for (const n of env.exported().sort()) out(env, `${n}=${env.lookup(n) ?? ''}\n`);
    return 0;
  }
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      env.positional = args.slice(i + 1);
      return 0;
    }
    if (a === '-o' || a === '+o') {
      const opt = args[++i];
      if (opt === 'pipefail') env.options.pipefail = a === '-o';
      else if (opt === 'errexit') env.options.errexit = a === '-o';
      else {
        err(env, `set: ${opt ?? ''}: invalid option name`);
        return 2;
      }
      continue;
    }
    if (/^[-+]e$/.test(a)) {
      env.options.errexit = a[0] === '-';
      continue;
    }
    if (/^[-+]/.test(a)) {
      err(env, `set: ${a.slice(0, 2)}: invalid option`);
      writeFd(env.io, 2, 'set: usage: set [-e] [-o pipefail] [--] [arg ...]\n');
      return 2;
    }
    env.positional = args.slice(i);
    return 0;
  }
  return 0;
}

export const BUILTINS: Record<string, Builtin> = {
  ':': () => 0,
  true: () => 0,
  false: () => 1,
  echo,
  printf,
  read,
  test: (env, args) => testBuiltin('test', env, args),
  '[': (env, args) => testBuiltin('[', env, args),
  pwd: (env) => (out(env, `/home/${env.user}\n`), 0),
  cd: (env) => (err(env, 'cd: restricted'), 1),
  exec: (env) => (err(env, 'exec: restricted'), 1),
  export: (env, args) => variables(env, 'export', args),
  readonly: (env, args) => variables(env, 'readonly', args),
  local: (env, args) => variables(env, 'local', args),
  unset,
  set: setBuiltin,
  break: (env, args) => loopControl('break', env, args),
  continue: (env, args) => loopControl('continue', env, args),
  shift: (env, args) => {
    const n = args[0] === undefined ? 1 : Number(args[0]);
    if (!Number.isInteger(n) || n < 0) {
      err(env, `shift: ${args[0]}: numeric argument required`);
      return 1;
    }
    if (n > env.positional.length) return 1;
    env.positional = env.positional.slice(n);
    return 0;
  },
  return: (env, args) => {
    if (!env.inFunction) {
      err(env, "return: can only `return' from a function or sourced script");
      return 1;
    }
    const n = args[0] === undefined ? env.lastStatus : Number(args[0]);
    if (!Number.isInteger(n)) {
      err(env, `return: ${args[0]}: numeric argument required`);
      throw new ReturnSignal(2);
    }
    throw new ReturnSignal(n & 255);
  },
  exit: (env, args) => exitBuiltin(env, args),
  logout: (env, args) => exitBuiltin(env, args),
  quit: (env, args) => exitBuiltin(env, args),
  let: (env, args) => {
    if (args.length === 0) {
      err(env, 'let: expression expected');
      return 1;
    }
    let last = 0n;
    for (const a of args) {
      try {
        last = env.arith(a);
      } catch (e) {
        if (!(e instanceof ArithError || e instanceof ExpandError)) throw e;
        err(env, `let: ${a}: ${e.message}`);
        return 1;
      }
    }
    return last === 0n ? 1 : 0;
  },
  eval: (env, args) => env.evalScript(args.join(' ')),
  sleep: async (env, args) => {
    const total = args.reduce((sum, a) => {
      const m = /^(\d+(?:\.\d+)?)([smhd]?)$/.exec(a);
      if (!m || Number.isNaN(sum)) return NaN;
      return sum + Number(m[1]) * { '': 1, s: 1, m: 60, h: 3600, d: 86400 }[m[2] as '' | 's' | 'm' | 'h' | 'd'];
    }, 0);
    if (args.length === 0 || Number.isNaN(total)) {
      writeFd(env.io, 2, args.length === 0 ? 'sleep: missing operand\n' : `sleep: invalid time interval '${args.find((a) => !/^\d+(\.\d+)?[smhd]?$/.test(a))}'\n`);
      return 1;
    }
    await env.sleep(total * 1000);
    return 0;
  },
};

function exitBuiltin(env: BuiltinEnv, args: string[]): number {
  const a = args[0];
  if (a !== undefined && !/^-?\d+$/.test(a)) {
    err(env, `exit: ${a}: numeric argument required`);
    throw new ExitSignal(2);
  }
  throw new ExitSignal(a === undefined ? env.lastStatus : Number(a) & 255);
}

function testBuiltin(name: 'test' | '[', env: BuiltinEnv, args: string[]): number {
  const r = runTest(name, args, { fileKind: (p) => env.fileKind(p), isVarSet: (n) => env.isVarSet(n), arith: (e) => env.arith(e) });
  if (r.error) err(env, `${name}: ${r.error}`);
  return r.status;
}
