import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { checkFile, findCfFiles, runCorpus } from '../../../framework/cf/corpus.js';

const fixtures = fileURLToPath(new URL('./fixtures', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'vcscf-corpus-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('corpus script', () => {
  it('passes every fixture and reports which are already canonical', () => {
    let out = '';
    expect(runCorpus(fixtures, (s) => void (out += s))).toBe(0);
    expect(out).toMatch(/^hacf\/main\.cf +ok +ok +ok +canonical$/m);
    expect(out).toMatch(/^full\/main\.cf +ok +ok +ok +reformatted \(\d+ lines\)$/m);
    expect(out).toMatch(/0 failed\n$/);
  });

  it('fails a file that does not parse, with its diagnostics, and exits 1', () => {
    const dir = join(tmp, 'bad');
    mkdirSync(join(dir, 'sub'), { recursive: true });
    writeFileSync(join(dir, 'sub', 'main.cf'), 'group g (\n\tX = { a\n');
    writeFileSync(join(dir, 'ok.cf'), 'system s (\n\t)\n');
    writeFileSync(join(dir, 'notes.txt'), 'not a cf file');
    expect(findCfFiles(dir)).toEqual([join(dir, 'ok.cf'), join(dir, 'sub', 'main.cf')]);
    let out = '';
    expect(runCorpus(dir, (s) => void (out += s))).toBe(1);
    expect(out).toMatch(/^sub\/main\.cf +FAIL/m);
    expect(out).toContain('sub/main.cf:3:1: error VCF001 missing }');
    expect(out).toMatch(/2 files: 1 parse, 1 round-trip, 1 canonical; 1 already in canonical form; 1 failed\n$/);
  });

  it('checks one text', () => {
    expect(checkFile('x.cf', 'system s\n')).toMatchObject({ parse: true, roundTrip: true, canonical: true, asWritten: false, changedLines: 2 });
    expect(checkFile('x.cf', 'system s (\n\t)\n')).toMatchObject({ asWritten: true, changedLines: 0 });
  });
});
