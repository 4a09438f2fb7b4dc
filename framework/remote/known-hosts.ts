/**
 * known_hosts(5): parsing, matching a presented host key, and recording a new
 * one (StrictHostKeyChecking=accept-new).
 *
 * Host fields may be plain names, comma lists, `[host]:port` for ports other
 * than 22, wildcard patterns with `!` negation, or hashed `|1|salt|hmac`
 * entries. `@revoked` lines refuse their key; `@cert-authority` lines name a
 * CA for host certificates, which we do not support: they never vouch for a
 * plain key and are reported as such. Keys are compared blob to blob.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { promises as fsp, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { WriteError } from '../errors.js';
import { matchPattern } from './patterns.js';

export interface KnownHostEntry {
  file: string;
  line: number;
  marker: 'revoked' | 'cert-authority' | null;
  hosts: { hashed: { salt: Buffer; hash: Buffer } } | { patterns: string[] };
  /** The key type written in the blob itself (`ssh-ed25519`, `ssh-rsa`…). */
  keyType: string;
  key: Buffer;
}

export interface SkippedLine {
  file: string;
  line: number;
  reason: string;
}

export interface KnownHosts {
  entries: KnownHostEntry[];
  skipped: SkippedLine[];
  /** Files that exist and were read. */
  files: string[];
}

export type HostKeyVerdict =
  | { status: 'known'; entry: KnownHostEntry }
  | { status: 'revoked'; entry: KnownHostEntry }
  | { status: 'changed'; entry: KnownHostEntry }
  | {
      status: 'unknown';
      /** Key types already recorded for this host (a different type was presented). */
      otherTypes: string[];
      /** Only @cert-authority lines match this host: certificates are not supported. */
      certAuthorityOnly: boolean;
    };

/** The name known_hosts uses for a host and port: `host`, or `[host]:port` off port 22. */
export function knownHostsName(host: string, port: number): string {
  const h = host.toLowerCase();
  return port === 22 ? h : `[${h}]:${port}`;
}

/** The key type encoded at the start of an SSH public key blob. */
export function keyTypeOf(blob: Buffer): string | undefined {
  if (blob.length < 4) return undefined;
  const len = blob.readUInt32BE(0);
  if (len === 0 || len > 64 || 4 + len > blob.length) return undefined;
  return blob.subarray(4, 4 + len).toString('latin1');
}

export function parseKnownHosts(text: string, file: string): { entries: KnownHostEntry[]; skipped: SkippedLine[] } {
  const entries: KnownHostEntry[] = [];
  const skipped: SkippedLine[] = [];
  const rows = text.split('\n');
  for (let n = 0; n < rows.length; n++) {
    const row = rows[n]!.replace(/\r$/, '').trim();
    if (row === '' || row.startsWith('#')) continue;
    const skip = (reason: string): void => {
      skipped.push({ file, line: n + 1, reason });
    };
    const fields = row.split(/[ \t]+/);
    let marker: KnownHostEntry['marker'] = null;
    if (fields[0]!.startsWith('@')) {
      const m = fields.shift()!;
      if (m === '@revoked') marker = 'revoked';
      else if (m === '@cert-authority') marker = 'cert-authority';
      else {
        skip(`unknown marker ${m}`);
        continue;
      }
    }
    const [hostField, typeField, keyField] = fields;
    if (hostField === undefined || typeField === undefined || keyField === undefined) {
      skip('expected: hosts keytype key');
      continue;
    }
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(keyField)) {
      skip('key is not base64');
      continue;
    }
    const key = Buffer.from(keyField, 'base64');
    const keyType = keyTypeOf(key);
    if (keyType === undefined) {
      skip('key blob is malformed');
      continue;
    }
    if (keyType !== typeField) {
      skip(`key type ${typeField} does not match the key blob (${keyType})`);
      continue;
    }
    let hosts: KnownHostEntry['hosts'];
    if (hostField.startsWith('|')) {
      const m = /^\|1\|([A-Za-z0-9+/=]+)\|([A-Za-z0-9+/=]+)$/.exec(hostField);
      if (!m) {
        skip('hashed host is not |1|salt|hash');
        continue;
      }
      const salt = Buffer.from(m[1]!, 'base64');
      const hash = Buffer.from(m[2]!, 'base64');
      if (salt.length !== 20 || hash.length !== 20) {
        skip('hashed host has a bad salt or hash length');
        continue;
      }
      hosts = { hashed: { salt, hash } };
    } else {
      hosts = { patterns: hostField.toLowerCase().split(',').filter((p) => p !== '') };
    }
    entries.push({ file, line: n + 1, marker, hosts, keyType, key });
  }
  return { entries, skipped };
}

/** Reads every file that exists; a missing file is an empty one, as for ssh. */
export function loadKnownHosts(paths: readonly string[]): KnownHosts {
  const out: KnownHosts = { entries: [], skipped: [], files: [] };
  for (const path of paths) {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') continue;
      out.skipped.push({ file: path, line: 0, reason: `unreadable: ${(e as Error).message}` });
      continue;
    }
    const parsed = parseKnownHosts(text, path);
    out.entries.push(...parsed.entries);
    out.skipped.push(...parsed.skipped);
    out.files.push(path);
  }
  return out;
}

export function hostMatches(entry: KnownHostEntry, name: string): boolean {
  const h = entry.hosts;
  if ('hashed' in h) {
    const mac = createHmac('sha1', h.hashed.salt).update(name).digest();
    return timingSafeEqual(mac, h.hashed.hash);
  }
  let matched = false;
  for (const raw of h.patterns) {
    const negate = raw.startsWith('!');
    if (matchPattern(name, negate ? raw.slice(1) : raw)) {
      if (negate) return false;
      matched = true;
    }
  }
  return matched;
}

/**
 * What known_hosts says about `key` presented by `name` (see knownHostsName).
 * Revocation is checked first; then a recorded key equal to the presented one
 * accepts it; a recorded key of the same type that differs is the
 * man-in-the-middle case.
 */
export function checkHostKey(entries: readonly KnownHostEntry[], name: string, key: Buffer): HostKeyVerdict {
  const type = keyTypeOf(key);
  const matching = entries.filter((e) => hostMatches(e, name));
  const revoked = matching.find((e) => e.marker === 'revoked' && e.key.equals(key));
  if (revoked) return { status: 'revoked', entry: revoked };
  const plain = matching.filter((e) => e.marker === null);
  const same = plain.find((e) => e.key.equals(key));
  if (same) return { status: 'known', entry: same };
  const changed = plain.find((e) => e.keyType === type);
  if (changed) return { status: 'changed', entry: changed };
  return {
    status: 'unknown',
    otherTypes: [...new Set(plain.map((e) => e.keyType))],
    certAuthorityOnly: plain.length === 0 && matching.some((e) => e.marker === 'cert-authority'),
  };
}

/** Key types recorded for `name` (plain entries), in file order. */
export function knownKeyTypes(entries: readonly KnownHostEntry[], name: string): string[] {
  const types: string[] = [];
  for (const e of entries) if (e.marker === null && !types.includes(e.keyType) && hostMatches(e, name)) types.push(e.keyType);
  return types;
}

/** One known_hosts line for `name`, hashed as HashKnownHosts=yes writes it. */
export function formatKnownHostsLine(name: string, key: Buffer, hash: boolean): string {
  const type = keyTypeOf(key);
  if (!type) throw new TypeError('malformed host key blob');
  let host = name;
  if (hash) {
    const salt = randomBytes(20);
    const mac = createHmac('sha1', salt).update(name).digest();
    host = `|1|${salt.toString('base64')}|${mac.toString('base64')}`;
  }
  return `${host} ${type} ${key.toString('base64')}`;
}

export type AppendOutcome = 'added' | 'already-known' | HostKeyVerdict;

/**
 * Records `key` for `name` in `path` (accept-new). The file is rewritten
 * atomically (temp file + rename, old content kept in `path.old`) under a lock
 * file, and re-read under the lock: if another process recorded a key for
 * this host meanwhile, its verdict is returned instead of adding a second one.
 */
export async function appendKnownHost(path: string, name: string, key: Buffer, hash: boolean): Promise<AppendOutcome> {
  await fsp.mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const lock = `${path}.lock`;
  await acquireLock(lock, path);
  try {
    let old = '';
    let mode = 0o600;
    let exists = true;
    try {
      old = await fsp.readFile(path, 'utf8');
      mode = (await fsp.stat(path)).mode & 0o777;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new WriteError(path, (e as Error).message, { cause: e });
      exists = false;
    }
    const verdict = checkHostKey(parseKnownHosts(old, path).entries, name, key);
    if (verdict.status === 'known') return 'already-known';
    if (verdict.status !== 'unknown') return verdict;
    const text = `${old}${old !== '' && !old.endsWith('\n') ? '\n' : ''}${formatKnownHostsLine(name, key, hash)}\n`;
    const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      const fh = await fsp.open(tmp, 'wx', mode);
      try {
        await fh.writeFile(text);
        await fh.sync();
      } finally {
        await fh.close();
      }
      if (exists) await fsp.copyFile(path, `${path}.old`);
      await fsp.rename(tmp, path);
    } catch (e) {
      await fsp.rm(tmp, { force: true });
      throw new WriteError(path, (e as Error).message, { cause: e });
    }
    return 'added';
  } finally {
    await fsp.rm(lock, { force: true });
  }
}

const LOCK_WAIT_MS = 5000;
const LOCK_STALE_MS = 30_000;

async function acquireLock(lock: string, path: string): Promise<void> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      const fh = await fsp.open(lock, 'wx', 0o600);
      await fh.writeFile(String(process.pid));
      await fh.close();
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new WriteError(path, `cannot create lock ${lock}: ${(e as Error).message}`, { cause: e });
    }
    try {
      const st = await fsp.stat(lock);
      if (Date.now() - st.mtimeMs > LOCK_STALE_MS) {
        await fsp.rm(lock, { force: true });
        continue;
      }
    } catch {
      continue;
    }
    if (Date.now() > deadline) throw new WriteError(path, `lock ${lock} is held by another process`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
