/**
 * The shared secret of one DR-protected partition: 32 random bytes, written
 * as 64 hex digits on one line, in a file only root may read (mode 0600,
 * owned by the user that reads it). The same file is on the guest and on
 * each site's management LPARs:
 *
 *   guest             /etc/vcs-reconfig/key
 *   management LPARs  $VCS_CONF/conf/vcs-reconfig/<LPARName>.key
 *
 * `vcs-reconfig keygen FILE` makes one; the administrator copies it (scp,
 * keeping the mode) to the others. A file readable by others is refused,
 * as OpenSSH refuses a private key readable by others.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { VcsPowervmError } from '../../framework/errors.js';
import { writeFileAtomic } from '../../framework/fs.js';

/** The guest's key, under its root. */
export function guestKeyFile(root: string): string {
  return join(root, 'etc', 'vcs-reconfig', 'key');
}

/** Where the management LPARs keep the keys, one file per partition. */
export function managementKeyDir(vcsConf: string): string {
  return join(vcsConf, 'conf', 'vcs-reconfig');
}

export function managementKeyFile(vcsConf: string, partition: string): string {
  return join(managementKeyDir(vcsConf), `${partition}.key`);
}

const keyError = (file: string, detail: string) => new VcsPowervmError('VCSPVM_DR_KEY', { file, detail });

/** Reads and checks a key file; throws VCSPVM_DR_KEY saying what is wrong and what to do. */
export function readKey(file: string): Buffer {
  let st;
  try {
    st = statSync(file);
  } catch {
    throw keyError(file, `missing: make one with "vcs-reconfig keygen ${file}" and copy it to the guest (/etc/vcs-reconfig/key) and to the management LPARs of both sites`);
  }
  if (!st.isFile()) throw keyError(file, 'not a regular file');
  if ((st.mode & 0o077) !== 0) throw keyError(file, `mode ${(st.mode & 0o777).toString(8).padStart(4, '0')} lets others read it: chmod 600 ${file}`);
  if (typeof process.getuid === 'function' && st.uid !== process.getuid()) throw keyError(file, `owned by uid ${st.uid}, not by the user reading it (${process.getuid()})`);
  const text = readFileSync(file, 'utf8').trim();
  if (!/^[0-9a-fA-F]{64}$/.test(text)) throw keyError(file, 'not a key (64 hex digits on one line, as vcs-reconfig keygen writes it)');
  return Buffer.from(text, 'hex');
}

/** Writes a new key (mode 0600); refuses to replace one unless `force`. */
export function writeNewKey(file: string, force = false): void {
  if (!force && existsSync(file)) throw keyError(file, 'already exists (--force replaces it: every copy must then be replaced)');
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  writeFileAtomic(file, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600, backup: false });
}
