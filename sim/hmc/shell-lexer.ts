/**
 * The lexer of the simulated restricted bash: words (quotes, backslashes,
 * `$VAR`, `${...}`, `$((...))`, backtick and `$(...)` substitution) and
 * operators, one token at a time so that the parser can run each complete
 * command before it reads the next one, as bash does with `bash -c`.
 */

export type ParamOp = ':-' | '-' | ':=' | '=' | ':+' | '+' | ':?' | '?' | '#' | '##' | '%' | '%%' | 'length';

export type Segment =
  | { kind: 'lit'; text: string; quoted: boolean }
  | { kind: 'sub'; script: string; quoted: boolean }
  | { kind: 'var'; name: string; quoted: boolean }
  | { kind: 'param'; name: string; op: ParamOp; arg: Word | null; quoted: boolean }
  | { kind: 'arith'; expr: string; quoted: boolean };

export interface Word {
  segments: Segment[];
}

export type Token =
  /** `plain` is the word's text when it has no quotes and no expansions: reserved words and assignments are recognised on it. */
  | { t: 'word'; word: Word; plain: string | null }
  /** `fd` is the number written right before a redirection operator (`2>&1`). */
  | { t: 'op'; op: string; fd?: number }
  | { t: 'eof' };

export class ShellSyntaxError extends Error {
  constructor(
    message: string,
    /** The input ends inside a quote, a compound command or after `|`/`&&`: more lines would complete it. */
    readonly incomplete: boolean,
  ) {
    super(message);
  }

  /** The line the error is on, which bash prints after the message (set by the parser). */
  sourceLine?: string;
}

/** Characters that are themselves in a word: no quoting, expansion, blank or operator. */
const PLAIN_RUN = /[^ \t\r\n;|&<>()'"\\`$]+/y;

/** Longest first, so that `&&` wins over `&` and `<<<` over `<<`. */
const OPERATORS = ['<<<', '&>>', '&&', '||', ';;', '|&', '<<', '>>', '>&', '<&', '&>', '<>', '>|', ';', '|', '&', '>', '<', '(', ')', '\n'];
export const REDIRECT_OPS = new Set(['<<<', '&>>', '<<', '>>', '>&', '<&', '&>', '<>', '>|', '>', '<']);

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

/** Substitutions nested deeper than this are refused: hostile input must not exhaust the stack. */
const MAX_NESTING = 200;
let nesting = 0;

function nested<T>(fn: () => T): T {
  if (nesting >= MAX_NESTING) throw new ShellSyntaxError('expansions nested too deeply', false);
  nesting++;
  try {
    return fn();
  } finally {
    nesting--;
  }
}

/** Scans a backtick substitution from after the opening backtick: the inner script and the index after the closing one. */
function scanBacktick(text: string, start: number): [string, number] {
  let inner = '';
  for (let i = start; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\' && i + 1 < text.length && '$`\\'.includes(text[i + 1]!)) {
      inner += text[i + 1];
      i++;
    } else if (c === '`') {
      return [inner, i + 1];
    } else {
      inner += c;
    }
  }
  throw new ShellSyntaxError("unexpected EOF while looking for matching ``'", true);
}

/** Skips a quoted string or a nested substitution at `i`; returns the index after it, or -1 when `text[i]` starts none. */
function skipQuoted(text: string, i: number): number {
  const c = text[i];
  if (c === '\\') return i + 2;
  if (c === "'") {
    const end = text.indexOf("'", i + 1);
    if (end < 0) throw new ShellSyntaxError("unexpected EOF while looking for matching `''", true);
    return end + 1;
  }
  if (c === '"') {
    let j = i + 1;
    while (j < text.length && text[j] !== '"') {
      if (text[j] === '\\') j += 2;
      else if (text[j] === '`') j = scanBacktick(text, j + 1)[1];
      else if (text[j] === '$' && text[j + 1] === '(') j = scanDollarParen(text, j + 2)[1];
      else j++;
    }
    if (j >= text.length) throw new ShellSyntaxError('unexpected EOF while looking for matching `"\'', true);
    return j + 1;
  }
  if (c === '`') return scanBacktick(text, i + 1)[1];
  return -1;
}

/** Scans `$(...)` from after `$(`, honouring nested parentheses and quotes. */
function scanDollarParen(text: string, start: number): [string, number] {
  return nested(() => scanDollarParenAt(text, start));
}

function scanDollarParenAt(text: string, start: number): [string, number] {
  let depth = 1;
  let i = start;
  while (i < text.length) {
    const skipped = skipQuoted(text, i);
    if (skipped >= 0) {
      i = skipped;
      continue;
    }
    const c = text[i]!;
    if (c === '(') depth++;
    if (c === ')' && --depth === 0) return [text.slice(start, i), i + 1];
    i++;
  }
  throw new ShellSyntaxError("unexpected EOF while looking for matching `)'", true);
}

/** `$((expr))` from after `$((`: the expression and the index after `))`, or null when the parentheses do not close as `))` (then it is `$( (...) )`). */
function scanArith(text: string, start: number): [string, number] | null {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const c = text[i]!;
    if (c === '(') depth++;
    else if (c === ')') {
      if (depth === 0) return text[i + 1] === ')' ? [text.slice(start, i), i + 2] : null;
      depth--;
    }
  }
  throw new ShellSyntaxError("unexpected EOF while looking for matching `))'", true);
}

/** `${...}` from after `${`: the inner text and the index after the closing brace. */
function scanBrace(text: string, start: number): [string, number] {
  return nested(() => scanBraceAt(text, start));
}

function scanBraceAt(text: string, start: number): [string, number] {
  let i = start;
  while (i < text.length) {
    const skipped = skipQuoted(text, i);
    if (skipped >= 0) {
      i = skipped;
      continue;
    }
    if (text[i] === '$' && text[i + 1] === '{') {
      i = scanBrace(text, i + 2)[1];
      continue;
    }
    if (text[i] === '}') return [text.slice(start, i), i + 1];
    i++;
  }
  throw new ShellSyntaxError("unexpected EOF while looking for matching `}'", true);
}

const PARAM_OPS: ParamOp[] = [':-', ':=', ':+', ':?', '##', '%%', '-', '=', '+', '?', '#', '%'];

/** The inside of `${...}`: a name (or special parameter), then an optional operator and word. */
function parseBraced(inner: string, quoted: boolean): Segment {
  return nested(() => parseBracedText(inner, quoted));
}

function parseBracedText(inner: string, quoted: boolean): Segment {
  const bad = () => new ShellSyntaxError(`\${${inner}}: bad substitution`, false);
  if (inner.startsWith('#') && inner.length > 1) {
    const name = inner.slice(1);
    if (!isParamName(name)) throw bad();
    return { kind: 'param', name, op: 'length', arg: null, quoted };
  }
  const m = /^(?:[A-Za-z_][A-Za-z0-9_]*|[0-9]+|[?$#@*!-])/.exec(inner);
  if (!m) throw bad();
  const name = m[0];
  const rest = inner.slice(name.length);
  if (rest === '') return { kind: 'var', name, quoted };
  const op = PARAM_OPS.find((o) => rest.startsWith(o));
  if (!op) throw bad();
  return { kind: 'param', name, op, arg: lexWordText(rest.slice(op.length), quoted), quoted };
}

function isParamName(name: string): boolean {
  return /^(?:[A-Za-z_][A-Za-z0-9_]*|[0-9]+|[?$#@*!-])$/.test(name);
}

/** `$NAME`, `${...}`, `$?`, `$1`, `$((...))` or `$(...)` at `i` (the `$`); null when the `$` is literal. */
function scanDollar(text: string, i: number, quoted: boolean): [Segment, number] | null {
  const next = text[i + 1];
  if (next === '(') {
    if (text[i + 2] === '(') {
      const arith = scanArith(text, i + 3);
      if (arith) return [{ kind: 'arith', expr: arith[0], quoted }, arith[1]];
    }
    const [script, end] = scanDollarParen(text, i + 2);
    return [{ kind: 'sub', script, quoted }, end];
  }
  if (next === '{') {
    const [inner, end] = scanBrace(text, i + 2);
    return [parseBraced(inner, quoted), end];
  }
  if (next !== undefined && '?$#@*!-0123456789'.includes(next)) return [{ kind: 'var', name: next, quoted }, i + 2];
  const m = NAME.exec(text.slice(i + 1, i + 257));
  if (m) return [{ kind: 'var', name: m[0], quoted }, i + 1 + m[0].length];
  return null;
}

/** Accumulates the segments of one word. */
class WordBuilder {
  segs: Segment[] | null = null;

  lit(s: string, quoted: boolean): void {
    this.segs ??= [];
    const last = this.segs[this.segs.length - 1];
    if (last && last.kind === 'lit' && last.quoted === quoted) last.text += s;
    else this.segs.push({ kind: 'lit', text: s, quoted });
  }

  push(seg: Segment): void {
    (this.segs ??= []).push(seg);
  }

  /** An empty pair of quotes still makes a word. */
  touch(): void {
    this.segs ??= [];
  }
}

/** Reads the inside of a double-quoted string from `i` (after the opening quote) into `b`; returns the index after the closing quote. */
function lexDoubleQuoted(text: string, i: number, b: WordBuilder): number {
  return lexInsideQuotes(text, i, b, true);
}

/**
 * Lexes `text` as the inside of double quotes that never close (a prompt
 * string after its escapes are decoded): `$` and backquote expansions,
 * backslash before `$`, backquote, `"` and backslash; everything else literal.
 */
export function lexQuotedText(text: string): Word {
  const b = new WordBuilder();
  lexInsideQuotes(text, 0, b, false);
  return { segments: b.segs! };
}

/**
 * The inside of double quotes from `i`. `closing`: a `"` ends it (the index
 * after it is returned), the end of the text is an error, and a backslash
 * before a newline joins lines; otherwise it runs to the end of the text.
 */
function lexInsideQuotes(text: string, i: number, b: WordBuilder, closing: boolean): number {
  b.touch();
  b.lit('', true);
  const escapable = closing ? '"\\$`\n' : '"\\$`';
  for (;;) {
    if (i >= text.length) {
      if (closing) throw new ShellSyntaxError('unexpected EOF while looking for matching `"\'', true);
      return i;
    }
    const d = text[i]!;
    if (closing && d === '"') return i + 1;
    if (d === '\\' && i + 1 < text.length && escapable.includes(text[i + 1]!)) {
      if (text[i + 1] !== '\n') b.lit(text[i + 1]!, true);
      i += 2;
    } else if (d === '`') {
      const [script, end] = scanBacktick(text, i + 1);
      b.push({ kind: 'sub', script, quoted: true });
      i = end;
    } else if (d === '$') {
      const s = scanDollar(text, i, true);
      if (s) {
        b.push(s[0]);
        i = s[1];
      } else {
        b.lit('$', true);
        i++;
      }
    } else {
      b.lit(d, true);
      i++;
    }
  }
}

/** Lexes `text` as the contents of a word (the word of `${X:-word}`), quotes and expansions included. */
export function lexWordText(text: string, quoted: boolean): Word {
  const b = new WordBuilder();
  b.touch();
  let i = 0;
  while (i < text.length) i = lexWordChar(text, i, b, quoted);
  return { segments: b.segs! };
}

/** One piece of a word at `i` (a character, a quoted string, an expansion); returns the next index. */
function lexWordChar(text: string, i: number, b: WordBuilder, inQuotes = false): number {
  const c = text[i]!;
  if (c === '\\') {
    // A trailing backslash continues the line: an interactive shell asks for the next one.
    if (i + 1 >= text.length) throw new ShellSyntaxError('unexpected end of input after \\', true);
    if (text[i + 1] !== '\n') b.lit(text[i + 1]!, true);
    else b.touch();
    return i + 2;
  }
  if (c === "'" && !inQuotes) {
    const end = text.indexOf("'", i + 1);
    if (end < 0) throw new ShellSyntaxError("unexpected EOF while looking for matching `''", true);
    b.touch();
    b.lit(text.slice(i + 1, end), true);
    return end + 1;
  }
  if (c === '"') return lexDoubleQuoted(text, i + 1, b);
  if (c === '`') {
    const [script, end] = scanBacktick(text, i + 1);
    b.push({ kind: 'sub', script, quoted: inQuotes });
    return end;
  }
  if (c === '$') {
    const s = scanDollar(text, i, inQuotes);
    if (s) {
      b.push(s[0]);
      return s[1];
    }
  }
  b.lit(c, inQuotes);
  return i + 1;
}

/** The text of a word without quotes or expansions, or null when it has any. */
function plainText(segs: Segment[]): string | null {
  if (segs.length !== 1) return null;
  const s = segs[0]!;
  return s.kind === 'lit' && !s.quoted ? s.text : null;
}

export class Lexer {
  pos = 0;
  /** Where the last token read starts, for messages. */
  tokenStart = 0;

  constructor(readonly text: string) {}

  next(): Token {
    const text = this.text;
    for (;;) {
      if (this.pos >= text.length) return { t: 'eof' };
      const c = text[this.pos]!;
      if (c === ' ' || c === '\t' || c === '\r') {
        this.pos++;
        continue;
      }
      if (c === '\\' && text[this.pos + 1] === '\n') {
        this.pos += 2;
        continue;
      }
      if (c === '#') {
        while (this.pos < text.length && text[this.pos] !== '\n') this.pos++;
        continue;
      }
      break;
    }
    this.tokenStart = this.pos;
    const op = this.operatorAt(this.pos);
    if (op) {
      this.pos += op.length;
      return { t: 'op', op };
    }
    const b = new WordBuilder();
    const start = this.pos;
    while (this.pos < text.length) {
      // Runs of ordinary characters are taken at once: parsing stays fast on long scripts.
      PLAIN_RUN.lastIndex = this.pos;
      const run = PLAIN_RUN.exec(text);
      if (run) {
        b.lit(run[0], false);
        this.pos += run[0].length;
        continue;
      }
      const c = text[this.pos]!;
      if (c === ' ' || c === '\t' || c === '\r' || this.operatorAt(this.pos)) break;
      this.pos = lexWordChar(text, this.pos, b);
    }
    // `2>&1`: digits written right before a redirection operator are its file descriptor.
    const redir = this.operatorAt(this.pos);
    const digits = text.slice(start, this.pos);
    if (redir && REDIRECT_OPS.has(redir) && /^\d{1,2}$/.test(digits) && !redir.startsWith('&')) {
      this.pos += redir.length;
      return { t: 'op', op: redir, fd: Number(digits) };
    }
    const segs = b.segs ?? [];
    return { t: 'word', word: { segments: segs }, plain: plainText(segs) };
  }

  /** The text of the line the last token started on. */
  lineText(): string {
    const start = this.text.lastIndexOf('\n', this.tokenStart - 1) + 1;
    const end = this.text.indexOf('\n', this.tokenStart);
    return this.text.slice(start, end < 0 ? this.text.length : end);
  }

  private operatorAt(i: number): string | undefined {
    const c = this.text[i]!;
    if (!';|&<>()\n'.includes(c)) return undefined;
    return OPERATORS.find((o) => this.text.startsWith(o, i));
  }

  /**
   * The word right of `=~` in `[[ ]]`: a regular expression, in which
   * parentheses and `|` are characters, up to a blank outside parentheses.
   */
  nextRegexWord(): Token {
    const text = this.text;
    while (text[this.pos] === ' ' || text[this.pos] === '\t') this.pos++;
    const b = new WordBuilder();
    let depth = 0;
    while (this.pos < text.length) {
      const c = text[this.pos]!;
      if ((c === ' ' || c === '\t' || c === '\n') && depth === 0) break;
      if (c === '(') depth++;
      if (c === ')') {
        if (depth === 0) break;
        depth--;
      }
      if ('()|<>&;'.includes(c)) {
        b.lit(c, false);
        this.pos++;
        continue;
      }
      this.pos = lexWordChar(text, this.pos, b);
    }
    const segs = b.segs ?? [];
    if (segs.length === 0) return this.next();
    return { t: 'word', word: { segments: segs }, plain: plainText(segs) };
  }

  /** Reads the raw text of `(( ... ))` after `((`, up to the matching `))`. */
  readArithmetic(): string {
    const r = scanArith(this.text, this.pos);
    if (!r) throw new ShellSyntaxError("syntax error near unexpected token `)'", false);
    this.pos = r[1];
    return r[0];
  }
}

/** Plain text of a word without expansions (for messages about a word that was not expanded). */
export function wordText(w: Word): string {
  return w.segments
    .map((s) => {
      switch (s.kind) {
        case 'lit':
          return s.text;
        case 'var':
          return `$${s.name}`;
        case 'param':
          return `\${${s.name}}`;
        case 'arith':
          return `$((${s.expr}))`;
        default:
          return `$(${s.script})`;
      }
    })
    .join('');
}
