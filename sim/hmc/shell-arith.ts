/**
 * Shell arithmetic (`$((...))`, `((...))`): bash's 64-bit signed integer
 * expressions with its operators and precedence, variables read and
 * assigned through `vars`. A precedence-climbing parser over a small token
 * list: linear in the input, bounded in depth.
 */

export class ArithError extends Error {}

export interface ArithVars {
  get(name: string): string | undefined;
  set(name: string, value: string): void;
}

type Tok = { k: 'num'; v: bigint } | { k: 'name'; v: string } | { k: 'op'; v: string };

const OPS = ['<<=', '>>=', '**', '++', '--', '<<', '>>', '<=', '>=', '==', '!=', '&&', '||', '+=', '-=', '*=', '/=', '%=', '&=', '^=', '|=', '+', '-', '*', '/', '%', '<', '>', '&', '^', '|', '!', '~', '?', ':', '=', '(', ')', ','];
const MAX_DEPTH = 200;
const wrap = (v: bigint) => BigInt.asIntN(64, v);

function tokenize(expr: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  while (i < expr.length) {
    const c = expr[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const num = /^(?:0[xX][0-9a-fA-F]+|[0-9]+#[0-9a-zA-Z@_]+|[0-9]+)/.exec(expr.slice(i, i + 80));
    if (num) {
      toks.push({ k: 'num', v: parseNumber(num[0]) });
      i += num[0].length;
      continue;
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(expr.slice(i, i + 256));
    if (name) {
      toks.push({ k: 'name', v: name[0] });
      i += name[0].length;
      continue;
    }
    const op = OPS.find((o) => expr.startsWith(o, i));
    if (!op) throw new ArithError(`syntax error: operand expected (error token is "${expr.slice(i)}")`);
    toks.push({ k: 'op', v: op });
    i += op.length;
  }
  return toks;
}

function parseNumber(text: string): bigint {
  if (/^0[xX]/.test(text)) return wrap(BigInt(text));
  const based = /^([0-9]+)#(.+)$/.exec(text);
  if (based) {
    const base = Number(based[1]);
    if (base < 2 || base > 64) throw new ArithError(`invalid arithmetic base (error token is "${text}")`);
    let v = 0n;
    for (const ch of based[2]!) {
      const d = digitValue(ch, base);
      if (d < 0 || d >= base) throw new ArithError(`value too great for base (error token is "${text}")`);
      v = wrap(v * BigInt(base) + BigInt(d));
    }
    return v;
  }
  if (text.length > 1 && text.startsWith('0')) {
    if (!/^[0-7]+$/.test(text)) throw new ArithError(`value too great for base (error token is "${text}")`);
    return wrap(BigInt(`0o${text.slice(1)}`));
  }
  return wrap(BigInt(text));
}

function digitValue(ch: string, base: number): number {
  if (/[0-9]/.test(ch)) return ch.charCodeAt(0) - 48;
  if (/[a-z]/.test(ch)) return ch.charCodeAt(0) - 97 + 10;
  if (/[A-Z]/.test(ch)) return ch.charCodeAt(0) - 65 + (base > 36 ? 36 : 10);
  if (ch === '@') return 62;
  if (ch === '_') return 63;
  return -1;
}

/** Binary operators by precedence, lowest first (assignment, ternary and comma are handled apart). */
const BINARY: string[][] = [['||'], ['&&'], ['|'], ['^'], ['&'], ['==', '!='], ['<', '<=', '>', '>='], ['<<', '>>'], ['+', '-'], ['*', '/', '%'], ['**']];
const ASSIGN = new Set(['=', '+=', '-=', '*=', '/=', '%=', '<<=', '>>=', '&=', '^=', '|=']);

class Parser {
  private i = 0;
  private depth = 0;
  /** While false (the untaken side of `&&`, `||`, `?:`), assignments and errors are not performed. */
  private live = true;

  constructor(
    private readonly toks: Tok[],
    private readonly vars: ArithVars,
    private readonly text: string,
    /** How many variables deep the evaluation is (`a=b`, `b=a+1`...). */
    private readonly nesting = 0,
  ) {}

  private peek(): Tok | undefined {
    return this.toks[this.i];
  }

  private isOp(v: string): boolean {
    const t = this.peek();
    return !!t && t.k === 'op' && t.v === v;
  }

  run(): bigint {
    if (this.toks.length === 0) return 0n;
    const v = this.comma();
    if (this.i < this.toks.length) throw new ArithError(`syntax error in expression (error token is "${this.rest()}")`);
    return v;
  }

  private rest(): string {
    return this.toks.slice(this.i).map((t) => String(t.v)).join(' ');
  }

  private comma(): bigint {
    let v = this.assignment();
    while (this.isOp(',')) {
      this.i++;
      v = this.assignment();
    }
    return v;
  }

  private assignment(): bigint {
    const t = this.peek();
    const next = this.toks[this.i + 1];
    if (t?.k === 'name' && next?.k === 'op' && ASSIGN.has(next.v)) {
      this.i += 2;
      const rhs = this.assignment();
      const value = next.v === '=' ? rhs : this.binary(next.v.slice(0, -1), this.variable(t.v), rhs);
      return this.store(t.v, value);
    }
    return this.ternary();
  }

  private ternary(): bigint {
    const cond = this.level(0);
    if (!this.isOp('?')) return cond;
    this.i++;
    const live = this.live;
    this.live = live && cond !== 0n;
    const a = this.assignment();
    if (!this.isOp(':')) throw new ArithError(`\`:' expected for conditional expression (error token is "${this.rest()}")`);
    this.i++;
    this.live = live && cond === 0n;
    const b = this.assignment();
    this.live = live;
    return cond !== 0n ? a : b;
  }

  private level(n: number): bigint {
    if (n >= BINARY.length) return this.unary();
    let left = this.level(n + 1);
    for (;;) {
      const t = this.peek();
      if (!t || t.k !== 'op' || !BINARY[n]!.includes(t.v)) return left;
      this.i++;
      if (t.v === '&&' || t.v === '||') {
        const live = this.live;
        if ((t.v === '&&' && left === 0n) || (t.v === '||' && left !== 0n)) this.live = false;
        const right = this.level(n + 1);
        this.live = live;
        left = t.v === '&&' ? BigInt(left !== 0n && right !== 0n) : BigInt(left !== 0n || right !== 0n);
        continue;
      }
      // `**` is right-associative.
      const right = t.v === '**' ? this.level(n) : this.level(n + 1);
      left = this.binary(t.v, left, right);
    }
  }

  private binary(op: string, a: bigint, b: bigint): bigint {
    switch (op) {
      case '+':
        return wrap(a + b);
      case '-':
        return wrap(a - b);
      case '*':
        return wrap(a * b);
      case '/':
      case '%':
        if (b === 0n) {
          if (!this.live) return 0n;
          throw new ArithError(`division by 0 (error token is "${this.rest()}")`);
        }
        return wrap(op === '/' ? a / b : a % b);
      case '**':
        if (b < 0n) {
          if (!this.live) return 0n;
          throw new ArithError('exponent less than 0');
        }
        return wrap(a ** (b > 4096n ? 4096n : b));
      case '<<':
        return wrap(a << (b & 63n));
      case '>>':
        return wrap(a >> (b & 63n));
      case '<':
        return BigInt(a < b);
      case '<=':
        return BigInt(a <= b);
      case '>':
        return BigInt(a > b);
      case '>=':
        return BigInt(a >= b);
      case '==':
        return BigInt(a === b);
      case '!=':
        return BigInt(a !== b);
      case '&':
        return a & b;
      case '^':
        return a ^ b;
      case '|':
        return a | b;
      default:
        throw new ArithError(`syntax error: invalid arithmetic operator (error token is "${op}")`);
    }
  }

  private unary(): bigint {
    if (++this.depth > MAX_DEPTH) throw new ArithError('expression nested too deeply');
    try {
      const t = this.peek();
      if (!t) throw new ArithError(`syntax error: operand expected (error token is "${this.text.trim() || ' '}")`);
      if (t.k === 'op') {
        this.i++;
        switch (t.v) {
          case '+':
            return this.unary();
          case '-':
            return wrap(-this.unary());
          case '!':
            return BigInt(this.unary() === 0n);
          case '~':
            return ~this.unary();
          case '++':
          case '--': {
            const n = this.peek();
            if (n?.k !== 'name') throw new ArithError(`syntax error: operand expected (error token is "${t.v}")`);
            this.i++;
            return this.store(n.v, wrap(this.variable(n.v) + (t.v === '++' ? 1n : -1n)));
          }
          case '(': {
            const v = this.comma();
            if (!this.isOp(')')) throw new ArithError(`missing \`)' (error token is "${this.rest()}")`);
            this.i++;
            return v;
          }
          default:
            throw new ArithError(`syntax error: operand expected (error token is "${[t.v, this.rest()].join(' ').trim()}")`);
        }
      }
      this.i++;
      if (t.k === 'num') return t.v;
      const after = this.peek();
      if (after?.k === 'op' && (after.v === '++' || after.v === '--')) {
        this.i++;
        const old = this.variable(t.v);
        this.store(t.v, wrap(old + (after.v === '++' ? 1n : -1n)));
        return old;
      }
      return this.variable(t.v);
    } finally {
      this.depth--;
    }
  }

  /** A variable's value as a number: empty or unset is 0, and a value that is itself an expression is evaluated. */
  private variable(name: string): bigint {
    const text = this.vars.get(name) ?? '';
    if (text.trim() === '') return 0n;
    if (/^\s*-?[0-9]+\s*$/.test(text)) return wrap(BigInt(text.trim()));
    if (this.nesting >= 64) throw new ArithError(`expression recursion level exceeded (error token is "${text}")`);
    return new Parser(tokenize(text), this.vars, text, this.nesting + 1).run();
  }

  private store(name: string, value: bigint): bigint {
    if (this.live) this.vars.set(name, value.toString());
    return value;
  }
}

/** Evaluates a shell arithmetic expression; throws ArithError with bash's wording. */
export function evalArith(expr: string, vars: ArithVars): bigint {
  return new Parser(tokenize(expr), vars, expr).run();
}
