/**
 * Every configuration we have converts, and Pacemaker's own checker accepts
 * the result: each file of the shared corpus (read in place), the seed's
 * sample, every .cf of the project (fixtures, including the broken ones the
 * verifier tests use: conversion must still yield a valid CIB), and a
 * generated 1,000-resource configuration (the 10,000-resource one converts
 * here; its crm_verify is the cf-convert benchmark's). `crm_verify
 * --xml-file` must exit 0 and print no error.
 *
 * crm_verify (Pacemaker 2.1) checks the CIB schema and runs the scheduler
 * over the configuration; it does not look for the resource agents, so
 * ocf:vcs-powervm:LPAR need not be installed here (docs/convert.md,
 * "Verification").
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateConfig } from '../../../../bench/gen-config.js';
import { crmVerify, repo, scratchDir, tool, vcscf } from './helpers.js';

const corpus = [resolve(repo, '..', 'shared', 'corpus'), '/work/shared/corpus'].find((d) => existsSync(d));
const tmp = scratchDir('verify');
afterAll(() => tmp.remove());

function cfFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      if (name !== 'node_modules') out.push(...cfFiles(p));
    } else if (name.endsWith('.cf')) out.push(p);
  }
  return out;
}

const FINDING = /^\S.*:\d+:\d+: (warning|error) (CVT\d{3}|VCF\d{3}|VCSPVM_[A-Z_]+) /;

async function convertAndVerify(file: string, name: string): Promise<void> {
  const r = await vcscf(['convert', file, '--to', 'cib']);
  expect([0, 1], r.stderr).toContain(r.code);
  expect(r.stdout).toMatch(/<cib [^>]*validate-with="pacemaker-3\.9"/);
  // Every line on stderr is a finding or a configuration error with its caret snippet.
  for (const line of r.stderr.split('\n').filter((l) => l !== '' && !l.startsWith('    '))) expect(line).toMatch(FINDING);
  if (r.code === 0) expect(r.stderr).toBe('');
  const out = tmp.file(`${name.replace(/[^A-Za-z0-9_.-]/g, '_')}.xml`, r.stdout);
  const v = crmVerify(out);
  if (/ error CVT504 /.test(r.stderr)) {
    // UseFence = SCSI3: STONITH stays on with no device, as CVT504 says; that is crm_verify's only complaint.
    expect(v.status).not.toBe(0);
    const detail = tool('crm_verify', ['-V', '--xml-file', out]);
    const complaints = (detail.stdout + detail.stderr).split('\n').filter((l) => /\berror: /.test(l));
    expect(complaints.length).toBeGreaterThan(0);
    for (const l of complaints) expect(l).toMatch(/STONITH|stonith-enabled/);
    return;
  }
  expect({ status: v.status, output: v.stdout + v.stderr }).toEqual({ status: 0, output: '' });
}

describe.runIf(corpus !== undefined)('every file of the shared corpus', () => {
  const files = corpus ? readdirSync(corpus).filter((f) => f.endsWith('.cf')).sort() : [];
  it.each(files)('%s converts to a CIB crm_verify accepts', async (f) => {
    await convertAndVerify(join(corpus!, f), `corpus-${f}`);
  });
});

describe('the project\'s configurations', () => {
  const files = ['sim', 'test', 'types-cf'].flatMap((d) => cfFiles(join(repo, d))).map((f) => relative(repo, f));
  it('finds the seed sample and the fixtures', () => {
    expect(files).toContain('sim/configs/seed-lpar/main.cf');
    expect(files.length).toBeGreaterThan(50);
  });
  it.each(files)('%s converts to a CIB crm_verify accepts', async (f) => {
    await convertAndVerify(join(repo, f), f);
  });
});

describe('generated configurations', () => {
  async function convertGenerated(groups: number): Promise<string> {
    const cf = tmp.file(`gen${groups}/main.cf`, generateConfig({ groups, resourcesPerGroup: 50, systems: 4 }));
    const r = await vcscf(['convert', cf, '--to', 'cib']);
    // Application resources need their systemd unit written (CVT102), SysDownPolicy has no
    // equivalent (CVT301), VCS users do not convert (CVT505); no resource is left out.
    const codes = new Set(r.stderr.split('\n').filter(Boolean).map((l) => /: (?:warning|error) (\S+)/.exec(l)?.[1]));
    expect([...codes].sort()).toEqual(['CVT102', 'CVT301', 'CVT505']);
    expect(r.stdout.match(/<primitive /g)?.length).toBe(groups * 50);
    return r.stdout;
  }

  it('10,000 resources convert, none left out', async () => {
    await convertGenerated(200);
  }, 600_000);

  // crm_verify of the 10,000-resource CIB (22 MB) takes 15-40 s of one CPU: `npm run bench --
  // cf-convert` runs it; here one of the same shape, a tenth the size, is checked the same way.
  it('1,000 resources convert, and crm_verify accepts the CIB', async () => {
    const out = tmp.file('gen1k.xml', await convertGenerated(20));
    const v = crmVerify(out);
    expect({ status: v.status, output: v.stdout + v.stderr }).toEqual({ status: 0, output: '' });
  }, 600_000);
});
