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
import { type MainOptions, outputs } from './main-options.js';
import { typesModule } from './typegen.js';
import { typeInfoOf } from './typeload.js';

export const usage = `usage: vcsagent types TYPESFILE [--type NAME]... [--out FILE [--check]]
the TypeScript interface <Type>Attributes of each type's ArgList attributes (every type of TYPESFILE, or those named),
on stdout or into FILE; --check exits 1 when FILE is out of date instead of writing it
`;

export async function run(argv: string[], opts: MainOptions): Promise<number> {
  const { out, err } = outputs(opts);
  const { values, positionals } = parseCommandLine(argv, {
    type: { type: 'string', multiple: true },
    out: { type: 'string' },
    check: { type: 'boolean' },
  });
  if (positionals.length !== 1) throw new UsageError('give one TYPESFILE');
  if (values.check && !values.out) throw new UsageError('--check compares with --out FILE');
  const file = positionals[0]!;
  const { loadTypes } = await import('../cf/load.js');
  const { types, errors } = loadTypes(file);
  if (errors.length > 0) throw new AgentError('VCSPVM_AGENT_TYPES', { type: file, detail: errors[0]!.message });
  const wanted = values.type ?? types.map((t) => t.name);
  const defs = [];
  for (const name of wanted) {
    const def = types.find((t) => t.name === name);
    if (!def) throw new AgentError('VCSPVM_AGENT_TYPES', { type: name, detail: `${file} does not define it (it defines ${types.map((t) => t.name).join(', ') || 'no type'})` });
    defs.push(def);
  }
  const text = typesModule(basename(file), await Promise.all(defs.map(typeInfoOf)));
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
    err(`vcsagent types: ${values.out} is out of date with ${file}; run: vcsagent types ${file} --out ${values.out}\n`);
    return 1;
  }
  writeFileAtomic(values.out, text, { backup: false });
  return 0;
}
