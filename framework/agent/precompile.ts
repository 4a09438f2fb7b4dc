/**
 * `vcsagent precompile` (run by `npm run build`): for every registered agent,
 * parse its types.cf once and write what an entry point needs to
 * dist/typedefs/ — the type's ArgList, attribute definitions and static
 * values as JSON, and its attribute validator as standalone code — so that
 * no entry point parses types.cf or loads ajv.
 */
import { mkdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { UsageError, isVcsPowervmError } from '../errors.js';
import { writeFileAtomic } from '../fs.js';
import { type MainOptions, outputs } from './cli.js';
import { loadAgent } from './registry.js';
import { standaloneValidatorSource, typeSchema } from './schema.js';
import { PRECOMPILED_FORMAT, type PrecompiledType, parseTypeDef, typeInfoOf, typesPathOf } from './typeload.js';

/** What `vcsagent precompile --help` prints. */
export const usage = `usage: vcsagent precompile [--quiet]
a build step (npm run build): writes each registered type's definition and attribute validator to dist/typedefs/
`;

export async function run(argv: string[], opts: MainOptions): Promise<number> {
  const { out, err } = outputs(opts);
  const unknown = argv.find((a) => a !== '--quiet');
  if (unknown !== undefined) throw new UsageError(`unknown option ${unknown}`);
  const quiet = argv.includes('--quiet');
  const outDir = join(opts.root, 'dist', 'typedefs');
  mkdirSync(outDir, { recursive: true });
  let failed = 0;
  for (const entry of opts.registry) {
    try {
      const agent = await loadAgent(entry);
      const source = typesPathOf(entry, opts.root);
      const info = await typeInfoOf(await parseTypeDef(source, entry.type));
      const st = statSync(source);
      const validator = `${entry.type}.validate.mjs`;
      writeFileAtomic(join(outDir, validator), standaloneValidatorSource(typeSchema(info.attributes, agent.attributeSchemas)), { backup: false });
      const pre: PrecompiledType = {
        format: PRECOMPILED_FORMAT,
        type: entry.type,
        source: { path: relative(opts.root, source), size: st.size, mtimeMs: st.mtimeMs },
        info,
        validator,
      };
      writeFileAtomic(join(outDir, `${entry.type}.json`), `${JSON.stringify(pre)}\n`, { backup: false });
      if (!quiet) out(`precompiled ${entry.type} from ${relative(opts.root, source)}\n`);
    } catch (e) {
      failed++;
      err(`vcsagent precompile: ${entry.type}: ${isVcsPowervmError(e) ? e.message : (e as Error).message}\n`);
    }
  }
  return failed ? 1 : 0;
}
