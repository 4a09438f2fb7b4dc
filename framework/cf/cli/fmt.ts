/** `vcscf fmt PATH [--check|--write]`: canonical main.cf (hacf layout). */
import { UsageError, VcsPowervmError } from '../../errors.js';
import { writeFileAtomic } from '../../fs.js';
import { configFile, readTextWithEncoding } from '../load.js';
import { parseCf } from '../parse.js';
import { printCf } from '../print.js';
import { onePath, parseCommandArgs, printDiagnostics, type CliIo, type Command } from './common.js';

const help = `Usage: vcscf fmt PATH [--check | --write]

Prints PATH in canonical form, as hacf writes it: tab indentation, one
attribute per line, the "resource dependency tree" comment after each group
(regenerated). Source order and comments are kept. Formatting is idempotent.

PATH is a main.cf, a configuration directory holding main.cf, or - for
standard input.

Options:
  --check   print nothing; exit 1 if PATH is not in canonical form
  --write   replace PATH atomically with its canonical form, keeping the old
            file as PATH.previous (as hacf does); nothing is written when PATH
            is already canonical
  -h, --help

Exit: 0 done (or canonical), 1 syntax errors or not canonical or the write
failed, 2 usage error or unreadable input.
`;

export const command: Command = {
  help,
  run(args: string[], io: CliIo): number {
    const { values, positionals } = parseCommandArgs('fmt', args, { check: { type: 'boolean' }, write: { type: 'boolean' } });
    if (values.help) {
      io.stdout(help);
      return 0;
    }
    const path = onePath('fmt', positionals);
    if (values.check && values.write) throw new UsageError('vcscf fmt: --check and --write exclude each other');
    if (values.write && path === '-') throw new UsageError('vcscf fmt: --write needs a file, not standard input');
    const file = configFile(path);
    // A file that is not UTF-8 is read byte for byte and written back the same way.
    const { text, encoding } = path === '-' ? { text: io.readStdin(), encoding: 'utf8' as const } : readTextWithEncoding(file);
    const r = parseCf(text, file);
    if (r.errors.length > 0) {
      printDiagnostics(io, r.errors);
      io.stderr(`vcscf fmt: ${file} has ${r.errors.length} error${r.errors.length === 1 ? '' : 's'}; nothing formatted\n`);
      return 1;
    }
    const out = printCf(r.doc);
    if (values.check) {
      if (out === text) return 0;
      const e = new VcsPowervmError('VCSPVM_CF_NOT_CANONICAL', { file });
      // Standard input cannot be rewritten: say how to see the canonical form instead.
      const fix = path === '-' ? 'run vcscf fmt - to print the canonical form' : `run vcscf fmt --write ${path}`;
      io.stderr(`${file}:${firstDifference(text, out)}: error ${e.code} ${e.message}; ${fix}\n`);
      return 1;
    }
    if (values.write) {
      // Through a symlink: main.cf often is one; the link stays, its target is replaced.
      if (out !== text) writeFileAtomic(file, Buffer.from(out, encoding), { throughSymlink: true });
      return 0;
    }
    io.stdout(out);
    return 0;
  },
};

/**
 * `LINE:1` of the first line that differs, never past the last line of `a`
 * (a missing final newline is reported on the last line).
 */
export function firstDifference(a: string, b: string): string {
  const la = a.split('\n');
  const lb = b.split('\n');
  let i = 0;
  while (i < la.length && i < lb.length && la[i] === lb[i]) i++;
  const lines = a.endsWith('\n') ? la.length - 1 : la.length;
  return `${Math.max(1, Math.min(i + 1, lines))}:1`;
}
