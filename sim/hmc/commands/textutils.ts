/**
 * More of the text utilities an HMC's restricted shell offers to pipes:
 * cat (standard input), cut, wc with GNU's output layout, and date.
 */
import type { CommandResult } from './common.js';

const fail = (text: string, status = 1): CommandResult => ({ stdout: '', stderr: `${text}\n`, status });

export function cat(args: string[], stdin: string): CommandResult {
  for (const a of args) if (a !== '-' && a !== '-u') return fail(`cat: ${a}: No such file or directory`);
  return { stdout: stdin, status: 0 };
}

/** `1,3-5,7-`: the 1-based positions a cut list selects. */
function cutList(spec: string): ((n: number) => boolean) | null {
  const ranges: Array<[number, number]> = [];
  for (const part of spec.split(',')) {
    const m = /^(\d*)-?(\d*)$/.exec(part);
    if (!m || part === '' || part === '-') return null;
    const from = m[1] ? Number(m[1]) : 1;
    const to = part.includes('-') ? (m[2] ? Number(m[2]) : Infinity) : from;
    if (from < 1 || to < from) return null;
    ranges.push([from, to]);
  }
  return (n) => ranges.some(([a, b]) => n >= a && n <= b);
}

export function cut(args: string[], stdin: string): CommandResult {
  let delimiter = '\t';
  let fields: string | undefined;
  let chars: string | undefined;
  let onlyDelimited = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const value = (flag: string) => (a.length > 2 ? a.slice(2) : args[++i]) ?? fail(`cut: option requires an argument -- '${flag}'`);
    if (a.startsWith('-d')) {
      const d = value('d');
      if (typeof d !== 'string') return d;
      if (d.length !== 1) return fail('cut: the delimiter must be a single character');
      delimiter = d;
    } else if (a.startsWith('-f')) {
      const f = value('f');
      if (typeof f !== 'string') return f;
      fields = f;
    } else if (a.startsWith('-c') || a.startsWith('-b')) {
      const c = value(a[1]!);
      if (typeof c !== 'string') return c;
      chars = c;
    } else if (a === '-s') {
      onlyDelimited = true;
    } else {
      return fail(`cut: invalid option -- '${a.replace(/^-/, '')}'`);
    }
  }
  const spec = fields ?? chars;
  if (spec === undefined) return fail('cut: you must specify a list of bytes, characters, or fields');
  const pick = cutList(spec);
  if (!pick) return fail(`cut: invalid field value '${spec}'`);
  const lines = stdin === '' ? [] : stdin.replace(/\n$/, '').split('\n');
  const out: string[] = [];
  for (const line of lines) {
    if (chars !== undefined) {
      out.push([...line].filter((_, i) => pick(i + 1)).join(''));
    } else if (!line.includes(delimiter)) {
      if (!onlyDelimited) out.push(line);
    } else {
      out.push(line.split(delimiter).filter((_, i) => pick(i + 1)).join(delimiter));
    }
  }
  return { stdout: out.map((l) => `${l}\n`).join(''), status: 0 };
}

/** GNU wc on standard input: the counts asked for (lines, words, bytes by default), right-aligned when there are several. */
export function wc(args: string[], stdin: string): CommandResult {
  const want = new Set<string>();
  for (const a of args) {
    if (!/^-[lwcm]+$/.test(a)) return fail(a.startsWith('-') ? `wc: invalid option -- '${a.slice(1)}'` : `wc: ${a}: No such file or directory`);
    for (const f of a.slice(1)) want.add(f === 'm' ? 'c' : f);
  }
  if (want.size === 0) ['l', 'w', 'c'].forEach((f) => want.add(f));
  const counts: Record<string, number> = {
    l: (stdin.match(/\n/g) ?? []).length,
    w: stdin.split(/\s+/).filter(Boolean).length,
    c: Buffer.byteLength(stdin),
  };
  const values = ['l', 'w', 'c'].filter((f) => want.has(f)).map((f) => String(counts[f]));
  return { stdout: (values.length === 1 ? values[0]! : values.map((v) => v.padStart(7)).join(' ')) + '\n', status: 0 };
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `date [+FORMAT]` in UTC, with the common conversions. */
export function date(args: string[]): CommandResult {
  const d = new Date();
  const p2 = (n: number) => String(n).padStart(2, '0');
  const fmt = args.find((a) => a.startsWith('+'));
  if (args.some((a) => !a.startsWith('+') && a !== '-u' && a !== '--utc')) return fail(`date: invalid date '${args.find((a) => !a.startsWith('+'))}'`);
  const conv: Record<string, () => string> = {
    Y: () => String(d.getUTCFullYear()),
    y: () => p2(d.getUTCFullYear() % 100),
    m: () => p2(d.getUTCMonth() + 1),
    d: () => p2(d.getUTCDate()),
    e: () => String(d.getUTCDate()).padStart(2, ' '),
    H: () => p2(d.getUTCHours()),
    M: () => p2(d.getUTCMinutes()),
    S: () => p2(d.getUTCSeconds()),
    s: () => String(Math.floor(d.getTime() / 1000)),
    a: () => DAYS[d.getUTCDay()]!,
    b: () => MONTHS[d.getUTCMonth()]!,
    Z: () => 'UTC',
    z: () => '+0000',
    F: () => `${conv.Y!()}-${conv.m!()}-${conv.d!()}`,
    T: () => `${conv.H!()}:${conv.M!()}:${conv.S!()}`,
    n: () => '\n',
    '%': () => '%',
  };
  const text = fmt === undefined ? '%a %b %e %T %Z %Y' : fmt.slice(1);
  return { stdout: text.replace(/%(.)/g, (m, c: string) => conv[c]?.() ?? m) + '\n', status: 0 };
}
