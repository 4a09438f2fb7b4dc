/**
 * The verifier: load a configuration as hacf takes it, run every rule, apply
 * rule levels, inline suppressions and the baseline, and return the findings
 * in reading order, at most `maxFindings` per file (the rest are counted).
 * Loading problems (syntax, missing includes) are findings too, and the
 * rules still run on what parsed.
 *
 * The VCS release (default: the newest) and the platform (default: guessed
 * from the configuration) decide which bundled types.cf stands in for a
 * missing include; what only that stand-in would reject is a warning.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ReadError, VcsPowervmError } from '../../errors.js';
import { loadConfig, type LoadResult } from '../load.js';
import { lintProblems, openIncludes } from '../missing-includes.js';
import type { SourcePos } from '../model.js';
import { guessPlatform, typesDirFor, type Platform, type PlatformChoice } from '../platforms.js';
import { NEWEST_RELEASE, type VcsRelease } from '../releases.js';
import { VerifyContext } from './context.js';
import { compareFindings, type Finding, type Rule, type RuleSetting, type Severity } from './finding.js';
import { fingerprint } from './fingerprint.js';
import { ruleOfLoadError } from './rules/input.js';
import { crossRules } from './rules/gco.js';
import { findRule, RULES } from './rules/index.js';
import { isSuppressed, parseSuppressions, type Suppressions } from './suppress.js';

/** Findings shown per file unless `maxFindings` says otherwise. */
export const DEFAULT_MAX_FINDINGS = 200;

export interface VerifyOptions {
  /** Extra types files, loaded before the configuration (`--types`). */
  types?: string[];
  /** Rule code or name → off | warning | error (`--rule`, `.vcscf.json`). */
  rules?: Record<string, RuleSetting>;
  /** The bundled types (types-cf/): missing includes fall back to its folder for the platform. */
  fallbackTypesDir?: string;
  /** The configuration text when PATH is `-`. */
  stdin?: string;
  /** The VCS release the configuration is for (default: the newest). */
  vcsVersion?: VcsRelease;
  /** The platform (default: guessed from the configuration). */
  platform?: Platform;
  /** Findings shown per file; the rest are counted (default 200; 0: no limit). */
  maxFindings?: number;
  /** Fingerprints of accepted findings: they are suppressed (reported as such in SARIF). */
  baseline?: ReadonlySet<string>;
  /** Directory fingerprints and report paths are relative to (default: the repository root). */
  base?: string;
}

/** What a configuration was judged against. */
export interface ConfigInfo {
  root: string;
  vcsVersion: VcsRelease;
  platform: PlatformChoice;
  /** Includes read from the bundled types because the configuration's own file was not found. */
  fallbacks: { include: string; file: string }[];
}

export interface SuppressedFinding extends Finding {
  /** inSource: a vcscf-disable-next-line comment; external: the baseline. */
  suppression: 'inSource' | 'external';
}

export interface Truncation {
  file: string;
  notShown: number;
  errors: number;
  warnings: number;
}

export interface VerifyResult {
  findings: Finding[];
  /** Findings silenced by a comment or the baseline (bounded like the others). */
  suppressed: SuppressedFinding[];
  /** Every file read (roots first), for SARIF artifacts. */
  files: string[];
  /** Every error and warning found, shown or not. */
  errors: number;
  warnings: number;
  /** Files with more findings than `maxFindings`. */
  truncated: Truncation[];
  configs: ConfigInfo[];
}

/** The repository root, from the sources (framework/cf/verify) or the build (dist/framework/cf/verify). */
export function projectRoot(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const fromSource = resolve(here, '..', '..', '..');
  return existsSync(join(fromSource, 'package.json')) ? fromSource : resolve(fromSource, '..');
}

/** types-cf/ of this installation. */
function shippedTypesDir(): string {
  return join(projectRoot(), 'types-cf');
}

/** The repository `dir` is in (the nearest directory above holding .git), else `dir`. */
export function repositoryRoot(dir = process.cwd()): string {
  let d = resolve(dir);
  for (;;) {
    if (existsSync(join(d, '.git'))) return d;
    const up = dirname(d);
    if (up === d) return resolve(dir);
    d = up;
  }
}

/** Resolves rule keys to rule codes; throws a usage error for an unknown rule. */
export function resolveRuleSettings(settings: Record<string, RuleSetting> | undefined): Map<string, RuleSetting> {
  const out = new Map<string, RuleSetting>();
  for (const [key, value] of Object.entries(settings ?? {})) {
    const rule = findRule(key);
    if (!rule) throw new VcsPowervmError('VCSPVM_CF_VERIFY_RULE', { rule: key });
    out.set(rule.code, value);
  }
  return out;
}

/**
 * The configurations PATH names: a file, a configuration directory holding
 * main.cf, `-`, or any other directory searched for main.cf files (hidden
 * directories and node_modules skipped). A directory without one is an error.
 */
export function expandPath(path: string): string[] {
  if (path === '-') return [path];
  let st;
  try {
    st = statSync(path);
  } catch {
    return [path]; // the loader reports it
  }
  if (!st.isDirectory() || existsSync(join(path, 'main.cf'))) return [path];
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      if (name.startsWith('.') || name === 'node_modules') continue;
      const p = join(d, name);
      let s;
      try {
        s = statSync(p);
      } catch {
        continue;
      }
      if (s.isDirectory()) walk(p);
      else if (name === 'main.cf') out.push(p);
    }
  };
  walk(path);
  if (out.length === 0) throw new ReadError(path, 'no main.cf in it or below it');
  return out;
}

/** Verifies every configuration the PATHs name, in one result. */
export function verifyPaths(paths: readonly string[], opts: VerifyOptions = {}): VerifyResult {
  const settings = resolveRuleSettings(opts.rules);
  const all: VerifyResult = { findings: [], suppressed: [], files: [], errors: 0, warnings: 0, truncated: [], configs: [] };
  const seen = new Set<string>();
  const verified: string[] = [];
  for (const path of paths.flatMap(expandPath)) {
    const key = path === '-' ? '-' : resolve(path);
    if (seen.has(key)) continue;
    seen.add(key);
    if (path !== '-') verified.push(path);
    const r = verifyPath(path, opts, settings);
    all.findings.push(...r.findings);
    all.suppressed.push(...r.suppressed);
    for (const f of r.files) if (!all.files.includes(f)) all.files.push(f);
    all.errors += r.errors;
    all.warnings += r.warnings;
    all.truncated.push(...r.truncated);
    all.configs.push(...r.configs);
  }
  if (verified.length > 1) addCrossFindings(all, verified, settings);
  return all;
}

/** The rules over the configurations of one run together (a global cluster's peers: rules/gco.ts). */
function addCrossFindings(all: VerifyResult, paths: readonly string[], settings: Map<string, RuleSetting>): void {
  const configs = paths.map((p) => loadConfig(p).config);
  let added = false;
  for (const rule of crossRules) {
    const severity = effectiveSeverity(rule, settings);
    if (!severity) continue;
    rule.across(configs, (pos, message) => {
      all.findings.push({ file: relativeTo(pos.file, paths), line: pos.line, column: pos.column, severity, code: rule.code, name: rule.name, message });
      if (severity === 'error') all.errors++;
      else all.warnings++;
      added = true;
    });
  }
  if (added) all.findings.sort(compareFindings);
}

/** A file as the caller spelled the configuration it belongs to (findings name files that way). */
function relativeTo(file: string, paths: readonly string[]): string {
  return paths.find((p) => resolve(p) === resolve(file)) ?? file;
}

/**
 * Loads and verifies PATH (a main.cf, a configuration directory, or `-`).
 * Throws a VcsPowervmError (exit 2) when PATH cannot be read at all.
 */
export function verifyPath(path: string, opts: VerifyOptions = {}, settings = resolveRuleSettings(opts.rules)): VerifyResult {
  const typesRoot = opts.fallbackTypesDir ?? shippedTypesDir();
  const types = opts.types ?? [];
  const load = (platform: Platform) => {
    const dir = typesDirFor(platform, typesRoot);
    let l = loadConfig(path, { types, fallbackTypesDir: dir, stdin: opts.stdin });
    // A fragment (a group cut out of a main.cf: no cluster, no system, no
    // include) is read as if it included types.cf, so its bundled types resolve.
    const shipped = join(dir, 'types.cf');
    const c = l.config;
    if (c.clusters.length === 0 && c.systems.length === 0 && c.includes.length === 0 && c.groups.length > 0 && existsSync(shipped)) {
      const defined = new Set(c.types.map((t) => t.name));
      if (c.groups.some((g) => g.resources.some((r) => !defined.has(r.type)))) {
        l = loadConfig(path, { types: [shipped, ...types], fallbackTypesDir: dir, stdin: opts.stdin });
        l.fallbacks.push({ include: { path: 'types.cf', resolved: resolve(shipped), pos: { file: c.file, line: 1, column: 1 } }, file: resolve(shipped) });
      }
    }
    return l;
  };
  const given = opts.platform;
  let loaded = load(given ?? 'aix');
  let platform: PlatformChoice = given
    ? { platform: given, guessed: false, reason: 'given' }
    : guessPlatform(loaded.config);
  // The stand-in types depend on the platform: read again with the right ones.
  if (!given && platform.platform !== 'aix' && loaded.fallbacks.length > 0) {
    loaded = load(platform.platform);
    platform = guessPlatform(loaded.config);
  }
  const info: ConfigInfo = {
    root: loaded.config.file,
    vcsVersion: opts.vcsVersion ?? NEWEST_RELEASE,
    platform,
    fallbacks: loaded.fallbacks.map((f) => ({ include: f.include.path, file: f.file })),
  };
  return verifyLoaded(loaded, { ...opts, fallbackTypesDir: typesRoot }, settings, info);
}

/** At most `cap` findings of one file, the first in reading order; the others counted. */
class Bucket {
  kept: Finding[] = [];
  private worst: Finding | undefined;
  notShown = 0;
  errors = 0;
  warnings = 0;
  constructor(private readonly cap: number) {}

  add(f: Finding): void {
    if (this.worst && compareFindings(f, this.worst) >= 0) return this.drop(f);
    this.kept.push(f);
    if (this.cap > 0 && this.kept.length >= 2 * this.cap) this.compact();
  }

  private drop(f: Finding): void {
    this.notShown++;
    if (f.severity === 'error') this.errors++;
    else this.warnings++;
  }

  /** Sorted, duplicates removed, cut to the cap. */
  compact(): Finding[] {
    this.kept.sort(compareFindings);
    const out: Finding[] = [];
    for (const f of this.kept) {
      const prev = out[out.length - 1];
      if (prev && compareFindings(prev, f) === 0) continue;
      out.push(f);
    }
    if (this.cap > 0 && out.length > this.cap) {
      for (const f of out.slice(this.cap)) this.drop(f);
      out.length = this.cap;
      this.worst = out[this.cap - 1];
    }
    this.kept = out;
    return out;
  }
}

/** Verifies an already loaded configuration. */
export function verifyLoaded(
  load: LoadResult,
  opts: VerifyOptions = {},
  settings: Map<string, RuleSetting> = resolveRuleSettings(opts.rules),
  info?: ConfigInfo,
): VerifyResult {
  const fallbackFiles = new Set((load.fallbacks ?? []).map((f) => f.file));
  const config: ConfigInfo = info ?? {
    root: load.config.file,
    vcsVersion: opts.vcsVersion ?? NEWEST_RELEASE,
    platform: opts.platform ? { platform: opts.platform, guessed: false, reason: 'given' } : guessPlatform(load.config),
    fallbacks: (load.fallbacks ?? []).map((f) => ({ include: f.include.path, file: f.file })),
  };
  const problems = lintProblems(load);
  const ctx = new VerifyContext(load.config, { release: config.vcsVersion, fallbackFiles, openIncludes: openIncludes(load).map((m) => m.include.path) });
  const files = filesOf(load);
  // One spelling per file (the loader keys files by absolute path, the root
  // keeps the caller's): findings, suppressions and `files` agree on it.
  const spelling = new Map(files.map((f) => [canonical(f), f]));
  // Rules report millions of findings on hostile input: each file name is resolved once.
  const spelled = new Map<string, string>();
  const fileOf = (f: string) => {
    let s = spelled.get(f);
    if (s === undefined) spelled.set(f, (s = spelling.get(canonical(f)) ?? f));
    return s;
  };
  const cap = opts.maxFindings ?? DEFAULT_MAX_FINDINGS;
  const base = opts.base ?? repositoryRoot();
  const baseline = opts.baseline && opts.baseline.size > 0 ? opts.baseline : undefined;

  const suppressions = new Map<string, Suppressions>();
  const suppressionRule = findRule('VCF004')!;
  const suppressionProblems: { file: string; line: number; column: number; message: string }[] = [];
  for (const file of files) {
    const text = file === '-' ? opts.stdin : readText(file);
    if (text === undefined || !text.includes('vcscf-disable-next-line')) continue;
    const { suppressions: s, problems } = parseSuppressions(text);
    suppressions.set(file, s);
    for (const p of problems) suppressionProblems.push({ file, ...p });
  }

  const buckets = new Map<string, Bucket>();
  const silenced = new Map<string, Bucket>();
  const bucket = (m: Map<string, Bucket>, file: string) => {
    let b = m.get(file);
    if (!b) m.set(file, (b = new Bucket(cap)));
    return b;
  };
  /** `warn`: the rule is not sure; an explicit `--rule CODE=error` still makes it an error when `given` says it may. */
  const emit = (rule: Rule, pos: SourcePos | undefined, message: string, warn = false, given = false) => {
    let severity = effectiveSeverity(rule, settings);
    if (!severity) return;
    if (warn && severity === 'error' && !(given && settings.get(rule.code) === 'error')) severity = 'warning';
    const p = pos ?? ctx.rootPos;
    const file = fileOf(p.file);
    const f: Finding = { file, line: p.line, column: p.column, severity, code: rule.code, name: rule.name, message };
    if (isSuppressed(suppressions.get(file), p.line, rule.code)) bucket(silenced, file).add({ ...f, suppression: 'inSource' } as SuppressedFinding);
    else if (baseline?.has(fingerprint(f, base))) bucket(silenced, file).add({ ...f, suppression: 'external' } as SuppressedFinding);
    else bucket(buckets, file).add(f);
  };

  const byLoader = new Set<string>();
  for (const [list, warn] of [[problems.errors, false], [problems.warnings, true]] as const)
    for (const e of list) {
      const rule = findRule(ruleOfLoadError(e.code, e.detail))!;
      byLoader.add(`${fileOf(e.file)}\0${e.line}\0${rule.code}`);
      // A missing include is a warning unless certainly wrong; a repository that commits its types files says --rule VCF002=error.
      emit(rule, { file: e.file, line: e.line, column: e.column }, e.detail, warn, true);
    }
  for (const p of suppressionProblems) emit(suppressionRule, p, p.message);
  // What the loader reported on a line, a rule does not report again there.
  for (const rule of RULES)
    rule.check(ctx, (pos, message, how) => {
      const p = pos ?? ctx.rootPos;
      if (byLoader.size === 0 || !byLoader.has(`${fileOf(p.file)}\0${p.line}\0${rule.code}`)) emit(rule, p, message, how?.warn === true);
    });

  const findings: Finding[] = [];
  const truncated: Truncation[] = [];
  let errors = 0;
  let warnings = 0;
  for (const [file, b] of buckets) {
    const kept = b.compact();
    findings.push(...kept);
    for (const f of kept) f.severity === 'error' ? errors++ : warnings++;
    errors += b.errors;
    warnings += b.warnings;
    if (b.notShown > 0) truncated.push({ file, notShown: b.notShown, errors: b.errors, warnings: b.warnings });
  }
  findings.sort(compareFindings);
  const suppressed = [...silenced.values()].flatMap((b) => b.compact() as SuppressedFinding[]).sort(compareFindings);
  return { findings, suppressed, files, errors, warnings, truncated, configs: [config] };
}

function effectiveSeverity(rule: Rule, settings: Map<string, RuleSetting>): Severity | undefined {
  const s = settings.get(rule.code) ?? rule.severity;
  return s === 'off' ? undefined : s;
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** The root file first, then every other file the loader read. */
function filesOf(load: LoadResult): string[] {
  const files: string[] = [];
  const seen = new Set<string>();
  const add = (f: string) => {
    const key = canonical(f);
    if (!seen.has(key)) files.push(f), seen.add(key);
  };
  add(load.config.file);
  for (const f of load.docs.keys()) add(f);
  for (const i of load.config.includes) if (i.resolved) add(i.resolved);
  return files;
}

function canonical(file: string): string {
  return file === '-' ? '-' : resolve(file);
}
