/**
 * `.vcscf.json`: the verifier's settings kept in the repository, next to the
 * configurations, so they survive `haconf -dump` (which rewrites main.cf and
 * drops the per-line suppression comments). Found by walking up from the
 * working directory to the repository root; `--config FILE` names one.
 *
 *   {
 *     "rules": { "VCF505": "off", "missing-systemlist": "error" },
 *     "vcsVersion": "7.4",
 *     "platform": "linux",
 *     "maxFindings": 200,
 *     "types": ["ci/extra-types.cf"],
 *     "baseline": ".vcscf-baseline.json"
 *   }
 *
 * Paths in it are relative to the file. A baseline file is written by
 * `vcscf verify --write-baseline FILE`: the fingerprints of accepted findings.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { UsageError } from '../../errors.js';
import { parsePlatform, type Platform } from '../platforms.js';
import { parseRelease, type VcsRelease } from '../releases.js';
import type { RuleSetting } from './finding.js';

export const CONFIG_NAME = '.vcscf.json';

export interface VcscfConfig {
  file: string;
  rules: Record<string, RuleSetting>;
  vcsVersion?: VcsRelease;
  platform?: Platform;
  maxFindings?: number;
  types: string[];
  baseline?: string;
}

/** The nearest .vcscf.json from `dir` up to `stop` (the repository root), if any. */
export function findConfig(dir: string, stop: string): string | undefined {
  let d = resolve(dir);
  const end = resolve(stop);
  for (;;) {
    const f = join(d, CONFIG_NAME);
    if (existsSync(f)) return f;
    if (d === end) return undefined;
    const up = dirname(d);
    if (up === d) return undefined;
    d = up;
  }
}

function bad(file: string, what: string): never {
  throw new UsageError(`vcscf verify: ${file}: ${what}`);
}

/** Reads and checks a .vcscf.json; any mistake is a usage error naming the file and the key. */
export function readConfig(file: string): VcscfConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    bad(file, `cannot read it as JSON (${(e as Error).message.split('\n')[0]})`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) bad(file, 'expected a JSON object');
  const o = raw as Record<string, unknown>;
  const known = ['rules', 'vcsVersion', 'platform', 'maxFindings', 'types', 'baseline', '$schema'];
  for (const k of Object.keys(o)) if (!known.includes(k)) bad(file, `unknown key "${k}" (known: ${known.slice(0, -1).join(', ')})`);
  const here = dirname(resolve(file));
  const out: VcscfConfig = { file, rules: {}, types: [] };
  if (o.rules !== undefined) {
    if (typeof o.rules !== 'object' || o.rules === null || Array.isArray(o.rules)) bad(file, '"rules" must map rule codes or names to off, warning or error');
    for (const [k, v] of Object.entries(o.rules)) {
      if (v !== 'off' && v !== 'warning' && v !== 'error') bad(file, `"rules"."${k}" must be off, warning or error`);
      out.rules[k] = v;
    }
  }
  if (o.vcsVersion !== undefined) {
    const r = typeof o.vcsVersion === 'string' ? parseRelease(o.vcsVersion) : undefined;
    if (!r) bad(file, `"vcsVersion" ${JSON.stringify(o.vcsVersion)} is not a known VCS release (5.1 ... 9.0)`);
    out.vcsVersion = r;
  }
  if (o.platform !== undefined) {
    const p = typeof o.platform === 'string' ? parsePlatform(o.platform) : undefined;
    if (!p) bad(file, `"platform" must be aix, linux or solaris`);
    out.platform = p;
  }
  if (o.maxFindings !== undefined) {
    if (typeof o.maxFindings !== 'number' || !Number.isInteger(o.maxFindings) || o.maxFindings < 0) bad(file, '"maxFindings" must be a whole number (0: no limit)');
    out.maxFindings = o.maxFindings;
  }
  if (o.types !== undefined) {
    if (!Array.isArray(o.types) || o.types.some((t) => typeof t !== 'string')) bad(file, '"types" must be a list of file names');
    out.types = (o.types as string[]).map((t) => resolve(here, t));
  }
  if (o.baseline !== undefined) {
    if (typeof o.baseline !== 'string') bad(file, '"baseline" must be a file name');
    out.baseline = resolve(here, o.baseline);
  }
  return out;
}

export interface BaselineFile {
  version: 1;
  findings: { fingerprint: string; code: string; file: string; message: string }[];
}

/** The fingerprints of a baseline file; a missing file is an empty baseline only when `optional`. */
export function readBaseline(file: string): Set<string> {
  let doc: BaselineFile;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8')) as BaselineFile;
  } catch (e) {
    throw new UsageError(`vcscf verify: baseline ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : 'not a baseline (JSON written by --write-baseline)'}`);
  }
  if (!doc || !Array.isArray(doc.findings)) throw new UsageError(`vcscf verify: baseline ${file}: not a baseline (JSON written by --write-baseline)`);
  return new Set(doc.findings.map((f) => f.fingerprint));
}
