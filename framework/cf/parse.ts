/**
 * The main.cf / types.cf parser: one file, no include resolution, never throws
 * on bad input. Recursive descent whose depth is fixed by the grammar (a file,
 * a block, an attribute, a value), never by the input's nesting, so 200,000
 * nested braces cost one error, not a stack overflow.
 *
 * Error recovery: a bad attribute skips to the next line that starts with a
 * word or to the block's `)`; a bad statement skips to the next line that
 * starts with a word; a block missing its `)` is closed where the next
 * statement visibly starts. At most `maxErrors` errors are collected.
 */
import type { ParseError } from '../errors.js';
import { cfError, type CfErrorCode } from './diagnostics.js';
import { Lexer, Tok, TOKEN_NAMES, type Token } from './lexer.js';
import type {
  AssocEntry,
  AttributeAssignment,
  Config,
  Dimension,
  BaseKind,
  Scalar,
  SourcePos,
  TypeAttributeDef,
  TypeKeyword,
  Value,
} from './model.js';
import type {
  AttrNode,
  CfDocument,
  CommentNode,
  Commented,
  GroupNode,
  TopNode,
  TypeAttrNode,
  TypeKeywordNode,
  TypeNode,
} from './syntax.js';
import {
  BASE_KEYWORDS,
  GROUP_DEP_CATEGORIES,
  GROUP_DEP_LOCATIONS,
  GROUP_DEP_RIGIDITIES,
  INT32_MAX,
  INT32_MIN,
  isDecimalLiteral,
  isIdentifier,
  isIntegerLiteral,
} from './text.js';

export type { CfDocument } from './syntax.js';

export interface ParseResult {
  /** The syntax tree with comments and positions (what the printer prints). */
  doc: CfDocument;
  /** The untyped model (values as written; see load.ts for typing). */
  config: Config;
  errors: ParseError[];
}

export interface ParseOptions {
  /** Stop after this many errors (default 100). */
  maxErrors?: number;
}

const DEFAULT_MAX_ERRORS = 100;

const RING = 8;
const RING_MASK = RING - 1;

/** Thrown inside the parser only, to stop at the error cap. */
class ErrorCap {}

/** Keywords as written in real files: lower case, and `Type` as some documents print it. */
function topKeyword(word: string): string | undefined {
  switch (word) {
    case 'include':
    case 'cluster':
    case 'system':
    case 'group':
    case 'type':
    case 'remotecluster':
    case 'heartbeat':
    case 'site':
      return word;
    case 'Type':
      return 'type';
    case 'Heartbeat':
      return 'heartbeat';
    default:
      return undefined;
  }
}

export function parseCf(text: string, file: string, opts: ParseOptions = {}): ParseResult {
  const p = new Parser(text, file, opts.maxErrors ?? DEFAULT_MAX_ERRORS);
  try {
    p.parseFile();
  } catch (e) {
    if (!(e instanceof ErrorCap)) throw e;
  }
  return { doc: p.doc, config: p.config, errors: p.errors };
}

class Parser {
  readonly errors: ParseError[] = [];
  readonly config: Config;
  readonly doc: CfDocument;
  private readonly lx: Lexer;
  /** Lookahead tokens in a ring (the grammar needs at most 3); `head` is the current one. */
  private readonly buf: Token[] = new Array<Token>(RING);
  private head = 0;
  private count = 0;
  private last: Token;
  /** Index of the first comment not yet attached to a node. */
  private cIdx = 0;
  private lastErrorAt = -1;

  constructor(
    private readonly src: string,
    private readonly file: string,
    private readonly maxErrors: number,
  ) {
    this.lx = new Lexer(src, (offset, line, column, detail) => this.report('VCSPVM_CF_SYNTAX', offset, line, column, detail));
    this.config = { file, includes: [], clusters: [], systems: [], groups: [], blocks: [], types: [] };
    this.doc = { file, items: [], trailing: [] };
    this.last = { kind: Tok.EOF, text: '', start: 0, end: 0, line: 1, column: 1, nlBefore: true };
  }

  // ---- tokens -------------------------------------------------------------

  private peek(k = 0): Token {
    while (this.count <= k) this.buf[(this.head + this.count++) & RING_MASK] = this.lx.next();
    return this.buf[(this.head + k) & RING_MASK]!;
  }

  private take(): Token {
    const t = this.peek();
    this.head = (this.head + 1) & RING_MASK;
    this.count--;
    this.last = t;
    return t;
  }

  private pos(t: Token): SourcePos {
    return { file: this.file, line: t.line, column: t.column };
  }

  // ---- errors -------------------------------------------------------------

  private report(code: CfErrorCode, offset: number, line: number, column: number, detail: string): void {
    if (offset === this.lastErrorAt) return; // one error per place is enough
    this.lastErrorAt = offset;
    if (this.errors.length >= this.maxErrors) {
      this.errors.push(cfError('VCSPVM_CF_SYNTAX', this.file, this.src, offset, line, column, `too many errors (${this.maxErrors}); stopping here`));
      throw new ErrorCap();
    }
    this.errors.push(cfError(code, this.file, this.src, offset, line, column, detail));
  }

  private err(t: Token, detail: string, code: CfErrorCode = 'VCSPVM_CF_SYNTAX'): void {
    this.report(code, t.start, t.line, t.column, detail);
  }

  private describe(t: Token): string {
    switch (t.kind) {
      case Tok.Word:
        return `'${clip(t.text)}'`;
      case Tok.String:
        return `string "${clip(t.text)}"`;
      case Tok.Bad:
        return `invalid character ${codePoint(t.text)}`;
      case Tok.EOF:
        return 'end of file';
      default:
        return `'${TOKEN_NAMES[t.kind]}'`;
    }
  }

  /** A statement may restart here: a word first on its line, a `)` or the end. */
  private atRestartPoint(): boolean {
    const t = this.peek();
    return t.kind === Tok.EOF || t.kind === Tok.RParen || ((t.kind === Tok.Word || t.kind === Tok.String) && t.nlBefore);
  }

  /**
   * Whether the current token visibly starts a statement rather than an
   * attribute: `Type name (`, `keyword name`, `a requires b`.
   */
  private startsStatement(): boolean {
    const t = this.peek();
    const n = this.peek(1);
    if (n.kind !== Tok.Word && n.kind !== Tok.String) return false;
    if (n.kind === Tok.Word && n.text === 'requires') return true;
    if (t.kind === Tok.Word && topKeyword(t.text) !== undefined && t.text !== 'include') return true;
    return this.peek(2).kind === Tok.LParen;
  }

  /** Skips at least one token, then up to the next line that starts with a word (or a `)` when inBlock). */
  private recover(inBlock: boolean): void {
    if (this.peek().kind !== Tok.EOF) this.take();
    // Tokens already looked at are skipped one by one; the rest without tokenizing.
    while (this.count > 0) {
      const t = this.buf[this.head]!;
      if (t.kind === Tok.EOF) return;
      if (inBlock && t.kind === Tok.RParen) return;
      if ((t.kind === Tok.Word || t.kind === Tok.String) && t.nlBefore) return;
      this.take();
    }
    this.lx.skipToRestart(inBlock);
  }

  // ---- comments -----------------------------------------------------------

  private comment(i: number): CommentNode {
    const c = this.lx.comments[i]!;
    return { text: c.text, pos: { file: this.file, line: c.line, column: c.column } };
  }

  /**
   * Comments before `t` not yet attached. `afterGroup`: the group that ends
   * here, whose hacf dependency tree (regenerated by the printer) is dropped.
   */
  private takeLeading(t: Token, afterGroup?: string): CommentNode[] | undefined {
    const cs = this.lx.comments;
    let out: CommentNode[] | undefined;
    while (this.cIdx < cs.length && cs[this.cIdx]!.start < t.start) {
      const c = cs[this.cIdx]!;
      if (afterGroup !== undefined && c.tree === afterGroup) this.cIdx++;
      else (out ??= []).push(this.comment(this.cIdx++));
    }
    return out;
  }

  /**
   * Closes a node that ended with the last token: comments inside it move to
   * its leading comments, and a comment after it on the same line becomes its
   * trailing comment.
   */
  private finish(node: Commented): void {
    this.peek(); // lexes up to the next token, collecting the comments after this node
    const cs = this.lx.comments;
    const end = this.last.end;
    while (this.cIdx < cs.length && cs[this.cIdx]!.start < end) (node.leading ??= []).push(this.comment(this.cIdx++));
    const c = cs[this.cIdx];
    if (c && !c.ownLine && c.line === this.last.line) {
      node.trailing = this.comment(this.cIdx++);
    }
  }

  // ---- file ---------------------------------------------------------------

  parseFile(): void {
    let group: GroupNode | null = null;
    for (;;) {
      const t = this.peek();
      if (t.kind === Tok.EOF) break;
      const startOffset = t.start;
      if (t.kind === Tok.Semi) {
        this.take(); // `;` may end any statement, as it may end an attribute
        continue;
      }
      const kw = t.kind === Tok.Word ? topKeyword(t.text) : undefined;
      if (kw !== undefined && this.isKeywordStatement(kw)) {
        const leading = this.takeLeading(t, group?.def.name);
        group = null;
        let node: TopNode | null;
        if (kw === 'include') node = this.parseInclude();
        else if (kw === 'group') node = group = this.parseGroup();
        else if (kw === 'type') node = this.parseType();
        else node = this.parseBlock(kw);
        if (node) {
          if (leading) node.leading = [...leading, ...(node.leading ?? [])];
          this.doc.items.push(node);
        }
      } else if (t.kind === Tok.Word || t.kind === Tok.String) {
        if (group) this.parseGroupStatement(group);
        else this.parseOutsideGroup();
      } else {
        this.err(t, `expected include, cluster, system, group or type, found ${this.describe(t)}`);
        this.recover(false);
      }
      // Every statement consumes input; this guards the loop against a parser bug turning into a hang.
      if (this.peek().start === startOffset && this.peek().kind !== Tok.EOF) this.take();
    }
    const cs = this.lx.comments;
    const lastGroup = group?.def.name;
    while (this.cIdx < cs.length) {
      if (lastGroup !== undefined && cs[this.cIdx]!.tree === lastGroup) this.cIdx++;
      else this.doc.trailing.push(this.comment(this.cIdx++));
    }
  }

  /**
   * `group` at the start of a statement is the keyword unless it is a
   * resource type or name (`group requires x` is not valid anyway); a keyword
   * followed by `=` or `@` is an attribute written at the wrong place.
   */
  private isKeywordStatement(kw: string): boolean {
    const n = this.peek(1);
    if (kw === 'include') return n.kind === Tok.String || n.kind === Tok.Word;
    return n.kind !== Tok.Equals && n.kind !== Tok.At && !(n.kind === Tok.Word && n.text === 'requires');
  }

  private parseInclude(): TopNode | null {
    const kwTok = this.take();
    const t = this.peek();
    if (t.kind !== Tok.String) {
      this.err(t, `include needs a quoted file name, found ${this.describe(t)}`);
      if (t.kind !== Tok.Word) {
        this.recover(false);
        return null;
      }
    }
    this.take();
    const include = { path: t.text, pos: this.pos(kwTok) };
    this.config.includes.push(include);
    const node: TopNode = { kind: 'include', include };
    this.finish(node);
    return node;
  }

  /** A name: a bare identifier or a quoted string. */
  private parseName(what: string): Token | null {
    const t = this.peek();
    if (t.kind === Tok.String) {
      if (t.text === '') this.err(t, `${what} must not be empty`);
      return this.take();
    }
    if (t.kind === Tok.Word) {
      if (!isIdentifier(t.text)) {
        this.err(t, `${what} '${clip(t.text)}' must be quoted (a bare name starts with a letter and holds only letters, digits, - and _)`);
      }
      return this.take();
    }
    this.err(t, `expected ${what}, found ${this.describe(t)}`);
    return null;
  }

  private parseBlock(kw: string): TopNode | null {
    const kwTok = this.take();
    const nameTok = this.parseName(`a ${kw} name`);
    if (!nameTok) {
      this.recover(false);
      return null;
    }
    const attributes: AttributeAssignment[] = [];
    const pos = this.pos(kwTok);
    let node: TopNode;
    if (kw === 'cluster') {
      const def = { name: nameTok.text, attributes, pos };
      this.config.clusters.push(def);
      node = { kind: 'cluster', def, attrs: [] };
    } else if (kw === 'system') {
      const def = { name: nameTok.text, attributes, pos };
      this.config.systems.push(def);
      node = { kind: 'system', def, attrs: [] };
    } else {
      const def = { keyword: kw, name: nameTok.text, attributes, pos };
      this.config.blocks.push(def);
      node = { kind: 'block', def, attrs: [] };
    }
    this.parseBlockBody(node, attributes, `${kw} ${nameTok.text}`);
    return node;
  }

  /** `( attributes )`, or nothing for a bare `system S`. */
  private parseBlockBody(
    node: Commented & { attrs: AttrNode[]; closing?: CommentNode[] },
    attributes: AttributeAssignment[],
    what: string,
  ): void {
    if (this.peek().kind !== Tok.LParen) {
      this.finish(node);
      return;
    }
    this.parseParenBody(node, this.take(), clip(what), {
      expected: 'an attribute',
      // `NIC nic (`, `group G`, `a requires b`: the next statement started, this block lacks its `)`.
      starts: (t) => t.kind === Tok.Word || t.kind === Tok.String,
      nextStatement: () => this.startsStatement(),
      parse: () => this.parseAttribute(attributes, node.attrs),
    });
  }

  /**
   * What follows the `(` of a block or a type: items, `;` and `,` between
   * them, up to the `)`. A missing `)` is reported where the next statement
   * starts (or at the end of the file), so that statement still parses.
   */
  private parseParenBody(
    node: Commented & { closing?: CommentNode[] },
    open: Token,
    what: string,
    item: { expected: string; starts(t: Token): boolean; nextStatement(t: Token): boolean; parse(): void },
  ): void {
    for (;;) {
      const t = this.peek();
      if (t.kind === Tok.RParen) {
        const closing = this.takeLeading(t);
        if (closing) node.closing = closing;
        this.take();
        if (this.peek().kind === Tok.Semi) this.take();
        this.finish(node);
        return;
      }
      if (t.kind === Tok.EOF || (item.starts(t) && item.nextStatement(t))) {
        this.err(t, `missing ) to close ${what} opened at line ${open.line}`);
        return;
      }
      if (t.kind === Tok.Semi || t.kind === Tok.Comma) {
        this.take();
        continue;
      }
      if (item.starts(t)) {
        item.parse();
        continue;
      }
      this.err(t, `expected ${item.expected} or ), found ${this.describe(t)}`);
      this.recover(true);
    }
  }

  /** `Name = value`, `Name@sys = value`, `Name @sys = value`. */
  private parseAttribute(attributes: AttributeAssignment[], nodes: AttrNode[]): void {
    const nameTok = this.take();
    const leading = this.takeLeading(nameTok);
    if (nameTok.kind !== Tok.Word || !isIdentifier(nameTok.text)) {
      this.err(nameTok, `invalid attribute name ${this.describe(nameTok)}`);
    }
    let system: string | undefined;
    if (this.peek().kind === Tok.At) {
      this.take();
      const s = this.parseName('a system name after @');
      if (!s) {
        this.recover(true);
        return;
      }
      system = s.text;
    }
    const eq = this.peek();
    if (eq.kind !== Tok.Equals) {
      this.err(eq, `expected = after ${clip(nameTok.text)}, found ${this.describe(eq)}`);
      this.recover(true);
      return;
    }
    this.take();
    const value = this.parseValue(nameTok.text);
    if (!value) {
      if (!this.atRestartPoint()) this.recover(true);
      return;
    }
    const attr: AttributeAssignment =
      system === undefined
        ? { name: nameTok.text, value, pos: this.pos(nameTok) }
        : { name: nameTok.text, system, value, pos: this.pos(nameTok) };
    attributes.push(attr);
    const node: AttrNode = leading ? { attr, leading } : { attr };
    if (this.peek().kind === Tok.Semi) this.take();
    this.finish(node);
    nodes.push(node);
  }

  // ---- values -------------------------------------------------------------

  /** A bare word as a scalar: an integer becomes a number; other words must be identifiers (or decimals). */
  private scalarOfWord(t: Token): Scalar {
    const s = t.text;
    if (isIntegerLiteral(s)) {
      const n = Number(s);
      if (n < INT32_MIN || n > INT32_MAX) {
        this.err(t, `integer ${clip(s)} is out of the 32-bit range (${INT32_MIN} to ${INT32_MAX})`, 'VCSPVM_CF_VALUE');
        return s;
      }
      // Only a canonical integer becomes a number: 0123, +5 and -0 keep their
      // text, which a str attribute holds as written (typing makes ints of them).
      return String(n) === s ? n : s;
    }
    // A bare decimal that reads back the same (`2.5`) is a number, printed bare;
    // any other (`16.0`) stays text, and the printer quotes it.
    if (isDecimalLiteral(s) && String(Number(s)) === s) return Number(s);
    if (!isIdentifier(s) && !isDecimalLiteral(s)) {
      this.err(t, `${clip(s)} must be quoted (a bare value starts with a letter and holds only letters, digits, - and _)`);
    }
    return s;
  }

  /** Returns undefined after reporting an error; the caller recovers. */
  private parseValue(attrName: string): Value | undefined {
    const t = this.peek();
    if (t.kind === Tok.Word) {
      if (t.nlBefore) {
        const n = this.peek(1);
        if (n.kind === Tok.Equals || n.kind === Tok.At) {
          this.err(t, `missing value for ${clip(attrName)}`);
          return undefined;
        }
      }
      this.take();
      return { kind: 'scalar', value: this.scalarOfWord(t) };
    }
    if (t.kind === Tok.String) {
      this.take();
      return { kind: 'scalar', value: t.text };
    }
    if (t.kind === Tok.LBrace) return this.parseBraces();
    this.err(t, `expected a value for ${clip(attrName)}, found ${this.describe(t)}`);
    return undefined;
  }

  /** `{ a, b }`, `{ k = v; k2 = v2 }`, `{}`; one level only, as in VCS. */
  private parseBraces(): Value {
    const open = this.take();
    const items: Scalar[] = [];
    // Association entries (with positions) are built only once a `key = value` is seen:
    // most values are plain lists. Until then, key positions are kept as numbers.
    let entries: AssocEntry[] | undefined;
    const where: number[] = [];
    let expectItem = true;
    for (;;) {
      const t = this.peek();
      if (t.kind === Tok.RBrace) {
        this.take();
        break;
      }
      if (t.kind === Tok.Comma || t.kind === Tok.Semi) {
        if (expectItem && this.peek(1).kind !== Tok.RBrace) this.err(t, `empty item in a list`);
        this.take();
        expectItem = true;
        continue;
      }
      if (t.kind === Tok.Word || t.kind === Tok.String) {
        if (!expectItem) {
          if (t.kind === Tok.Word && t.nlBefore && (this.peek(1).kind === Tok.Equals || this.peek(1).kind === Tok.At)) {
            // The next attribute started: this value lacks its `}`.
            this.err(t, `missing } to close the value opened at line ${open.line}, column ${open.column}`);
            break;
          }
          this.err(t, `expected , or } between items, found ${this.describe(t)}`);
        }
        this.take();
        const key = t.kind === Tok.Word ? this.scalarOfWord(t) : t.text;
        if (this.peek().kind === Tok.Equals) {
          this.take();
          let value: Scalar | null = null;
          const v = this.peek();
          if (v.kind === Tok.Word) value = this.scalarOfWord(this.take());
          else if (v.kind === Tok.String) value = this.take().text;
          else this.err(v, `expected a value after ${clip(String(key))} =, found ${this.describe(v)}`);
          if (!entries) entries = items.map((k, i) => ({ key: String(k), value: null, pos: { file: this.file, line: where[2 * i]!, column: where[2 * i + 1]! } }));
          entries.push({ key: String(key), value, pos: this.pos(t) });
        } else if (entries) entries.push({ key: String(key), value: null, pos: this.pos(t) });
        else where.push(t.line, t.column);
        items.push(key);
        expectItem = false;
        continue;
      }
      if (t.kind === Tok.RParen || t.kind === Tok.EOF) {
        this.err(t, `missing } to close the value opened at line ${open.line}, column ${open.column}`);
        break;
      }
      this.err(
        t,
        t.kind === Tok.LBrace
          ? 'nested braces: a value holds scalars or key = value pairs only'
          : `expected an item, , or } in a list, found ${this.describe(t)}`,
      );
      this.skipValueRest();
      break;
    }
    return entries ? { kind: 'association', entries } : { kind: 'list', items };
  }

  /**
   * After an error inside braces: up to and including the `}` that closes the
   * value (counting the stray `{` met on the way), or to where a statement restarts.
   */
  private skipValueRest(): void {
    let depth = 1;
    while (this.count > 0) {
      const t = this.buf[this.head]!;
      if (t.kind === Tok.EOF || t.kind === Tok.RParen) return;
      if ((t.kind === Tok.Word || t.kind === Tok.String) && t.nlBefore) return;
      this.take();
      if (t.kind === Tok.LBrace) depth++;
      else if (t.kind === Tok.RBrace && --depth === 0) return;
    }
    this.lx.skipToRestart(true, depth);
  }

  // ---- groups -------------------------------------------------------------

  private parseGroup(): GroupNode {
    const kwTok = this.take();
    const nameTok = this.parseName('a group name');
    const attributes: AttributeAssignment[] = [];
    const def = {
      name: nameTok ? nameTok.text : '',
      attributes,
      resources: [],
      dependencies: [],
      groupDependencies: [],
      pos: this.pos(kwTok),
    };
    const node: GroupNode = { kind: 'group', def, attrs: [], body: [] };
    if (nameTok) this.config.groups.push(def);
    this.parseBlockBody(node, attributes, `group ${def.name}`);
    return node;
  }

  private parseGroupStatement(group: GroupNode): void {
    const t = this.peek();
    const n = this.peek(1);
    if (t.kind === Tok.Word && t.text === 'requires') {
      if (n.kind === Tok.Word && n.text === 'group') this.parseGroupDependency(group);
      else {
        this.err(n, `expected 'group' after requires, found ${this.describe(n)}`);
        this.recover(false);
      }
    } else if (n.kind === Tok.Word && n.text === 'requires') this.parseDependency(group);
    else if (t.kind === Tok.Word && (n.kind === Tok.Word || n.kind === Tok.String)) this.parseResource(group);
    else {
      this.err(
        t.kind === Tok.Word ? n : t,
        t.kind === Tok.Word
          ? `expected a resource (Type name ( ... )) or a dependency, found ${this.describe(t)} then ${this.describe(n)}`
          : `expected a resource or a dependency, found ${this.describe(t)}`,
      );
      this.recover(false);
    }
  }

  private parseOutsideGroup(): void {
    const t = this.peek();
    const n = this.peek(1);
    if (n.kind === Tok.Word && n.text === 'requires') {
      this.err(t, 'a dependency must follow the group it belongs to');
      this.recover(false);
      return;
    }
    if (t.kind === Tok.Word && isIdentifier(t.text) && (n.kind === Tok.Word || n.kind === Tok.String) && this.peek(2).kind === Tok.LParen) {
      // A named block whose keyword we do not know (before any group, `X name ( ... )` cannot be a resource).
      const leading = this.takeLeading(t);
      const kwTok = this.take();
      const nameTok = this.parseName(`a ${kwTok.text} name`)!;
      const attributes: AttributeAssignment[] = [];
      const def = { keyword: kwTok.text, name: nameTok.text, attributes, pos: this.pos(kwTok) };
      this.config.blocks.push(def);
      const node: TopNode = { kind: 'block', def, attrs: [] };
      if (leading) node.leading = leading;
      this.parseBlockBody(node, attributes, `${kwTok.text} ${nameTok.text}`);
      this.doc.items.push(node);
      return;
    }
    this.err(t, `expected include, cluster, system, group or type, found ${this.describe(t)}`);
    this.recover(false);
  }

  private parseResource(group: GroupNode): void {
    const typeTok = this.take();
    const leading = this.takeLeading(typeTok);
    if (!isIdentifier(typeTok.text)) this.err(typeTok, `invalid resource type name ${this.describe(typeTok)}`);
    const nameTok = this.parseName('a resource name')!;
    const attributes: AttributeAssignment[] = [];
    const def = { type: typeTok.text, name: nameTok.text, attributes, pos: this.pos(typeTok) };
    group.def.resources.push(def);
    const node = { kind: 'resource' as const, def, attrs: [] as AttrNode[], ...(leading ? { leading } : {}) };
    group.body.push(node);
    if (this.peek().kind !== Tok.LParen) {
      this.err(this.peek(), `expected ( after resource ${clip(nameTok.text)}, found ${this.describe(this.peek())}`);
      this.finish(node);
      if (!this.atRestartPoint()) this.recover(false);
      return;
    }
    this.parseBlockBody(node, attributes, `resource ${nameTok.text}`);
  }

  /** `parent requires child` */
  private parseDependency(group: GroupNode): void {
    const parentTok = this.take();
    const leading = this.takeLeading(parentTok);
    if (parentTok.kind === Tok.Word && !isIdentifier(parentTok.text)) this.err(parentTok, `resource name '${clip(parentTok.text)}' must be quoted`);
    this.take(); // requires
    const childTok = this.parseName('a resource name after requires');
    if (!childTok) {
      this.recover(false);
      return;
    }
    const def = { parent: parentTok.text, child: childTok.text, pos: this.pos(parentTok) };
    group.def.dependencies.push(def);
    const node = { kind: 'requires' as const, def, ...(leading ? { leading } : {}) };
    this.finish(node);
    group.body.push(node);
  }

  /** `requires group G online|offline local|global|remote [soft|firm|hard]` */
  private parseGroupDependency(group: GroupNode): void {
    const reqTok = this.take();
    const leading = this.takeLeading(reqTok);
    this.take(); // group
    const nameTok = this.parseName('a group name after requires group');
    if (!nameTok) {
      this.recover(false);
      return;
    }
    const category = this.expectWordIn(GROUP_DEP_CATEGORIES, 'the dependency category');
    if (category === undefined) return;
    const location = this.expectWordIn(GROUP_DEP_LOCATIONS, 'the dependency location');
    if (location === undefined) return;
    const r = this.peek();
    let rigidity: string | undefined;
    if (r.kind === Tok.Word && (GROUP_DEP_RIGIDITIES as readonly string[]).includes(r.text)) rigidity = this.take().text;
    const def = { group: nameTok.text, category, location, ...(rigidity ? { rigidity } : {}), pos: this.pos(reqTok) };
    group.def.groupDependencies.push(def);
    const node = { kind: 'requires-group' as const, def, ...(leading ? { leading } : {}) };
    this.finish(node);
    group.body.push(node);
  }

  private expectWordIn(words: readonly string[], what: string): string | undefined {
    const t = this.peek();
    if (t.kind === Tok.Word && words.includes(t.text)) return this.take().text;
    this.err(t, `expected ${what} (${words.join(', ')}), found ${this.describe(t)}`);
    if (!this.atRestartPoint()) this.recover(false);
    return undefined;
  }

  // ---- types --------------------------------------------------------------

  private parseType(): TypeNode | null {
    const kwTok = this.take();
    const nameTok = this.parseName('a type name');
    if (!nameTok) {
      this.recover(false);
      return null;
    }
    const def = { name: nameTok.text, attributes: [] as TypeAttributeDef[], argList: [] as string[], pos: this.pos(kwTok) };
    this.config.types.push(def);
    const node: TypeNode = { kind: 'type', def, attrs: [] };
    const open = this.peek();
    if (open.kind !== Tok.LParen) {
      this.err(open, `expected ( after type ${clip(def.name)}, found ${this.describe(open)}`);
      if (!this.atRestartPoint()) this.recover(false);
      return node;
    }
    this.parseParenBody(node, this.take(), `type ${clip(def.name)}`, {
      expected: 'an attribute definition',
      starts: (t) => t.kind === Tok.Word,
      // `group G (` or `type T (`: the next statement started, this type lacks its `)`.
      nextStatement: (t) => {
        const n = this.peek(1);
        return !isTypeAttributeStart(t.text) && topKeyword(t.text) !== undefined && (n.kind === Tok.Word || n.kind === Tok.String);
      },
      parse: () => this.parseTypeAttribute(def, node),
    });
    return node;
  }

  /** `[static] [temp] str|int|boolean|i18nstr|float|keylist Name[[]|{}] [= default] [;]` */
  private parseTypeAttribute(def: { attributes: TypeAttributeDef[]; argList: string[]; keywords?: TypeKeyword[] }, node: TypeNode): void {
    const first = this.peek();
    const leading = this.takeLeading(first);
    let isStatic = false;
    let isTemp = false;
    for (;;) {
      const t = this.peek();
      if (t.kind === Tok.Word && (t.text === 'static' || t.text === 'temp')) {
        this.take();
        if (t.text === 'static') {
          if (isStatic) this.err(t, 'static given twice');
          isStatic = true;
        } else {
          if (isTemp) this.err(t, 'temp given twice');
          isTemp = true;
        }
        continue;
      }
      break;
    }
    const baseTok = this.peek();
    if (!isStatic && !isTemp && baseTok.kind === Tok.Word && !BASE_KEYWORDS.has(baseTok.text) && this.peek(1).kind === Tok.Equals) {
      this.parseTypeKeyword(def, node, leading);
      return;
    }
    if (baseTok.kind !== Tok.Word || !BASE_KEYWORDS.has(baseTok.text)) {
      this.err(baseTok, `expected an attribute kind (str, int, boolean, i18nstr, float, keylist), found ${this.describe(baseTok)}`);
      this.recover(true);
      return;
    }
    this.take();
    const nameTok = this.peek();
    if (nameTok.kind !== Tok.Word || !isIdentifier(nameTok.text)) {
      this.err(nameTok, `expected an attribute name, found ${this.describe(nameTok)}`);
      this.recover(true);
      return;
    }
    this.take();
    let dimension: Dimension = baseTok.text === 'keylist' ? 'keylist' : 'scalar';
    const s = this.peek();
    if (s.kind === Tok.LBracket || (s.kind === Tok.LBrace && this.peek(1).kind === Tok.RBrace)) {
      this.take();
      const close = this.take();
      if (s.kind === Tok.LBracket && close.kind !== Tok.RBracket) {
        this.err(close, `expected ] after ${clip(nameTok.text)}[, found ${this.describe(close)}`);
        this.recover(true);
        return;
      }
      if (dimension === 'keylist') this.err(s, 'a keylist takes no [] or {}');
      else dimension = s.kind === Tok.LBracket ? 'vector' : 'association';
    }
    let dflt: Value | undefined;
    if (this.peek().kind === Tok.Equals) {
      this.take();
      dflt = this.parseValue(nameTok.text);
      if (!dflt) {
        if (!this.atRestartPoint()) this.recover(true);
        return;
      }
    }
    if (this.peek().kind === Tok.Semi) this.take();
    const base = (baseTok.text === 'keylist' ? 'str' : baseTok.text) as BaseKind;
    const attr: TypeAttributeDef = { name: nameTok.text, base, dimension, static: isStatic, temp: isTemp, pos: this.pos(first) };
    if (dflt) attr.default = dflt;
    def.attributes.push(attr);
    if (attr.name === 'ArgList' && dflt && (dflt.kind === 'list' || dflt.kind === 'vector')) {
      def.argList = dflt.items.map(String);
    }
    const an: TypeAttrNode = leading ? { attr, leading } : { attr };
    this.finish(an);
    node.attrs.push(an);
  }

  /**
   * A type-level setting that is not an attribute definition, as real
   * types.cf files carry them: `NameRule = ""` (CVMCluster), `NameRule =
   * resource.Name`. The value is one word, one string or one brace value, kept
   * as written; the verifier judges the keyword.
   */
  private parseTypeKeyword(def: { keywords?: TypeKeyword[] }, node: TypeNode, leading: CommentNode[] | undefined): void {
    const nameTok = this.take();
    this.take(); // =
    const v = this.peek();
    let value: Value | undefined;
    let raw: string | undefined;
    if (v.kind === Tok.Word && v.nlBefore && (this.peek(1).kind === Tok.Equals || BASE_KEYWORDS.has(v.text) || v.text === 'static')) {
      this.err(v, `missing value for ${clip(nameTok.text)}`);
    } else if (v.kind === Tok.Word) {
      // Bare words here may be expressions (`resource.Name`): kept as written, never refused.
      this.take();
      raw = v.text;
      value = { kind: 'scalar', value: v.text };
    } else if (v.kind === Tok.String) {
      this.take();
      value = { kind: 'scalar', value: v.text };
    } else if (v.kind === Tok.LBrace) value = this.parseBraces();
    else this.err(v, `expected a value for ${clip(nameTok.text)}, found ${this.describe(v)}`);
    if (!value) {
      if (!this.atRestartPoint()) this.recover(true);
      return;
    }
    if (this.peek().kind === Tok.Semi) this.take();
    const keyword: TypeKeyword = { name: nameTok.text, value, pos: this.pos(nameTok) };
    (def.keywords ??= []).push(keyword);
    const kn: TypeKeywordNode = { keyword, ...(raw !== undefined ? { raw } : {}), ...(leading ? { leading } : {}) };
    this.finish(kn);
    node.attrs.push(kn);
  }
}

function isTypeAttributeStart(word: string): boolean {
  return word === 'static' || word === 'temp' || BASE_KEYWORDS.has(word);
}

function clip(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}...` : s;
}

function codePoint(s: string): string {
  const c = s.codePointAt(0) ?? 0;
  return `U+${c.toString(16).toUpperCase().padStart(4, '0')}`;
}
