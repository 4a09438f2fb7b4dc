/**
 * Loading a configuration as hacf does: main.cf (or a configuration directory
 * holding it, or standard input), its includes resolved relative to the
 * including file, a missing include taken from the types we ship, then every
 * value typed against the type definitions of all files.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ParseError, ReadError } from '../errors.js';
import { reasonOf } from '../fs.js';
import { cfError } from './diagnostics.js';
import { editDistance, nearMiss } from './enums.js';
import type { Config, IncludeDef, TypeDef } from './model.js';
import { parseCf } from './parse.js';
import type { CfDocument } from './syntax.js';
import { typeConfig, typeTypes } from './typing.js';

export interface LoadOptions {
  /** Extra types files, loaded before the configuration's own. */
  types?: string[];
  /** Where a missing include is looked for (default: the repository's types-cf/). */
  fallbackTypesDir?: string;
  /** The text of standard input when `path` is `-` (default: read file descriptor 0). */
  stdin?: string;
}

export interface LoadResult {
  config: Config;
  /** Every file read, by the path it was read from (`-` for standard input). */
  docs: Map<string, CfDocument>;
  errors: ParseError[];
  /** What hacf would read past (an include cycle): worth a warning, not a failure. */
  warnings: ParseError[];
  /**
   * Includes that did not resolve next to the including file and were taken
   * from the bundled types instead: the definitions are a stand-in.
   */
  fallbacks: { include: IncludeDef; file: string }[];
  /** Includes that name no file here (each also in `errors`): see missing-includes.ts for how linters report them. */
  missingIncludes?: MissingInclude[];
}

/** An include that resolved to nothing. */
export interface MissingInclude {
  include: IncludeDef;
  /** The error reported for it. */
  error: ParseError;
  /**
   * Why the include is certainly wrong, whatever the cluster has: a path no
   * file can have, something other than a file at the path, a file of that
   * name in another case beside it. Undefined when the file is merely absent
   * (a types file the cluster has and the repository does not, perhaps).
   */
  wrong?: string;
  /** A file of a near name beside it (a hint, not proof: CFSTypes.cf and CVMTypes.cf are two edits apart). */
  near?: string;
}

/** Includes nested deeper than this are reported rather than followed. */
const MAX_INCLUDE_DEPTH = 32;

let cachedTypesDir: string | undefined;

/**
 * The repository's types-cf/, found from this module whether it runs compiled
 * (dist/framework/cf/) or from sources (framework/cf/, under vitest or tsx).
 */
export function defaultTypesDir(): string {
  if (cachedTypesDir) return cachedTypesDir;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json'))) return (cachedTypesDir = join(dir, 'types-cf'));
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return (cachedTypesDir = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'types-cf'));
}

/** The main.cf a PATH argument names: the file itself, or main.cf in a directory. */
export function configFile(path: string): string {
  if (path === '-') return path;
  let st;
  try {
    st = statSync(path);
  } catch (e) {
    throw new ReadError(path, reasonOf(e), { cause: e });
  }
  if (st.isDirectory()) return join(path, 'main.cf');
  // A device could be read forever (/dev/urandom): only files are configurations, and pipes,
  // which a shell's <(command) and /dev/stdin give, as `-` gives standard input.
  if (!st.isFile() && !st.isFIFO()) throw new ReadError(path, 'not a regular file or a pipe');
  return path;
}

/** How a file's bytes were decoded: UTF-8, or (when they are not valid UTF-8) ISO-8859-1, one byte per character. */
export type TextEncoding = 'utf8' | 'latin1';

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Decodes a configuration file. main.cf is ASCII in practice, but a comment
 * in a legacy 8-bit encoding must not be turned into U+FFFD: such a file is
 * read byte for byte, and fmt --write writes it back the same way.
 */
export function decodeText(bytes: Uint8Array): { text: string; encoding: TextEncoding } {
  try {
    return { text: utf8.decode(bytes), encoding: 'utf8' };
  } catch {
    return { text: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1'), encoding: 'latin1' };
  }
}

/** Reads a file as text with its encoding; unreadable input is a ReadError (exit 2). */
export function readTextWithEncoding(path: string, stdin?: string): { text: string; encoding: TextEncoding } {
  if (path === '-' && stdin !== undefined) return { text: stdin, encoding: 'utf8' };
  let bytes: Buffer;
  try {
    bytes = readFileSync(path === '-' ? 0 : path);
  } catch (e) {
    throw new ReadError(path, reasonOf(e), { cause: e });
  }
  return decodeText(bytes);
}

/** Reads a file as text; unreadable input is a ReadError (exit 2). */
export function readText(path: string, stdin?: string): string {
  return readTextWithEncoding(path, stdin).text;
}

interface Loader {
  docs: Map<string, CfDocument>;
  errors: ParseError[];
  warnings: ParseError[];
  fallbacks: { include: IncludeDef; file: string }[];
  missingIncludes: MissingInclude[];
  merged: Config;
  fallbackDir: string;
}

export function loadConfig(path: string, opts: LoadOptions = {}): LoadResult {
  const file = configFile(path);
  const text = readText(file, opts.stdin);
  const loader: Loader = {
    docs: new Map(),
    errors: [],
    warnings: [],
    fallbacks: [],
    missingIncludes: [],
    merged: { file, includes: [], clusters: [], systems: [], groups: [], blocks: [], types: [] },
    fallbackDir: opts.fallbackTypesDir ?? defaultTypesDir(),
  };
  for (const t of opts.types ?? []) {
    const abs = resolve(t);
    const r = parseCf(readText(abs), t);
    loader.docs.set(abs, r.doc);
    loader.errors.push(...r.errors);
    loader.merged.types.push(...r.config.types);
  }
  const r = parseCf(text, file);
  const key = file === '-' ? '-' : resolve(file);
  loader.docs.set(key, r.doc);
  loader.errors.push(...r.errors);
  const baseDir = file === '-' ? process.cwd() : dirname(resolve(file));
  loader.merged.includes = resolveIncludes(loader, r.config.includes, baseDir, text, file, [key]);
  append(loader.merged, r.config);
  return { config: typeConfig(loader.merged), docs: loader.docs, errors: loader.errors, warnings: loader.warnings, fallbacks: loader.fallbacks, missingIncludes: loader.missingIncludes };
}

/** A types.cf alone, its defaults typed. */
export function loadTypes(path: string): { types: TypeDef[]; errors: ParseError[] } {
  const r = parseCf(readText(path), path);
  return { types: typeTypes(r.config.types), errors: r.errors };
}

function append(into: Config, from: Config): void {
  into.clusters.push(...from.clusters);
  into.systems.push(...from.systems);
  into.groups.push(...from.groups);
  into.blocks.push(...from.blocks);
  into.types.push(...from.types);
}

/** Loads each include (its own includes first), returning the include list with `resolved` set. */
function resolveIncludes(loader: Loader, includes: IncludeDef[], baseDir: string, src: string, file: string, stack: string[]): IncludeDef[] {
  const depth = stack.length;
  const out: IncludeDef[] = [];
  for (const inc of includes) {
    const found = findInclude(inc.path, baseDir, loader.fallbackDir);
    const resolved = found?.file;
    if (!resolved || !found) {
      out.push({ ...inc });
      const why = whyMissing(inc.path, baseDir);
      const detail = why.wrong
        ? `include "${inc.path}" ${why.wrong}`
        : `include "${inc.path}" not found (looked in ${baseDir} and ${loader.fallbackDir})${why.near ? `: did you mean "${why.near}"?` : ''}`;
      const error = includeError(src, file, inc, detail);
      loader.errors.push(error);
      loader.missingIncludes.push({ include: { ...inc }, error, ...why });
      continue;
    }
    out.push({ ...inc, resolved });
    if (found.fallback && !loader.fallbacks.some((f) => f.file === resolved)) loader.fallbacks.push({ include: { ...inc, resolved }, file: resolved });
    if (stack.includes(resolved)) {
      const chain = [...stack.slice(stack.indexOf(resolved)), resolved].map((f) => basename(f)).join(' -> ');
      loader.warnings.push(includeError(src, file, inc, `include cycle: ${chain} (the include is ignored)`));
      continue;
    }
    if (loader.docs.has(resolved)) continue; // already loaded through another include
    if (depth >= MAX_INCLUDE_DEPTH) {
      loader.errors.push(includeError(src, file, inc, `includes nested deeper than ${MAX_INCLUDE_DEPTH} levels`));
      continue;
    }
    let text: string;
    try {
      text = decodeText(readFileSync(resolved)).text;
    } catch (e) {
      loader.errors.push(includeError(src, file, inc, `cannot read include "${inc.path}" (${resolved}): ${reasonOf(e)}`));
      continue;
    }
    const r = parseCf(text, resolved);
    loader.docs.set(resolved, r.doc);
    loader.errors.push(...r.errors);
    resolveIncludes(loader, r.config.includes, dirname(resolved), text, resolved, [...stack, resolved]);
    append(loader.merged, r.config);
  }
  return out;
}

function findInclude(path: string, baseDir: string, fallbackDir: string): { file: string; fallback: boolean } | undefined {
  const direct = isAbsolute(path) ? path : resolve(baseDir, path);
  if (isFile(direct)) return { file: direct, fallback: false };
  const fallback = join(fallbackDir, basename(path));
  return isFile(fallback) ? { file: resolve(fallback), fallback: true } : undefined;
}

/**
 * Why an include resolved to nothing: `wrong` when no cluster could read it
 * either, `near` for a file of a near name beside it.
 */
function whyMissing(path: string, baseDir: string): { wrong?: string; near?: string } {
  if (path.trim() === '') return { wrong: 'names no file: the path is empty' };
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(path)) return { wrong: 'names no file: the path holds a control character' };
  const name = basename(path);
  if (path.endsWith('/') || name === '.' || name === '..') return { wrong: 'names a directory, not a file' };
  const direct = isAbsolute(path) ? path : resolve(baseDir, path);
  try {
    if (!statSync(direct).isFile()) return { wrong: `is not a regular file (${direct})` };
  } catch {
    // Not there: look beside it.
  }
  let names: string[];
  try {
    names = readdirSync(dirname(direct));
  } catch {
    return {};
  }
  const written = (n: string) => path.slice(0, path.length - name.length) + n;
  // Another case of the same name: AIX file names are case-sensitive, so hacf would not find it either.
  const other = names.find((n) => n !== name && n.toLowerCase() === name.toLowerCase() && isFile(join(dirname(direct), n)));
  if (other) return { wrong: `not found: beside it is "${written(other)}" (file names are case-sensitive)` };
  const near = nearMiss(name, names.filter((n) => n.endsWith('.cf')));
  return near && editDistance(near.toLowerCase(), name.toLowerCase()) <= 1 ? { near: written(near) } : {};
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

function includeError(src: string, file: string, inc: IncludeDef, detail: string): ParseError {
  return cfError('VCSPVM_CF_INCLUDE', file, src, offsetOf(src, inc.pos.line, inc.pos.column), inc.pos.line, inc.pos.column, detail, {
    include: inc.path,
  });
}

/** Offset of a 1-based line and column. */
function offsetOf(src: string, line: number, column: number): number {
  let off = 0;
  for (let l = 1; l < line; l++) {
    const nl = src.indexOf('\n', off);
    if (nl < 0) return src.length;
    off = nl + 1;
  }
  return Math.min(src.length, off + column - 1);
}
