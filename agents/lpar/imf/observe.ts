/**
 * From what the HMC says about a managed system's partitions to what IMF
 * observes for one registered LPAR — the same reading monitor makes
 * (state.ts), minus what needs more commands: a partition that is not there
 * (migrated away, removed) is offline here, and the notification makes
 * VCS's traditional monitor work out the rest.
 */
import type { ObservedState } from '../../../framework/imf/protocol.js';
import { stateRow, viosServing } from '../state.js';

export function observedOf(state: string | undefined, viosStates: readonly (string | undefined)[] = []): ObservedState {
  if (state === undefined) return 'offline';
  const m = stateRow(state).monitor;
  let observed: ObservedState;
  if (m === 'online' || typeof m === 'object') observed = 'online';
  else if (m === 'offline' || m === 'intentional-offline') observed = 'offline';
  else observed = 'unknown';
  // A live migration's source still runs it: leave that to monitor (it asks lslparmigr).
  if (state === 'Migrating - Running') return 'unknown';
  // All configured VIO servers down: monitor reports offline for a running partition.
  const known = viosStates.filter((s): s is string => s !== undefined);
  if (observed === 'online' && known.length > 0 && !known.some(viosServing)) return 'offline';
  return observed;
}
