/**
 * SSH key pairs made in process (a simulator's host key, test keys). ssh2
 * 1.17's generator sometimes drops a leading zero byte of an ed25519 key
 * (about 1 key in 300), writing a key it cannot read back itself: draw again
 * until both halves parse. Loads ssh2 eagerly: not for entry points.
 */
import ssh2 from 'ssh2';

export type KeyType = 'ed25519' | 'ecdsa' | 'rsa';

export interface GeneratedKeyPair {
  /** OpenSSH private key text. */
  private: string;
  /** `type base64 [comment]` public key line. */
  public: string;
}

export function generateSshKeyPair(type: KeyType = 'ed25519', opts: { comment?: string; passphrase?: string } = {}): GeneratedKeyPair {
  const o: Record<string, unknown> = type === 'rsa' ? { bits: 2048 } : type === 'ecdsa' ? { bits: 256 } : {};
  if (opts.comment) o.comment = opts.comment;
  if (opts.passphrase) Object.assign(o, { passphrase: opts.passphrase, cipher: 'aes256-ctr' });
  for (let attempt = 0; ; attempt++) {
    const pair = ssh2.utils.generateKeyPairSync(type as 'ed25519', o as never);
    const ok = !(ssh2.utils.parseKey(pair.public) instanceof Error) && !(ssh2.utils.parseKey(pair.private, opts.passphrase) instanceof Error);
    if (ok) return { private: pair.private, public: pair.public };
    if (attempt >= 50) throw new Error(`cannot generate a readable ${type} key pair`);
  }
}
