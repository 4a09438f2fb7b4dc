/**
 * imf_getnotification's registrations on disk, so that a restarted one
 * recovers them. Written atomically (temporary file, rename) after every
 * change, keeping the previous version as `.previous`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '../fs.js';
import type { Registration } from './protocol.js';

interface StoreFile {
  version: 1;
  type: string;
  nextId: number;
  registrations: Registration[];
}

export interface StoredState {
  nextId: number;
  registrations: Registration[];
}

function valid(r: unknown): r is Registration {
  const x = r as Registration;
  return (
    !!x &&
    typeof x.id === 'string' &&
    typeof x.resource === 'string' &&
    (x.state === 'online' || x.state === 'offline') &&
    !!x.target &&
    typeof x.target.group === 'string' &&
    typeof x.target.key === 'string'
  );
}

/** Reads the store; a missing, unreadable or foreign file is an empty store (and said so). */
export function loadStore(path: string, type: string): StoredState & { problem?: string } {
  if (!existsSync(path)) return { nextId: 1, registrations: [] };
  try {
    const f = JSON.parse(readFileSync(path, 'utf8')) as StoreFile;
    if (f.version !== 1 || f.type !== type || !Array.isArray(f.registrations)) return { nextId: 1, registrations: [], problem: `${path} is not a registration file of ${type}` };
    const registrations = f.registrations.filter(valid);
    const maxId = registrations.reduce((m, r) => Math.max(m, Number(r.id) || 0), 0);
    return { nextId: Math.max(Number(f.nextId) || 1, maxId + 1), registrations };
  } catch (e) {
    return { nextId: 1, registrations: [], problem: `${path}: ${e instanceof Error ? e.message : String(e)}` };
  }
}

export function saveStore(path: string, type: string, state: StoredState): void {
  const body: StoreFile = { version: 1, type, nextId: state.nextId, registrations: state.registrations };
  // The registrations are there at every instant: the new file replaces the old in one rename.
  writeFileAtomic(path, `${JSON.stringify(body, null, 1)}\n`, { mode: 0o600 });
}
