/**
 * `vcscf verify PATH... [options]`
 *
 * Exit 0 when no error is found (warnings allowed), 1 when errors are found,
 * 2 for a usage error, an unknown rule or input that cannot be read (reported
 * by the dispatcher, one line). Never a stack trace.
 */
import { resolve } from 'node:path';
import { UsageError } from '../../errors.js';
import { writeFileAtomic } from '../../fs.js';
import { parseCommandArgs, type CliIo, type Command } from '../cli/common.js';
import { parsePlatform, PLATFORMS } from '../platforms.js';
import { parseRelease, VCS_RELEASES } from '../releases.js';
import { findConfig, readBaseline, readConfig, CONFIG_NAME, type BaselineFile } from './config.js';
import type { RuleSetting } from './finding.js';
import { fingerprint, relativeTo } from './fingerprint.js';
import { DEFAULT_MAX_FINDINGS, repositoryRoot, verifyPaths, type VerifyResult } from './verify.js';

const VERIFY_HELP = `Usage: vcscf verify PATH... [options]

Checks configurations as hacf -verify does, plus the PowerVM, WPAR and
disaster-recovery rules of the Virtualization Guide for AIX. Each PATH is a
main.cf (or any .cf file), a configuration directory holding main.cf, a
directory searched for main.cf files, or - for standard input.

  --types FILE          load FILE's type definitions first (repeatable)
  --format FORMAT       text (FILE:LINE:COL: error|warning CODE message), json,
                        sarif, github (workflow annotations) or gitlab (code
                        quality report)
  --rule CODE=LEVEL     set a rule (code or name) to off, warning or error (repeatable)
  --vcs-version REL     the VCS release to check for (${VCS_RELEASES[0]} ... ${VCS_RELEASES[VCS_RELEASES.length - 1]}; default the newest)
  --platform NAME       aix, linux or solaris (default: guessed from the
                        configuration, and reported); picks the bundled types
                        that stand in for a missing types.cf
  --max-findings N      findings shown per file (default ${DEFAULT_MAX_FINDINGS}; 0: all); the rest are counted
  --base DIR            paths in sarif, github and gitlab output and in
                        fingerprints are relative to DIR (default: the repository root)
  --config FILE         settings file (default: the nearest ${CONFIG_NAME} up to the repository root)
  --baseline FILE       findings recorded in FILE are suppressed
  --write-baseline FILE record every finding in FILE (then exit 0)

Silence the findings of one line with a comment on the line above it:
  // vcscf-disable-next-line CODE[,CODE]
${CONFIG_NAME} keeps rule levels and a baseline out of main.cf, where
haconf -dump would erase them (docs/verifier-rules.md).

Exit: 0 no error (warnings allowed), 1 errors found, 2 usage error or unreadable input.
The rules are listed in docs/verifier-rules.md, one page each in docs/rules/.
`;

const FORMATS = ['text', 'json', 'sarif', 'github', 'gitlab'] as const;
type Format = (typeof FORMATS)[number];

function parseRuleOption(spec: string): [string, RuleSetting] {
  const m = /^([^=]+)=(off|warning|error)$/.exec(spec.trim());
  if (!m) throw new UsageError(`vcscf verify: --rule ${spec}: expected CODE=off|warning|error`);
  return [m[1]!, m[2] as RuleSetting];
}

async function run(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs('verify', args, {
    types: { type: 'string', multiple: true },
    format: { type: 'string' },
    rule: { type: 'string', multiple: true },
    'vcs-version': { type: 'string' },
    platform: { type: 'string' },
    'max-findings': { type: 'string' },
    base: { type: 'string' },
    config: { type: 'string' },
    baseline: { type: 'string' },
    'write-baseline': { type: 'string' },
  });
  if (values.help) {
    io.stdout(VERIFY_HELP);
    return 0;
  }
  if (positionals.length === 0) throw new UsageError('vcscf verify: missing PATH (a main.cf, a configuration directory, or - for standard input)');
  if (positionals.filter((p) => p === '-').length > 1) throw new UsageError('vcscf verify: standard input (-) can be read once');
  const format = (values.format ?? 'text') as Format;
  if (!FORMATS.includes(format)) throw new UsageError(`vcscf verify: --format ${format}: expected ${FORMATS.join(', ')}`);

  const base = resolve((values.base as string | undefined) ?? repositoryRoot());
  const configFile = (values.config as string | undefined) ?? findConfig(process.cwd(), repositoryRoot());
  const config = configFile ? readConfig(configFile) : undefined;

  const version = values['vcs-version'] as string | undefined;
  const vcsVersion = version === undefined ? config?.vcsVersion : parseRelease(version);
  if (version !== undefined && !vcsVersion) throw new UsageError(`vcscf verify: --vcs-version ${version}: expected one of ${VCS_RELEASES.join(', ')}`);
  const platformText = values.platform as string | undefined;
  const platform = platformText === undefined ? config?.platform : parsePlatform(platformText);
  if (platformText !== undefined && !platform) throw new UsageError(`vcscf verify: --platform ${platformText}: expected ${PLATFORMS.join(', ')}`);
  const maxText = values['max-findings'] as string | undefined;
  const maxFindings = maxText === undefined ? config?.maxFindings : /^\d+$/.test(maxText) ? Number(maxText) : NaN;
  if (maxFindings !== undefined && !Number.isSafeInteger(maxFindings)) throw new UsageError(`vcscf verify: --max-findings ${maxText}: expected a whole number (0: no limit)`);
  const rules = { ...config?.rules, ...Object.fromEntries(((values.rule as string[] | undefined) ?? []).map(parseRuleOption)) };
  const baselineFile = (values.baseline as string | undefined) ?? config?.baseline;
  const writeBaseline = values['write-baseline'] as string | undefined;
  const baseline = baselineFile && !writeBaseline ? readBaseline(baselineFile) : undefined;
  const stdin = positionals.includes('-') ? io.readStdin() : undefined;

  const result = verifyPaths(positionals, {
    types: [...(config?.types ?? []), ...((values.types as string[] | undefined) ?? [])],
    rules,
    stdin,
    ...(vcsVersion ? { vcsVersion } : {}),
    ...(platform ? { platform } : {}),
    // A baseline records everything, not the first N per file.
    ...(writeBaseline ? { maxFindings: 0 } : maxFindings !== undefined ? { maxFindings } : {}),
    ...(baseline ? { baseline } : {}),
    base,
  });

  if (writeBaseline) {
    const doc: BaselineFile = {
      version: 1,
      findings: result.findings.map((f) => ({ fingerprint: fingerprint(f, base), code: f.code, file: relativeTo(f.file, base), message: f.message })),
    };
    writeFileAtomic(resolve(writeBaseline), Buffer.from(JSON.stringify(doc, null, 2) + '\n'));
    io.stderr(`vcscf verify: ${result.findings.length} finding${result.findings.length === 1 ? '' : 's'} recorded in ${writeBaseline}\n`);
    return 0;
  }

  io.stdout(await render(result, format, base));
  if (format === 'text') {
    const { formatContext, formatSummary } = await import('./format/text.js');
    io.stderr(formatContext(result));
    if (result.findings.length > 0 || result.truncated.length > 0 || result.suppressed.length > 0) io.stderr(formatSummary(result));
  }
  return result.errors > 0 ? 1 : 0;
}

/** Formatters load lazily: a text run never loads the SARIF code. */
async function render(result: VerifyResult, format: Format, base: string): Promise<string> {
  switch (format) {
    case 'json':
      return (await import('./format/json.js')).formatJson(result);
    case 'sarif':
      return (await import('./format/sarif.js')).formatSarif(result, base);
    case 'github':
      return (await import('./format/ci.js')).formatGithub(result, base);
    case 'gitlab':
      return (await import('./format/ci.js')).formatGitlab(result, base);
    default:
      return (await import('./format/text.js')).formatText(result);
  }
}

export const command: Command = { help: VERIFY_HELP, run };
