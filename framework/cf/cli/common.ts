/**
 * What the vcscf subcommands share: the Command interface the dispatcher
 * (../cli.ts) loads, argument parsing with one-line usage errors, and the
 * printing of configuration errors as `FILE:LINE:COL: error CODE message`.
 */
import { type OptionSpecs, parseCommandLine } from '../../cli-args.js';
import { ParseError, UsageError } from '../../errors.js';
import { formatDiagnostic, formatDiagnosticAs } from '../diagnostics.js';
import type { LoadResult } from '../load.js';
import { lintProblems } from '../missing-includes.js';

/** Where a command writes; tests pass their own. */
export interface CliIo {
  stdout(s: string): void;
  stderr(s: string): void;
  /** Standard input as text, for PATH `-`. */
  readStdin(): string;
}

/** A vcscf subcommand. `run` returns the exit code (0 ok, 1 problems found, 2 usage or unreadable input). */
export interface Command {
  /** Full help text, printed for `--help`. */
  help: string;
  run(args: string[], io: CliIo): number | Promise<number>;
}

export interface ParsedArgs {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

/**
 * Parses `args` for `command` (`help` is always accepted) with the one
 * command-line parser (../../cli-args.ts). Throws UsageError with one line
 * that says what is wrong, naming the command.
 */
export function parseCommandArgs(command: string, args: string[], options: OptionSpecs): ParsedArgs {
  try {
    const r = parseCommandLine(args, { ...options, help: { type: 'boolean', short: 'h' } });
    return { values: r.values as ParsedArgs['values'], positionals: r.positionals };
  } catch (e) {
    const message = (e as Error).message;
    const hint = message.startsWith('unknown option') ? ` (see vcscf ${command} --help)` : '';
    throw new UsageError(`vcscf ${command}: ${message}${hint}`);
  }
}

/** The single PATH operand. */
export function onePath(command: string, positionals: string[]): string {
  if (positionals.length === 0) throw new UsageError(`vcscf ${command}: missing PATH (a main.cf, a configuration directory, or - for standard input)`);
  if (positionals.length > 1) throw new UsageError(`vcscf ${command}: one PATH expected, got ${positionals.length}: ${positionals.join(' ')}`);
  return positionals[0]!;
}

export function printDiagnostics(io: CliIo, errors: readonly ParseError[], warnings: readonly ParseError[] = []): void {
  for (const e of errors) io.stderr(formatDiagnostic(e) + '\n');
  for (const e of warnings) io.stderr(formatDiagnosticAs(e, 'warning') + '\n');
}

/**
 * Prints what loading found as `vcscf verify` reports it (an include the
 * repository merely lacks is a warning: missing-includes.ts); returns how
 * many are errors.
 */
export function printLoadProblems(io: CliIo, load: LoadResult): number {
  const { errors, warnings } = lintProblems(load);
  printDiagnostics(io, errors, warnings);
  return errors.length;
}
