/**
 * hasys — the part of VCS's system command the agents use:
 *
 *   hasys -value SYSTEM ATTRIBUTE     the attribute's value (empty line when unset)
 *   hasys -state [SYSTEM]             SysState
 *   hasys -list                       system names
 *
 * Answers from the live state file, then from main.cf (see vcs.ts). An
 * unknown system is an error (exit 1), as with HAD. A system without a
 * SysState in the state file is RUNNING.
 */
import { loadMainCf, loadState, printable } from './vcs.js';
import { runMain, SimUsageError } from './root.js';

const USAGE = 'Usage: hasys -value system attribute | hasys -state [system] | hasys -list';

export async function hasys(argv: string[]): Promise<number> {
  const state = loadState();
  const config = await loadMainCf();
  const systems = [...new Set([...(config?.systems.map((s) => s.name) ?? []), ...Object.keys(state.systems)])];
  const unknown = (sys: string) => {
    process.stderr.write(`VCS WARNING V-16-1-10146 System ${sys} does not exist\n`);
    return 1;
  };
  const value = async (sys: string, attr: string): Promise<string> => {
    const live = state.systems[sys]?.[attr];
    if (live !== undefined) return String(live);
    // A system the state file says nothing about is a healthy cluster member.
    if (attr === 'SysState') return 'RUNNING';
    const def = config?.systems.find((s) => s.name === sys);
    if (!def) return '';
    const { attributeValue } = await import('../../framework/cf/values.js');
    return printable(attributeValue(def, attr));
  };
  switch (argv[0]) {
    case '-value': {
      if (argv.length !== 3) throw new SimUsageError(USAGE);
      const [, sys, attr] = argv as [string, string, string];
      if (!systems.includes(sys)) return unknown(sys);
      process.stdout.write(`${await value(sys, attr)}\n`);
      return 0;
    }
    case '-state': {
      const which = argv[1] !== undefined ? [argv[1]] : systems;
      if (argv[1] !== undefined && !systems.includes(argv[1])) return unknown(argv[1]);
      if (argv[1] !== undefined) {
        process.stdout.write(`${await value(argv[1], 'SysState')}\n`);
        return 0;
      }
      process.stdout.write('#System    Attribute          Value\n');
      for (const s of which) process.stdout.write(`${s}  SysState  ${await value(s, 'SysState')}\n`);
      return 0;
    }
    case '-list':
      for (const s of systems) process.stdout.write(`${s}\n`);
      return 0;
    default:
      throw new SimUsageError(USAGE);
  }
}

export const main = (argv: string[]) => runMain('hasys', hasys, argv);
