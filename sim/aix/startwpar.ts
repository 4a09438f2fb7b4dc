/**
 * startwpar — start a defined system WPAR (AIX startwpar(1)):
 *
 *   startwpar [-a] [-D] [-m] [-v] wparname
 *
 * Synchronous as on AIX: the WPAR is Transitional while it starts and Active
 * when the command returns 0. Only a Defined WPAR starts. Injected faults
 * (wparsim): a start that hangs in Transitional, a start that fails and
 * leaves the WPAR Broken. Message wording is ours (see wpar-state.ts).
 */
import { SimUsageError, record, runMain, simPath } from './root.js';
import { delayOf, faultsOf, findWpar, setState, sleepMs, updateWpars } from './wpar-state.js';

const USAGE = 'Usage: startwpar [-a] [-D] [-m] [-v] wparname';

export async function startwpar(argv: string[]): Promise<number> {
  const names: string[] = [];
  let verbose = false;
  let debug = false;
  for (const a of argv) {
    if (/^-[aDmv]+$/.test(a)) {
      verbose ||= a.includes('v');
      debug ||= a.includes('D');
    } else if (a.startsWith('-')) throw new SimUsageError(`unknown flag ${a}\n${USAGE}`);
    else names.push(a);
  }
  if (names.length !== 1) throw new SimUsageError(USAGE);
  const name = names[0]!;
  record(simPath('var', 'adm', 'wpar.log'), { argv: ['startwpar', ...argv] });
  let refusal: string | undefined;
  const found = updateWpars((db) => {
    const w = findWpar('startwpar', db, name);
    if (!w) return false;
    if (w.state !== 'D') refusal = `Workload partition ${name} is not in the Defined state (state ${w.state}).`;
    else w.state = 'T';
    return true;
  });
  if (!found) return 1;
  if (refusal) {
    process.stderr.write(`startwpar: ${refusal}\n`);
    return 1;
  }
  process.stdout.write(`Starting workload partition ${name}.\n`);
  if (verbose) process.stdout.write('Mounting all workload partition file systems.\nLoading workload partition.\n');
  const f = faultsOf(name);
  if (f.startHang) await sleepMs(3_600_000);
  await sleepMs(delayOf(f));
  if (f.startFail) {
    setState(name, 'B');
    process.stderr.write(`startwpar: Workload partition ${name} failed to start; it is now Broken.\n`);
    return 1;
  }
  setState(name, 'A');
  if (debug) process.stderr.write(`startwpar: debug: ${name}: file systems mounted, state A\n`);
  if (verbose) process.stdout.write('Verifying workload partition startup.\n');
  return 0;
}

export const main = (argv: string[]) => runMain('startwpar', startwpar, argv);
