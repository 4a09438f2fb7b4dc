/**
 * CI formats. GitHub Actions workflow commands (`::error file=…,line=…::…`),
 * which GitHub turns into annotations on the pull request; and GitLab's code
 * quality report (a JSON array with description, check_name, fingerprint,
 * severity and location.path/lines.begin), which GitLab shows in merge
 * requests. Paths are relative to the base directory (the repository root).
 */
import { fingerprint, relativeTo } from '../fingerprint.js';
import type { VerifyResult } from '../verify.js';

/** Data of a workflow command: %, CR and LF escaped. */
function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** A property value of a workflow command: also `:` and `,`. */
function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export function formatGithub(result: VerifyResult, base: string): string {
  let out = '';
  for (const f of result.findings) {
    const file = escapeProperty(relativeTo(f.file, base));
    out += `::${f.severity} file=${file},line=${f.line},col=${f.column},title=${escapeProperty(`${f.code} ${f.name}`)}::${escapeData(f.message)}\n`;
  }
  for (const t of result.truncated)
    out += `::warning file=${escapeProperty(relativeTo(t.file, base))}::${t.notShown} more vcscf findings not shown (--max-findings)\n`;
  return out;
}

export function formatGitlab(result: VerifyResult, base: string): string {
  const issues = result.findings.map((f) => ({
    description: `${f.code} ${f.message}`,
    check_name: f.code,
    fingerprint: fingerprint(f, base),
    severity: f.severity === 'error' ? 'major' : 'minor',
    location: { path: relativeTo(f.file, base), lines: { begin: f.line } },
  }));
  return JSON.stringify(issues, null, 2) + '\n';
}
