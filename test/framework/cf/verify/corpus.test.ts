/**
 * Every real configuration of the shared corpus verifies with no false
 * error. The corpus is read in place (never copied into the project); the
 * LINBIT main.cf is also verified in its repository's layout, rebuilt with
 * symbolic links, because the corpus renamed the types files it includes
 * (in place, those includes are warnings: VCF002).
 * A real problem found in a corpus file is listed here and in the README notes.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { verifyPath } from '../../../../framework/cf/verify/verify.js';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
// The corpus sits beside the project (../shared/corpus) on development machines; a clone
// elsewhere has no corpus to read, and `npm run corpus -- DIR` covers any directory by hand.
const corpus = [resolve(root, '..', 'shared', 'corpus'), '/work/shared/corpus'].find((d) => existsSync(d));

/** Real problems in the corpus: file → the rule codes that rightly report. */
const REAL_PROBLEMS: Record<string, string[]> = {};

const scratch = mkdtempSync(join(tmpdir(), 'vcscf-corpus-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe.runIf(corpus !== undefined)('shared corpus', () => {
  const files = corpus ? readdirSync(corpus).filter((f) => f.endsWith('.cf')).sort() : [];
  for (const f of files) {
    it(`${f} has no false error`, () => {
      const r = verifyPath(join(corpus!, f));
      const errors = r.findings.filter((x) => x.severity === 'error');
      expect([...new Set(errors.map((e) => e.code))].sort()).toEqual(REAL_PROBLEMS[f] ?? []);
    });
  }

  it('warns of the LINBIT main.cf includes the corpus stores under other names, as a CI repository without its types files', () => {
    const r = verifyPath(join(corpus!, 'linbit-drbd-utils__Templates-main.cf'));
    expect(r.findings.map((f) => `${f.line}:${f.severity} ${f.code}`)).toEqual(['2:warning VCF002', '3:warning VCF002']);
    expect(r.findings[0]!.message).toMatch(/^include "DRBDConfigureTypes\.cf" not found .*; resources of types defined nowhere are not checked \(DRBDConfigure, DRBDPrimary\)$/);
  });

  it('verifies the LINBIT main.cf clean in its repository layout', () => {
    const dir = join(scratch, 'linbit');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir);
    symlinkSync(join(corpus!, 'linbit-drbd-utils__Templates-main.cf'), join(dir, 'main.cf'));
    symlinkSync(join(corpus!, 'linbit-drbd-utils__DRBDConfigureTypes.cf'), join(dir, 'DRBDConfigureTypes.cf'));
    symlinkSync(join(corpus!, 'linbit-drbd-utils__DRBDPrimaryTypes.cf'), join(dir, 'DRBDPrimaryTypes.cf'));
    expect(verifyPath(dir).findings).toEqual([]);
  });

  it('warns of the SADatabase ArgList case mismatch at its line (a shipped Windows agent: not surely refused, so not an error)', () => {
    const r = verifyPath(join(corpus!, 'bludata-sqlanywhere16__SADatabaseTypes.cf'));
    expect(r.findings.map((x) => `${x.line}:${x.severity} ${x.code}`)).toEqual(['2:warning VCF107']);
    expect(r.findings[0]!.message).toMatch(/SDatabaseName.*did you mean sDatabaseName/);
  });
});

describe("the seed's sample", () => {
  it('sim/configs/seed-lpar/main.cf verifies clean', () => {
    expect(verifyPath(join(root, 'sim', 'configs', 'seed-lpar', 'main.cf')).findings).toEqual([]);
  });
});

describe('VCF107 severity', () => {
  it('is an error for a name no attribute has, a warning for one that differs only in case', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vcf107-'));
    try {
      const file = join(dir, 'types.cf');
      writeFileSync(file, 'type Gadget (\n    static str ArgList[] = { path, Widget }\n    str Path\n)\n');
      const got = verifyPath(file).findings.filter((f) => f.code === 'VCF107').map((f) => `${f.severity}: ${f.message}`);
      expect(got).toEqual([
        'error: type Gadget: ArgList names Widget, which is not an attribute of the type',
        'warning: type Gadget: ArgList names path, which is not an attribute of the type (did you mean Path? names are case-sensitive)',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
