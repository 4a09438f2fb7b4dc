/**
 * Safe arguments for a remote (restricted) bash.
 *
 * An SSH exec request carries one string that the server's login shell parses
 * (`bash -c STRING` on an HMC, under rbash). Every value that did not come
 * from us therefore goes through quoteArg(), and values that name things
 * (partitions, profiles, systems) are validated first with assertSafeName(),
 * so that a hostile attribute value is refused with a clear message instead
 * of being passed on, however well quoted.
 */
import { VcsPowervmError } from '../errors.js';

/** Words bash reads literally, left unquoted so command lines stay readable in logs. */
const PLAIN_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

/**
 * Quotes one argument for a POSIX shell: single quotes, with each embedded
 * quote written as '\''. Inside single quotes bash expands nothing: no `$`,
 * no backticks, no globbing, no history. NUL cannot be carried by a C string
 * and is refused.
 */
export function quoteArg(value: string): string {
  if (typeof value !== 'string') {
    throw new VcsPowervmError('VCSPVM_UNSAFE_ARGUMENT', {
      what: 'argument',
      value: String(value),
      reason: 'not a string',
    });
  }
  if (value.includes('\0')) {
    throw new VcsPowervmError('VCSPVM_UNSAFE_ARGUMENT', {
      what: 'argument',
      value: showValue(value),
      reason: 'contains a NUL character',
    });
  }
  if (value === '') return "''";
  if (PLAIN_WORD.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * Joins argv into one command line that bash splits back into exactly argv.
 * The command name is quoted too when it would otherwise read as a variable
 * assignment (`a=b`).
 */
export function buildCommand(argv: readonly string[]): string {
  if (argv.length === 0) {
    throw new VcsPowervmError('VCSPVM_UNSAFE_ARGUMENT', {
      what: 'command',
      value: '[]',
      reason: 'empty argument list',
    });
  }
  return argv
    .map((arg, i) => {
      const quoted = quoteArg(arg);
      return i === 0 && quoted === arg && arg.includes('=') ? `'${arg}'` : quoted;
    })
    .join(' ');
}

export interface SafeNameRule {
  /** What the value is, for the message: "LPARName", "profile name". */
  what: string;
  /** Characters or shape the value must have; matched against the whole value. */
  pattern?: RegExp;
  /** Longest accepted value, in characters. */
  maxLength?: number;
  /** Accept the empty string (default: refused). */
  allowEmpty?: boolean;
}

/**
 * Refuses a value that is not a plain name: control characters (newline, NUL,
 * escape…) always, and anything outside `pattern` or longer than `maxLength`.
 * Returns the value so that it can be used inline.
 */
export function assertSafeName(value: unknown, rule: SafeNameRule): string {
  const refuse = (reason: string): never => {
    throw new VcsPowervmError('VCSPVM_UNSAFE_ARGUMENT', { what: rule.what, value: showValue(value), reason });
  };
  if (typeof value !== 'string') return refuse(`expected a string, got ${value === null ? 'null' : typeof value}`);
  if (value === '' && !rule.allowEmpty) return refuse('empty');
  // eslint-disable-next-line no-control-regex
  const control = /[\u0000-\u001f\u007f]/.exec(value);
  if (control) {
    const c = control[0];
    const name = c === '\n' ? 'a newline' : c === '\r' ? 'a carriage return' : c === '\0' ? 'a NUL character' : `control character U+${c.charCodeAt(0).toString(16).padStart(4, '0').toUpperCase()}`;
    return refuse(`contains ${name}`);
  }
  if (rule.maxLength !== undefined && value.length > rule.maxLength) {
    return refuse(`longer than ${rule.maxLength} characters`);
  }
  if (rule.pattern && !wholeMatch(rule.pattern).test(value)) {
    const bad = firstForbidden(value, rule.pattern);
    return refuse(bad === undefined ? `does not match ${rule.pattern}` : `character ${JSON.stringify(bad)} is not allowed (allowed: ${rule.pattern})`);
  }
  return value;
}

function wholeMatch(pattern: RegExp): RegExp {
  const flags = pattern.flags.replace(/[gy]/g, '');
  return new RegExp(`^(?:${pattern.source})$`, flags);
}

/**
 * For patterns that are a character class repeated (the usual case), names
 * the first character the class refuses, so the message says what to fix.
 */
function firstForbidden(value: string, pattern: RegExp): string | undefined {
  const cls = /^\^?(\[[^\]]+\])[+*](?:\{\d*,?\d*\})?\$?$|^\^?(\[[^\]]+\])\{\d*,?\d*\}\$?$/.exec(pattern.source);
  const set = cls?.[1] ?? cls?.[2];
  if (!set) return undefined;
  const one = new RegExp(`^${set}$`, pattern.flags.replace(/[gy]/g, ''));
  for (const ch of value) if (!one.test(ch)) return ch;
  return undefined;
}

/** A value as it appears in a message: quoted, escapes visible, bounded. */
function showValue(value: unknown): string {
  const s = JSON.stringify(typeof value === 'string' ? value : String(value));
  return s.length > 82 ? `${s.slice(0, 79)}…"` : s;
}
