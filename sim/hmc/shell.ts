/**
 * The parser of the simulated restricted bash: lists (`;`, `&&`, `||`,
 * newlines), pipelines (`|`, `|&`, `!`), simple commands with assignments
 * and redirections, and the compound commands of bash that scripts run on
 * an HMC use: `{ }`, `( )`, `for`, `while`, `until`, `if`, `case`,
 * `(( ))`, `[[ ]]` and functions. Redirections are parsed so that the
 * interpreter can refuse the ones rbash refuses.
 *
 * Parsing never executes anything; interpreter.ts does.
 */
import { Lexer, REDIRECT_OPS, ShellSyntaxError, wordText, type Token, type Word } from './shell-lexer.js';

export { ShellSyntaxError, wordText, type Segment, type Word } from './shell-lexer.js';

export interface Redirect {
  /** The file descriptor written before the operator (`2>`), null when none was. */
  fd: number | null;
  op: string;
  target: Word;
}

export interface SimpleCommand {
  kind: 'simple';
  assignments: Array<{ name: string; value: Word }>;
  words: Word[];
  redirects: Redirect[];
}

export interface CaseItem {
  patterns: Word[];
  body: List;
}

export type CompoundBody =
  | { kind: 'group'; body: List }
  | { kind: 'subshell'; body: List }
  | { kind: 'for'; name: string; items: Word[] | null; body: List }
  /** `for ((init; cond; step))`. */
  | { kind: 'cfor'; init: string; cond: string; step: string; body: List }
  | { kind: 'while'; until: boolean; cond: List; body: List }
  | { kind: 'if'; branches: Array<{ cond: List; body: List }>; otherwise: List | null }
  | { kind: 'case'; word: Word; items: CaseItem[] }
  | { kind: 'arith'; expr: string }
  /** `[[ ... ]]`: its words and operators, evaluated without word splitting. */
  | { kind: 'cond'; tokens: CondToken[] };

export type CondToken = { t: 'word'; word: Word; plain: string | null } | { t: 'op'; op: string };

export interface CompoundCommand {
  kind: 'compound';
  body: CompoundBody;
  redirects: Redirect[];
}

export interface FunctionDef {
  kind: 'function';
  name: string;
  body: CompoundCommand;
}

export type Command = SimpleCommand | CompoundCommand | FunctionDef;

export interface Pipeline {
  /** `! pipeline`: the status is negated. */
  negate: boolean;
  commands: Command[];
}

export interface AndOrList {
  first: Pipeline;
  rest: Array<{ op: '&&' | '||'; pipeline: Pipeline }>;
}

export type List = AndOrList[];
export type Script = List;

const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)=/;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Reserved words that end a list; anywhere else in command position they are syntax errors. */
const CLOSERS = new Set(['then', 'else', 'elif', 'fi', 'do', 'done', 'esac', '}']);
/** Deeper nesting is refused rather than risking the stack on hostile input. */
const MAX_NESTING = 200;

const EOF_ERROR = () => new ShellSyntaxError('syntax error: unexpected end of file', true);

/** What bash names a token in "syntax error near unexpected token `X'". */
function tokenName(t: Token): string {
  if (t.t === 'eof') return 'newline';
  if (t.t === 'op') return t.op === '\n' ? 'newline' : t.op;
  return wordText(t.word);
}

function unexpected(t: Token): ShellSyntaxError {
  if (t.t === 'eof') return EOF_ERROR();
  return new ShellSyntaxError(`syntax error near unexpected token \`${tokenName(t)}'`, false);
}

/** Reads a script one complete command at a time (`next()`), as bash runs `bash -c` and its input. */
export class ScriptParser {
  private readonly lexer: Lexer;
  private peeked: Token | null = null;
  private depth = 0;

  constructor(text: string) {
    this.lexer = new Lexer(text);
  }

  private peek(): Token {
    return (this.peeked ??= this.lexer.next());
  }

  private take(): Token {
    const t = this.peek();
    this.peeked = null;
    return t;
  }

  private isOp(op: string): boolean {
    const t = this.peek();
    return t.t === 'op' && t.op === op;
  }

  private isWord(word: string): boolean {
    const t = this.peek();
    return t.t === 'word' && t.plain === word;
  }

  private expectWord(word: string): void {
    if (!this.isWord(word)) throw unexpected(this.peek());
    this.take();
  }

  private skipNewlines(): void {
    while (this.isOp('\n')) this.take();
  }

  /** How much of the text the commands returned so far took. */
  get consumed(): number {
    if (!this.peeked) return this.lexer.pos;
    return this.peeked.t === 'eof' ? this.lexer.text.length : this.lexer.tokenStart;
  }

  /** The next complete command of the script (a list ended by a newline), or null at the end. */
  next(): List | null {
    try {
      return this.nextList();
    } catch (e) {
      if (e instanceof ShellSyntaxError && !e.incomplete && e.sourceLine === undefined) e.sourceLine = this.lexer.lineText();
      throw e;
    }
  }

  private nextList(): List | null {
    this.skipNewlines();
    if (this.peek().t === 'eof') return null;
    const list: List = [];
    for (;;) {
      list.push(this.andOr());
      const t = this.peek();
      if (t.t === 'eof') break;
      if (t.t === 'op' && t.op === '\n') {
        this.take();
        break;
      }
      if (t.t === 'op' && (t.op === ';' || t.op === '&')) {
        this.take();
        const after = this.peek();
        if (after.t === 'eof') break;
        if (after.t === 'op' && after.op === '\n') {
          this.take();
          break;
        }
        continue;
      }
      throw unexpected(t);
    }
    return list;
  }

  /**
   * A compound list inside a compound command: and-or lists separated by
   * `;`, `&` or newlines, up to one of `closers` (reserved words), `)` for a
   * subshell, or `;;` inside a case item. `emptyOk` only for case items.
   */
  private list(closers: ReadonlySet<string>, opts: { paren?: boolean; inCase?: boolean; emptyOk?: boolean } = {}): List {
    const list: List = [];
    const atEnd = () => {
      const t = this.peek();
      if (t.t === 'eof') return true;
      if (t.t === 'word' && t.plain !== null && closers.has(t.plain)) return true;
      if (t.t === 'op' && ((opts.paren && t.op === ')') || (opts.inCase && t.op === ';;'))) return true;
      return false;
    };
    this.skipNewlines();
    while (!atEnd()) {
      list.push(this.andOr());
      const t = this.peek();
      if (t.t === 'op' && (t.op === ';' || t.op === '&' || t.op === '\n')) {
        this.take();
        this.skipNewlines();
        continue;
      }
      if (!atEnd()) throw unexpected(t);
    }
    if (this.peek().t === 'eof') throw EOF_ERROR();
    if (list.length === 0 && !opts.emptyOk) throw unexpected(this.peek());
    return list;
  }

  private andOr(): AndOrList {
    const list: AndOrList = { first: this.pipeline(), rest: [] };
    for (;;) {
      const t = this.peek();
      if (t.t !== 'op' || (t.op !== '&&' && t.op !== '||')) return list;
      this.take();
      this.skipNewlines();
      list.rest.push({ op: t.op, pipeline: this.pipeline() });
    }
  }

  private pipeline(): Pipeline {
    let negate = false;
    while (this.isWord('!')) {
      this.take();
      negate = !negate;
    }
    const p: Pipeline = { negate, commands: [this.command()] };
    for (;;) {
      const t = this.peek();
      if (t.t !== 'op' || (t.op !== '|' && t.op !== '|&')) return p;
      this.take();
      // `a |& b` is `a 2>&1 | b`.
      if (t.op === '|&') redirectsOf(p.commands[p.commands.length - 1]!)?.push({ fd: 2, op: '>&', target: { segments: [{ kind: 'lit', text: '1', quoted: false }] } });
      this.skipNewlines();
      p.commands.push(this.command());
    }
  }

  private command(): Command {
    if (++this.depth > MAX_NESTING) throw new ShellSyntaxError('commands nested too deeply', false);
    try {
      const t = this.peek();
      if (t.t === 'word' && t.plain !== null) {
        if (CLOSERS.has(t.plain)) throw unexpected(t);
        const compound = this.compoundBody(t.plain);
        if (compound) return this.withRedirects(compound);
        if (t.plain === 'function') return this.functionKeyword();
      }
      if (t.t === 'op' && t.op === '(') {
        this.take();
        // `((expr))` right after the parenthesis is an arithmetic command.
        if (this.lexer.text[this.lexer.pos] === '(') {
          this.lexer.pos++;
          return this.withRedirects({ kind: 'arith', expr: this.lexer.readArithmetic() });
        }
        const body = this.list(new Set(), { paren: true });
        this.take();
        return this.withRedirects({ kind: 'subshell', body });
      }
      return this.simple();
    } finally {
      this.depth--;
    }
  }

  private withRedirects(body: CompoundBody): CompoundCommand {
    const cmd: CompoundCommand = { kind: 'compound', body, redirects: [] };
    while (this.isRedirect()) cmd.redirects.push(this.redirect());
    return cmd;
  }

  private isRedirect(): boolean {
    const t = this.peek();
    return t.t === 'op' && REDIRECT_OPS.has(t.op);
  }

  private redirect(): Redirect {
    const op = this.take() as Extract<Token, { t: 'op' }>;
    if (op.op === '<<') throw new ShellSyntaxError('here-documents are not supported by this shell; use <<< or a pipe', false);
    const target = this.take();
    if (target.t !== 'word') throw unexpected(target);
    return { fd: op.fd ?? null, op: op.op, target: target.word };
  }

  /** The compound command a reserved word starts, or null when `word` starts none. */
  private compoundBody(word: string): CompoundBody | null {
    switch (word) {
      case '{': {
        this.take();
        const body = this.list(new Set(['}']));
        this.expectWord('}');
        return { kind: 'group', body };
      }
      case 'if':
        return this.ifClause();
      case 'for':
        return this.forClause();
      case 'while':
      case 'until': {
        this.take();
        const cond = this.list(new Set(['do']));
        this.expectWord('do');
        const body = this.list(new Set(['done']));
        this.expectWord('done');
        return { kind: 'while', until: word === 'until', cond, body };
      }
      case 'case':
        return this.caseClause();
      case '[[':
        return this.condClause();
      default:
        return null;
    }
  }

  private ifClause(): CompoundBody {
    this.take();
    const branches: Array<{ cond: List; body: List }> = [];
    let otherwise: List | null = null;
    for (;;) {
      const cond = this.list(new Set(['then']));
      this.expectWord('then');
      const body = this.list(new Set(['elif', 'else', 'fi']));
      branches.push({ cond, body });
      const t = this.take() as Extract<Token, { t: 'word' }>;
      if (t.plain === 'elif') continue;
      if (t.plain === 'else') {
        otherwise = this.list(new Set(['fi']));
        this.expectWord('fi');
      }
      return { kind: 'if', branches, otherwise };
    }
  }

  private forClause(): CompoundBody {
    this.take();
    if (this.isOp('(') && this.lexer.text[this.lexer.pos] === '(') {
      this.take();
      this.lexer.pos++;
      return this.arithFor(this.lexer.readArithmetic());
    }
    const n = this.take();
    if (n.t !== 'word') throw unexpected(n);
    if (n.plain === null || !NAME.test(n.plain)) {
      const e = new ShellSyntaxError(`\`${wordText(n.word)}': not a valid identifier`, false);
      e.sourceLine = '';
      throw e;
    }
    let items: Word[] | null = null;
    this.skipNewlines();
    if (this.isWord('in')) {
      this.take();
      items = [];
      for (;;) {
        const t = this.peek();
        if (t.t === 'word') {
          items.push(t.word);
          this.take();
          continue;
        }
        if (t.t === 'op' && (t.op === ';' || t.op === '\n')) {
          this.take();
          break;
        }
        throw unexpected(t);
      }
    } else if (this.isOp(';')) {
      this.take();
    }
    this.skipNewlines();
    this.expectWord('do');
    const body = this.list(new Set(['done']));
    this.expectWord('done');
    return { kind: 'for', name: n.plain, items, body };
  }

  private arithFor(header: string): CompoundBody {
    const parts = header.split(';');
    if (parts.length !== 3) throw new ShellSyntaxError(`syntax error: arithmetic expression required`, false);
    if (this.isOp(';')) this.take();
    this.skipNewlines();
    let body: List;
    if (this.isWord('{')) {
      this.take();
      body = this.list(new Set(['}']));
      this.expectWord('}');
    } else {
      this.expectWord('do');
      body = this.list(new Set(['done']));
      this.expectWord('done');
    }
    return { kind: 'cfor', init: parts[0]!, cond: parts[1]!, step: parts[2]!, body };
  }

  private caseClause(): CompoundBody {
    this.take();
    const w = this.take();
    if (w.t !== 'word') throw unexpected(w);
    this.skipNewlines();
    this.expectWord('in');
    const items: CaseItem[] = [];
    for (;;) {
      this.skipNewlines();
      if (this.isWord('esac')) {
        this.take();
        return { kind: 'case', word: w.word, items };
      }
      if (this.isOp('(')) this.take();
      const patterns: Word[] = [];
      for (;;) {
        const p = this.take();
        if (p.t !== 'word') throw unexpected(p);
        patterns.push(p.word);
        const sep = this.take();
        if (sep.t === 'op' && sep.op === '|') continue;
        if (sep.t === 'op' && sep.op === ')') break;
        throw unexpected(sep);
      }
      const body = this.list(new Set(['esac']), { inCase: true, emptyOk: true });
      items.push({ patterns, body });
      if (this.isOp(';;')) this.take();
      else if (!this.isWord('esac')) throw unexpected(this.peek());
    }
  }

  /** `[[ ... ]]`: words and the operators `&&`, `||`, `!`, `(`, `)`, `<`, `>` up to `]]`. */
  private condClause(): CompoundBody {
    this.take();
    const tokens: CondToken[] = [];
    for (;;) {
      const prev = tokens[tokens.length - 1];
      const t = prev?.t === 'word' && prev.plain === '=~' ? this.lexer.nextRegexWord() : this.take();
      if (t.t === 'eof') throw EOF_ERROR();
      if (t.t === 'word') {
        if (t.plain === ']]') break;
        tokens.push(t);
        continue;
      }
      if (['&&', '||', '(', ')', '<', '>'].includes(t.op) && t.fd === undefined) {
        tokens.push({ t: 'op', op: t.op });
        continue;
      }
      if (t.op === '\n') continue;
      throw unexpected(t);
    }
    if (tokens.length === 0) throw unexpected({ t: 'word', word: { segments: [{ kind: 'lit', text: ']]', quoted: false }] }, plain: ']]' });
    return { kind: 'cond', tokens };
  }

  /** `function NAME [()] compound-command`. */
  private functionKeyword(): FunctionDef {
    this.take();
    const n = this.take();
    if (n.t !== 'word' || n.plain === null || !NAME.test(n.plain)) throw unexpected(n);
    if (this.isOp('(')) {
      this.take();
      if (!this.isOp(')')) throw unexpected(this.peek());
      this.take();
    }
    return this.functionBody(n.plain);
  }

  private functionBody(name: string): FunctionDef {
    this.skipNewlines();
    const t = this.peek();
    const body = t.t === 'word' && t.plain !== null ? this.compoundBody(t.plain) : t.t === 'op' && t.op === '(' ? null : undefined;
    if (body) return { kind: 'function', name, body: this.withRedirects(body) };
    if (body === null) {
      const c = this.command();
      if (c.kind === 'compound') return { kind: 'function', name, body: c };
    }
    throw unexpected(this.peek());
  }

  private simple(): Command {
    const cmd: SimpleCommand = { kind: 'simple', assignments: [], words: [], redirects: [] };
    for (;;) {
      const t = this.peek();
      if (t.t === 'op') {
        if (REDIRECT_OPS.has(t.op)) {
          cmd.redirects.push(this.redirect());
          continue;
        }
        // `name () compound-command` defines a function.
        if (t.op === '(' && cmd.words.length === 1 && cmd.assignments.length === 0 && cmd.redirects.length === 0) {
          const name = plainOf(cmd.words[0]!);
          this.take();
          if (name === null || !NAME.test(name) || !this.isOp(')')) throw unexpected(this.peek());
          this.take();
          return this.functionBody(name);
        }
        break;
      }
      if (t.t !== 'word') break;
      this.take();
      const first = t.word.segments[0];
      const lead = first && first.kind === 'lit' && !first.quoted ? first : null;
      const m = cmd.words.length === 0 && lead ? ASSIGNMENT.exec(lead.text) : null;
      if (m && lead) {
        const rest = [{ kind: 'lit' as const, quoted: false, text: lead.text.slice(m[0].length) }, ...t.word.segments.slice(1)];
        cmd.assignments.push({ name: m[1]!, value: { segments: rest } });
      } else {
        cmd.words.push(t.word);
      }
    }
    if (cmd.words.length === 0 && cmd.assignments.length === 0 && cmd.redirects.length === 0) throw unexpected(this.peek());
    return cmd;
  }
}

function plainOf(w: Word): string | null {
  const s = w.segments[0];
  return w.segments.length === 1 && s && s.kind === 'lit' && !s.quoted ? s.text : null;
}

function redirectsOf(c: Command): Redirect[] | null {
  return c.kind === 'function' ? null : c.redirects;
}

/**
 * Splits input into its complete commands and an unfinished last one (an
 * open quote, loop, `|` at the end...), which needs more lines. A syntax
 * error counts as complete: running it reports the error.
 */
export function splitComplete(text: string): { complete: string; rest: string } {
  const p = new ScriptParser(text);
  let end = 0;
  try {
    while (p.next()) end = p.consumed;
  } catch (e) {
    if (e instanceof ShellSyntaxError && e.incomplete) return { complete: text.slice(0, end), rest: text.slice(end) };
  }
  return { complete: text, rest: '' };
}

/** Parses a whole script (every complete command) at once. */
export function parseScript(text: string): Script {
  const p = new ScriptParser(text);
  const out: Script = [];
  for (let l = p.next(); l; l = p.next()) out.push(...l);
  return out;
}
