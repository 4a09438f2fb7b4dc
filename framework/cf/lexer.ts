/**
 * The main.cf / types.cf lexer: hand-written, one pass, linear in the input
 * (no regular expressions over the source, no backtracking), pulled one token
 * at a time so a 50 MB file never becomes a 50 MB token array.
 *
 * Comments are not tokens: they are collected in `comments` with their
 * positions, for the parser to attach to nodes. The comment block hacf writes
 * after each group ("// resource dependency tree" ...) is recognised here by
 * its exact shape only (header, `//`, `group NAME`, a balanced brace tree of
 * `Type name` lines) and marked with the group's name: the parser drops it
 * after that group, so the printer regenerates it instead of duplicating it.
 * Anything that merely resembles it stays an ordinary comment.
 */

export const Tok = {
  Word: 1,
  String: 2,
  LParen: 3,
  RParen: 4,
  LBrace: 5,
  RBrace: 6,
  LBracket: 7,
  RBracket: 8,
  Equals: 9,
  Comma: 10,
  Semi: 11,
  At: 12,
  Bad: 13,
  EOF: 14,
} as const;
export type TokKind = (typeof Tok)[keyof typeof Tok];

export const TOKEN_NAMES: Record<TokKind, string> = {
  1: 'word',
  2: 'string',
  3: '(',
  4: ')',
  5: '{',
  6: '}',
  7: '[',
  8: ']',
  9: '=',
  10: ',',
  11: ';',
  12: '@',
  13: 'invalid character',
  14: 'end of file',
};

export interface Token {
  kind: TokKind;
  /** Word: the text as written; String: the decoded value; Bad: the characters. */
  text: string;
  start: number;
  end: number;
  line: number;
  column: number;
  /** First token on its line (a statement usually starts here; used for error recovery). */
  nlBefore: boolean;
}

export interface Comment {
  /** As written, `//...` or `/* ... *\/`, without a trailing carriage return. */
  text: string;
  start: number;
  end: number;
  line: number;
  column: number;
  /** Nothing but white space before it on its line. */
  ownLine: boolean;
  /** Set on each line of a complete hacf dependency tree: the group it names. */
  tree?: string;
}

export type LexErrorSink = (offset: number, line: number, column: number, detail: string) => void;

// Character classes for ASCII; everything above 127 outside strings and comments is invalid.
const C_OTHER = 0;
const C_SPACE = 1;
const C_WORD = 2;
const C_PUNCT = 3;
const CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  if (c === 32 || c === 9 || c === 10 || c === 13 || c === 11 || c === 12) CLASS[c] = C_SPACE;
  else if (
    (c >= 48 && c <= 57) ||
    (c >= 65 && c <= 90) ||
    (c >= 97 && c <= 122) ||
    // Characters a bare word may hold as far as the lexer is concerned; the
    // parser reports the ones VCS does not accept unquoted (`/mnt/x`, `10.0.0.1`).
    '_-.:/$+*%!~^&|?<>\'\\#'.includes(String.fromCharCode(c))
  )
    CLASS[c] = C_WORD;
  else if ('(){}[]=,;@'.includes(String.fromCharCode(c))) CLASS[c] = C_PUNCT;
  else CLASS[c] = C_OTHER;
}
const PUNCT_KIND: Record<number, TokKind> = {
  40: Tok.LParen,
  41: Tok.RParen,
  123: Tok.LBrace,
  125: Tok.RBrace,
  91: Tok.LBracket,
  93: Tok.RBracket,
  61: Tok.Equals,
  44: Tok.Comma,
  59: Tok.Semi,
  64: Tok.At,
};

export class Lexer {
  readonly comments: Comment[] = [];
  private pos = 0;
  private line = 1;
  private lineStart = 0;
  /** A token was already produced on the current line. */
  private tokenOnLine = false;
  /** A dependency tree being read: where it starts in `comments`, and what is expected next. */
  private tree: TreeScan | undefined;

  private readonly src: string;

  constructor(
    src: string,
    private readonly onError: LexErrorSink,
  ) {
    // A file with classic Mac line ends (CR alone, no LF anywhere): CR ends a
    // line. Replacing it one for one keeps every offset, so positions still
    // index the original text. Elsewhere a CR is whitespace, or string text.
    this.src = src.includes('\r') && !src.includes('\n') ? src.replaceAll('\r', '\n') : src;
    if (src.charCodeAt(0) === 0xfeff) this.pos = 1; // byte-order mark
  }

  next(): Token {
    const src = this.src;
    const n = src.length;
    let nlBefore = !this.tokenOnLine;
    for (;;) {
      if (this.pos >= n) return this.make(Tok.EOF, '', n, n, nlBefore);
      const c = src.charCodeAt(this.pos);
      if (c === 10) {
        this.pos++;
        this.line++;
        this.lineStart = this.pos;
        this.tokenOnLine = false;
        nlBefore = true;
        continue;
      }
      if (c < 128 && CLASS[c] === C_SPACE) {
        this.pos++;
        continue;
      }
      if (c === 47 /* / */) {
        const d = src.charCodeAt(this.pos + 1);
        if (d === 47) {
          this.lineComment();
          continue;
        }
        if (d === 42) {
          this.blockComment();
          continue;
        }
      }
      break;
    }
    const start = this.pos;
    const c = src.charCodeAt(start);
    const cls = c < 128 ? CLASS[c]! : C_OTHER;
    this.tree = undefined; // a token between its lines: not hacf's tree
    this.tokenOnLine = true;
    if (cls === C_WORD) {
      const i = wordEnd(src, start + 1);
      this.pos = i;
      return this.make(Tok.Word, src.slice(start, i), start, i, nlBefore);
    }
    if (cls === C_PUNCT) {
      this.pos = start + 1;
      return this.make(PUNCT_KIND[c]!, '', start, start + 1, nlBefore);
    }
    if (c === 34 /* " */) return this.string(start, nlBefore);
    // Invalid characters: one token for the whole run, so binary garbage costs one error per run.
    let i = start + 1;
    while (i < n) {
      const d = src.charCodeAt(i);
      if ((d < 128 && CLASS[d] !== C_OTHER) || d === 34) break;
      i++;
    }
    this.pos = i;
    return this.make(Tok.Bad, src.slice(start, Math.min(i, start + 16)), start, i, nlBefore);
  }

  /**
   * Error recovery without tokens: skips input up to where a statement may
   * restart, the same places the parser's token-level recovery stops at (a
   * word or string first on its line, a `)` when `stopAtRParen`, the end),
   * without consuming it. `braceDepth` > 0 skips a broken value instead: it
   * also stops after the `}` that brings the depth to 0 (consumed). Comments
   * met on the way are collected as usual. Costs no allocation per skipped
   * character, so a 50 MB run of `{` is skipped in one pass.
   */
  skipToRestart(stopAtRParen: boolean, braceDepth = 0): void {
    const src = this.src;
    const n = src.length;
    let i = this.pos;
    while (i < n) {
      const c = src.charCodeAt(i);
      if (c === 10) {
        i++;
        this.line++;
        this.lineStart = i;
        this.tokenOnLine = false;
        continue;
      }
      if (c < 128 && CLASS[c] === C_SPACE) {
        i++;
        continue;
      }
      if (c === 47 /* / */) {
        const d = src.charCodeAt(i + 1);
        if (d === 47 || d === 42) {
          this.pos = i;
          if (d === 47) this.lineComment();
          else this.blockComment();
          i = this.pos;
          continue;
        }
      }
      const cls = c < 128 ? CLASS[c]! : C_OTHER;
      if ((cls === C_WORD || c === 34) && !this.tokenOnLine) break; // a statement may start here
      if (c === 41 /* ) */ && stopAtRParen) break;
      this.tokenOnLine = true;
      if (c === 34) {
        // A string: to its closing quote, or reported like any unterminated one.
        const start = i++;
        while (i < n) {
          const d = src.charCodeAt(i);
          if (d === 10 || d === 34) break;
          i += d === 92 && (src.charCodeAt(i + 1) === 34 || src.charCodeAt(i + 1) === 92) ? 2 : 1;
        }
        if (i < n && src.charCodeAt(i) === 34) i++;
        else this.onError(start, this.line, start - this.lineStart + 1, 'unterminated string (a string ends on the line it starts)');
        continue;
      }
      if (cls === C_WORD) {
        i = wordEnd(src, i + 1);
        continue;
      }
      if (braceDepth > 0) {
        if (c === 123) braceDepth++;
        else if (c === 125 && --braceDepth === 0) {
          i++;
          break;
        }
      }
      i++;
    }
    this.pos = i;
  }

  /** A token starting on the current line (1-based line and column). */
  private make(kind: TokKind, text: string, start: number, end: number, nlBefore: boolean): Token {
    return { kind, text, start, end, line: this.line, column: start - this.lineStart + 1, nlBefore };
  }

  /** A string does not span lines: an unterminated one is reported at its opening quote and ends at the line end. */
  private string(start: number, nlBefore: boolean): Token {
    const src = this.src;
    const n = src.length;
    const line = this.line;
    const column = start - this.lineStart + 1;
    let i = start + 1;
    let out = '';
    let from = i;
    for (;;) {
      if (i >= n || src.charCodeAt(i) === 10) {
        this.onError(start, line, column, 'unterminated string (a string ends on the line it starts)');
        let end = i;
        if (end > from && src.charCodeAt(end - 1) === 13) end--;
        out += src.slice(from, end);
        this.pos = i;
        return { kind: Tok.String, text: out, start, end: i, line, column, nlBefore };
      }
      const c = src.charCodeAt(i);
      if (c === 34) {
        out += src.slice(from, i);
        this.pos = i + 1;
        return { kind: Tok.String, text: out, start, end: i + 1, line, column, nlBefore };
      }
      if (c === 92) {
        const d = src.charCodeAt(i + 1);
        if (d === 34 || d === 92) {
          out += src.slice(from, i);
          from = i + 1; // keep the escaped character, drop the backslash
          i += 2;
          continue;
        }
      }
      i++;
    }
  }

  private lineComment(): void {
    const src = this.src;
    const start = this.pos;
    let end = src.indexOf('\n', start);
    if (end < 0) end = src.length;
    this.pos = end;
    let text = src.slice(start, end);
    if (text.endsWith('\r')) text = text.slice(0, -1);
    const ownLine = !this.tokenOnLine;
    const comment: Comment = { text, start, end, line: this.line, column: start - this.lineStart + 1, ownLine };
    this.comments.push(comment);
    this.scanTree(comment);
  }

  private blockComment(): void {
    const src = this.src;
    const start = this.pos;
    const line = this.line;
    const column = start - this.lineStart + 1;
    const ownLine = !this.tokenOnLine;
    const close = src.indexOf('*/', start + 2);
    const end = close < 0 ? src.length : close + 2;
    if (close < 0) this.onError(start, line, column, 'unterminated comment: /* without */');
    // Count the lines the comment spans.
    let nl = src.indexOf('\n', start);
    while (nl >= 0 && nl < end) {
      this.line++;
      this.lineStart = nl + 1;
      nl = src.indexOf('\n', nl + 1);
    }
    this.pos = end;
    this.tree = undefined;
    this.comments.push({ text: src.slice(start, end).replace(/\r\n/g, '\n'), start, end, line, column, ownLine });
  }

  /**
   * Follows hacf's dependency tree line by line: the header, an empty `//`,
   * `group NAME`, `{`, then `Type name` lines with `{` `}` around the
   * children of the line above, to the `}` that closes the group. Each line
   * must stand alone on the line after the previous one. When the closing
   * brace arrives, every line of the block is marked with the group's name.
   */
  private scanTree(c: Comment): void {
    const body = c.text.slice(2).trim();
    let t = this.tree;
    if (t && (!c.ownLine || c.line !== t.line + 1)) t = this.tree = undefined;
    if (!t) {
      if (c.ownLine && body === 'resource dependency tree')
        this.tree = { first: this.comments.length - 1, line: c.line, expect: 'blank', group: '', depth: 0, afterNode: false };
      return;
    }
    t.line = c.line;
    switch (t.expect) {
      case 'blank':
        if (body === '') t.expect = 'group';
        else this.tree = undefined;
        return;
      case 'group': {
        const m = /^group\s+(\S.*)$/.exec(body);
        const name = m ? treeName(m[1]!) : undefined;
        if (name === undefined) this.tree = undefined;
        else (t.group = name), (t.expect = 'open');
        return;
      }
      case 'open':
        if (body === '{') (t.expect = 'body'), (t.depth = 1);
        else this.tree = undefined;
        return;
      case 'body':
        if (body === '{' && t.afterNode) {
          t.depth++;
          t.afterNode = false;
        } else if (body === '}') {
          t.afterNode = false;
          if (--t.depth === 0) {
            for (let i = t.first; i < this.comments.length; i++) this.comments[i]!.tree = t.group;
            this.tree = undefined;
          }
        } else if (body === '...') {
          t.afterNode = false; // where vcscf cut a huge tree short
        } else if (/^\S+\s+\S.*$/.test(body) && !body.startsWith('{') && !body.startsWith('}')) t.afterNode = true;
        else this.tree = undefined;
        return;
    }
  }
}

interface TreeScan {
  first: number;
  line: number;
  expect: 'blank' | 'group' | 'open' | 'body';
  group: string;
  depth: number;
  afterNode: boolean;
}

/** A group name as the tree prints it: bare, or quoted with `\"` and `\\` escapes. */
function treeName(s: string): string | undefined {
  if (!s.startsWith('"')) return /\s/.test(s) ? undefined : s;
  if (s.length < 2 || !s.endsWith('"')) return undefined;
  return s.slice(1, -1).replace(/\\(["\\])/g, '$1');
}

// Where the word that goes on at `i` ends: at a character that is not a word character, or where a
// comment starts (`a//b`, `a/*b*/`).
function wordEnd(src: string, i: number): number {
  const n = src.length;
  while (i < n) {
    const d = src.charCodeAt(i);
    if (d >= 128 || CLASS[d] !== C_WORD) break;
    if (d === 47) {
      const e = src.charCodeAt(i + 1);
      if (e === 47 || e === 42) break;
    }
    i++;
  }
  return i;
}
