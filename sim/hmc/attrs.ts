/**
 * The HMC's input grammar for attribute records (`-i`, each line of `-f`,
 * `-a`, `--filter`): the inverse of format.ts (hmc-facts §3.2).
 *
 *   name=lpar1,"virtual_scsi_adapters=2/client/1/vios1/10/1,3/client/2/vios2/10/1"
 *   "virtual_eth_adapters=""2/1/1/3,4,5/0/1""",io_slots+=21010020//0
 *
 * A field is `attr=value`, `attr+=value` (add list items) or `attr-=value`
 * (remove them). Quotes may wrap the whole field or part of it; inside quotes
 * `""` is a literal quote. The value of a field is then split the same way
 * into list items. A bare comma inside a value makes a field without `=`:
 * a format error, as on a real HMC.
 */

export class AttrSyntaxError extends Error {}

export type AttrOp = '=' | '+=' | '-=';

export interface AttrField {
  name: string;
  op: AttrOp;
  /** The value text with the field's own quoting removed. */
  value: string;
  /** The value split into list items (`none` and empty give []). */
  items: string[];
}

/** Splits CSV text on commas outside quotes; `""` inside quotes is one quote. */
export function splitCsv(text: string): string[] {
  const fields: string[] = [];
  let cur = '';
  let inQuotes = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') {
      if (inQuotes && text[i + 1] === '"') {
        cur += '"';
        i++;
      } else {
        inQuotes = !inQuotes;
      }
    } else if (c === ',' && !inQuotes) {
      fields.push(cur);
      cur = '';
    } else {
      cur += c;
    }
  }
  if (inQuotes) throw new AttrSyntaxError('unbalanced double quote');
  fields.push(cur);
  return fields;
}

/** List items of one value: `none` or empty gives no items. */
function splitItems(value: string): string[] {
  if (value === '' || value === 'none') return [];
  return splitCsv(value);
}

const FIELD = /^([A-Za-z][A-Za-z0-9_]*)(\+=|-=|=)([\s\S]*)$/;

export function parseRecord(text: string): AttrField[] {
  const trimmed = text.replace(/\r?\n$/, '');
  if (trimmed.trim() === '') throw new AttrSyntaxError('empty attribute record');
  return splitCsv(trimmed).map((raw) => {
    const m = FIELD.exec(raw);
    if (!m) throw new AttrSyntaxError(`invalid attribute field "${raw}"`);
    const value = m[3]!;
    return { name: m[1]!, op: m[2] as AttrOp, value, items: splitItems(value) };
  });
}

/**
 * A `--filter` string: `lpar_names=a,profile_names=p` or with a list
 * `"lpar_names=a,b",profile_names=p`. A field without `=` continues the list
 * of the filter before it, so `lpar_names=a,b` also means both partitions.
 */
export function parseFilter(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let last: string[] | null = null;
  for (const raw of splitCsv(text)) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=([\s\S]*)$/.exec(raw);
    if (m) {
      last = out.get(m[1]!) ?? [];
      out.set(m[1]!, last);
      const values = splitCsv(m[2]!).filter((v) => v !== '');
      // `lpar_names=` selects nothing: the HMC refuses it rather than list nothing.
      if (values.length === 0) throw new AttrSyntaxError(`the filter ${m[1]} has no value`);
      last.push(...values);
    } else if (last && raw !== '') {
      last.push(raw);
    } else {
      throw new AttrSyntaxError(`invalid filter "${raw}"`);
    }
  }
  return out;
}
