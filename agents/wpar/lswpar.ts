/**
 * The WPAR as lswpar shows it: `lswpar -c -q -a name,state,directory` (all
 * WPARs of the host in one listing, so that an undefined WPAR is an absent
 * line rather than an error to parse).
 */
import { aix, firstLine, type Wpar, wparError } from './resource.js';

export interface WparListing {
  /** lswpar's letter: D L A F P B T. */
  state: string;
  /** The WPAR's root directory in the global environment. */
  directory: string;
}

export async function listWpar(w: Wpar, timeoutMs = 30_000): Promise<WparListing | undefined> {
  const r = await aix(w, ['lswpar', '-c', '-q', '-a', 'name,state,directory'], { timeoutMs });
  if (r.code !== 0) throw wparError(w.name, `lswpar exited ${r.code ?? r.signal}${r.timedOut ? ' (timed out)' : ''}: ${firstLine(r)}`);
  for (const line of r.stdout.split('\n')) {
    const [name, state, ...dir] = line.split(':');
    if (name === w.name && state !== undefined) return { state: state.trim().toUpperCase(), directory: dir.join(':') };
  }
  return undefined;
}
