/**
 * The HMC's output grammar (hmc-facts §1.2):
 * - a record is `attr=value` pairs joined by commas;
 * - a pair whose value contains a comma is wrapped in double quotes, and a
 *   list item that itself contains a comma is wrapped in quotes inside it,
 *   which the outer quoting doubles (RFC 4180):
 *   `"virtual_eth_adapters=""2/1/1/3,4,5/0/1"""`;
 * - `-F a:b` prints only the values, joined by the delimiter found between
 *   the names; a value containing the delimiter, a comma or a quote is quoted
 *   the same way;
 * - an empty listing is `No results were found.` (exit 0).
 */
import type { AttrValue } from './model.js';

export const NO_RESULTS = 'No results were found.';

/** A list as the HMC writes it inside one value: comma-holding items quoted; empty = `none`. */
export function renderValue(v: AttrValue): string {
  if (typeof v === 'string') return v;
  if (v.length === 0) return 'none';
  return v.map((item) => (item.includes(',') ? `"${item}"` : item)).join(',');
}

function quoteCsv(text: string): string {
  return `"${text.replace(/"/g, '""')}"`;
}

/** One `attr=value` pair of a default (no -F) listing. */
export function formatPair(name: string, v: AttrValue): string {
  const pair = `${name}=${renderValue(v)}`;
  return needsQuotes(pair, ',') ? quoteCsv(pair) : pair;
}

function needsQuotes(text: string, delimiter: string): boolean {
  return text.includes(',') || text.includes('"') || text.includes(delimiter);
}

export function formatRecord(pairs: Iterable<readonly [string, AttrValue]>): string {
  const out: string[] = [];
  for (const [name, v] of pairs) out.push(formatPair(name, v));
  return out.join(',');
}

/** One line of `-F` output. */
export function formatFields(values: AttrValue[], delimiter: string): string {
  let line = '';
  for (let i = 0; i < values.length; i++) {
    const text = renderValue(values[i]!);
    if (i > 0) line += delimiter;
    line += needsQuotes(text, delimiter) ? quoteCsv(text) : text;
  }
  return line;
}

export interface FieldSpec {
  names: string[];
  delimiter: string;
}

/**
 * Splits the argument of `-F`: attribute names are lower-case words, and
 * whatever character follows the first name is the delimiter (`name:state`,
 * `name,state`, `"name state"`). Returns null when it is malformed.
 */
export function parseFieldSpec(spec: string): FieldSpec | null {
  const first = /^[a-z0-9_]+/i.exec(spec);
  if (!first) return null;
  if (first[0].length === spec.length) return { names: [spec], delimiter: ',' };
  const delimiter = spec[first[0].length]!;
  const names = spec.split(delimiter);
  if (names.some((n) => !/^[a-z0-9_]+$/i.test(n))) return null;
  return { names, delimiter };
}
