/**
 * The HMC's attribute-record grammar, both ways (research/hmc-facts.md §1.2, §3.2).
 *
 * A record is `attr=value` fields joined by commas. A field whose text holds a
 * comma or a quote is wrapped in double quotes, a quote inside doubled
 * (RFC 4180). A list value is items joined by commas; an item that itself
 * holds a comma (a WWPN pair, a VLAN list) is quoted inside the value, and
 * that quoting is doubled again by the field's own quotes:
 *
 *   name=lpar05,"virtual_scsi_adapters=304/client/2/vio_server1/4/1,404/client/3/vio_server2/6/1"
 *   "virtual_fc_adapters=""504/client/2/vio1/8/c0507604,c0507605/1"",""604/client/3/vio2/5/c05,c06/1"""
 *
 * The same grammar is used for `-i` input, each line of `-f` files, listing
 * output without `-F`, and the ProfileFile VCS documents. `-F` output is the
 * values only, joined by the delimiter the caller chose.
 */

export class RecordSyntaxError extends Error {
  constructor(
    message: string,
    /** Offset in the parsed text where the problem is, when known. */
    readonly offset = 0,
  ) {
    super(message);
  }
}

/** One `attr=value` field. `value` has the field's own quoting removed. */
export interface RecordField {
  name: string;
  value: string;
}

/** Splits on `sep` outside double quotes; `""` inside quotes is one quote. */
export function splitQuoted(text: string, sep = ','): string[] {
  return splitQuotedAt(text, sep).map((p) => p.text);
}

/** A piece of splitQuoted() and the offset in the input where it starts. */
export interface Piece {
  text: string;
  offset: number;
}

export function splitQuotedAt(text: string, sep = ','): Piece[] {
  const out: Piece[] = [];
  let cur = '';
  let start = 0;
  let quoted = false;
  let openedAt = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') {
      if (quoted && text[i + 1] === '"') {
        cur += '"';
        i++;
      } else {
        quoted = !quoted;
        if (quoted) openedAt = i;
      }
    } else if (c === sep && !quoted) {
      out.push({ text: cur, offset: start });
      cur = '';
      start = i + 1;
    } else {
      cur += c;
    }
  }
  if (quoted) throw new RecordSyntaxError('unbalanced double quote', openedAt);
  out.push({ text: cur, offset: start });
  return out;
}

const FIELD = /^([A-Za-z_][A-Za-z0-9_]*)=([\s\S]*)$/;

/** Parses one record line into its fields, in order. */
export function parseRecord(line: string): RecordField[] {
  return parseRecordAt(line).map(({ name, value }) => ({ name, value }));
}

/** parseRecord() with the offset where each field starts. */
export function parseRecordAt(line: string): Array<RecordField & { offset: number }> {
  const text = line.replace(/\r?\n$/, '');
  if (text.trim() === '') throw new RecordSyntaxError('empty record');
  return splitQuotedAt(text).map((piece) => {
    const m = FIELD.exec(piece.text);
    if (!m) throw new RecordSyntaxError(`field ${JSON.stringify(truncate(piece.text))} is not attr=value`, piece.offset);
    return { name: m[1]!, value: m[2]!, offset: piece.offset };
  });
}

/** A record as a map (the last field of a name wins, as on the HMC). */
export function recordMap(line: string): Map<string, string> {
  return new Map(parseRecord(line).map((f) => [f.name, f.value]));
}

/** The items of a list value: `none` and the empty value give none. */
export function listItems(value: string): string[] {
  if (value === '' || value === 'none') return [];
  return splitQuoted(value);
}

/** A list value as the HMC writes it: items holding a comma are quoted; no items is `none`. */
export function formatList(items: readonly string[]): string {
  if (items.length === 0) return 'none';
  return items.map((item) => (/[,"]/.test(item) ? quote(item) : item)).join(',');
}

/** One field, quoted when its text needs it. */
export function formatField(field: RecordField): string {
  const text = `${field.name}=${field.value}`;
  return /[,"]/.test(text) ? quote(text) : text;
}

export function formatRecord(fields: readonly RecordField[]): string {
  return fields.map(formatField).join(',');
}

function quote(text: string): string {
  return `"${text.replace(/"/g, '""')}"`;
}

function truncate(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/** The line an HMC prints for an empty listing (exit 0). */
export const NO_RESULTS = 'No results were found.';

/** Output lines, without the trailing empty line and CRs. */
export function outputLines(stdout: string): string[] {
  const lines = stdout.replace(/\r/g, '').split('\n');
  while (lines.length > 0 && lines[lines.length - 1]!.trim() === '') lines.pop();
  return lines;
}

/**
 * Parses `-F a,b,c` output into one object per line. Values that hold the
 * delimiter, a comma or a quote come quoted (hmc-facts §1.2). An empty
 * listing gives []. A line with the wrong number of values is an error: the
 * caller asked for exactly these names.
 */
export function parseFields(stdout: string, names: readonly string[], delimiter = ','): Array<Record<string, string>> {
  const rows: Array<Record<string, string>> = [];
  for (const line of outputLines(stdout)) {
    if (line.trim() === NO_RESULTS) continue;
    const values = names.length === 1 ? [unquoteWhole(line)] : splitQuoted(line, delimiter);
    if (values.length !== names.length) {
      throw new RecordSyntaxError(`expected ${names.length} values (${names.join(delimiter)}), got ${values.length} in ${JSON.stringify(truncate(line))}`);
    }
    const row: Record<string, string> = {};
    names.forEach((n, i) => {
      row[n] = values[i]!;
    });
    rows.push(row);
  }
  return rows;
}

/** A single `-F` value may still be quoted when it holds a comma or a quote. */
function unquoteWhole(line: string): string {
  if (line.length >= 2 && line.startsWith('"') && line.endsWith('"')) {
    const parts = splitQuoted(line, '\u0000');
    return parts[0]!;
  }
  return line;
}

/** Parses listing output without `-F`: one record per line. */
export function parseRecords(stdout: string): Array<Map<string, string>> {
  return outputLines(stdout)
    .filter((l) => l.trim() !== NO_RESULTS)
    .map((l) => recordMap(l));
}
