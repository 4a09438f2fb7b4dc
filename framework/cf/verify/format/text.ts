/** `FILE:LINE:COL: error|warning CODE message`, one line per finding (DESIGN.md contract). */
import type { VerifyResult } from '../verify.js';
import { displayPath } from './paths.js';

export function formatText(result: VerifyResult, cwd?: string): string {
  return result.findings
    .map((f) => `${displayPath(f.file, cwd)}:${f.line}:${f.column}: ${f.severity} ${f.code} ${f.message}\n`)
    .join('');
}

/** The closing line a person reads (printed on stderr so stdout stays one finding per line). */
export function formatSummary(result: VerifyResult): string {
  const e = `${result.errors} error${result.errors === 1 ? '' : 's'}`;
  const w = `${result.warnings} warning${result.warnings === 1 ? '' : 's'}`;
  return `${e}, ${w}\n`;
}
