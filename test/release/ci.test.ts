/**
 * vcscf where CI authors are, each run as far as it can be here: the GitHub
 * Action's step script, the pre-commit hook's entry, the GitLab snippet of
 * docs/ci.md. (The container image's command is run from the installed
 * package in package.test.ts.)
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const VCSCF = join(ROOT, 'bin', 'vcscf');
const SCRIPT = join(ROOT, 'scripts', 'ci', 'vcscf-action.sh');

const BAD = `include "types.cf"

cluster c (
)

group g (
    SystemList = { nosuch = 0 }
)

LPAR lp (
    LPARName = lp
)
`;

let ws: string;
beforeAll(() => {
  if (!existsSync(join(ROOT, 'dist', 'framework', 'cf', 'cli.js'))) throw new Error('run `npm run build` first');
});
afterEach(() => {
  if (ws) rmSync(ws, { recursive: true, force: true });
});

/** A repository with a good configuration (the seed's) and a bad one. */
function workspace(): string {
  ws = mkdtempSync(join(tmpdir(), 'vcscf-ci-'));
  mkdirSync(join(ws, 'good'));
  mkdirSync(join(ws, 'bad'));
  cpSync(join(ROOT, 'sim', 'configs', 'seed-lpar', 'main.cf'), join(ws, 'good', 'main.cf'));
  writeFileSync(join(ws, 'bad', 'main.cf'), BAD);
  return ws;
}

function outputs(file: string): Record<string, string> {
  return Object.fromEntries(readFileSync(file, 'utf8').trim().split('\n').map((l) => l.split(/=(.*)/s).slice(0, 2) as [string, string]));
}

function action(env: Record<string, string>) {
  const out = join(ws, 'github-output');
  writeFileSync(out, '');
  const r = spawnSync('bash', [SCRIPT], { cwd: ws, env: { PATH: process.env.PATH, VCSCF, GITHUB_OUTPUT: out, ...env }, encoding: 'utf8', timeout: 60_000 });
  return { ...r, outputs: outputs(out) };
}

describe('the GitHub Action (action.yml, scripts/ci/vcscf-action.sh)', { timeout: 120_000 }, () => {
  it('writes SARIF and annotations, and records the exit status for the last step instead of failing before the upload', () => {
    workspace();
    const r = action({ INPUT_PATH: 'good bad' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.outputs).toEqual({ 'exit-code': '1', 'sarif-file': 'vcscf.sarif' });
    const sarif = JSON.parse(readFileSync(join(ws, 'vcscf.sarif'), 'utf8'));
    const results = sarif.runs[0].results as { ruleId: string }[];
    expect(results.map((x) => x.ruleId)).toContain('VCF202');
    expect(JSON.stringify(sarif.runs[0].tool.driver.rules)).toContain('docs/rules/VCF202.md');
    expect(r.stdout).toMatch(/^::error file=[^,]*bad\/main\.cf,line=7,col=20,title=VCF202 /m);

    expect(action({ INPUT_PATH: 'good', INPUT_SARIF_FILE: 'out.sarif' }).outputs).toEqual({ 'exit-code': '0', 'sarif-file': 'out.sarif' });
    expect(JSON.parse(readFileSync(join(ws, 'out.sarif'), 'utf8')).runs[0].results).toEqual([]);
  });

  it('passes args as words, never as shell code, and reports a usage error as one annotation', () => {
    workspace();
    const r = action({ INPUT_PATH: 'good', INPUT_ARGS: '--bogus $(touch CANARY) `touch CANARY2`' });
    expect(r.outputs['exit-code']).toBe('2');
    expect(r.stdout).toMatch(/^::error title=vcscf verify::vcscf verify exited with 2/m);
    expect(r.stderr).toMatch(/unknown option --bogus/);
    expect(existsSync(join(ws, 'CANARY'))).toBe(false);
    expect(existsSync(join(ws, 'CANARY2'))).toBe(false);
    const ok = action({ INPUT_PATH: 'bad', INPUT_ARGS: '--rule VCF202=off --rule VCF501=off --rule VCF401=off' });
    expect(ok.outputs['exit-code']).toBe('0');
  });

  it('action.yml runs that script with the inputs it reads, uploads the SARIF, then fails on errors', () => {
    const yml = readFileSync(join(ROOT, 'action.yml'), 'utf8');
    expect(yml).toMatch(/^runs:\n {2}using: composite$/m);
    expect(yml).toContain('"$GITHUB_ACTION_PATH/scripts/ci/vcscf-action.sh"');
    expect(yml).toMatch(/uses: github\/codeql-action\/upload-sarif@v\d/);
    const script = readFileSync(SCRIPT, 'utf8');
    const given = [...yml.matchAll(/^\s+(INPUT_[A-Z_]+):/gm)].map((m) => m[1]);
    const read = [...new Set([...script.matchAll(/\$\{(INPUT_[A-Z_]+)/g)].map((m) => m[1]))];
    expect(given.sort()).toEqual(read.sort());
    expect(yml).toMatch(/if: \$\{\{ steps\.verify\.outputs\.exit-code != '0' \}\}[\s\S]*exit 1/);
  });
});

describe('the pre-commit hook (.pre-commit-hooks.yaml)', { timeout: 120_000 }, () => {
  const hooks = readFileSync(join(ROOT, '.pre-commit-hooks.yaml'), 'utf8');
  const field = (name: string) => new RegExp(`^\\s+${name}: (.+)$`, 'm').exec(hooks)?.[1]!.trim();

  it('runs vcscf verify on the main.cf files a commit changes, failing on errors', () => {
    expect(field('language')).toBe('node');
    const files = new RegExp(field('files')!);
    for (const p of ['main.cf', 'clusters/prod/main.cf']) expect(p).toMatch(files);
    for (const p of ['types.cf', 'main.cf.previous', 'domain.main.cfx']) expect(p).not.toMatch(files);
    const [cmd, ...args] = field('entry')!.split(/\s+/);
    expect(cmd).toBe('vcscf');
    workspace();
    const run = (...paths: string[]) => spawnSync(process.execPath, [VCSCF, ...args, ...paths], { cwd: ws, encoding: 'utf8', timeout: 60_000 });
    expect(run('good/main.cf').status).toBe(0);
    const bad = run('good/main.cf', 'bad/main.cf');
    expect(bad.status).toBe(1);
    expect(bad.stdout).toMatch(/^bad\/main\.cf:7:20: error VCF202 /m);
  });
});

describe('the GitLab CI snippet of docs/ci.md', { timeout: 120_000 }, () => {
  it('writes a code quality report whatever it finds, then fails the job on errors', () => {
    const doc = readFileSync(join(ROOT, 'docs', 'ci.md'), 'utf8');
    const section = doc.slice(doc.indexOf('## GitLab CI'));
    const yaml = /```yaml\n([\s\S]*?)```/.exec(section)![1]!;
    expect(yaml).toMatch(/codequality: gl-code-quality-report\.json/);
    const lines = [...yaml.matchAll(/^\s+- (vcscf .*)$/gm)].map((m) => m[1]!);
    expect(lines).toHaveLength(2);
    workspace();
    // GitLab runs each line in one shell, stopping at the first that fails; vcscf is the installed one.
    const env = { PATH: `${join(ROOT, 'bin')}:${process.env.PATH}` };
    const first = spawnSync('sh', ['-c', lines[0]!], { cwd: ws, env, encoding: 'utf8', timeout: 60_000 });
    expect(first.status).toBe(0);
    const report = JSON.parse(readFileSync(join(ws, 'gl-code-quality-report.json'), 'utf8')) as { check_name: string; location: { path: string } }[];
    expect(report.find((i) => i.check_name === 'VCF202')?.location.path).toMatch(/bad\/main\.cf$/);
    expect(spawnSync('sh', ['-c', lines[1]!], { cwd: ws, env, encoding: 'utf8', timeout: 60_000 }).status).toBe(1);
  });
});
