/** `vcscf graph PATH [--format dot|mermaid] [--group NAME]`: dependency graphs. */
import { UsageError } from '../../errors.js';
import { toDot, toMermaid } from '../graph.js';
import { loadConfig } from '../load.js';
import { onePath, parseCommandArgs, printLoadProblems, type CliIo, type Command } from './common.js';

const help = `Usage: vcscf graph PATH [--format dot|mermaid] [--group NAME]

Draws the dependency graphs: each service group as a box holding its
resources, an arrow from each resource to the resources it requires, and a
dashed arrow from each group to the groups it requires (labelled with
category, location and rigidity). Dependencies on undefined resources or
groups are drawn in red, marked "(undefined)".

  vcscf graph main.cf | dot -Tsvg > deps.svg

PATH is a main.cf, a configuration directory holding main.cf, or - for
standard input.

Options:
  --format dot|mermaid   Graphviz DOT (default) or a Mermaid flowchart
  --group NAME           only this group, with the groups it depends on and
                         that depend on it shown collapsed
  -h, --help

Exit: 0 done, 1 the configuration has errors (reported on stderr; the graph
of what could be read is still printed), 2 usage error or unreadable input.
`;

export const command: Command = {
  help,
  run(args: string[], io: CliIo): number {
    const { values, positionals } = parseCommandArgs('graph', args, {
      format: { type: 'string' },
      group: { type: 'string' },
    });
    if (values.help) {
      io.stdout(help);
      return 0;
    }
    const path = onePath('graph', positionals);
    const format = (values.format as string | undefined) ?? 'dot';
    if (format !== 'dot' && format !== 'mermaid') throw new UsageError(`vcscf graph: --format must be dot or mermaid, not ${format}`);
    const r = loadConfig(path, path === '-' ? { stdin: io.readStdin() } : {});
    const group = values.group as string | undefined;
    if (group !== undefined && !r.config.groups.some((g) => g.name === group)) {
      printLoadProblems(io, r);
      throw new UsageError(`vcscf graph: no group ${group} in ${r.config.file}`);
    }
    const opts = group === undefined ? {} : { group };
    io.stdout(format === 'dot' ? toDot(r.config, opts) : toMermaid(r.config, opts));
    return printLoadProblems(io, r) > 0 ? 1 : 0;
  },
};
