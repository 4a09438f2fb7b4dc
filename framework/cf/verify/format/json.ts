/** The findings as one JSON document, for scripts. */
import type { VerifyResult } from '../verify.js';
import { displayPath } from './paths.js';

export function formatJson(result: VerifyResult, cwd?: string): string {
  const doc = {
    files: result.files.map((f) => displayPath(f, cwd)),
    errors: result.errors,
    warnings: result.warnings,
    findings: result.findings.map((f) => ({ ...f, file: displayPath(f.file, cwd) })),
    suppressed: result.suppressed.map((f) => ({ ...f, file: displayPath(f.file, cwd) })),
    truncated: result.truncated.map((t) => ({ ...t, file: displayPath(t.file, cwd) })),
    configurations: result.configs.map((c) => ({ ...c, root: displayPath(c.root, cwd) })),
  };
  return JSON.stringify(doc, null, 2) + '\n';
}
