/**
 * `vcscf verify PATH [--types FILE]... [--format text|json|sarif] [--rule CODE=off|warning|error]...`
 *
 * Exit 0 when no error is found (warnings allowed), 1 when errors are found,
 * 2 for a usage error, an unknown rule or input that cannot be read (reported
 * by the dispatcher, one line). Never a stack trace.
 */
import { UsageError } from '../../errors.js';
import { onePath, parseCommandArgs, type CliIo, type Command } from '../cli/common.js';
import type { RuleSetting } from './finding.js';
import { verifyPath, type VerifyResult } from './verify.js';

const VERIFY_HELP = `Usage: vcscf verify PATH [--types FILE]... [--format text|json|sarif] [--rule CODE=off|warning|error]...

Checks a configuration as hacf -verify does, plus the PowerVM, WPAR and
disaster-recovery rules of the Virtualization Guide for AIX. PATH is a main.cf,
a configuration directory holding main.cf, or - for standard input.

  --types FILE          load FILE's type definitions first (repeatable)
  --format FORMAT       text (FILE:LINE:COL: error|warning CODE message), json or sarif
  --rule CODE=LEVEL     set a rule (code or name) to off, warning or error (repeatable)

Silence the findings of one line with a comment on the line above it:
  // vcscf-disable-next-line CODE[,CODE]

Exit: 0 no error (warnings allowed), 1 errors found, 2 usage error or unreadable input.
The rules are listed in docs/verifier-rules.md.
`;

const FORMATS = ['text', 'json', 'sarif'] as const;
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
  });
  if (values.help) {
    io.stdout(VERIFY_HELP);
    return 0;
  }
  const path = onePath('verify', positionals);
  const format = (values.format ?? 'text') as Format;
  if (!FORMATS.includes(format)) throw new UsageError(`vcscf verify: --format ${format}: expected text, json or sarif`);
  const rules = Object.fromEntries(((values.rule as string[] | undefined) ?? []).map(parseRuleOption));
  const stdin = path === '-' ? io.readStdin() : undefined;

  const result = verifyPath(path, { types: (values.types as string[] | undefined) ?? [], rules, stdin });
  io.stdout(await render(result, format));
  if (format === 'text' && result.findings.length > 0) {
    const { formatSummary } = await import('./format/text.js');
    io.stderr(formatSummary(result));
  }
  return result.errors > 0 ? 1 : 0;
}

/** Formatters load lazily: a text run never loads the SARIF code. */
async function render(result: VerifyResult, format: Format): Promise<string> {
  switch (format) {
    case 'json':
      return (await import('./format/json.js')).formatJson(result);
    case 'sarif':
      return (await import('./format/sarif.js')).formatSarif(result);
    default:
      return (await import('./format/text.js')).formatText(result);
  }
}

export const command: Command = { help: VERIFY_HELP, run };
