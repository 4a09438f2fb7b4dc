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
import { UsageError, type ParseError } from '../../errors.js';
import { onePath, parseCommandArgs, printDiagnostics, type CliIo, type Command } from '../cli/common.js';
import { loadConfig } from '../load.js';
import type { Config } from '../model.js';
import { lintProblems } from '../missing-includes.js';
import { compareFindings, type Finding } from '../verify/finding.js';
import { displayPath } from '../verify/format/paths.js';
import { Chunks, CibWriter } from './cib.js';
import { convertConfig } from './convert.js';
import type { TopResource } from './pacemaker.js';
import { pcsHead, pcsResource, pcsTail } from './pcs.js';

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

/**
 * The model and what loading found, as verify reports it (an include the repository merely lacks
 * is a warning). The syntax trees are not kept: they are garbage before the conversion starts.
 */
function load(path: string, types: string[], io: CliIo): { config: Config; errors: ParseError[]; warnings: ParseError[] } {
  const loaded = loadConfig(path, { types, ...(path === '-' ? { stdin: io.readStdin() } : {}) });
  return { config: loaded.config, ...lintProblems(loaded) };
}

/**
 * The findings as one text, in file and line order: one write (thousands of
 * small writes to a pipe cost a system call each), each file's display path
 * worked out once.
 */
function findingLines(findings: readonly Finding[]): string {
  const shown = new Map<string, string>();
  let text = '';
  for (const f of [...findings].sort(compareFindings)) {
    let file = shown.get(f.file);
    if (file === undefined) shown.set(f.file, (file = displayPath(f.file)));
    text += `${file}:${f.line}:${f.column}: ${f.severity} ${f.code} ${f.message}\n`;
  }
  return text;
}

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
  const { config, errors, warnings } = load(path, (values.types as string[] | undefined) ?? [], io);
  // Each resource is written as soon as it is converted, and its objects dropped: a large
  // configuration keeps text, not its Pacemaker model. The text waits for the header, which
  // counts the findings, and for the properties and defaults the whole conversion decides.
  const body: string[] = [];
  const cib = to === 'cib' ? new CibWriter((chunk) => void body.push(chunk)) : undefined;
  const script = to === 'pcs' ? new Chunks((chunk) => void body.push(chunk)) : undefined;
  const onResource = cib ? (r: TopResource) => cib.resource(r) : (r: TopResource) => script!.add(pcsResource(r));
  const { pacemaker, findings } = convertConfig(config, { ...(mappings ? { mappings } : {}), onResource });
  cib?.flush();
  script?.flush();
  const source = path === '-' ? 'standard input' : displayPath(config.file);
  const header = `Converted by vcscf convert from ${source}${pacemaker.clusterName ? ` (VCS cluster ${pacemaker.clusterName})` : ''}; ${findings.length === 0 ? 'everything converted' : `${findings.length} construct${findings.length === 1 ? '' : 's'} not converted or converted in part (see the findings)`}. Mapping: docs/convert.md`;
  if (cib) {
    const out = new CibWriter((chunk) => io.stdout(chunk));
    out.head(pacemaker, header);
    out.flush();
    for (const chunk of body) io.stdout(chunk);
    out.tail(pacemaker);
    out.flush();
  } else {
    // In pieces: one string of the whole script would be copied once more, for nothing.
    io.stdout(pcsHead(pacemaker, [header]));
    for (const chunk of body) io.stdout(chunk);
    io.stdout(pcsTail(pacemaker));
  }
  printDiagnostics(io, errors, warnings);
  const report = findingLines(findings);
  if (report) io.stderr(report);
  return errors.length > 0 || warnings.length > 0 || findings.length > 0 ? 1 : 0;
}

export const command: Command = { help, run };
