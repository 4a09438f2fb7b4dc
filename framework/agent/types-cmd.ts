/**
 * `vcsagent types TYPESFILE [--type NAME]... [--out FILE [--check]]`: the
 * TypeScript interface of each type's attributes (typegen.ts), on stdout or
 * written to FILE (atomically). `--check` writes nothing and exits 1 when
 * FILE is not what it would write — for a build or CI step that keeps an
 * agent's `defineAgent<...Attributes>` in line with its types.cf.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseCommandLine } from '../cli-args.js';
import { AgentError, UsageError } from '../errors.js';
import { writeFileAtomic } from '../fs.js';
import { type MainOptions, MODULE_OPTION, outputs } from './main-options.js';
import { withModules } from './registry.js';
import { typesModule } from './typegen.js';
import { typeInfoOf } from './typeload.js';

export const usage = `usage: vcsagent types TYPESFILE [--type NAME]... [--out FILE [--check]]
       vcsagent types --module FILE... [--out FILE [--check]]
the TypeScript interface <Type>Attributes of each type's ArgList attributes (every type of TYPESFILE, those named,
or the types of the agent modules), on stdout or into FILE; --check exits 1 when FILE is out of date instead of writing it
`;

export async function run(argv: string[], opts: MainOptions): Promise<number> {
  const { out, err } = outputs(opts);
  const { values, positionals } = parseCommandLine(argv, {
    type: { type: 'string', multiple: true },
    out: { type: 'string' },
    check: { type: 'boolean' },
    ...MODULE_OPTION,
  });
  const modules = values.module ?? [];
  if (positionals.length !== (modules.length > 0 ? 0 : 1)) throw new UsageError(modules.length > 0 ? 'give TYPESFILE or --module, not both' : 'give one TYPESFILE');
  if (values.check && !values.out) throw new UsageError('--check compares with --out FILE');
  // With --module: each agent's own type, from its typesFile.
  const wanted: { file: string; names?: string[] }[] =
    modules.length > 0 ? (await withModules([], modules)).map((e) => ({ file: e.typesFile, names: [e.type] })) : [{ file: positionals[0]!, ...(values.type ? { names: values.type } : {}) }];
  const { loadTypes } = await import('../cf/load.js');
  const defs = [];
  for (const w of wanted) {
    const { types, errors } = loadTypes(w.file);
    if (errors.length > 0) throw new AgentError('VCSPVM_AGENT_TYPES', { type: w.file, detail: errors[0]!.message });
    for (const name of w.names ?? types.map((t) => t.name)) {
      const def = types.find((t) => t.name === name);
      if (!def) throw new AgentError('VCSPVM_AGENT_TYPES', { type: name, detail: `${w.file} does not define it (it defines ${types.map((t) => t.name).join(', ') || 'no type'})` });
      defs.push(def);
    }
  }
  const source = modules.length > 0 ? modules.map((m) => `--module ${m}`).join(' ') : basename(positionals[0]!);
  const text = typesModule(source, await Promise.all(defs.map(typeInfoOf)));
  if (!values.out) {
    out(text);
    return 0;
  }
  if (values.check) {
    let current = '';
    try {
      current = readFileSync(values.out, 'utf8');
    } catch {
      current = '';
    }
    if (current === text) return 0;
    err(`vcsagent types: ${values.out} is out of date with ${modules.length > 0 ? modules.join(', ') : positionals[0]}; run: vcsagent types ${source} --out ${values.out}\n`);
    return 1;
  }
  writeFileAtomic(values.out, text, { backup: false });
  return 0;
}
