/**
 * The one command-line parser of our tools: `node:util` parseArgs (so
 * `--opt value` and `--opt=value` both work, `--` ends the options), with
 * its errors turned into one-line UsageErrors (exit 2) a person can act on,
 * and the small value checks every CLI needs.
 *
 *   const { values, positionals } = parseCommandLine(argv, {
 *     config: { type: 'string' },
 *     module: { type: 'string', multiple: true },
 *     json: { type: 'boolean' },
 *   });
 */
import { parseArgs } from 'node:util';
import { UsageError } from './errors.js';

export type OptionSpec = { type: 'string' | 'boolean'; multiple?: boolean; short?: string };
export type OptionSpecs = Record<string, OptionSpec>;

type ValueOf<S extends OptionSpec> = S['type'] extends 'string' ? (S['multiple'] extends true ? string[] : string) : S['multiple'] extends true ? boolean[] : boolean;
export type OptionValues<O extends OptionSpecs> = { [K in keyof O]?: ValueOf<O[K]> };

export interface ParsedCommandLine<O extends OptionSpecs> {
  values: OptionValues<O>;
  positionals: string[];
  /** The positionals that came after `--` (also in `positionals`, at its end). */
  afterDoubleDash: string[];
}

/** parseArgs's messages, shortened to what a person needs. */
function usageErrorOf(e: unknown): UsageError {
  const err = e as { code?: string; message?: string };
  const msg = String(err.message ?? e);
  const name = /'(-[^' <]+)/.exec(msg)?.[1];
  switch (err.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return new UsageError(`unknown option ${name ?? msg}`);
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      if (/does not take an argument/.test(msg)) return new UsageError(`${name} takes no value`);
      if (/ambiguous/.test(msg)) return new UsageError(`${name} needs a value (to give one that starts with a dash: ${name}=VALUE)`);
      return new UsageError(`${name} needs a value`);
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return new UsageError(`unexpected argument ${/'([^']*)'/.exec(msg)?.[1] ?? msg}`);
    default:
      return new UsageError(msg.split('\n')[0]!);
  }
}

/** Parses `argv` against `options`; positionals are allowed (check their number yourself). */
export function parseCommandLine<O extends OptionSpecs>(argv: readonly string[], options: O, opts: { positionals?: boolean } = {}): ParsedCommandLine<O> {
  // Nothing to parse (an entry point as VCS calls it): not even parseArgs to load.
  if (argv.length === 0) return { values: {}, positionals: [], afterDoubleDash: [] };
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options, strict: true, allowPositionals: opts.positionals ?? true, tokens: true });
  } catch (e) {
    throw usageErrorOf(e);
  }
  const terminator = parsed.tokens.find((t) => t.kind === 'option-terminator');
  const afterDoubleDash = terminator ? argv.slice(terminator.index + 1) : [];
  return { values: parsed.values as OptionValues<O>, positionals: parsed.positionals, afterDoubleDash: [...afterDoubleDash] };
}

/**
 * Where the options before the first positional end: for command lines
 * whose tail is not options at all (an ArgList after TYPE ENTRY_POINT
 * RESOURCE may hold values that start with dashes).
 */
export function leadingOptionsEnd(argv: readonly string[], options: OptionSpecs): number {
  if (argv.length === 0 || !argv[0]!.startsWith('-')) return 0;
  const { tokens } = parseArgs({ args: [...argv], options, strict: false, allowPositionals: true, tokens: true });
  const first = tokens.find((t) => t.kind === 'positional' || t.kind === 'option-terminator');
  return first ? first.index : argv.length;
}

/** A positive number of seconds (or of anything), or a UsageError naming the option. */
export function positiveNumber(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) throw new UsageError(`${name} must be a positive number, not ${value}`);
  return n;
}
