/**
 * The simulated host's workload partitions, kept in
 * $AIXSIM_ROOT/etc/wpars/wpars.json (AIX keeps its WPAR definitions under
 * /etc/wpars too). Every WPAR command is its own process, so each change is
 * a read-modify-write under a lock file, written atomically: lswpar (the IMF
 * poller, a monitor) reads the old state or the new one, never half of one.
 *
 * A WPAR's root is a real directory, by default $AIXSIM_ROOT/wpars/NAME, and
 * lswpar shows that path in its Directory column: on this host that is where
 * the WPAR's files are, as /wpars/NAME is on AIX. Faults the tests inject
 * (wparsim) live in the same file.
 */
import { closeSync, mkdirSync, openSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readJson, SimUsageError, simPath, writeJson } from './root.js';

/** lswpar's state letters (AIX lswpar(1); hmc-facts.md §7). */
export const WPAR_STATES = ['D', 'L', 'A', 'F', 'P', 'B', 'T'] as const;
export type WparStateLetter = (typeof WPAR_STATES)[number];

export interface SimWpar {
  name: string;
  state: WparStateLetter;
  /** S system, A application (only system WPARs are made here: VCS supports no other). */
  type: 'S' | 'A';
  hostname: string;
  directory: string;
  rootvg: boolean;
  networks: Array<Record<string, string>>;
  /** chwpar -R attributes (rset, shares_CPU, ...). */
  resourceControls: Record<string, string>;
  /** mkwpar -M stanzas: directory (inside the WPAR), vfs, dev, host, mode. */
  mounts?: SimMount[];
  /** A WPAR whose root is on NFS: its base directory as mkwpar -d named it (directory is where the root's files are). */
  baseDirectory?: string;
  /** mkwpar -l: a detached WPAR with private /usr and /opt (not shared with the global environment). */
  detached?: boolean;
}

/** One `-M attr=value...` stanza of mkwpar (AIX mkwpar(1)). */
export interface SimMount {
  directory: string;
  vfs?: string;
  dev?: string;
  host?: string;
  mode?: string;
}

/** Behaviour injected by `wparsim` for tests. */
export interface SimFaults {
  /** Graceful stopwpar hangs (processes ignore the stop); -F and -h still work. */
  stopHang?: boolean;
  /** Even stopwpar -F cannot kill the processes: the WPAR ends Broken (as AIX documents). */
  unkillable?: boolean;
  /** startwpar hangs in Transitional. */
  startHang?: boolean;
  /** startwpar fails and leaves the WPAR Broken. */
  startFail?: boolean;
  /** lswpar hangs (a monitor timeout). */
  lswparHang?: boolean;
  /** Milliseconds startwpar and stopwpar take (default 200). */
  delayMs?: number;
}

export interface WparDb {
  wpars: Record<string, SimWpar>;
  faults: Record<string, SimFaults>;
}

const dbFile = () => simPath('etc', 'wpars', 'wpars.json');
const lockFile = () => simPath('etc', 'wpars', '.lock');

export function loadWpars(): WparDb {
  const db = readJson<Partial<WparDb>>(dbFile(), {});
  return { wpars: db.wpars ?? {}, faults: db.faults ?? {} };
}

const pause = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** Runs `fn` on the database under the lock and saves what it leaves. */
export function updateWpars<T>(fn: (db: WparDb) => T): T {
  mkdirSync(simPath('etc', 'wpars'), { recursive: true });
  const lock = lockFile();
  for (let tries = 0; ; tries++) {
    try {
      closeSync(openSync(lock, 'wx'));
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      // A holder killed mid-update leaves its lock: updates take milliseconds, so 5 s old is stale.
      try {
        if (Date.now() - statSync(lock).mtimeMs > 5000) rmSync(lock, { force: true });
      } catch {
        // Removed meanwhile.
      }
      if (tries > 1000) throw new Error(`${lock}: held too long`);
      pause(10);
    }
  }
  try {
    const db = loadWpars();
    const out = fn(db);
    writeJson(dbFile(), db);
    return out;
  } finally {
    rmSync(lock, { force: true });
  }
}

export function setState(name: string, state: WparStateLetter): void {
  updateWpars((db) => {
    const w = db.wpars[name];
    if (w) w.state = state;
  });
}

export function faultsOf(name: string): SimFaults {
  return loadWpars().faults[name] ?? {};
}

export function defaultDirectory(name: string): string {
  return join(simPath('wpars'), name);
}

/**
 * mkwpar's name rules (AIX mkwpar(1), hmc-facts.md §7): at most 25 bytes, no
 * blanks or shell/path metacharacters, not starting with `-` or `0`.
 */
export function checkWparName(cmd: string, name: string | undefined): string {
  if (name === undefined || name === '') throw new SimUsageError(`a workload partition name is required`);
  if (Buffer.byteLength(name) > 25) throw new SimUsageError(`${name}: a workload partition name has at most 25 characters`);
  if (/[\s=:/!;`'"<>~&()*+[\],.^{}|\\]/.test(name) || /^[-0]/.test(name) || /[\x00-\x1f\x7f]/.test(name)) {
    throw new SimUsageError(`${JSON.stringify(name)} is not a valid workload partition name`);
  }
  void cmd;
  return name;
}

/** The WPAR, or an AIX-like error on stderr and undefined. */
export function findWpar(cmd: string, db: WparDb, name: string): SimWpar | undefined {
  const w = db.wpars[name];
  // The wording is ours: the message catalog text of AIX was not available (its message IDs are not invented).
  if (!w) process.stderr.write(`${cmd}: Could not find a workload partition called ${name}.\n`);
  return w;
}

export const sleepMs = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
export const delayOf = (f: SimFaults) => f.delayMs ?? 200;
