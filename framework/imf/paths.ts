/**
 * Where imf_getnotification keeps its socket and its registrations: one
 * directory per system (under $VCS_LOG, which is per system), owner-only.
 *
 *   $VCS_LOG/imf/<Type>.sock                 the Unix socket (0600)
 *   $VCS_LOG/imf/<Type>.registrations.json   what survives a restart
 *
 * VCS_IMF_DIR overrides the directory (tests; a socket path must stay under
 * the ~100-byte limit of sun_path).
 */
import { chmodSync, lstatSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ImfError } from './errors.js';

export function imfDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.VCS_IMF_DIR || join(env.VCS_LOG || '/var/VRTSvcs', 'imf');
}

const TYPE = /^[A-Za-z_][A-Za-z0-9_]*$/;

function checkType(type: string): string {
  if (!TYPE.test(type)) throw new ImfError('VCSPVM_IMF_PROTOCOL', { what: 'type name', detail: JSON.stringify(type) });
  return type;
}

export function socketPath(dir: string, type: string): string {
  return join(dir, `${checkType(type)}.sock`);
}

export function statePath(dir: string, type: string): string {
  return join(dir, `${checkType(type)}.registrations.json`);
}

/**
 * Creates the directory owner-only, or checks an existing one: ours, a real
 * directory (not a link), nobody else can read or write it. Anything else is
 * refused: registrations name resources and the socket accepts them.
 */
export function ensurePrivateDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (e) {
    throw new ImfError('VCSPVM_IMF_UNSAFE_DIR', { dir, reason: `cannot be created: ${(e as NodeJS.ErrnoException).code ?? String(e)}` });
  }
  const st = lstatSync(dir);
  if (!st.isDirectory()) throw new ImfError('VCSPVM_IMF_UNSAFE_DIR', { dir, reason: 'is not a directory' });
  const uid = process.getuid?.();
  if (uid !== undefined && st.uid !== uid) throw new ImfError('VCSPVM_IMF_UNSAFE_DIR', { dir, reason: `belongs to uid ${st.uid}, not ${uid}` });
  if ((st.mode & 0o077) !== 0) {
    // Ours but too open (made by hand, or an old umask): close it rather than refuse.
    chmodSync(dir, 0o700);
  }
}
