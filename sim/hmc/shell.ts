/**
 * The HMC's restricted bash, as far as its clients use it: a tokenizer and
 * parser for command lines with single and double quotes, backslashes,
 * `$VAR`, backtick and `$(...)` command substitution (fence_lpar relies on
 * backticks), `;`, `&&`, `||`, `|` and comments. Redirections are parsed so
 * that they can be refused as rbash refuses them.
 *
 * parseScript never executes anything; interpreter.ts does.
 */

export type Segment =
  | { kind: 'lit'; text: string; quoted: boolean }
  | { kind: 'sub'; script: string; quoted: boolean }
  | { kind: 'var'; name: string; quoted: boolean };

export interface Word {
  segments: Segment[];
}

export interface Redirect {
  op: string;
  target: Word;
}

export interface SimpleCommand {
  assignments: Array<{ name: string; value: Word }>;
  words: Word[];
  redirects: Redirect[];
}

export interface Pipeline {
  commands: SimpleCommand[];
}

export interface AndOrList {
  first: Pipeline;
  rest: Array<{ op: '&&' | '||'; pipeline: Pipeline }>;
}

export type Script = AndOrList[];

export class ShellSyntaxError extends Error {
  constructor(
    message: string,
    /** The input ends inside a quote or after `|`/`&&`: more lines would complete it. */
    readonly incomplete: boolean,
  ) {
    super(message);
  }
}

type Token = { t: 'word'; word: Word } | { t: 'op'; op: string };

const OPERATORS = ['&&', '||', ';;', '>>', '>&', '&>', '<>', '>|', '<<', ';', '|', '&', '>', '<', '(', ')', '\n'];
const REDIRECT_OPS = new Set(['>>', '>&', '&>', '<>', '>|', '<<', '>', '<']);

/** Scans a backtick substitution starting after the opening backtick; returns the inner script and the index after the closing one. */
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

/** Scans `$(...)` from after `$(`, honouring nested parentheses and quotes. */
function scanDollarParen(text: string, start: number): [string, number] {
  let depth = 1;
  let i = start;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '\\') {
      i += 2;
      continue;
    }
    if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) break;
      i = end + 1;
      continue;
    }
    if (c === '"') {
      i++;
      while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
      i++;
      continue;
    }
    if (c === '`') {
      [, i] = scanBacktick(text, i + 1);
      continue;
    }
    if (c === '(') depth++;
    if (c === ')' && --depth === 0) return [text.slice(start, i), i + 1];
    i++;
  }
  throw new ShellSyntaxError("unexpected EOF while looking for matching `)'", true);
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

/** `$NAME`, `${NAME}`, `$?` or `$(...)` at `i` (the `$`); null when the `$` is literal. */
function scanDollar(text: string, i: number, quoted: boolean): [Segment, number] | null {
  const next = text[i + 1];
  if (next === '(') {
    const [script, end] = scanDollarParen(text, i + 2);
    return [{ kind: 'sub', script, quoted }, end];
  }
  if (next === '{') {
    const close = text.indexOf('}', i + 2);
    if (close < 0) throw new ShellSyntaxError("unexpected EOF while looking for matching `}'", true);
    const name = text.slice(i + 2, close);
    if (!NAME.test(name) || NAME.exec(name)![0] !== name) throw new ShellSyntaxError(`\${${name}}: bad substitution`, false);
    return [{ kind: 'var', name, quoted }, close + 1];
  }
  if (next === '?' || next === '$' || next === '#') return [{ kind: 'var', name: next, quoted }, i + 2];
  const m = NAME.exec(text.slice(i + 1));
  if (m) return [{ kind: 'var', name: m[0], quoted }, i + 1 + m[0].length];
  return null;
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let segs: Segment[] | null = null;
  const lit = (s: string, quoted: boolean) => {
    segs ??= [];
    const last = segs[segs.length - 1];
    if (last && last.kind === 'lit' && last.quoted === quoted) last.text += s;
    else segs.push({ kind: 'lit', text: s, quoted });
  };
  const endWord = () => {
    if (segs) tokens.push({ t: 'word', word: { segments: segs } });
    segs = null;
  };
  while (i < text.length) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\r') {
      endWord();
      i++;
      continue;
    }
    if (c === '#' && segs === null) {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    if (c === '\\') {
      if (i + 1 >= text.length) throw new ShellSyntaxError('unexpected end of input after \\', true);
      if (text[i + 1] !== '\n') lit(text[i + 1]!, true);
      i += 2;
      continue;
    }
    if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) throw new ShellSyntaxError("unexpected EOF while looking for matching `''", true);
      lit(text.slice(i + 1, end), true);
      segs ??= [];
      i = end + 1;
      continue;
    }
    if (c === '"') {
      segs ??= [];
      lit('', true);
      i++;
      for (;;) {
        if (i >= text.length) throw new ShellSyntaxError('unexpected EOF while looking for matching `"\'', true);
        const d = text[i]!;
        if (d === '"') {
          i++;
          break;
        }
        if (d === '\\' && i + 1 < text.length && '"\\$`\n'.includes(text[i + 1]!)) {
          if (text[i + 1] !== '\n') lit(text[i + 1]!, true);
          i += 2;
        } else if (d === '`') {
          const [script, end] = scanBacktick(text, i + 1);
          segs.push({ kind: 'sub', script, quoted: true });
          i = end;
        } else if (d === '$') {
          const s = scanDollar(text, i, true);
          if (s) {
            segs.push(s[0]);
            i = s[1];
          } else {
            lit('$', true);
            i++;
          }
        } else {
          lit(d, true);
          i++;
        }
      }
      continue;
    }
    if (c === '`') {
      const [script, end] = scanBacktick(text, i + 1);
      segs ??= [];
      segs.push({ kind: 'sub', script, quoted: false });
      i = end;
      continue;
    }
    if (c === '$') {
      const s = scanDollar(text, i, false);
      if (s) {
        segs ??= [];
        segs.push(s[0]);
        i = s[1];
      } else {
        lit('$', false);
        i++;
      }
      continue;
    }
    const op = OPERATORS.find((o) => text.startsWith(o, i));
    if (op) {
      // `2>file`: a word of digits right before a redirection is its file descriptor.
      const fdWord = segs !== null && REDIRECT_OPS.has(op) && (segs as Segment[]).every((s) => s.kind === 'lit' && !s.quoted && /^\d+$/.test(s.text));
      if (fdWord) segs = null;
      endWord();
      tokens.push({ t: 'op', op });
      i += op.length;
      continue;
    }
    lit(c, false);
    i++;
  }
  endWord();
  return tokens;
}

const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)=/;

export function parseScript(text: string): Script {
  const tokens = tokenize(text);
  const script: Script = [];
  let i = 0;
  const peekOp = () => {
    const t = tokens[i];
    return t && t.t === 'op' ? t.op : null;
  };

  const simple = (): SimpleCommand => {
    const cmd: SimpleCommand = { assignments: [], words: [], redirects: [] };
    while (i < tokens.length) {
      const t = tokens[i]!;
      if (t.t === 'op') {
        if (!REDIRECT_OPS.has(t.op)) break;
        const target = tokens[i + 1];
        if (!target || target.t !== 'word') throw new ShellSyntaxError(`syntax error near unexpected token \`${target && target.t === 'op' ? target.op.replace('\n', 'newline') : 'newline'}'`, false);
        cmd.redirects.push({ op: t.op, target: target.word });
        i += 2;
        continue;
      }
      const first = t.word.segments[0];
      const lead = first && first.kind === 'lit' && !first.quoted ? first : null;
      const m = cmd.words.length === 0 && lead ? ASSIGNMENT.exec(lead.text) : null;
      if (m && lead) {
        const rest: Segment[] = [{ kind: 'lit', quoted: false, text: lead.text.slice(m[0].length) }, ...t.word.segments.slice(1)];
        cmd.assignments.push({ name: m[1]!, value: { segments: rest } });
      } else {
        cmd.words.push(t.word);
      }
      i++;
    }
    return cmd;
  };

  const pipeline = (): Pipeline => {
    const p: Pipeline = { commands: [simple()] };
    while (peekOp() === '|') {
      i++;
      while (peekOp() === '\n') i++;
      if (i >= tokens.length) throw new ShellSyntaxError('unexpected end of input after |', true);
      p.commands.push(simple());
    }
    for (const c of p.commands) {
      if (c.words.length === 0 && c.assignments.length === 0 && c.redirects.length === 0) {
        const t = tokens[i];
        throw new ShellSyntaxError(`syntax error near unexpected token \`${t && t.t === 'op' ? t.op.replace('\n', 'newline') : 'newline'}'`, false);
      }
    }
    return p;
  };

  while (i < tokens.length) {
    const op = peekOp();
    if (op === ';' || op === '\n' || op === '&') {
      if (op !== '\n' && script.length === 0) throw new ShellSyntaxError(`syntax error near unexpected token \`${op}'`, false);
      i++;
      continue;
    }
    if (op === '(' || op === ')' || op === ';;' || op === '&&' || op === '||' || op === '|') throw new ShellSyntaxError(`syntax error near unexpected token \`${op}'`, false);
    const list: AndOrList = { first: pipeline(), rest: [] };
    for (;;) {
      const o = peekOp();
      if (o !== '&&' && o !== '||') break;
      i++;
      while (peekOp() === '\n') i++;
      if (i >= tokens.length) throw new ShellSyntaxError(`unexpected end of input after ${o}`, true);
      list.rest.push({ op: o, pipeline: pipeline() });
    }
    script.push(list);
    const after = peekOp();
    if (after !== null && after !== ';' && after !== '\n' && after !== '&') {
      throw new ShellSyntaxError(`syntax error near unexpected token \`${after}'`, false);
    }
  }
  return script;
}

/** Plain text of a word without expansions (for error messages about redirection targets). */
export function wordText(w: Word): string {
  return w.segments.map((s) => (s.kind === 'lit' ? s.text : s.kind === 'var' ? `$${s.name}` : `$(${s.script})`)).join('');
}
