/**
 * Client identities, found as OpenSSH finds them: the IdentityFile list (or
 * ~/.ssh/id_ed25519, id_ecdsa, id_rsa), and the agent at $SSH_AUTH_SOCK (or
 * IdentityAgent). A key file that is missing is passed over quietly; one that
 * needs a passphrase, cannot be parsed, or is readable by others (ssh refuses
 * those too) is passed over with a logged reason. Key material is never
 * logged: only file names and key types.
 */
import { promises as fsp } from 'node:fs';
import type { BaseAgent, IdentityCallback, ParsedKey } from 'ssh2';
import type { Logger } from './logger.js';
import { loadSsh2 } from './ssh2-lib.js';

export interface Identity {
  file: string;
  key: ParsedKey;
}

export interface LoadedIdentities {
  keys: Identity[];
  /** Public blobs of every configured identity (loaded or not), for IdentitiesOnly. */
  publicBlobs: Buffer[];
}

export async function loadIdentities(files: readonly string[], logger: Logger): Promise<LoadedIdentities> {
  const { utils } = await loadSsh2();
  const keys: Identity[] = [];
  const publicBlobs: Buffer[] = [];
  for (const file of files) {
    let data: Buffer;
    try {
      const st = await fsp.stat(file);
      if (!st.isFile()) continue;
      if (process.platform !== 'win32' && (st.mode & 0o077) !== 0) {
        logger.warn({ file, mode: (st.mode & 0o777).toString(8) }, 'ssh: private key file is accessible by others; skipped (as ssh does)');
        continue;
      }
      data = await fsp.readFile(file);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') logger.warn({ file, reason: (e as Error).message }, 'ssh: cannot read identity file; skipped');
      continue;
    }
    const parsed = utils.parseKey(data);
    if (parsed instanceof Error) {
      const encrypted = /passphrase|encrypted/i.test(parsed.message);
      logger.warn(
        { file },
        encrypted ? 'ssh: identity file is passphrase-protected and no passphrase is available; skipped (load it into ssh-agent to use it)' : 'ssh: identity file is not a private key ssh2 can read; skipped',
      );
      const pub = await readPublicBlob(`${file}.pub`, utils.parseKey);
      if (pub) publicBlobs.push(pub);
      continue;
    }
    const key = Array.isArray(parsed) ? parsed[0] : parsed;
    if (!key || !key.isPrivateKey()) {
      logger.warn({ file }, 'ssh: identity file holds no private key; skipped');
      continue;
    }
    keys.push({ file, key });
    publicBlobs.push(key.getPublicSSH());
    logger.debug({ file, type: key.type }, 'ssh: identity loaded');
  }
  return { keys, publicBlobs };
}

async function readPublicBlob(path: string, parseKey: (d: Buffer) => ParsedKey | ParsedKey[] | Error): Promise<Buffer | undefined> {
  try {
    const parsed = parseKey(await fsp.readFile(path));
    const key = Array.isArray(parsed) ? parsed[0] : parsed;
    return key && !(key instanceof Error) ? key.getPublicSSH() : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The agent at `socketPath`; with `onlyBlobs` (IdentitiesOnly=yes), it offers
 * only the agent keys that match a configured identity, as ssh does.
 */
export async function createAgent(socketPath: string, onlyBlobs?: readonly Buffer[]): Promise<BaseAgent> {
  const { OpenSSHAgent } = await loadSsh2();
  if (!onlyBlobs) return new OpenSSHAgent(socketPath);
  class FilteredAgent extends OpenSSHAgent {
    override getIdentities(cb: IdentityCallback<ParsedKey>): void {
      super.getIdentities((err, keys) => {
        if (err || !keys) return cb(err, keys);
        cb(undefined, keys.filter((k) => 'getPublicSSH' in k && onlyBlobs!.some((b) => b.equals(k.getPublicSSH()))));
      });
    }
  }
  return new FilteredAgent(socketPath);
}
