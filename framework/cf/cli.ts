/**
 * `vcscf`, the main.cf toolkit: the subcommand dispatcher.
 *
 * Subcommands live in a table and are imported only when run, so `vcscf fmt`
 * never loads the verifier or the graph code. A subcommand is a module
 * exporting `command: Command` (cli/common.ts); adding one is one line here.
 *
 * Exit codes: 0 success, 1 the check found problems, 2 usage error or
 * unreadable input. No stack trace ever reaches the terminal.
 */
import { fstatSync, readFileSync, writeSync } from 'node:fs';
import { UsageError, VcsPowervmError } from '../errors.js';
import { packageVersion } from '../version.js';
import type { CliIo, Command } from './cli/common.js';

export interface Subcommand {
  name: string;
  summary: string;
  load: () => Promise<{ command: Command }>;
}

export const SUBCOMMANDS: Subcommand[] = [
  { name: 'fmt', summary: 'print main.cf in canonical (hacf) form; --check, --write', load: () => import('./cli/fmt.js') },
  { name: 'json', summary: 'the configuration model as JSON', load: () => import('./cli/json.js') },
  { name: 'verify', summary: 'check main.cf as hacf -verify does, plus the PowerVM, WPAR and DR rules', load: () => import('./verify/cli.js') },
  { name: 'graph', summary: 'resource and service group dependency graphs (dot, mermaid)', load: () => import('./cli/graph.js') },
  { name: 'convert', summary: 'a Pacemaker configuration: a CIB (--to cib) or a pcs script (--to pcs)', load: () => import('./convert/cli.js') },
];

export function usage(): string {
  const width = Math.max(...SUBCOMMANDS.map((s) => s.name.length));
  return [
    'Usage: vcscf COMMAND PATH [OPTIONS]',
    '',
    'The main.cf / types.cf toolkit. PATH is a main.cf, a configuration directory',
    'holding main.cf, or - for standard input.',
    '',
    'Commands:',
    ...SUBCOMMANDS.map((s) => `  ${s.name.padEnd(width)}  ${s.summary}`),
    '',
    'Run vcscf COMMAND --help for its options; vcscf --version prints the version.',
    'Exit: 0 success, 1 problems found, 2 usage error or unreadable input.',
    '',
  ].join('\n');
}

let stdoutIsFile: boolean | undefined;

/**
 * Standard output. Redirected to a regular file (`> cib.xml`), it is written
 * with writeSync, which encodes the text straight into the file: the stream
 * would copy it into a Buffer first (a third of the time a 20 MB CIB takes to
 * write). A pipe or terminal keeps the stream (a pipe may be non-blocking).
 */
function writeStdout(s: string): void {
  if (stdoutIsFile === undefined) {
    try {
      stdoutIsFile = fstatSync(1).isFile();
    } catch {
      stdoutIsFile = false;
    }
  }
  if (!stdoutIsFile) {
    process.stdout.write(s);
    return;
  }
  const written = writeSync(1, s);
  // A short write (a full disk gives an error, but a signal may cut a write short): the rest from a Buffer.
  if (written === s.length && written === Buffer.byteLength(s)) return;
  const bytes = Buffer.from(s);
  for (let off = written; off < bytes.length; ) off += writeSync(1, bytes, off);
}

const processIo: CliIo = {
  stdout: writeStdout,
  stderr: (s) => void process.stderr.write(s),
  readStdin: () => readFileSync(0, 'utf8'),
};

export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  try {
    const [name, ...rest] = argv;
    if (name === undefined) throw new UsageError('vcscf: missing COMMAND (see vcscf --help)');
    if (name === '--version' || name === '-V') {
      io.stdout(`${packageVersion()}\n`);
      return 0;
    }
    if (name === '--help' || name === '-h' || name === 'help') {
      // `vcscf help verify` is `vcscf verify --help`.
      const topic = name === 'help' ? rest[0] : undefined;
      const sub = topic === undefined ? undefined : SUBCOMMANDS.find((s) => s.name === topic);
      if (topic !== undefined && !sub) throw new UsageError(`vcscf help: unknown command ${topic} (commands: ${SUBCOMMANDS.map((s) => s.name).join(', ')})`);
      io.stdout(sub ? (await sub.load()).command.help : usage());
      return 0;
    }
    const sub = SUBCOMMANDS.find((s) => s.name === name);
    if (!sub) throw new UsageError(`vcscf: unknown command ${name} (commands: ${SUBCOMMANDS.map((s) => s.name).join(', ')})`);
    const { command } = await sub.load();
    return await command.run(rest, io);
  } catch (e) {
    if (e instanceof VcsPowervmError) {
      const msg = e instanceof UsageError ? e.message : `vcscf: ${e.message}`;
      io.stderr(`${msg}\n`);
      return e.exitCode;
    }
    const internal = new VcsPowervmError('VCSPVM_INTERNAL', { detail: e instanceof Error ? e.message : String(e) });
    io.stderr(`vcscf: ${internal.message}\n`);
    return internal.exitCode;
  }
}
