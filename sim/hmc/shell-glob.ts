/**
 * Shell pattern matching (`case` patterns, `[[ x == pat ]]`, `${x#pat}`):
 * `*`, `?`, bracket expressions with ranges, `!`/`^` negation and the
 * POSIX classes. A backslash makes the next character literal; quoted text
 * reaches here already escaped (see escapeGlob).
 */

const CLASSES: Record<string, string> = {
  alpha: 'A-Za-z',
  digit: '0-9',
  alnum: 'A-Za-z0-9',
  upper: 'A-Z',
  lower: 'a-z',
  space: ' \\t\\n\\r\\f\\v',
  blank: ' \\t',
  punct: '!-\\/:-@\\[-`{-~',
  xdigit: '0-9A-Fa-f',
  word: 'A-Za-z0-9_',
};

const reEscape = (c: string) => c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

/** Makes every character of `text` literal in a pattern. */
export function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}

/** A bracket expression at `i` (the `[`): its regex class and the index after it, or null when it does not close. */
function bracket(p: string, i: number): [string, number] | null {
  let j = i + 1;
  let negate = false;
  if (p[j] === '!' || p[j] === '^') {
    negate = true;
    j++;
  }
  let body = '';
  let first = true;
  while (j < p.length) {
    const c = p[j]!;
    if (c === ']' && !first) return [`[${negate ? '^' : ''}${body}]`, j + 1];
    first = false;
    if (c === '[' && p[j + 1] === ':') {
      const end = p.indexOf(':]', j + 2);
      const cls = end > 0 ? CLASSES[p.slice(j + 2, end)] : undefined;
      if (cls !== undefined) {
        body += cls;
        j = end + 2;
        continue;
      }
    }
    if (c === '\\' && j + 1 < p.length) {
      body += reEscape(p[j + 1]!);
      j += 2;
      continue;
    }
    if (p[j + 1] === '-' && p[j + 2] !== undefined && p[j + 2] !== ']') {
      body += `${reEscape(c)}-${reEscape(p[j + 2]!)}`;
      j += 3;
      continue;
    }
    body += reEscape(c);
    j++;
  }
  return null;
}

/** The pattern as a regular expression source (unanchored). */
export function globSource(pattern: string, greedy = true): string {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\' && i + 1 < pattern.length) {
      out += reEscape(pattern[++i]!);
    } else if (c === '*') {
      out += greedy ? '[\\s\\S]*' : '[\\s\\S]*?';
    } else if (c === '?') {
      out += '[\\s\\S]';
    } else if (c === '[') {
      const b = bracket(pattern, i);
      if (b) {
        out += b[0];
        i = b[1] - 1;
      } else {
        out += '\\[';
      }
    } else {
      out += reEscape(c);
    }
  }
  return out;
}

/** True when the whole of `text` matches `pattern`. */
export function globMatch(pattern: string, text: string): boolean {
  try {
    return new RegExp(`^(?:${globSource(pattern)})$`).test(text);
  } catch {
    return pattern === text;
  }
}

/** `${x#pat}` / `${x##pat}` / `${x%pat}` / `${x%%pat}`: `text` without its shortest or longest matching prefix or suffix. */
export function trimPattern(text: string, pattern: string, op: '#' | '##' | '%' | '%%'): string {
  const source = globSource(pattern);
  let re: RegExp;
  try {
    re = new RegExp(`^(?:${source})$`);
  } catch {
    return text;
  }
  // Trying every prefix is quadratic: long values take one regex match (leftmost, lazy or greedy) instead.
  if (text.length > 20_000) {
    const m = new RegExp(op.startsWith('#') ? `^(?:${globSource(pattern, op === '##')})` : `(?:${globSource(pattern, op === '%%')})$`).exec(text);
    if (!m) return text;
    return op.startsWith('#') ? text.slice(m[0].length) : text.slice(0, m.index);
  }
  if (op === '#' || op === '##') {
    const lengths = op === '#' ? range(0, text.length) : range(text.length, 0);
    for (const n of lengths) if (re.test(text.slice(0, n))) return text.slice(n);
  } else {
    const starts = op === '%' ? range(text.length, 0) : range(0, text.length);
    for (const s of starts) if (re.test(text.slice(s))) return text.slice(0, s);
  }
  return text;
}

function range(from: number, to: number): number[] {
  const out: number[] = [];
  if (from <= to) for (let i = from; i <= to; i++) out.push(i);
  else for (let i = from; i >= to; i--) out.push(i);
  return out;
}
