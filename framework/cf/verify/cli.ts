/**
 * `vcscf verify PATH [--types FILE]... [--format text|json|sarif] [--rule CODE=off|warning|error]...`
 *
 * Exit 0 when no error is found (warnings allowed), 1 when errors are found,
 * 2 for a usage error or input that cannot be read. Never a stack trace.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { isVcsPowervmError, UsageError } from '../../errors.js';
import type { RuleSetting } from './finding.js';
import { verifyPath, type VerifyResult } from './verify.js';

export interface CommandIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Reads standard input (PATH `-`). */
  readStdin?: () => string;
}

export const VERIFY_USAGE =
  'usage: vcscf verify PATH [--types FILE]... [--format text|json|sarif] [--rule CODE=off|warning|error]...\n' +
  '  PATH is a main.cf, a configuration directory holding main.cf, or - for standard input.\n' +
  '  Suppress a finding with a comment on the line above it: // vcscf-disable-next-line CODE[,CODE]\n';

const FORMATS = ['text', 'json', 'sarif'] as const;
type Format = (typeof FORMATS)[number];

function parseRuleOption(spec: string): [string, RuleSetting] {
  const m = /^([^=]+)=(off|warning|error)$/.exec(spec.trim());
  if (!m) throw new UsageError(`--rule ${spec}: expected CODE=off|warning|error`);
  return [m[1]!, m[2] as RuleSetting];
}

const defaultIo: CommandIo = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  readStdin: () => readFileSync(0, 'utf8'),
};

export async function verifyCommand(argv: string[], io: CommandIo = defaultIo): Promise<number> {
  try {
    let parsed;
    try {
      parsed = parseArgs({
        args: argv,
        allowPositionals: true,
        options: {
          types: { type: 'string', multiple: true },
          format: { type: 'string' },
          rule: { type: 'string', multiple: true },
          help: { type: 'boolean', short: 'h' },
        },
      });
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    const { values, positionals } = parsed;
    if (values.help) {
      io.stdout(VERIFY_USAGE);
      return 0;
    }
    if (positionals.length !== 1) throw new UsageError(positionals.length ? `one PATH expected, got ${positionals.length}` : 'PATH is missing');
    const format = (values.format ?? 'text') as Format;
    if (!FORMATS.includes(format)) throw new UsageError(`--format ${format}: expected text, json or sarif`);
    const rules = Object.fromEntries((values.rule ?? []).map(parseRuleOption));
    const path = positionals[0]!;
    const stdin = path === '-' ? (io.readStdin ?? defaultIo.readStdin!)() : undefined;

    const result = verifyPath(path, { types: values.types ?? [], rules, stdin });
    io.stdout(await render(result, format));
    if (format === 'text' && result.findings.length > 0) {
      const { formatSummary } = await import('./format/text.js');
      io.stderr(formatSummary(result));
    }
    return result.errors > 0 ? 1 : 0;
  } catch (e) {
    if (isVcsPowervmError(e)) {
      io.stderr(`vcscf verify: ${e.message}\n`);
      if (e.code === 'VCSPVM_USAGE') io.stderr(VERIFY_USAGE);
      return e.exitCode === 0 ? 2 : e.exitCode;
    }
    io.stderr(`vcscf verify: internal error: ${(e as Error)?.message ?? String(e)}\n`);
    return 2;
  }
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
