/**
 * OpenSSH wildcard patterns (`*` any run of characters, `?` one character),
 * as used by Host lines, Match criteria and known_hosts host fields. With
 * `brackets`, `[…]` classes are understood too (file globbing for Include).
 */
const cache = new Map<string, RegExp>();

export function matchPattern(subject: string, pattern: string, brackets = false): boolean {
  const key = `${brackets ? 'b' : 'p'}${pattern}`;
  let re = cache.get(key);
  if (!re) {
    let src = '';
    for (let i = 0; i < pattern.length; i++) {
      const c = pattern[i]!;
      if (c === '*') src += '[^]*';
      else if (c === '?') src += '[^]';
      else if (brackets && c === '[') {
        const end = pattern.indexOf(']', i + 2);
        if (end < 0) {
          src += '\\[';
          continue;
        }
        let body = pattern.slice(i + 1, end);
        if (body.startsWith('!')) body = `^${body.slice(1)}`;
        src += `[${body.replace(/\\/g, '\\\\')}]`;
        i = end;
      } else src += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    }
    re = new RegExp(`^${src}$`);
    if (cache.size > 1000) cache.clear();
    cache.set(key, re);
  }
  return re.test(subject);
}
