/**
 * What the agent accepts as a name before it goes into an HMC or VIOS command.
 *
 * framework/remote quotes every argument, so the remote shell would read a
 * hostile value literally; we refuse it anyway, with a message naming the
 * attribute, because such a value also breaks the HMC's own record grammar
 * (`,` `=` `"` in -i and --filter) and is never a real partition name.
 * Partition, profile and managed-system names may hold spaces inside (the HMC
 * allows them); device names on a VIOS may not (ioscli splits on them).
 */
import { VcsPowervmError } from '../../framework/errors.js';
import { assertSafeName } from '../../framework/remote/quote.js';

/** Partition and profile names (spaces inside only, see spaced()): the HMC's limit is 47 characters. */
const PARTITION = /[A-Za-z0-9 _.+@#:-]+/;
/** Managed systems may also be named `tttt-mmm*ssssssss`. */
const SYSTEM = /[A-Za-z0-9 _.+@#:*-]+/;
/** AIX device and logical volume names (hdisk7, vtscsi3, rootvg_lv, fcs0). */
const DEVICE = /[A-Za-z0-9_.-]+/;
/** HMC user names. */
const USER = /[A-Za-z0-9_.-]+/;

/**
 * Spaces are fine inside a name, never around it (the HMC would not find it);
 * a leading dash would read as an option to the HMC command.
 */
function spaced(value: string, what: string): string {
  if (value.trim() !== value) {
    throw new VcsPowervmError('VCSPVM_UNSAFE_ARGUMENT', { what, value: JSON.stringify(value), reason: 'leading or trailing space' });
  }
  if (value.startsWith('-')) {
    throw new VcsPowervmError('VCSPVM_UNSAFE_ARGUMENT', { what, value: JSON.stringify(value), reason: 'starts with "-" (it would read as an option)' });
  }
  return value;
}

export function partitionName(value: unknown, what = 'LPARName'): string {
  return spaced(assertSafeName(value, { what, pattern: PARTITION, maxLength: 47 }), what);
}

export function profileName(value: unknown, what = 'profile name'): string {
  return spaced(assertSafeName(value, { what, pattern: PARTITION, maxLength: 47 }), what);
}

export function systemName(value: unknown, what = 'managed system name'): string {
  return spaced(assertSafeName(value, { what, pattern: SYSTEM, maxLength: 63 }), what);
}

export function deviceName(value: unknown, what = 'device name'): string {
  return spaced(assertSafeName(value, { what, pattern: DEVICE, maxLength: 64 }), what);
}

export function hmcUser(value: unknown, what = 'MCUser'): string {
  return spaced(assertSafeName(value, { what, pattern: USER, maxLength: 32 }), what);
}

/** A virtual slot number as the HMC accepts it. */
export function slotNumber(value: string, what: string): number {
  const n = /^\d{1,5}$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n > 65535) {
    throw new VcsPowervmError('VCSPVM_UNSAFE_ARGUMENT', { what, value: JSON.stringify(value), reason: 'not a slot number' });
  }
  return n;
}
