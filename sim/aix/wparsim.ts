/**
 * wparsim — the simulator's own control of its WPARs, for tests and the
 * scenario (no AIX counterpart):
 *
 *   wparsim crash NAME                 the WPAR breaks (state B), its processes die with it
 *   wparsim set NAME STATE             any lswpar state letter (D L A F P B T)
 *   wparsim fault NAME FAULT on|off    stopHang, unkillable, startHang, startFail, lswparHang
 *                                      (NAME * for lswparHang: every listing hangs)
 *   wparsim delay NAME MS              how long startwpar and stopwpar take (default 200)
 *   wparsim dump                       the WPARs and faults as JSON
 */
import { SimUsageError, runMain } from './root.js';
import { killWparProcesses } from './wpar-procs.js';
import { loadWpars, type SimFaults, updateWpars, WPAR_STATES, type WparStateLetter } from './wpar-state.js';

const USAGE = 'Usage: wparsim crash NAME | set NAME STATE | fault NAME FAULT on|off | delay NAME MS | dump';
const FAULTS = ['stopHang', 'unkillable', 'startHang', 'startFail', 'lswparHang'] as const;

export function wparsim(argv: string[]): number {
  const [op, name, a, b] = argv;
  if (op === 'dump') {
    process.stdout.write(`${JSON.stringify(loadWpars(), null, 2)}\n`);
    return 0;
  }
  if (!name) throw new SimUsageError(USAGE);
  const known = (db: ReturnType<typeof loadWpars>) => {
    if (name !== '*' && !db.wpars[name]) throw new SimUsageError(`no WPAR ${name}`);
  };
  switch (op) {
    case 'crash':
    case 'set': {
      const state = (op === 'crash' ? 'B' : (a ?? '').toUpperCase()) as WparStateLetter;
      if (!WPAR_STATES.includes(state)) throw new SimUsageError(`state is one of ${WPAR_STATES.join(' ')}\n${USAGE}`);
      updateWpars((db) => {
        known(db);
        db.wpars[name]!.state = state;
      });
      if (op === 'crash') killWparProcesses(name);
      return 0;
    }
    case 'fault': {
      if (!FAULTS.includes(a as (typeof FAULTS)[number]) || (b !== 'on' && b !== 'off')) throw new SimUsageError(`faults: ${FAULTS.join(', ')}; then on or off\n${USAGE}`);
      updateWpars((db) => {
        known(db);
        const f: SimFaults = (db.faults[name] ??= {});
        f[a as (typeof FAULTS)[number]] = b === 'on';
      });
      return 0;
    }
    case 'delay': {
      if (!a || !/^\d+$/.test(a)) throw new SimUsageError(USAGE);
      updateWpars((db) => {
        known(db);
        (db.faults[name] ??= {}).delayMs = Number(a);
      });
      return 0;
    }
    default:
      throw new SimUsageError(USAGE);
  }
}

export const main = (argv: string[]) => runMain('wparsim', wparsim, argv);
