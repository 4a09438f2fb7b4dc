/**
 * `vcsagent precompile [--module FILE]... [--quiet]`: parse a type's
 * types.cf once and write what an entry point needs — the type's ArgList,
 * attribute definitions and static values as JSON, and its attribute
 * validator as standalone code — so that no entry point parses types.cf or
 * loads ajv.
 *
 * Without --module (`npm run build` runs it): every registered agent, into
 * dist/typedefs/. With --module: those agents, into .vcsagent/ next to each
 * module (`vcsagent install --module` does this by itself). A precompiled
 * type is used as long as its types.cf and module are unchanged.
 */
import { mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseCommandLine } from '../cli-args.js';
import { isVcsPowervmError } from '../errors.js';
import { writeFileAtomic } from '../fs.js';
import { type MainOptions, MODULE_OPTION, outputs } from './main-options.js';
import { type RegistryEntry, loadAgent, withModules } from './registry.js';
import { agentSchema, standaloneValidatorSource } from './schema.js';
import { PRECOMPILED_FORMAT, type PrecompiledType, parseTypeDef, precompiledDirOf, precompiledLocation, stampOf, typeInfoOf } from './typeload.js';

/** What `vcsagent precompile --help` prints. */
export const usage = `usage: vcsagent precompile [--module FILE]... [--quiet]
writes each agent's type definition and attribute validator where its entry points look first:
dist/typedefs/ for the registered agents (a build step), .vcsagent/ next to each --module FILE
`;

/** Precompiles one agent's type; returns where it went. Throws what goes wrong (the type, the module, the directory). */
export async function precompileEntry(entry: RegistryEntry, root: string): Promise<string> {
  const agent = await loadAgent(entry);
  const where = precompiledLocation(entry, root, precompiledDirOf(root));
  const info = await typeInfoOf(await parseTypeDef(where.source.file, entry.type));
  mkdirSync(where.dir, { recursive: true });
  const validator = `${entry.type}.validate.mjs`;
  writeFileAtomic(join(where.dir, validator), standaloneValidatorSource(agentSchema(info, agent.attributeSchemas)), { backup: false });
  const pre: PrecompiledType = {
    format: PRECOMPILED_FORMAT,
    type: entry.type,
    source: stampOf(where.source.file, where.source.recorded),
    ...(where.module ? { module: stampOf(where.module.file, where.module.recorded) } : {}),
    info,
    validator,
  };
  writeFileAtomic(join(where.dir, `${entry.type}.json`), `${JSON.stringify(pre)}\n`, { backup: false });
  return where.dir;
}

export async function run(argv: string[], opts: MainOptions): Promise<number> {
  const { out, err } = outputs(opts);
  const { values } = parseCommandLine(argv, { ...MODULE_OPTION, quiet: { type: 'boolean' } }, { positionals: false });
  const modules = values.module ?? [];
  const entries = modules.length > 0 ? (await withModules([], modules)).slice() : [...opts.registry];
  let failed = 0;
  for (const entry of entries) {
    try {
      const dir = await precompileEntry(entry, opts.root);
      if (!values.quiet) out(`precompiled ${entry.type} from ${precompiledLocation(entry, opts.root, dir).source.recorded} into ${entry.modulePath ? dir : relative(opts.root, dir)}\n`);
    } catch (e) {
      failed++;
      err(`vcsagent precompile: ${entry.type}: ${isVcsPowervmError(e) ? e.message : (e as Error).message}\n`);
    }
  }
  return failed ? 1 : 0;
}
