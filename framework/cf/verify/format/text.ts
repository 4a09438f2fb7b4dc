/** `FILE:LINE:COL: error|warning CODE message`, one line per finding (DESIGN.md contract). */
import { PLATFORM_NAMES } from '../../platforms.js';
import type { VerifyResult } from '../verify.js';
import { displayPath } from './paths.js';

/** The findings, each file's then one line for what `--max-findings` left out. */
export function formatText(result: VerifyResult, cwd?: string): string {
  let out = '';
  const truncated = new Map(result.truncated.map((t) => [t.file, t]));
  const files = [...new Set(result.findings.map((f) => f.file))];
  for (const file of files) {
    for (const f of result.findings) if (f.file === file) out += `${displayPath(f.file, cwd)}:${f.line}:${f.column}: ${f.severity} ${f.code} ${f.message}\n`;
    const t = truncated.get(file);
    if (t) out += notShown(t, cwd);
  }
  for (const t of result.truncated) if (!files.includes(t.file)) out += notShown(t, cwd);
  return out;
}

function notShown(t: VerifyResult['truncated'][number], cwd?: string): string {
  return `${displayPath(t.file, cwd)}: ${t.notShown} more finding${t.notShown === 1 ? '' : 's'} not shown (${t.errors} error${t.errors === 1 ? '' : 's'}, ${t.warnings} warning${t.warnings === 1 ? '' : 's'}; --max-findings to see more)\n`;
}

/**
 * What each configuration was judged against, one line each (stderr): the VCS
 * release, the platform and why, and any bundled types file that stood in
 * for one the configuration includes but does not have.
 */
export function formatContext(result: VerifyResult, cwd?: string): string {
  let out = '';
  for (const c of result.configs) {
    const p = c.platform;
    let line = `vcscf verify: ${displayPath(c.root, cwd)}: VCS ${c.vcsVersion}, ${PLATFORM_NAMES[p.platform]} (${p.guessed ? `guessed from ${p.reason}` : 'given'})`;
    if (c.fallbacks.length > 0)
      line += `; not found next to it, the bundled ${PLATFORM_NAMES[p.platform]} types stand in for ${c.fallbacks.map((f) => `"${f.include}"`).join(', ')} (what only they lack is a warning)`;
    out += line + '\n';
  }
  return out;
}

/** The closing line a person reads (printed on stderr so stdout stays one finding per line). */
export function formatSummary(result: VerifyResult): string {
  const e = `${result.errors} error${result.errors === 1 ? '' : 's'}`;
  const w = `${result.warnings} warning${result.warnings === 1 ? '' : 's'}`;
  const s = result.suppressed.length > 0 ? `, ${result.suppressed.length} suppressed` : '';
  return `${e}, ${w}${s}\n`;
}
