/** `vcscf json PATH [--positions] [--types FILE]...`: the configuration model as JSON. */
import { configToJson } from '../json.js';
import { loadConfig } from '../load.js';
import { onePath, parseCommandArgs, printLoadProblems, type CliIo, type Command } from './common.js';

const help = `Usage: vcscf json PATH [--positions] [--types FILE]...

Prints the configuration model as JSON: clusters, systems, groups with their
resources, typed attribute values and per-system values, dependencies, named
blocks (remotecluster, heartbeat, ...) and type definitions. Includes are
resolved relative to the including file; a missing one is taken from the
types shipped in types-cf/.

PATH is a main.cf, a configuration directory holding main.cf, or - for
standard input.

Options:
  --positions    add "pos": { file, line, column } to every object; attribute
                 values become { value, pos }
  --types FILE   load type definitions from FILE first (repeatable)
  -h, --help

Exit: 0 done, 1 the configuration has errors (reported on stderr; the JSON of
what could be read is still printed), 2 usage error or unreadable input.
`;

export const command: Command = {
  help,
  run(args: string[], io: CliIo): number {
    const { values, positionals } = parseCommandArgs('json', args, {
      positions: { type: 'boolean' },
      types: { type: 'string', multiple: true },
    });
    if (values.help) {
      io.stdout(help);
      return 0;
    }
    const path = onePath('json', positionals);
    const r = loadConfig(path, { types: (values.types as string[] | undefined) ?? [], ...(path === '-' ? { stdin: io.readStdin() } : {}) });
    io.stdout(JSON.stringify(configToJson(r.config, { positions: values.positions === true }), null, 2) + '\n');
    return printLoadProblems(io, r) > 0 ? 1 : 0;
  },
};
