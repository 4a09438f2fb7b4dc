/**
 * What every HMC command shares: the command interface, option parsing with
 * the HMC's error texts, and listing output (`-F`, `--header`, the default
 * `attr=value` records, `No results were found.`).
 */
import { AttrSyntaxError, parseFilter, parseRecord, type AttrField } from '../attrs.js';
import { formatFields, formatRecord, NO_RESULTS, parseFieldSpec } from '../format.js';
import { fail, HmcError, msg } from '../hscl.js';
import type { AttrValue, ManagedSystem, Partition } from '../model.js';
import type { World } from '../world.js';

export interface CommandContext {
  world: World;
  /** The logged-in HMC user. */
  user: string;
  /** The name of the HMC serving the session (`hmc6`). */
  hmcName: string;
  args: string[];
  /** Standard input (the output of the previous command in a pipe). */
  stdin: string;
}

export interface CommandResult {
  stdout: string;
  stderr?: string;
  status: number;
}

export type Command = (ctx: CommandContext) => CommandResult | Promise<CommandResult>;

export const ok = (stdout = ''): CommandResult => ({ stdout, status: 0 });

/** `value`: takes an argument; `flag`: none; `optional`: takes the next word unless it is an option (-F). */
export type OptKind = 'value' | 'flag' | 'optional';

export class Options {
  constructor(private readonly values: Map<string, string | true>) {}

  has(name: string): boolean {
    return this.values.has(name);
  }

  get(name: string): string | undefined {
    const v = this.values.get(name);
    return typeof v === 'string' ? v : undefined;
  }

  /** A required option's value, else the HMC's missing-parameter error. */
  need(name: string): string {
    const v = this.get(name);
    if (v === undefined || v === '') fail(msg.missingParam([name]));
    return v;
  }

  /** An option whose value must be one of `allowed`. */
  choice<T extends string>(name: string, allowed: readonly T[], required = true): T | undefined {
    const v = required ? this.need(name) : this.get(name);
    if (v === undefined) return undefined;
    if (!(allowed as readonly string[]).includes(v)) fail(msg.missingParam([name]));
    return v as T;
  }
}

export function parseOptions(args: string[], spec: Record<string, OptKind>): Options {
  const values = new Map<string, string | true>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    // `-Fname,state`: a one-letter option may have its value attached, as scripts write it.
    const glued = /^-[A-Za-z]./.test(a) && !spec[a] && spec[a.slice(0, 2)] && spec[a.slice(0, 2)] !== 'flag' ? a.slice(0, 2) : null;
    if (glued) {
      values.set(glued, a.slice(2));
      continue;
    }
    const kind = spec[a];
    if (!kind) fail(msg.invalidParam(a));
    if (kind === 'flag') {
      values.set(a, true);
    } else if (kind === 'optional') {
      const next = args[i + 1];
      if (next !== undefined && !next.startsWith('-')) {
        values.set(a, next);
        i++;
      } else {
        values.set(a, true);
      }
    } else {
      const next = args[i + 1];
      if (next === undefined) fail(msg.missingParam([a]));
      values.set(a, next);
      i++;
    }
  }
  return new Options(values);
}

/**
 * One object of a listing: its default attributes in order and extra ones
 * `-F` may ask for, either computed up front (`pairs`) or on demand (`names`
 * and `value`, for the big listings: `-F name,state` computes two fields).
 */
export type Row =
  | { pairs: Array<[string, AttrValue]>; extra?: Record<string, AttrValue> }
  | { names: readonly string[]; value: (name: string) => AttrValue };

function rowPairs(row: Row): Array<[string, AttrValue]> {
  return 'pairs' in row ? row.pairs : row.names.map((n) => [n, row.value(n)]);
}

/**
 * Prints rows as the HMC does. `known` is every attribute name `-F` accepts
 * for this resource; an unknown one is an error even when no row has it.
 */
export function listing(rows: Row[], opts: Options, known: ReadonlySet<string>): CommandResult {
  const f = opts.get('-F');
  if (opts.has('--header') && !opts.has('-F')) fail(msg.missingParam(['-F']));
  if (f !== undefined) {
    const spec = parseFieldSpec(f);
    if (!spec) fail(msg.invalidAttr(f));
    for (const n of spec.names) if (!known.has(n)) fail(msg.invalidAttr(n));
    if (rows.length === 0) return ok(`${NO_RESULTS}\n`);
    let out = opts.has('--header') ? spec.names.join(spec.delimiter) + '\n' : '';
    const values: AttrValue[] = new Array(spec.names.length);
    for (const row of rows) {
      for (let i = 0; i < spec.names.length; i++) values[i] = lookup(row, spec.names[i]!);
      out += formatFields(values, spec.delimiter) + '\n';
    }
    return ok(out);
  }
  if (rows.length === 0) return ok(`${NO_RESULTS}\n`);
  if (opts.has('-F')) {
    // -F without names: every value of the default listing, comma-separated.
    return ok(rows.map((r) => formatFields(rowPairs(r).map(([, v]) => v), ',')).join('\n') + '\n');
  }
  return ok(rows.map((r) => formatRecord(rowPairs(r))).join('\n') + '\n');
}

function lookup(row: Row, name: string): AttrValue {
  if (!('pairs' in row)) return row.value(name);
  for (const [n, v] of row.pairs) if (n === name) return v;
  return row.extra?.[name] ?? '';
}

export function filterOf(opts: Options, allowed: readonly string[]): Map<string, string[]> {
  const text = opts.get('--filter');
  if (text === undefined) return new Map();
  let filters: Map<string, string[]>;
  try {
    filters = parseFilter(text);
  } catch (e) {
    if (e instanceof AttrSyntaxError) fail(msg.invalidFilter(e.message));
    throw e;
  }
  for (const name of filters.keys()) if (!allowed.includes(name)) fail(msg.invalidFilter(`${name} is not a valid filter here (valid: ${allowed.join(', ')})`));
  return filters;
}

/** Partitions selected by lpar_names / lpar_ids filters; an unknown name is HSCL8012. */
export function selectLpars(sys: ManagedSystem, filters: Map<string, string[]>): Partition[] {
  let list = sys.partitions;
  const names = filters.get('lpar_names');
  if (names) {
    for (const n of names) if (!list.some((p) => p.name === n)) fail(msg.lparNotFound(n));
    list = list.filter((p) => names.includes(p.name));
  }
  const ids = filters.get('lpar_ids');
  if (ids) list = list.filter((p) => ids.includes(String(p.id)));
  return list;
}

/** The partition named by `-n` / `-p` (the option given) or `--id`. */
export function partitionArg(world: World, sys: ManagedSystem, opts: Options, nameOpt: '-n' | '-p'): Partition {
  const name = opts.get(nameOpt);
  const id = opts.get('--id');
  if (name !== undefined) return world.requireLpar(sys, name);
  if (id !== undefined) {
    if (!/^\d+$/.test(id)) fail(msg.missingParam(['--id']));
    return world.requireLparById(sys, Number(id));
  }
  return fail(msg.missingParam([nameOpt, '--id']));
}

/** Attribute records from `-i DATA` or `-f FILE` (one record per non-empty line). */
export function records(ctx: CommandContext, opts: Options): AttrField[][] {
  const inline = opts.get('-i');
  const file = opts.get('-f');
  let texts: string[];
  if (inline !== undefined) texts = [inline];
  else if (file !== undefined) {
    const content = ctx.world.readUserFile(ctx.user, file);
    if (content === undefined) fail(msg.fileNotFound(file));
    texts = content.split(/\r?\n/).filter((l) => l.trim() !== '' && !l.trimStart().startsWith('#'));
  } else return fail(msg.missingParam(['-f', '-i']));
  try {
    return texts.map((t) => parseRecord(t));
  } catch (e) {
    if (e instanceof AttrSyntaxError) fail(msg.badRecord(e.message));
    throw e;
  }
}

/**
 * Runs `fn`; an HmcError becomes the HMC's output and exit status 1. Any
 * other error is a simulator bug: the session reports it and carries on.
 */
export async function guarded(name: string, fn: () => CommandResult | Promise<CommandResult>): Promise<CommandResult> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof HmcError) return { stdout: e.lines.join('\n') + '\n', status: e.status };
    process.emitWarning(`hmcsim: ${name} failed: ${(e as Error).stack ?? String(e)}`);
    return { stdout: '', stderr: `${name}: internal error: ${(e as Error).message}\n`, status: 1 };
  }
}
