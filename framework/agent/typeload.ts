/**
 * Finding a type's definition at run time. Registered agents use what
 * `vcsagent precompile` wrote at build time (dist/typedefs/<Type>.json and a
 * standalone validator); an agent given with --module uses what `vcsagent
 * precompile --module FILE` (run by `install`) wrote next to its module, in
 * .vcsagent/ — each as long as the types.cf it came from (and the module,
 * whose attributeSchemas the validator holds) is unchanged. Anything else
 * parses the types.cf with framework/cf and compiles the schema with ajv on
 * first use: correct, only slower.
 */
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { TypeDef } from '../cf/model.js';
import { AgentError } from '../errors.js';
import type { Agent } from './define.js';
import type { LoadedType } from './dispatch.js';
import type { RegistryEntry } from './registry.js';
import { type Validator, agentSchema, compileValidator } from './schema.js';
import { type AgentTypeInfo, buildTypeInfo } from './typeinfo.js';

export const PRECOMPILED_FORMAT = 2;

/** A file a precompiled type depends on: its path (relative to the package root for registered agents), size and mtime. */
export interface FileStamp {
  path: string;
  size: number;
  mtimeMs: number;
}

export interface PrecompiledType {
  format: number;
  type: string;
  /** The types.cf it was built from. */
  source: FileStamp;
  /** For an agent given with --module: the module (its attributeSchemas are in the validator). */
  module?: FileStamp;
  info: AgentTypeInfo;
  /** File name of the standalone validator module, next to this JSON. */
  validator: string;
}

export interface TypeLoadOptions {
  /** Repository root: registry typesFile paths are relative to it. */
  root: string;
  /** Where precompiled type definitions live (dist/typedefs). */
  precompiledDir?: string;
  /** A types.cf to use instead of the registered one (--types). */
  typesFile?: string;
}

function typesError(type: string, detail: string): AgentError {
  return new AgentError('VCSPVM_AGENT_TYPES', { type, detail });
}

export function typesPathOf(entry: RegistryEntry, root: string): string {
  return isAbsolute(entry.typesFile) ? entry.typesFile : resolve(root, entry.typesFile);
}

/** Where the registered agents' precompiled types live. */
export function precompiledDirOf(root: string): string {
  return join(root, 'dist', 'typedefs');
}

/** Where an agent module's precompiled type lives: .vcsagent/ next to the module. */
export function moduleTypedefsDir(modulePath: string): string {
  return join(dirname(modulePath), '.vcsagent');
}

/** The stamp of a file, `path` as recorded (relative to the root for registered agents). */
export function stampOf(file: string, recorded: string): FileStamp {
  const st = statSync(file);
  return { path: recorded, size: st.size, mtimeMs: st.mtimeMs };
}

function sameStamp(file: string, stamp: FileStamp | undefined, recorded: string): boolean {
  if (!stamp || stamp.path !== recorded) return false;
  try {
    const st = statSync(file);
    return st.size === stamp.size && st.mtimeMs === stamp.mtimeMs;
  } catch {
    // Gone: parse it anyway, so that the error says so.
    return false;
  }
}

/** Parses a types.cf and returns the named type's definition; every problem is a VCSPVM_AGENT_TYPES error. */
export async function parseTypeDef(path: string, type: string): Promise<TypeDef> {
  try {
    if (!statSync(path).isFile()) throw typesError(type, `${path} is not a file`);
    accessSync(path, constants.R_OK);
  } catch (e) {
    if (e instanceof AgentError) throw e;
    throw typesError(type, `cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  const { loadTypes } = await import('../cf/load.js');
  const { types, errors } = loadTypes(path);
  if (errors.length > 0) throw typesError(type, errors[0]!.message);
  const def = types.find((t) => t.name === type);
  if (!def) throw typesError(type, `${path} does not define type ${type}`);
  return def;
}

/** The engine-defined attributes (builtins), loaded only when a types.cf is parsed at run time. */
export async function typeInfoOf(def: TypeDef): Promise<AgentTypeInfo> {
  const { RESOURCE_ATTRIBUTES, TYPE_STATIC_ATTRIBUTES } = await import('../cf/builtins.js');
  return buildTypeInfo(def, { resource: RESOURCE_ATTRIBUTES, statics: TYPE_STATIC_ATTRIBUTES });
}

function runtimeLoaded(info: AgentTypeInfo, agent: Agent<any>): LoadedType {
  // Checked now, not on first use: a stray attributeSchemas key is an error even when no value is validated.
  const schema = agentSchema(info, agent.attributeSchemas);
  let validate: Validator | undefined;
  return {
    info,
    validator: () => (validate ??= compileValidator(schema)),
  };
}

/** How a precompiled type is found and judged current, for a registry entry. */
export function precompiledLocation(entry: RegistryEntry, root: string, registeredDir: string): { dir: string; source: { file: string; recorded: string }; module?: { file: string; recorded: string } } {
  const sourcePath = typesPathOf(entry, root);
  if (entry.modulePath) {
    return { dir: moduleTypedefsDir(entry.modulePath), source: { file: sourcePath, recorded: sourcePath }, module: { file: entry.modulePath, recorded: entry.modulePath } };
  }
  return { dir: registeredDir, source: { file: sourcePath, recorded: relative(root, sourcePath) } };
}

function readPrecompiled(entry: RegistryEntry, root: string, registeredDir: string): { pre: PrecompiledType; dir: string } | undefined {
  const where = precompiledLocation(entry, root, registeredDir);
  let pre: PrecompiledType;
  try {
    pre = JSON.parse(readFileSync(join(where.dir, `${entry.type}.json`), 'utf8')) as PrecompiledType;
  } catch {
    return undefined;
  }
  if (pre.format !== PRECOMPILED_FORMAT || pre.type !== entry.type) return undefined;
  if (!sameStamp(where.source.file, pre.source, where.source.recorded)) return undefined;
  if (where.module && !sameStamp(where.module.file, pre.module, where.module.recorded)) return undefined;
  return { pre, dir: where.dir };
}

export async function loadAgentType(entry: RegistryEntry, agent: Agent<any>, opts: TypeLoadOptions): Promise<LoadedType> {
  const sourcePath = opts.typesFile ? resolve(opts.typesFile) : typesPathOf(entry, opts.root);
  if (!opts.typesFile && opts.precompiledDir) {
    const hit = readPrecompiled(entry, opts.root, opts.precompiledDir);
    if (hit) {
      const url = pathToFileURL(join(hit.dir, hit.pre.validator)).href;
      let validate: Validator | undefined;
      return {
        info: hit.pre.info,
        validator: async () => (validate ??= ((await import(url)) as { default: Validator }).default),
      };
    }
  }
  const def = await parseTypeDef(sourcePath, entry.type);
  return runtimeLoaded(await typeInfoOf(def), agent);
}
