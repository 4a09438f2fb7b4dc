/**
 * Lexical rules of main.cf / types.cf shared by the parser and the printer:
 * which words may stand bare, how strings are quoted, the keywords.
 *
 * Quoting follows the VCS documentation: a string may be written without
 * quotes when it starts with a letter and holds only letters, digits, `-` and
 * `_`; anything else is quoted, with `"` and `\` escaped by a backslash.
 */

/** A bare word that is a string: letter first, then letters, digits, `_`, `-`. */
export function isIdentifier(s: string): boolean {
  const n = s.length;
  if (n === 0) return false;
  const c0 = s.charCodeAt(0);
  if (!((c0 >= 65 && c0 <= 90) || (c0 >= 97 && c0 <= 122))) return false;
  for (let i = 1; i < n; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95 || c === 45)) return false;
  }
  return true;
}

/** `-?[0-9]+` */
export function isIntegerLiteral(s: string): boolean {
  const n = s.length;
  let i = s.charCodeAt(0) === 45 ? 1 : 0;
  if (i >= n) return false;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** `-?[0-9]+.[0-9]+`: a `float` value written bare (kept as a string until typed). */
export function isDecimalLiteral(s: string): boolean {
  const dot = s.indexOf('.');
  if (dot <= 0 || dot === s.length - 1) return false;
  const int = s.slice(0, dot);
  const frac = s.slice(dot + 1);
  return isIntegerLiteral(int) && isIntegerLiteral(frac) && frac.charCodeAt(0) !== 45;
}

export const INT32_MIN = -2147483648;
export const INT32_MAX = 2147483647;

/**
 * Quotes a string for main.cf as hacf writes it: every `"` and every `\\` is
 * escaped with a backslash (so `"a \\\\ b"` keeps its escape and a Windows
 * path comes out with doubled backslashes, as hacf dumps them).
 */
export function quoteString(s: string): string {
  let out = '"';
  let from = 0;
  const n = s.length;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === 34 || c === 92) {
      out += s.slice(from, i) + (c === 34 ? '\\"' : '\\\\');
      from = i + 1;
    }
  }
  return out + s.slice(from) + '"';
}

/**
 * A string value as the printer writes it: bare when it may be (letter first,
 * then letters, digits, `-`, `_`), quoted otherwise — `"16.0"` included. A
 * decimal written bare is a number in the model and printed bare.
 */
export function formatString(s: string): string {
  return isIdentifier(s) ? s : quoteString(s);
}

/** A name (group, system, resource, key): bare when it is an identifier. */
export function formatName(s: string): string {
  return isIdentifier(s) ? s : quoteString(s);
}

export const GROUP_DEP_CATEGORIES = ['online', 'offline'] as const;
export const GROUP_DEP_LOCATIONS = ['local', 'global', 'remote'] as const;
export const GROUP_DEP_RIGIDITIES = ['soft', 'firm', 'hard'] as const;

/** Attribute kinds accepted in type definitions. */
export const BASE_KEYWORDS = new Set(['str', 'int', 'boolean', 'i18nstr', 'float', 'keylist']);
