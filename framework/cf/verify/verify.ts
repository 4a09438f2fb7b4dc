/**
 * The verifier: load a configuration as hacf takes it, run every rule, apply
 * `--rule` settings and inline suppressions, and return the findings in
 * reading order. Loading problems (syntax, missing includes) are findings
 * too, and the rules still run on what parsed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { VcsPowervmError } from '../../errors.js';
import { loadConfig, type LoadResult } from '../load.js';
import type { SourcePos } from '../model.js';
import { VerifyContext } from './context.js';
import { compareFindings, type Finding, type Rule, type RuleSetting, type Severity } from './finding.js';
import { ruleOfLoadError } from './rules/input.js';
import { findRule, RULES } from './rules/index.js';
import { isSuppressed, parseSuppressions, type Suppressions } from './suppress.js';

export interface VerifyOptions {
  /** Extra types files, loaded before the configuration (`--types`). */
  types?: string[];
  /** Rule code or name → off | warning | error (`--rule`). */
  rules?: Record<string, RuleSetting>;
  /** Where a missing include falls back to; the repository's types-cf/ by default. */
  fallbackTypesDir?: string;
  /** The configuration text when PATH is `-`. */
  stdin?: string;
}

export interface VerifyResult {
  findings: Finding[];
  /** Every file read (root first), for SARIF artifacts. */
  files: string[];
  errors: number;
  warnings: number;
}

/** The repository root, from the sources (framework/cf/verify) or the build (dist/framework/cf/verify). */
export function projectRoot(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const fromSource = resolve(here, '..', '..', '..');
  return existsSync(join(fromSource, 'package.json')) ? fromSource : resolve(fromSource, '..');
}

/** types-cf/ of this installation: where a missing `include "types.cf"` falls back to. */
function shippedTypesDir(): string {
  return join(projectRoot(), 'types-cf');
}

/** Resolves `--rule` keys to rule codes; throws a usage error for an unknown rule. */
function resolveRuleSettings(settings: Record<string, RuleSetting> | undefined): Map<string, RuleSetting> {
  const out = new Map<string, RuleSetting>();
  for (const [key, value] of Object.entries(settings ?? {})) {
    const rule = findRule(key);
    if (!rule) throw new VcsPowervmError('VCSPVM_CF_VERIFY_RULE', { rule: key });
    out.set(rule.code, value);
  }
  return out;
}

/**
 * Loads and verifies PATH (a main.cf, a configuration directory, or `-`).
 * Throws a VcsPowervmError (exit 2) when PATH cannot be read at all.
 */
export function verifyPath(path: string, opts: VerifyOptions = {}): VerifyResult {
  const settings = resolveRuleSettings(opts.rules);
  const fallbackTypesDir = opts.fallbackTypesDir ?? shippedTypesDir();
  const types = opts.types ?? [];
  let load = loadConfig(path, { types, fallbackTypesDir, stdin: opts.stdin });
  // A fragment (a group cut out of a main.cf: no cluster, no system, no
  // include) is read as if it included types.cf, so its bundled types resolve.
  const shipped = join(fallbackTypesDir, 'types.cf');
  const c = load.config;
  if (c.clusters.length === 0 && c.systems.length === 0 && c.includes.length === 0 && c.groups.length > 0 && existsSync(shipped)) {
    const defined = new Set(c.types.map((t) => t.name));
    if (c.groups.some((g) => g.resources.some((r) => !defined.has(r.type))))
      load = loadConfig(path, { types: [shipped, ...types], fallbackTypesDir, stdin: opts.stdin });
  }
  return verifyLoaded(load, { ...opts, fallbackTypesDir }, settings);
}

/** Verifies an already loaded configuration. */
export function verifyLoaded(
  load: LoadResult,
  opts: VerifyOptions = {},
  settings: Map<string, RuleSetting> = resolveRuleSettings(opts.rules),
): VerifyResult {
  const ctx = new VerifyContext(load.config);
  const files = filesOf(load);
  // One spelling per file (the loader keys files by absolute path, the root
  // keeps the caller's): findings, suppressions and `files` agree on it.
  const spelling = new Map(files.map((f) => [canonical(f), f]));
  const fileOf = (f: string) => spelling.get(canonical(f)) ?? f;
  const raw: Finding[] = [];
  const emit = (rule: Rule, pos: SourcePos | undefined, message: string) => {
    const severity = effectiveSeverity(rule, settings);
    if (!severity) return;
    const p = pos ?? ctx.rootPos;
    raw.push({ file: fileOf(p.file), line: p.line, column: p.column, severity, code: rule.code, name: rule.name, message });
  };

  for (const e of [...load.errors, ...load.warnings]) {
    const rule = findRule(ruleOfLoadError(e.code, e.detail))!;
    emit(rule, { file: e.file, line: e.line, column: e.column }, e.detail);
  }
  // What the loader reported on a line, a rule does not report again there.
  const byLoader = new Set(raw.map((f) => `${f.file}\0${f.line}\0${f.code}`));
  for (const rule of RULES)
    rule.check(ctx, (pos, message) => {
      const p = pos ?? ctx.rootPos;
      if (!byLoader.has(`${fileOf(p.file)}\0${p.line}\0${rule.code}`)) emit(rule, p, message);
    });

  const suppressions = new Map<string, Suppressions>();
  const suppressionRule = findRule('VCF004')!;
  for (const file of files) {
    const text = file === '-' ? opts.stdin : readText(file);
    if (text === undefined || !text.includes('vcscf-disable-next-line')) continue;
    const { suppressions: s, problems } = parseSuppressions(text);
    suppressions.set(file, s);
    for (const p of problems) emit(suppressionRule, { file, line: p.line, column: p.column }, p.message);
  }

  const seen = new Set<string>();
  const findings: Finding[] = [];
  for (const f of raw) {
    if (isSuppressed(suppressions.get(f.file), f.line, f.code)) continue;
    const key = `${f.file}\0${f.line}\0${f.column}\0${f.code}\0${f.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    findings.push(f);
  }
  findings.sort(compareFindings);
  const errors = findings.filter((f) => f.severity === 'error').length;
  return { findings, files, errors, warnings: findings.length - errors };
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
