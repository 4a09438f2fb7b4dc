/**
 * hasys — the part of VCS's system command the agents use:
 *
 *   hasys -value SYSTEM ATTRIBUTE     the attribute's value (empty line when unset)
 *   hasys -state [SYSTEM]             SysState
 *   hasys -list                       system names
 *
 * Answers from the live state file, then from main.cf (see vcs.ts). An
 * unknown system is an error (exit 1), as with HAD. SysState comes from the
 * state file when it sets one; else from the simulated cluster's membership
 * when $VCSSIM_CLUSTER names it (below); else RUNNING.
 *
 * The simulated cluster ($VCSSIM_CLUSTER, a directory every node of one
 * simulated cluster shares) is its membership as GAB would know it: a node
 * joins by writing `<system>.member` holding the pid of the process that is
 * its cluster engine (the bench's `vcsagent run`); while that process lives
 * the node is RUNNING, once it is gone without leaving the node is FAULTED
 * (it left the membership without saying so), and a node that left on
 * purpose (`EXITED` in the file) is EXITED. A system that never joined is
 * UNKNOWN.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isProcessAlive } from '../../framework/process.js';
import { writeFileAtomic } from '../../framework/fs.js';
import { loadMainCf, loadState, printable } from './vcs.js';
import { runMain, SimUsageError } from './root.js';

function memberFile(dir: string, system: string): string {
  return join(dir, `${encodeURIComponent(system)}.member`);
}

/** A node joins the simulated cluster: RUNNING while `pid` lives. */
export function joinCluster(dir: string, system: string, pid: number): void {
  mkdirSync(dir, { recursive: true });
  writeFileAtomic(memberFile(dir, system), `${pid}\n`, { backup: false, fsync: false });
}

/** A node leaves on purpose (hastop): EXITED. */
export function leaveCluster(dir: string, system: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileAtomic(memberFile(dir, system), 'EXITED\n', { backup: false, fsync: false });
}

/** The node's SysState in the simulated cluster at `dir`. */
export function clusterState(dir: string, system: string): string {
  let text: string;
  try {
    text = readFileSync(memberFile(dir, system), 'utf8').trim();
  } catch {
    return 'UNKNOWN';
  }
  if (text === 'EXITED') return 'EXITED';
  const pid = Number(text);
  if (!Number.isInteger(pid) || pid <= 0) return 'UNKNOWN';
  return isProcessAlive(pid) ? 'RUNNING' : 'FAULTED';
}

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
    if (attr === 'SysState') {
      const cluster = process.env.VCSSIM_CLUSTER;
      // Without a simulated cluster, a system the state file says nothing about is a healthy member.
      return cluster ? clusterState(cluster, sys) : 'RUNNING';
    }
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
