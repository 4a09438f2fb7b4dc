/**
 * VCS values as parameter values (strings). The `as-is` form is the one the
 * OCF face of our own agents reads (docs/convert.md, "Parameter values"):
 *
 *   scalar       the value                      LPARName=lpar1
 *   list         tokens separated by one blank  MCName="hmc1 hmc2"
 *   association  key=value tokens               DROpts="IPAddress=10.1.1.5 DNSServers=\"10.1.1.1 10.1.1.2\""
 *
 * A token (a list item, or an association value) that is empty or holds
 * whitespace, `"` or `\` is written in double quotes, with `\"` and `\\`
 * inside; every other token is written bare. Association keys are names.
 */
import { parseNetmask } from '../dropts.js';
import type { Value } from '../model.js';
import type { ParamForm } from './map.js';

export function token(s: string): string {
  return s !== '' && !/[\s"\\]/.test(s) ? s : `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/**
 * Splits a parameter value into its tokens, as a reader of the form does:
 * blanks separate tokens except inside double quotes, where `\"` and `\\`
 * stand for `"` and `\`; quotes may open anywhere in a token
 * (`DNSServers="10.1.1.1 10.1.1.2"`). The inverse of writing with `token`.
 */
export function splitTokens(s: string): string[] {
  const out: string[] = [];
  let cur: string | undefined;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (ch === ' ') {
      if (cur !== undefined) out.push(cur);
      cur = undefined;
    } else if (ch === '"') {
      cur ??= '';
      for (i++; i < s.length && s[i] !== '"'; i++) {
        if (s[i] === '\\' && i + 1 < s.length) i++;
        cur += s[i];
      }
    } else cur = (cur ?? '') + ch;
  }
  if (cur !== undefined) out.push(cur);
  return out;
}

/** The as-is form of any value. */
export function asIs(v: Value): string {
  if (v.kind === 'scalar') return String(v.value);
  // Plain loops: this runs for every list value of a large configuration, before the JIT has warmed up.
  let out = '';
  if (v.kind === 'association') {
    const entries = v.entries;
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i]!;
      out += `${i === 0 ? '' : ' '}${e.key}=${token(String(e.value ?? ''))}`;
    }
    return out;
  }
  const items = v.items;
  for (let i = 0; i < items.length; i++) out += (i === 0 ? '' : ' ') + token(String(items[i]));
  return out;
}

/** A value in `form`, or a reason it cannot be written that way. */
export function formatParam(v: Value, form: ParamForm): { value: string } | { problem: string } {
  switch (form) {
    case 'as-is':
      return { value: asIs(v) };
    case 'comma-list':
      return v.kind === 'scalar' ? { value: String(v.value) } : v.kind === 'association' ? { problem: 'an association where a list was expected' } : { value: v.items.map(String).join(',') };
    case 'prefix-length': {
      if (v.kind !== 'scalar') return { problem: 'a list where a netmask was expected' };
      const s = String(v.value).trim();
      if (/^\d{1,3}$/.test(s) && Number(s) <= 128) return { value: String(Number(s)) };
      const n = parseNetmask(s);
      if (n === undefined) return { problem: `${JSON.stringify(s)} is not a netmask with contiguous one bits` };
      let bits = 0;
      for (let m = n; m !== 0; m = (m << 1) >>> 0) bits++;
      return { value: String(bits) };
    }
    case 'run-fsck': {
      if (v.kind !== 'scalar') return { problem: 'a list where fsck options were expected' };
      return { value: /(^|\s)-n(\s|$)/.test(String(v.value)) ? 'no' : 'auto' };
    }
  }
}
