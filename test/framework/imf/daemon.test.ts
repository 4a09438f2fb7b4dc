/**
 * imf_getnotification's daemon over a real Unix socket: registrations from
 * a client, owner-only permissions, persistence and recovery, stale sockets,
 * one instance per type, notifications once per change, bad requests.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { imfRequest } from '../../../framework/imf/client.js';
import { ImfDaemon } from '../../../framework/imf/daemon.js';
import { parsePipeEvent, parseRegisterId, type ObservedState, type Registration } from '../../../framework/imf/protocol.js';
import type { NotificationSource, Observe } from '../../../framework/imf/source.js';
import { silentSourceLogger } from '../../../framework/imf/source.js';

class FakeSource implements NotificationSource {
  observe: Observe | undefined;
  readonly regs = new Map<string, Registration>();
  closed = false;
  start(observe: Observe) {
    this.observe = observe;
  }
  add(r: Registration) {
    this.regs.set(r.resource, r);
  }
  remove(resource: string) {
    this.regs.delete(resource);
  }
  async close() {
    this.closed = true;
  }
  see(resource: string, state: ObservedState) {
    this.observe!(resource, state);
  }
}

let dirs: string[] = [];
let daemons: ImfDaemon[] = [];
afterEach(async () => {
  for (const d of daemons) await d.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
  daemons = [];
});

function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'imfd-'));
  dirs.push(d);
  return d;
}

async function daemon(dir: string, type = 'T') {
  const lines: string[] = [];
  const source = new FakeSource();
  const d = new ImfDaemon({ type, dir, source, write: (l) => lines.push(l), log: silentSourceLogger });
  await d.start();
  daemons.push(d);
  return { d, lines, source };
}

const target = { group: 'hmc1|sys1', key: 'lpar1', data: { hmcs: ['hmc1'] } };

describe('imf_getnotification daemon', () => {
  it('serves registrations on an owner-only socket and says READY', async () => {
    const dir = join(tmp(), 'imf');
    const { d, lines, source } = await daemon(dir);
    expect(lines).toEqual(['READY']);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(d.socket).mode & 0o777).toBe(0o600);
    const r = await imfRequest(d.socket, 'T', { op: 'register', resource: 'r1', state: 'online', target });
    expect(r).toEqual({ ok: true, id: '1' });
    expect(source.regs.get('r1')).toMatchObject({ id: '1', state: 'online', target });
    // Registering again keeps the id and replaces the target.
    const again = await imfRequest(d.socket, 'T', { op: 'register', resource: 'r1', state: 'offline', target: { group: 'g2', key: 'k' } });
    expect(again).toEqual({ ok: true, id: '1' });
    expect(source.regs.get('r1')).toMatchObject({ state: 'offline', target: { group: 'g2' } });
    const list = await imfRequest(d.socket, 'T', { op: 'list' });
    expect(list.ok && list.registrations?.map((x) => x.resource)).toEqual(['r1']);
    expect(await imfRequest(d.socket, 'T', { op: 'unregister', resource: 'r1' })).toEqual({ ok: true, id: '1' });
    expect(source.regs.size).toBe(0);
    expect(await imfRequest(d.socket, 'T', { op: 'unregister', resource: 'r1' })).toEqual({ ok: true });
  });

  it('closes a directory that is too open, and refuses one that is not a directory', async () => {
    const base = tmp();
    const open = join(base, 'open');
    mkdirSync(open, { mode: 0o777 });
    chmodSync(open, 0o777);
    await daemon(open);
    expect(statSync(open).mode & 0o777).toBe(0o700);
    const file = join(base, 'file');
    writeFileSync(file, 'x');
    await expect(daemon(file)).rejects.toThrow(/not a directory|cannot be created/);
  });

  it('notifies once per change of what it sees, and not for unknown', async () => {
    const { d, lines, source } = await daemon(tmp());
    await imfRequest(d.socket, 'T', { op: 'register', resource: 'r1', state: 'online', target });
    source.see('r1', 'online');
    source.see('r1', 'unknown');
    source.see('r1', 'offline');
    source.see('r1', 'offline');
    source.see('r1', 'online'); // back: the next change is news again
    source.see('r1', 'offline');
    source.see('other', 'offline'); // not registered
    expect(lines.slice(1)).toEqual(['NOTIFY 1 r1 OFFLINE', 'NOTIFY 1 r1 OFFLINE']);
    expect(parsePipeEvent(lines[1]!)).toEqual({ event: 'NOTIFY', id: '1', resource: 'r1', state: 'offline' });
  });

  it('keeps registrations on disk; a restarted daemon recovers them and says so', async () => {
    const dir = tmp();
    const first = await daemon(dir);
    await imfRequest(first.d.socket, 'T', { op: 'register', resource: 'a', state: 'online', target });
    await imfRequest(first.d.socket, 'T', { op: 'register', resource: 'b', state: 'offline', target: { group: 'g', key: 'b' } });
    await imfRequest(first.d.socket, 'T', { op: 'unregister', resource: 'a' });
    await imfRequest(first.d.socket, 'T', { op: 'register', resource: 'c', state: 'online', target });
    await first.d.stop();
    expect(existsSync(first.d.socket)).toBe(false);
    expect(statSync(join(dir, 'T.registrations.json')).mode & 0o777).toBe(0o600);
    expect(existsSync(join(dir, 'T.registrations.json.previous'))).toBe(true);
    const second = await daemon(dir);
    expect(second.lines).toEqual(['READY', 'RECOVERED 2 b OFFLINE', 'RECOVERED 3 c ONLINE']);
    expect([...second.source.regs.keys()]).toEqual(['b', 'c']);
    // Ids keep counting: a new registration does not reuse one.
    expect(await imfRequest(second.d.socket, 'T', { op: 'register', resource: 'd', state: 'online', target })).toEqual({ ok: true, id: '4' });
  });

  it('removes the stale socket of a dead daemon', async () => {
    const dir = tmp();
    // A socket file nobody serves, as a daemon killed with SIGKILL leaves it.
    const sock = join(dir, 'T.sock');
    const child = spawn(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(sock)}, () => console.log('up'))`], { stdio: ['ignore', 'pipe', 'ignore'] });
    await new Promise<void>((r) => child.stdout!.once('data', () => r()));
    child.kill('SIGKILL');
    await new Promise<void>((r) => child.once('exit', () => r()));
    expect(existsSync(sock)).toBe(true);
    const { d, lines } = await daemon(dir);
    expect(lines).toEqual(['READY']);
    expect((await imfRequest(d.socket, 'T', { op: 'ping' })).ok).toBe(true);
  });

  it('refuses to start while another instance serves the socket', async () => {
    const dir = tmp();
    await daemon(dir);
    await expect(daemon(dir)).rejects.toThrow(/already serving/);
  });

  it('answers malformed requests with an error, and keeps serving', async () => {
    const { d } = await daemon(tmp());
    expect(await imfRequest(d.socket, 'T', { op: 'register', resource: 'bad name', state: 'online', target } as never)).toEqual({ ok: false, error: 'bad resource name' });
    expect(await imfRequest(d.socket, 'T', { op: 'register', resource: 'r', state: 'sideways', target } as never)).toEqual({ ok: false, error: 'state must be online or offline' });
    expect(await imfRequest(d.socket, 'T', { op: 'register', resource: 'r', state: 'online', target: { group: '', key: 'x' } } as never)).toMatchObject({ ok: false });
    expect(await imfRequest(d.socket, 'T', { op: 'frob' } as never)).toEqual({ ok: false, error: 'unknown op "frob"' });
    expect((await imfRequest(d.socket, 'T', { op: 'ping' })).ok).toBe(true);
  });

  it('a client finds nobody at a missing socket: VCSPVM_IMF_UNAVAILABLE', async () => {
    await expect(imfRequest(join(tmp(), 'none.sock'), 'T', { op: 'ping' }, { timeoutMs: 1000 })).rejects.toMatchObject({ code: 'VCSPVM_IMF_UNAVAILABLE' });
  });

  it('parses the pipe lines of imf_register and imf_getnotification', () => {
    expect(parseRegisterId(['', ' 17 '])).toBe('17');
    expect(parsePipeEvent('RECOVERED 3 r ONLINE')).toEqual({ event: 'RECOVERED', id: '3', resource: 'r', state: 'online' });
    expect(parsePipeEvent('RECOVERED 3 r UNKNOWN')).toBeUndefined();
    expect(parsePipeEvent('NOTIFY 3 r')).toBeUndefined();
    expect(parsePipeEvent('hello')).toBeUndefined();
  });
});
