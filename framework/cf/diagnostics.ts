/**
 * Position-carrying errors for the configuration language: the ParseError of
 * framework/errors.ts with a caret snippet, and the one-line-plus-snippet form
 * the command-line tools print.
 */
import { ParseError } from '../errors.js';

export type CfErrorCode = 'VCSPVM_CF_SYNTAX' | 'VCSPVM_CF_INCLUDE' | 'VCSPVM_CF_VALUE';

/** Characters shown on each side of the column: a 50 MB single-line file must not become a 50 MB message. */
const SNIPPET_REACH = 100;

/**
 * The source line around `offset` with a caret under it. Only a bounded window
 * is scanned, so building a snippet costs the same on any input; control
 * characters are shown as `?` so binary input cannot garble a terminal.
 */
function caretSnippet(src: string, offset: number): string {
  offset = Math.max(0, Math.min(offset, src.length));
  let from = offset;
  const lowest = Math.max(0, offset - SNIPPET_REACH);
  while (from > lowest && src.charCodeAt(from - 1) !== 10) from--;
  let to = offset;
  const highest = Math.min(src.length, offset + SNIPPET_REACH);
  while (to < highest && src.charCodeAt(to) !== 10) to++;
  let line = src.slice(from, to);
  if (line.endsWith('\r')) line = line.slice(0, -1);
  let prefix = src.slice(from, offset);
  const cut = from > 0 && src.charCodeAt(from - 1) !== 10;
  if (cut) {
    line = '...' + line;
    prefix = '...' + prefix;
  }
  if (to < src.length && src.charCodeAt(to) !== 10 && src.charCodeAt(to) !== 13) line += '...';
  const shown = printable(line);
  // The caret line copies tabs from the source so it lines up under the column.
  let pad = '';
  for (const ch of printable(prefix)) pad += ch === '\t' ? '\t' : ' ';
  return `${shown}\n${pad}^`;
}

function printable(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    out += (c < 32 && c !== 9) || c === 127 || (c >= 0x80 && c < 0xa0) || c === 0xfffd ? '?' : ch;
  }
  return out;
}

export function cfError(
  code: CfErrorCode,
  file: string,
  src: string,
  offset: number,
  line: number,
  column: number,
  detail: string,
  extra: Record<string, string> = {},
): ParseError {
  return new ParseError(code, file, line, column, detail, caretSnippet(src, offset), extra);
}

/**
 * The verifier rule a loading error is reported under, so that one problem has
 * one code in every vcscf command (fmt, json and graph print it as verify
 * does). Integers outside 32 bits are int-range; any other value the parser
 * cannot read is value-kind; a missing include or an include cycle have their
 * own rules; everything else is syntax.
 */
export function ruleCodeOf(code: string, detail: string): string {
  switch (code) {
    case 'VCSPVM_CF_INCLUDE':
      return /^include cycle/.test(detail) ? 'VCF005' : 'VCF002';
    case 'VCSPVM_CF_VALUE':
      return /32-bit/.test(detail) ? 'VCF104' : 'VCF103';
    default:
      return 'VCF001';
  }
}

/** `FILE:LINE:COL: error CODE message` followed by the snippet, as printed on stderr (CODE: the rule's). */
export function formatDiagnostic(e: ParseError): string {
  return formatDiagnosticAs(e, 'error');
}

/** The same, for a problem reported at either severity (a missing include may be a warning). */
export function formatDiagnosticAs(e: ParseError, severity: 'error' | 'warning'): string {
  const head = `${e.file}:${e.line}:${e.column}: ${severity} ${ruleCodeOf(e.code, e.detail)} ${e.detail}`;
  return e.snippet ? `${head}\n${indent(e.snippet)}` : head;
}

function indent(s: string): string {
  return s
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
}
