/**
 * The SFTP subsystem, so that files reach the HMC user's home directory the
 * way administrators copy them (`scp profile.cfg hscroot@hmc:`; OpenSSH's scp
 * speaks SFTP) and `mksyscfg -f FILE` can read them. The home directory is
 * flat and bounded: no subdirectories, at most MAX_FILES files of MAX_SIZE.
 */
import ssh2 from './ssh2-limits.js';
import type { SFTPWrapper } from 'ssh2';
import { homeRelative, type World } from './world.js';

const { STATUS_CODE, OPEN_MODE } = ssh2.utils.sftp;
const MAX_SIZE = 1024 * 1024;
const MAX_FILES = 64;

interface OpenFile {
  name: string;
  data: Buffer;
  write: boolean;
}

export function serveSftp(sftp: SFTPWrapper, world: World, user: string): void {
  const home = `/home/${user}`;
  const files = world.userFiles(user);
  const handles = new Map<number, OpenFile | { dir: true; done: boolean }>();
  let next = 0;
  const handle = (h: OpenFile | { dir: true; done: boolean }) => {
    const id = next++;
    handles.set(id, h);
    const b = Buffer.alloc(4);
    b.writeUInt32BE(id);
    return b;
  };
  const lookup = (b: Buffer) => (b.length === 4 ? handles.get(b.readUInt32BE(0)) : undefined);
  /** A file name in the home directory, or null for the directory itself; undefined when outside it. */
  const nameOf = (path: string): string | null | undefined => {
    if (path === '' || path === '.' || path === home || path === `${home}/` || path === '~') return null;
    const rel = homeRelative(user, path);
    if (rel === '' || rel.includes('/') || rel === '..' || rel === '.') return undefined;
    return rel;
  };
  const now = Math.floor(Date.now() / 1000);
  const fileAttrs = (size: number) => ({ mode: 0o100600, uid: 1000, gid: 1000, size, atime: now, mtime: now });
  const dirAttrs = { mode: 0o40700, uid: 1000, gid: 1000, size: 4096, atime: now, mtime: now };

  sftp.on('REALPATH', (id, path) => {
    const n = nameOf(path);
    if (n === undefined) return sftp.status(id, STATUS_CODE.NO_SUCH_FILE);
    const full = n === null ? home : `${home}/${n}`;
    sftp.name(id, [{ filename: full, longname: full, attrs: n === null ? dirAttrs : fileAttrs(files.get(n)?.length ?? 0) }]);
  });
  const stat = (id: number, path: string) => {
    const n = nameOf(path);
    if (n === null) return sftp.attrs(id, dirAttrs);
    if (n === undefined || !files.has(n)) return sftp.status(id, STATUS_CODE.NO_SUCH_FILE);
    sftp.attrs(id, fileAttrs(Buffer.byteLength(files.get(n)!)));
  };
  sftp.on('STAT', stat);
  sftp.on('LSTAT', stat);
  sftp.on('OPEN', (id, path, flags) => {
    const n = nameOf(path);
    if (!n) return sftp.status(id, STATUS_CODE.PERMISSION_DENIED);
    const write = (flags & (OPEN_MODE.WRITE | OPEN_MODE.CREAT | OPEN_MODE.TRUNC | OPEN_MODE.APPEND)) !== 0;
    const exists = files.has(n);
    if (!write && !exists) return sftp.status(id, STATUS_CODE.NO_SUCH_FILE);
    if (write && !exists && files.size >= MAX_FILES) return sftp.status(id, STATUS_CODE.FAILURE, `at most ${MAX_FILES} files in ${home}`);
    const data = exists && !(flags & OPEN_MODE.TRUNC) ? Buffer.from(files.get(n)!) : Buffer.alloc(0);
    sftp.handle(id, handle({ name: n, data, write }));
  });
  sftp.on('WRITE', (id, h, offset, data) => {
    const f = lookup(h);
    if (!f || 'dir' in f || !f.write) return sftp.status(id, STATUS_CODE.FAILURE);
    if (offset + data.length > MAX_SIZE) return sftp.status(id, STATUS_CODE.FAILURE, `files on this HMC are at most ${MAX_SIZE} bytes`);
    if (f.data.length < offset + data.length) f.data = Buffer.concat([f.data, Buffer.alloc(offset + data.length - f.data.length)]);
    data.copy(f.data, offset);
    sftp.status(id, STATUS_CODE.OK);
  });
  sftp.on('READ', (id, h, offset, length) => {
    const f = lookup(h);
    if (!f || 'dir' in f) return sftp.status(id, STATUS_CODE.FAILURE);
    if (offset >= f.data.length) return sftp.status(id, STATUS_CODE.EOF);
    sftp.data(id, f.data.subarray(offset, Math.min(f.data.length, offset + length)));
  });
  sftp.on('FSTAT', (id, h) => {
    const f = lookup(h);
    if (!f) return sftp.status(id, STATUS_CODE.FAILURE);
    sftp.attrs(id, 'dir' in f ? dirAttrs : fileAttrs(f.data.length));
  });
  sftp.on('FSETSTAT', (id) => sftp.status(id, STATUS_CODE.OK));
  sftp.on('SETSTAT', (id) => sftp.status(id, STATUS_CODE.OK));
  sftp.on('CLOSE', (id, h) => {
    const f = lookup(h);
    if (!f) return sftp.status(id, STATUS_CODE.FAILURE);
    handles.delete(h.readUInt32BE(0));
    if (!('dir' in f) && f.write) files.set(f.name, f.data.toString('utf8'));
    sftp.status(id, STATUS_CODE.OK);
  });
  sftp.on('OPENDIR', (id, path) => {
    if (nameOf(path) !== null) return sftp.status(id, STATUS_CODE.NO_SUCH_FILE);
    sftp.handle(id, handle({ dir: true, done: false }));
  });
  sftp.on('READDIR', (id, h) => {
    const d = lookup(h);
    if (!d || !('dir' in d)) return sftp.status(id, STATUS_CODE.FAILURE);
    if (d.done || files.size === 0) return sftp.status(id, STATUS_CODE.EOF);
    d.done = true;
    sftp.name(id, [...files].map(([n, c]) => ({ filename: n, longname: `-rw-------    1 ${user} hmc ${Buffer.byteLength(c)} ${n}`, attrs: fileAttrs(Buffer.byteLength(c)) })));
  });
  sftp.on('REMOVE', (id, path) => {
    const n = nameOf(path);
    if (!n || !files.delete(n)) return sftp.status(id, STATUS_CODE.NO_SUCH_FILE);
    sftp.status(id, STATUS_CODE.OK);
  });
  sftp.on('RENAME', (id, from, to) => {
    const a = nameOf(from);
    const b = nameOf(to);
    if (!a || !b || !files.has(a)) return sftp.status(id, STATUS_CODE.NO_SUCH_FILE);
    files.set(b, files.get(a)!);
    files.delete(a);
    sftp.status(id, STATUS_CODE.OK);
  });
  // The client ends the subsystem with EOF and waits for an exit status and the channel's close
  // (OpenSSH's scp reports failure without the status). ssh2's SFTP object has no exit():
  // its protocol handle sends the status, as Channel.exit() does for sessions.
  sftp.on('end', () => {
    const inner = sftp as unknown as { _protocol?: { exitStatus(chan: number, status: number): void }; outgoing?: { id: number; state: string } };
    if (inner._protocol && inner.outgoing?.state === 'open') inner._protocol.exitStatus(inner.outgoing.id, 0);
    sftp.end();
  });
  sftp.on('error', () => undefined);
  for (const op of ['MKDIR', 'RMDIR', 'SYMLINK', 'READLINK'] as const) sftp.on(op, (id: number) => sftp.status(id, STATUS_CODE.PERMISSION_DENIED));
}
