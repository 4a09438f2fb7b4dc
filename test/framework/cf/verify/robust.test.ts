/**
 * The rules run on whatever parsed: a corrupted configuration (a syntax
 * error leaves a partial model) must give findings, never a crash, and every
 * finding must point inside the file.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { verifyPath } from '../../../../framework/cf/verify/verify.js';

const rulesDir = fileURLToPath(new URL('./fixtures/rules/', import.meta.url));
// A rule over several configurations (fail/ and pass/ directories) has no single file here.
const sources = readdirSync(rulesDir)
  .filter((code) => existsSync(join(rulesDir, code, 'fail.cf')))
  .flatMap((code) => ['fail.cf', 'pass.cf'].map((f) => readFileSync(join(rulesDir, code, f), 'utf8')));

const TOKENS = ['(', ')', '{', '}', '=', '@', ',', ';', '"', 'requires', 'group', 'LPAR', 'WPAR', '\n', 'x', '12', '-1'];

describe('verify on corrupted input', () => {
  it('never throws, and every finding lies inside the text', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...sources),
        fc.array(fc.tuple(fc.nat(), fc.nat(8), fc.constantFrom(...TOKENS)), { minLength: 1, maxLength: 4 }),
        (text, edits) => {
          let t = text;
          for (const [at, cut, insert] of edits) {
            const i = at % (t.length + 1);
            t = t.slice(0, i) + insert + t.slice(i + cut);
          }
          const r = verifyPath('-', { stdin: t });
          const lines = t.split('\n').length;
          for (const f of r.findings) {
            if (f.file !== '-') continue;
            expect(f.line).toBeGreaterThanOrEqual(1);
            expect(f.line).toBeLessThanOrEqual(lines + 1);
            expect(f.column).toBeGreaterThanOrEqual(1);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
