/**
 * Every rule has a failing and a passing configuration under
 * fixtures/rules/<CODE>/. In fail.cf, `// expect-next-line CODE` marks each
 * line where that rule must report; it must report nowhere else. pass.cf must
 * verify with no finding at all.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { ruleHelpUri } from '../../../../framework/cf/verify/format/help.js';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { RULES } from '../../../../framework/cf/verify/rules/index.js';
import { verifyPath, verifyPaths } from '../../../../framework/cf/verify/verify.js';

const dir = fileURLToPath(new URL('./fixtures/rules/', import.meta.url));
const codes = readdirSync(dir).sort();

function expectedLines(file: string, code: string): number[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const out: number[] = [];
  lines.forEach((l, i) => {
    const m = /\/\/ expect-next-line (.+)$/.exec(l);
    if (m && m[1]!.split(/[\s,]+/).includes(code)) out.push(i + 2);
  });
  return out;
}

describe('rule fixtures', () => {
  it('cover every rule', () => {
    const missing = RULES.map((r) => r.code).filter((c) => !codes.includes(c));
    expect(missing).toEqual([]);
  });

  for (const code of codes) {
    // A rule over several configurations together (a GCO pair): fail/ and pass/ hold one main.cf per cluster.
    if (existsSync(join(dir, code, 'fail'))) {
      describe(code, () => {
        const files = (d: string) => readdirSync(join(dir, code, d)).sort().map((s) => join(dir, code, d, s, 'main.cf'));
        it('reports at each marked line of the configurations in fail/, verified together, and nowhere else', () => {
          const r = verifyPaths(files('fail'));
          for (const file of files('fail')) {
            const want = expectedLines(file, code);
            const got = [...new Set(r.findings.filter((f) => f.code === code && f.file === file).map((f) => f.line))].sort((a, b) => a - b);
            expect(got, file).toEqual(want);
          }
          expect(r.findings.filter((f) => f.code === code).length).toBeGreaterThan(0);
        });
        it('finds nothing in the configurations of pass/, verified together', () => {
          expect(verifyPaths(files('pass')).findings.map((f) => `${f.file}:${f.line}: ${f.code} ${f.message}`)).toEqual([]);
        });
      });
      continue;
    }
    describe(code, () => {
      it('reports at each marked line of fail.cf, and nowhere else', () => {
        const file = join(dir, code, 'fail.cf');
        const want = expectedLines(file, code);
        expect(want.length).toBeGreaterThan(0);
        const got = [
          ...new Set(verifyPath(file).findings.filter((f) => f.code === code && f.file === file).map((f) => f.line)),
        ].sort((a, b) => a - b);
        expect(got).toEqual(want);
      });

      it('finds nothing in pass.cf', () => {
        const r = verifyPath(join(dir, code, 'pass.cf'));
        expect(r.findings.map((f) => `${f.line}: ${f.code} ${f.message}`)).toEqual([]);
      });
    });
  }
});

describe('docs rule table', () => {
  it('has one line per rule with its code, name and severity', () => {
    const readme = readFileSync(new URL('../../../../docs/verifier-rules.md', import.meta.url), 'utf8');
    // The code links to the rule's page: every page is reachable from the README through this table.
    const missing = RULES.filter((r) => !readme.includes(`| [\`${r.code}\`](rules/${r.code}.md) | \`${r.name}\` | ${r.severity} |`)).map((r) => r.code);
    expect(missing).toEqual([]);
  });

  it('has one page per rule (what, why, how to fix, an example), the page SARIF helpUri points at', () => {
    const missing = RULES.filter((r) => {
      const page = new URL(`../../../../docs/rules/${r.code}.md`, import.meta.url);
      if (!existsSync(page)) return true;
      const text = readFileSync(page, 'utf8');
      return !['**What it checks:**', '**Why:**', '**How to fix:**', '**Example**', `\`${r.name}\``].every((s) => text.includes(s));
    }).map((r) => r.code);
    expect(missing).toEqual([]);
    for (const r of RULES) expect(ruleHelpUri(r.code).endsWith(`/docs/rules/${r.code}.md`)).toBe(true);
  });

  it('gives every rule a unique code and name', () => {
    expect(new Set(RULES.map((r) => r.code)).size).toBe(RULES.length);
    expect(new Set(RULES.map((r) => r.name)).size).toBe(RULES.length);
  });
});
