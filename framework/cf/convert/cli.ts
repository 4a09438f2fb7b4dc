/**
 * `vcscf convert PATH --to cib|pcs [--map FILE] [--types FILE]...`: a VCS
 * configuration as a Pacemaker configuration on stdout (a CIB XML document
 * or a pcs script), each construct that does not convert reported on stderr
 * as `FILE:LINE:COL: warning|error CODE message`.
 *
 * Exit: 0 everything converted; 1 some constructs were not (or the
 * configuration has errors), the rest still printed; 2 usage or unreadable
 * input.
 */
import { UsageError } from '../../errors.js';
import { onePath, parseCommandArgs, printDiagnostics, type CliIo, type Command } from '../cli/common.js';
import { loadConfig } from '../load.js';
import { lintProblems } from '../missing-includes.js';
import { compareFindings } from '../verify/finding.js';
import { displayPath } from '../verify/format/paths.js';
import { toCib } from './cib.js';
import { convertConfig } from './convert.js';
import { toPcs } from './pcs.js';

const help = `Usage: vcscf convert PATH --to cib|pcs [--map FILE] [--types FILE]...

Converts a VCS configuration to a Pacemaker one, printed on stdout:
  --to cib   a complete CIB XML document (crm_verify --xml-file, cibadmin --replace)
  --to pcs   a shell script of pcs -f commands that apply it to a CIB file

Service groups become Pacemaker groups (Parallel groups clones), SystemList
and AutoStartList location scores, group dependencies order and colocation
constraints, resources primitives of the matching agents. Every construct
that does not convert is reported on stderr as
  FILE:LINE:COL: warning|error CODE message
The mapping and every code are described in docs/convert.md.

PATH is a main.cf, a configuration directory holding main.cf, or - for
standard input.

Options:
  --to cib|pcs   the output form (required)
  --map FILE     type and attribute mappings (JSON) over the built-in ones
  --types FILE   load type definitions from FILE first (repeatable)
  -h, --help

Exit: 0 everything converted, 1 some constructs were not (the rest is still
printed), 2 usage error or unreadable input.
`;

async function run(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs('convert', args, {
    to: { type: 'string' },
    map: { type: 'string' },
    types: { type: 'string', multiple: true },
  });
  if (values.help) {
    io.stdout(help);
    return 0;
  }
  const path = onePath('convert', positionals);
  const to = values.to as string | undefined;
  if (to === undefined) throw new UsageError('vcscf convert: --to cib or --to pcs is required');
  if (to !== 'cib' && to !== 'pcs') throw new UsageError(`vcscf convert: --to must be cib or pcs, not ${to}`);
  let mappings;
  if (values.map !== undefined) mappings = (await import('./map-file.js')).loadMapFile(values.map as string);
  // Only the model and the errors are kept: the syntax trees (docs) become garbage at once, and a
  // large configuration converts with less for the collector to walk.
  const loaded = loadConfig(path, { types: (values.types as string[] | undefined) ?? [], ...(path === '-' ? { stdin: io.readStdin() } : {}) });
  const { config } = loaded;
  // As verify reports them: an include the repository merely lacks is a warning.
  const { errors, warnings } = lintProblems(loaded);
  const { pacemaker, findings } = convertConfig(config, mappings ? { mappings } : {});
  const source = path === '-' ? 'standard input' : displayPath(config.file);
  const header = `Converted by vcscf convert from ${source}${pacemaker.clusterName ? ` (VCS cluster ${pacemaker.clusterName})` : ''}; ${findings.length === 0 ? 'everything converted' : `${findings.length} construct${findings.length === 1 ? '' : 's'} not converted or converted in part (see the findings)`}. Mapping: docs/convert.md`;
  if (to === 'cib') toCib(pacemaker, header, (chunk) => io.stdout(chunk));
  else io.stdout(toPcs(pacemaker, [header]));
  printDiagnostics(io, errors, warnings);
  for (const f of [...findings].sort(compareFindings)) io.stderr(`${displayPath(f.file)}:${f.line}:${f.column}: ${f.severity} ${f.code} ${f.message}\n`);
  return errors.length > 0 || warnings.length > 0 || findings.length > 0 ? 1 : 0;
}

export const command: Command = { help, run };
