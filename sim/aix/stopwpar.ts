/**
 * stopwpar — stop an active WPAR (AIX stopwpar(1)):
 *
 *   stopwpar [-h | -F] [-r] [-t seconds | -N] [-v] [-D] wparname
 *
 * As AIX documents it: a normal stop asks the WPAR's processes to end and
 * fails after -t seconds (default 600; -N waits forever); -h stops hard
 * (the processes are killed); -F forces, also from Broken, and leaves the
 * WPAR Broken when its processes cannot be killed; -r starts it again. The
 * WPAR is Transitional while stopping. Injected faults (wparsim): processes
 * that ignore a normal stop (stopHang), or any stop (unkillable). -D is the
 * seed's (`stopwpar -Dv wpar1 2>/wpar1_t12`), not in IBM's stopwpar page: it
 * is read as startwpar's -D, a debug trace on standard error.
 */
import { SimUsageError, record, runMain, simPath } from './root.js';
import { killWparProcesses } from './wpar-procs.js';
import { delayOf, faultsOf, findWpar, setState, sleepMs, updateWpars } from './wpar-state.js';

const USAGE = 'Usage: stopwpar [-h | -F] [-r] [-t seconds | -N] [-v] [-D] wparname';

export async function stopwpar(argv: string[]): Promise<number> {
  let hard = false;
  let force = false;
  let restart = false;
  let noTimeout = false;
  let timeout: number | undefined;
  let debug = false;
  const names: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('-')) {
      names.push(a);
      continue;
    }
    for (let j = 1; j < a.length; j++) {
      const f = a[j]!;
      if (f === 'h') hard = true;
      else if (f === 'F') force = true;
      else if (f === 'r') restart = true;
      else if (f === 'N') noTimeout = true;
      else if (f === 'v') continue;
      else if (f === 'D') debug = true;
      else if (f === 't') {
        const v = a.slice(j + 1) || argv[++i];
        if (v === undefined || !/^\d+$/.test(v)) throw new SimUsageError(`-t takes a number of seconds\n${USAGE}`);
        timeout = Number(v);
        break;
      } else throw new SimUsageError(`unknown flag -${f}\n${USAGE}`);
    }
  }
  if (names.length !== 1) throw new SimUsageError(USAGE);
  if (hard && force) throw new SimUsageError(`-h and -F cannot be combined\n${USAGE}`);
  if (noTimeout && timeout !== undefined) throw new SimUsageError(`-t and -N cannot be combined\n${USAGE}`);
  const name = names[0]!;
  record(simPath('var', 'adm', 'wpar.log'), { argv: ['stopwpar', ...argv] });
  let refusal: string | undefined;
  const found = updateWpars((db) => {
    const w = findWpar('stopwpar', db, name);
    if (!w) return false;
    if (w.state === 'D') refusal = `Workload partition ${name} is not active.`;
    else if (w.state === 'B' && !force) refusal = `Workload partition ${name} is Broken; use -F to stop it.`;
    else if (w.state === 'T' && !force && !hard) refusal = `Workload partition ${name} is in transition; use -F or -h to stop it.`;
    else w.state = 'T';
    return true;
  });
  if (!found) return 1;
  if (refusal) {
    process.stderr.write(`stopwpar: ${refusal}\n`);
    return 1;
  }
  process.stdout.write(`Stopping workload partition ${name}.\n`);
  const trace = (t: string) => debug && process.stderr.write(`stopwpar: debug: ${t}\n`);
  trace(`${name}: stop requested (${force ? 'forced' : hard ? 'hard' : `timeout ${noTimeout ? 'none' : `${timeout ?? 600} s`}`})`);
  const f = faultsOf(name);
  await sleepMs(delayOf(f));
  if (f.unkillable || (f.stopHang && !hard && !force)) {
    if (hard || force) {
      setState(name, 'B');
      process.stderr.write(`stopwpar: Some processes of ${name} could not be stopped; it is now Broken.\n`);
      return 1;
    }
    if (noTimeout) await sleepMs(3_600_000);
    await sleepMs((timeout ?? 600) * 1000);
    setState(name, 'A');
    process.stderr.write(`stopwpar: Timed out waiting for the processes of ${name} to stop.\n`);
    return 1;
  }
  // The WPAR's processes end with it (a stop that fails above leaves them).
  const ended = killWparProcesses(name);
  trace(`${name}: ${ended} process${ended === 1 ? '' : 'es'} ended`);
  if (restart) {
    setState(name, 'A');
    process.stdout.write(`Workload partition ${name} restarted.\n`);
    return 0;
  }
  setState(name, 'D');
  trace(`${name}: processes ended, file systems unmounted, state D`);
  process.stdout.write(`Shutting down all workload partition processes.\nUnmounting all workload partition file systems.\n`);
  return 0;
}

export const main = (argv: string[]) => runMain('stopwpar', stopwpar, argv);
