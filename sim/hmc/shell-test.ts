/**
 * Conditional expressions: the `test` / `[` builtin (POSIX rules by the
 * number of arguments, then `-a`, `-o`, `!` and parentheses) and bash's
 * `[[ ... ]]` (no word splitting, pattern and regex matching, `&&`, `||`,
 * short-circuit evaluation). Files are the simulated HMC user's home.
 */
import { ArithError } from './shell-arith.js';
import { globMatch } from './shell-glob.js';
import type { CondToken } from './shell.js';
import type { Word } from './shell-lexer.js';

export interface TestHost {
  /** A path as the simulated HMC user sees it: its home directory and the files in it. */
  fileKind(path: string): 'file' | 'dir' | null;
  isVarSet(name: string): boolean;
  /** Arithmetic value of an operand of `-eq` inside `[[ ]]`. */
  arith(expr: string): bigint;
}

/** `status` 0 true, 1 false, 2 error (with the message bash prints after the command's name). */
export interface TestResult {
  status: number;
  error?: string;
}

class TestError extends Error {}

const UNARY = new Set(['-z', '-n', '-e', '-f', '-d', '-r', '-w', '-x', '-s', '-L', '-h', '-p', '-S', '-b', '-c', '-t', '-g', '-u', '-k', '-O', '-G', '-N', '-v', '-a']);
const BINARY = new Set(['=', '==', '!=', '<', '>', '-eq', '-ne', '-lt', '-le', '-gt', '-ge', '-nt', '-ot', '-ef']);

function integer(text: string): bigint {
  const t = text.trim();
  if (!/^[-+]?[0-9]+$/.test(t)) throw new TestError(`${text}: integer expression expected`);
  return BigInt(t);
}

function unary(op: string, arg: string, host: TestHost): boolean {
  switch (op) {
    case '-z':
      return arg === '';
    case '-n':
      return arg !== '';
    case '-e':
    case '-a':
      return host.fileKind(arg) !== null;
    case '-f':
    case '-r':
    case '-w':
    case '-s':
      return host.fileKind(arg) === 'file';
    case '-d':
    case '-x':
      return host.fileKind(arg) === 'dir';
    case '-v':
      return host.isVarSet(arg);
    case '-t':
      integer(arg);
      return false;
    default:
      return false;
  }
}

function compareInts(op: string, a: bigint, b: bigint): boolean {
  switch (op) {
    case '-eq':
      return a === b;
    case '-ne':
      return a !== b;
    case '-lt':
      return a < b;
    case '-le':
      return a <= b;
    case '-gt':
      return a > b;
    default:
      return a >= b;
  }
}

function binary(a: string, op: string, b: string): boolean {
  switch (op) {
    case '=':
    case '==':
      return a === b;
    case '!=':
      return a !== b;
    case '<':
      return a < b;
    case '>':
      return a > b;
    case '-nt':
    case '-ot':
    case '-ef':
      return false;
    default:
      return compareInts(op, integer(a), integer(b));
  }
}

/** The `test` grammar over already expanded arguments. */
class TestParser {
  private i = 0;

  constructor(
    private readonly args: string[],
    private readonly host: TestHost,
  ) {}

  /** POSIX: the meaning of up to four arguments depends on their number. */
  run(): boolean {
    const a = this.args;
    switch (a.length) {
      case 0:
        return false;
      case 1:
        return a[0] !== '';
      case 2:
        if (a[0] === '!') return a[1] === '';
        if (UNARY.has(a[0]!)) return unary(a[0]!, a[1]!, this.host);
        throw new TestError(`${a[0]}: unary operator expected`);
      case 3:
        if (BINARY.has(a[1]!)) return binary(a[0]!, a[1]!, a[2]!);
        if (a[1] === '-a') return a[0] !== '' && a[2] !== '';
        if (a[1] === '-o') return a[0] !== '' || a[2] !== '';
        if (a[0] === '!') return !new TestParser(a.slice(1), this.host).run();
        if (a[0] === '(' && a[2] === ')') return a[1] !== '';
        throw new TestError(`${a[1]}: binary operator expected`);
      case 4:
        if (a[0] === '!') return !new TestParser(a.slice(1), this.host).run();
        if (a[0] === '(' && a[3] === ')') return new TestParser(a.slice(1, 3), this.host).run();
        break;
    }
    const v = this.or();
    if (this.i < a.length) throw new TestError('too many arguments');
    return v;
  }

  private or(): boolean {
    let v = this.and();
    while (this.args[this.i] === '-o') {
      this.i++;
      const r = this.and();
      v = v || r;
    }
    return v;
  }

  private and(): boolean {
    let v = this.not();
    while (this.args[this.i] === '-a') {
      this.i++;
      const r = this.not();
      v = v && r;
    }
    return v;
  }

  private not(): boolean {
    if (this.args[this.i] === '!') {
      this.i++;
      return !this.not();
    }
    return this.primary();
  }

  private primary(): boolean {
    const a = this.args;
    const t = a[this.i];
    if (t === undefined) throw new TestError('argument expected');
    if (t === '(') {
      this.i++;
      const v = this.or();
      if (a[this.i] !== ')') throw new TestError("`)' expected");
      this.i++;
      return v;
    }
    if (a[this.i + 1] !== undefined && BINARY.has(a[this.i + 1]!) && a[this.i + 2] !== undefined) {
      this.i += 3;
      return binary(t, a[this.i - 2]!, a[this.i - 1]!);
    }
    if (UNARY.has(t) && a[this.i + 1] !== undefined) {
      this.i += 2;
      return unary(t, a[this.i - 1]!, this.host);
    }
    this.i++;
    return t !== '';
  }
}

/** `test ARGS...` (name "test") or `[ ARGS... ]` (name "["). */
export function runTest(name: string, args: string[], host: TestHost): TestResult {
  let list = args;
  if (name === '[') {
    if (list[list.length - 1] !== ']') return { status: 2, error: "missing `]'" };
    list = list.slice(0, -1);
  }
  try {
    return { status: new TestParser(list, host).run() ? 0 : 1 };
  } catch (e) {
    if (e instanceof TestError) return { status: 2, error: e.message };
    throw e;
  }
}

type CondNode =
  | { k: 'or' | 'and'; a: CondNode; b: CondNode }
  | { k: 'not'; a: CondNode }
  | { k: 'unary'; op: string; w: Word }
  | { k: 'binary'; op: string; l: Word; r: Word }
  | { k: 'word'; w: Word };

/** How `[[ ]]` needs a word: as a string, as a glob pattern (right of `==`), or as a regular expression (right of `=~`). */
export type CondExpand = (w: Word, as: 'string' | 'pattern' | 'regex') => Promise<string>;

function parseCond(tokens: CondToken[]): CondNode {
  let i = 0;
  const isOp = (op: string) => {
    const t = tokens[i];
    return !!t && ((t.t === 'op' && t.op === op) || (t.t === 'word' && t.plain === op));
  };
  const word = (): Word => {
    const t = tokens[i++];
    if (!t || t.t !== 'word') throw new TestError(`syntax error in conditional expression`);
    return t.word;
  };
  const or = (): CondNode => {
    let a = and();
    while (isOp('||')) {
      i++;
      a = { k: 'or', a, b: and() };
    }
    return a;
  };
  const and = (): CondNode => {
    let a = not();
    while (isOp('&&')) {
      i++;
      a = { k: 'and', a, b: not() };
    }
    return a;
  };
  const not = (): CondNode => {
    if (isOp('!')) {
      i++;
      return { k: 'not', a: not() };
    }
    if (isOp('(')) {
      i++;
      const v = or();
      if (!isOp(')')) throw new TestError("syntax error in conditional expression: expected `)'");
      i++;
      return v;
    }
    const t = tokens[i];
    const next = tokens[i + 1];
    const nextOp = next ? (next.t === 'op' ? next.op : next.plain) : null;
    if (t?.t === 'word' && nextOp !== null && (BINARY.has(nextOp) || nextOp === '=~') && tokens[i + 2]) {
      const l = word();
      i++;
      return { k: 'binary', op: nextOp, l, r: word() };
    }
    if (t?.t === 'word' && t.plain !== null && UNARY.has(t.plain) && next?.t === 'word') {
      i++;
      return { k: 'unary', op: t.plain, w: word() };
    }
    return { k: 'word', w: word() };
  };
  const node = or();
  if (i < tokens.length) throw new TestError('syntax error in conditional expression');
  return node;
}

async function evalCondNode(n: CondNode, expand: CondExpand, host: TestHost): Promise<boolean> {
  switch (n.k) {
    case 'or':
      return (await evalCondNode(n.a, expand, host)) || evalCondNode(n.b, expand, host);
    case 'and':
      return (await evalCondNode(n.a, expand, host)) && evalCondNode(n.b, expand, host);
    case 'not':
      return !(await evalCondNode(n.a, expand, host));
    case 'word':
      return (await expand(n.w, 'string')) !== '';
    case 'unary':
      return unary(n.op, await expand(n.w, 'string'), host);
    case 'binary': {
      const l = await expand(n.l, 'string');
      if (n.op === '==' || n.op === '=' || n.op === '!=') {
        const m = globMatch(await expand(n.r, 'pattern'), l);
        return n.op === '!=' ? !m : m;
      }
      if (n.op === '=~') {
        let re: RegExp;
        try {
          re = new RegExp(await expand(n.r, 'regex'));
        } catch {
          throw new TestError('invalid regular expression');
        }
        return re.test(l);
      }
      const r = await expand(n.r, 'string');
      if (n.op.startsWith('-') && !['-nt', '-ot', '-ef'].includes(n.op)) return compareInts(n.op, host.arith(l), host.arith(r));
      return binary(l, n.op, r);
    }
  }
}

/** `[[ ... ]]`. */
export async function runCond(tokens: CondToken[], expand: CondExpand, host: TestHost): Promise<TestResult> {
  try {
    return { status: (await evalCondNode(parseCond(tokens), expand, host)) ? 0 : 1 };
  } catch (e) {
    if (e instanceof TestError || e instanceof ArithError) return { status: 2, error: e.message };
    throw e;
  }
}
