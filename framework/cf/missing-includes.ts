/**
 * How the linting commands (verify, convert, json, graph) report an include
 * that names no file. hacf would not load such a configuration, but a CI
 * repository often commits main.cf alone: CFSTypes.cf, OracleTypes.cf and
 * every agent pack's types file are on the cluster, not in the repository.
 *
 * - Merely absent (a well-formed path, nothing there, no file of that name in
 *   another case beside it): a warning. Nothing is checked wrongly because of
 *   it: resources of types defined nowhere are not checked (said on the first
 *   such warning's line, and not reported again as VCF101), and what an include not named
 *   like a types file may define besides types (a system, a group, a remote
 *   cluster) is reported as a warning where the configuration names it.
 * - Certainly wrong (an empty path, a control character, a directory, a file
 *   of the same name in another case beside it: load.ts says which), or a
 *   file that is there but cannot be read, or includes nested too deep: an error.
 *
 * The runner and the agents keep the loader's view: a configuration with a
 * missing include is not one VCS would run.
 */
import { basename } from 'node:path';
import { ParseError } from '../errors.js';
import type { LoadResult, MissingInclude } from './load.js';
import type { Config } from './model.js';

/** A types file by VCS's naming: types.cf, CFSTypes.cf, OracleTypes.cf, any agent pack's XxxTypes.cf. */
export const namedAsTypesFile = (path: string) => /types\.cf$/i.test(basename(path));

/** Resource types no file read defines, in reading order. */
export function typesDefinedNowhere(config: Config): string[] {
  const defined = new Set(config.types.map((t) => t.name));
  const out = new Set<string>();
  for (const g of config.groups) for (const r of g.resources) if (!defined.has(r.type)) out.add(r.type);
  return [...out];
}

/** Names, the first few of them. */
function someOf(names: readonly string[], shown = 5): string {
  return names.length > shown ? `${names.slice(0, shown).join(', ')} and ${names.length - shown} more` : names.join(', ');
}

/** Includes that are merely absent (not certainly wrong). */
export const absentIncludes = (load: LoadResult): MissingInclude[] => (load.missingIncludes ?? []).filter((m) => m.wrong === undefined);

/**
 * Absent includes that may define more than types (not named like a types
 * file): a system, group or cluster the configuration names and defines
 * nowhere may be in one of them.
 */
export const openIncludes = (load: LoadResult): MissingInclude[] => absentIncludes(load).filter((m) => !namedAsTypesFile(m.include.path));

/** The loader's problems as a linter reports them: absent includes become warnings saying what goes unchecked. */
export function lintProblems(load: LoadResult): { errors: ParseError[]; warnings: ParseError[] } {
  const absent = absentIncludes(load);
  if (absent.length === 0) return { errors: load.errors, warnings: load.warnings };
  const unchecked = typesDefinedNowhere(load.config);
  const consequence = unchecked.length
    ? `resources of types defined nowhere are not checked (${someOf(unchecked)})`
    : 'every resource has a type defined elsewhere';
  const moved = new Set(absent.map((m) => m.error));
  // Said once, on the first of them: the list is the same for all.
  const warnings = absent.map(
    ({ error: e, include }, i) => new ParseError('VCSPVM_CF_INCLUDE', e.file, e.line, e.column, i === 0 ? `${e.detail}; ${consequence}` : e.detail, e.snippet, { include: include.path }),
  );
  return { errors: load.errors.filter((e) => !moved.has(e)), warnings: [...load.warnings, ...warnings] };
}
