/**
 * `npm run corpus -- DIR`: runs every .cf file under DIR through the language
 * checks and reports, per file and in total:
 *
 *   parse       the file parses without errors;
 *   round-trip  the model read back from the canonical form equals the model
 *               of the file (typed, as `vcscf json` shows it; resources in
 *               hacf's order, as fmt writes them);
 *   canonical   formatting is idempotent: fmt(fmt(x)) == fmt(x);
 *   as written  whether the file already is in canonical form (informative).
 *
 * Exit 0 when every file passes the first three, 1 otherwise, 2 on usage errors.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isDeepStrictEqual, parseArgs } from 'node:util';
import { formatDiagnostic } from './diagnostics.js';
import { configToJson } from './json.js';
import { parseCf } from './parse.js';
import { printCf, withResourcesInHacfOrder } from './print.js';
import { typeConfig } from './typing.js';

export interface FileReport {
  file: string;
  parse: boolean;
  roundTrip: boolean;
  canonical: boolean;
  /** The file is already in canonical form. */
  asWritten: boolean;
  /** Lines of the file that formatting changes. */
  changedLines: number;
  problems: string[];
}

export function checkFile(file: string, text: string): FileReport {
  const r = parseCf(text, file);
  const report: FileReport = { file, parse: r.errors.length === 0, roundTrip: false, canonical: false, asWritten: false, changedLines: 0, problems: [] };
  if (!report.parse) {
    report.problems.push(...r.errors.map(formatDiagnostic));
    return report;
  }
  const printed = printCf(r.doc);
  const again = parseCf(printed, file);
  if (again.errors.length > 0) {
    report.problems.push('the canonical form does not parse:', ...again.errors.map(formatDiagnostic));
    return report;
  }
  report.roundTrip = isDeepStrictEqual(
    JSON.parse(JSON.stringify(configToJson(typeConfig(again.config)))),
    JSON.parse(JSON.stringify(configToJson(typeConfig(withResourcesInHacfOrder(r.config))))),
  );
  if (!report.roundTrip) report.problems.push('the model read back from the canonical form differs');
  report.canonical = printCf(again.doc) === printed;
  if (!report.canonical) report.problems.push('formatting the canonical form changes it again');
  report.asWritten = printed === text;
  report.changedLines = countChangedLines(text, printed);
  return report;
}

/** Lines one text has and the other lacks (as multisets; the larger side). */
function countChangedLines(a: string, b: string): number {
  const count = new Map<string, number>();
  for (const l of a.split('\n')) count.set(l, (count.get(l) ?? 0) + 1);
  let added = 0;
  for (const l of b.split('\n')) {
    const c = count.get(l) ?? 0;
    if (c > 0) count.set(l, c - 1);
    else added++;
  }
  let removed = 0;
  for (const c of count.values()) removed += c;
  return Math.max(added, removed);
}

/** Every .cf file under `dir`, sorted, hidden directories and node_modules skipped. */
export function findCfFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      if (name.startsWith('.') || name === 'node_modules') continue;
      const p = join(d, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else if (name.endsWith('.cf')) out.push(p);
    }
  };
  walk(dir);
  return out;
}

export function runCorpus(dir: string, write: (s: string) => void): number {
  const files = findCfFiles(dir);
  if (files.length === 0) {
    write(`no .cf files under ${dir}\n`);
    return 1;
  }
  const reports = files.map((f) => checkFile(relative(dir, f) || f, readFileSync(f, 'utf8')));
  const width = Math.max(4, ...reports.map((r) => r.file.length));
  const mark = (ok: boolean) => (ok ? 'ok  ' : 'FAIL');
  write(`${'file'.padEnd(width)}  parse  round-trip  canonical  as written\n`);
  for (const r of reports) {
    const asWritten = !r.parse ? '-' : r.asWritten ? 'canonical' : `reformatted (${r.changedLines} line${r.changedLines === 1 ? '' : 's'})`;
    write(`${r.file.padEnd(width)}  ${mark(r.parse)}   ${mark(r.roundTrip)}        ${mark(r.canonical)}       ${asWritten}\n`);
    for (const p of r.problems) write(`    ${p.replace(/\n/g, '\n    ')}\n`);
  }
  const n = (f: (r: FileReport) => boolean) => reports.filter(f).length;
  const failed = n((r) => !(r.parse && r.roundTrip && r.canonical));
  write(
    `\n${reports.length} files: ${n((r) => r.parse)} parse, ${n((r) => r.roundTrip)} round-trip, ${n((r) => r.canonical)} canonical; ` +
      `${n((r) => r.asWritten)} already in canonical form; ${failed} failed\n`,
  );
  return failed > 0 ? 1 : 0;
}

function main(argv: string[]): number {
  const usage = 'Usage: npm run corpus -- DIR   (checks every .cf file under DIR)\n';
  let parsed;
  try {
    // One command-line parser in the project: node:util parseArgs.
    parsed = parseArgs({ args: argv, options: { help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (e) {
    process.stderr.write(`corpus: ${(e as Error).message.split('\n')[0]}\n${usage}`);
    return 2;
  }
  if (parsed.values.help) {
    process.stdout.write(usage);
    return 0;
  }
  if (parsed.positionals.length !== 1) {
    process.stderr.write(usage);
    return 2;
  }
  const dir = resolve(parsed.positionals[0]!);
  try {
    if (!statSync(dir).isDirectory()) throw new Error('not a directory');
  } catch (e) {
    process.stderr.write(`corpus: cannot read directory ${parsed.positionals[0]}: ${(e as Error).message}\n`);
    return 2;
  }
  return runCorpus(dir, (s) => void process.stdout.write(s));
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.exitCode = main(process.argv.slice(2));
}
