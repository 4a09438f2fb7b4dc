/**
 * Word expansion as bash does it: tilde, parameters (`$X`, `${X:-word}`,
 * `${#X}`, `${X%pat}`...), command substitution and arithmetic, then field
 * splitting on IFS for unquoted results, then quote removal. Pattern words
 * (`case`, `[[ == ]]`) keep their quoted parts literal instead.
 */
import { escapeGlob, trimPattern } from './shell-glob.js';
import { lexWordText, ShellSyntaxError, type ParamOp, type Segment, type Word } from './shell-lexer.js';

/** An expansion that fails (`${X:?}`, an arithmetic error, a readonly variable): the command fails with this message. */
export class ExpandError extends Error {
  /** `${X:?}`: a shell that is not interactive exits. */
  fatal = false;
}

export interface ExpandHost {
  /** A variable or special parameter (`?`, `#`, `1`...); undefined when unset. */
  lookup(name: string): string | undefined;
  positional(): string[];
  assign(name: string, value: string): void;
  /** `$(...)`: the script's output without its trailing newlines. */
  substitute(script: string): Promise<string>;
  arith(expr: string): string;
  ifs(): string;
  home(): string;
}

/** One expanded piece of a word: its text, whether quotes protect it, whether it came from an expansion (and so is split). */
type Piece = { text: string; quoted: boolean; split: boolean } | { at: string[] };

const DEFAULT_IFS = ' \t\n';

async function pieces(w: Word, host: ExpandHost, tilde: boolean): Promise<Piece[]> {
  const out: Piece[] = [];
  for (let i = 0; i < w.segments.length; i++) {
    const s = w.segments[i]!;
    if (s.kind === 'lit') {
      let text = s.text;
      // `~` or `~/...` at the start of an unquoted word is the home directory.
      if (tilde && i === 0 && !s.quoted && (text === '~' || text.startsWith('~/'))) {
        out.push({ text: host.home(), quoted: true, split: false });
        text = text.slice(1);
      }
      out.push({ text, quoted: s.quoted, split: false });
      continue;
    }
    if (s.kind === 'var' && s.name === '@' && s.quoted) {
      out.push({ at: host.positional() });
      continue;
    }
    const text = await segmentValue(s, host);
    out.push({ text, quoted: s.quoted, split: !s.quoted });
  }
  return out;
}

async function segmentValue(s: Exclude<Segment, { kind: 'lit' }>, host: ExpandHost): Promise<string> {
  switch (s.kind) {
    case 'var':
      if (s.name === '@' || s.name === '*') return host.positional().join(s.name === '*' && s.quoted ? (host.ifs()[0] ?? '') : ' ');
      return host.lookup(s.name) ?? '';
    case 'sub':
      return host.substitute(s.script);
    case 'arith': {
      // Parameters and substitutions inside the expression are expanded first.
      const expr = await expandString(lexArith(s.expr), host);
      return host.arith(expr);
    }
    case 'param':
      return paramValue(s.name, s.op, s.arg, host);
  }
}

/**
 * The words of an arithmetic expression, lexed when it is evaluated: a malformed one (`(( ${ ))`)
 * fails that command as an expansion does (status 1), as bash's "bad substitution" does.
 */
export function lexArith(expr: string): Word {
  try {
    return lexWordText(expr, true);
  } catch (e) {
    if (e instanceof ShellSyntaxError) throw new ExpandError(`${expr.trim()}: ${e.message}`);
    throw e;
  }
}

async function paramValue(name: string, op: ParamOp, arg: Word | null, host: ExpandHost): Promise<string> {
  const value = name === '@' || name === '*' ? host.positional().join(' ') : host.lookup(name);
  const isSet = name === '@' || name === '*' ? host.positional().length > 0 : value !== undefined;
  const nonEmpty = isSet && value !== '';
  const word = async () => (arg ? expandString(arg, host) : '');
  switch (op) {
    case 'length':
      return String(name === '@' || name === '*' ? host.positional().length : [...(value ?? '')].length);
    case ':-':
      return nonEmpty ? value! : word();
    case '-':
      return isSet ? value! : word();
    case ':=':
    case '=': {
      if (op === ':=' ? nonEmpty : isSet) return value!;
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new ExpandError(`$${name}: cannot assign in this way`);
      const v = await word();
      host.assign(name, v);
      return v;
    }
    case ':+':
      return nonEmpty ? word() : '';
    case '+':
      return isSet ? word() : '';
    case ':?':
    case '?': {
      if (op === ':?' ? nonEmpty : isSet) return value!;
      const msg = await word();
      const e = new ExpandError(`${name}: ${msg || (op === ':?' ? 'parameter null or not set' : 'parameter not set')}`);
      e.fatal = true;
      throw e;
    }
    case '#':
    case '##':
    case '%':
    case '%%':
      return trimPattern(value ?? '', arg ? await expandPattern(arg, host) : '', op);
  }
}

/** Splits an unquoted expansion on IFS: the pieces, and for each boundary whether a non-blank IFS character made it (it then delimits even an empty field). */
function ifsSplit(value: string, ifs: string): { parts: string[]; forced: boolean[] } {
  if (ifs === '') return { parts: [value], forced: [] };
  const isWs = (c: string | undefined) => c !== undefined && ifs.includes(c) && ' \t\n'.includes(c);
  const isDelim = (c: string | undefined) => c !== undefined && ifs.includes(c) && !' \t\n'.includes(c);
  const parts = [''];
  const forced: boolean[] = [];
  let i = 0;
  while (i < value.length) {
    const c = value[i]!;
    if (isWs(c) || isDelim(c)) {
      let j = i;
      while (isWs(value[j])) j++;
      let hard = false;
      if (isDelim(value[j])) {
        hard = true;
        j++;
        while (isWs(value[j])) j++;
      }
      forced.push(hard);
      parts.push('');
      i = j;
      continue;
    }
    parts[parts.length - 1] += c;
    i++;
  }
  return { parts, forced };
}

/** The fields a word expands to (command arguments, `for` lists). */
export async function expandFields(w: Word, host: ExpandHost): Promise<string[]> {
  const ps = await pieces(w, host, true);
  const ifs = host.lookup('IFS') ?? DEFAULT_IFS;
  const fields: string[] = [];
  let cur = '';
  let have = false;
  for (const p of ps) {
    if ('at' in p) {
      // "$@": each positional parameter is a field of its own.
      p.at.forEach((item, k) => {
        if (k > 0) fields.push(cur), (cur = '');
        cur += item;
        have = true;
      });
      continue;
    }
    if (!p.split) {
      cur += p.text;
      have = have || p.quoted || p.text !== '';
      continue;
    }
    const { parts, forced } = ifsSplit(p.text, ifs);
    parts.forEach((part, k) => {
      if (k > 0) {
        if (forced[k - 1] || have || cur !== '') fields.push(cur);
        cur = '';
        have = false;
      }
      cur += part;
      if (part !== '') have = true;
    });
  }
  if (have || cur !== '') fields.push(cur);
  return fields;
}

/** A word expanded without field splitting (assignments, `case` words, redirection targets). */
export async function expandString(w: Word, host: ExpandHost): Promise<string> {
  const ps = await pieces(w, host, true);
  return ps.map((p) => ('at' in p ? p.at.join(' ') : p.text)).join('');
}

/** A word as a pattern: what quotes protect is escaped, so only unquoted `*`, `?` and `[` match. */
export async function expandPattern(w: Word, host: ExpandHost): Promise<string> {
  const ps = await pieces(w, host, true);
  return ps.map((p) => ('at' in p ? escapeGlob(p.at.join(' ')) : p.quoted ? escapeGlob(p.text) : p.text)).join('');
}
