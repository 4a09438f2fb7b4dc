/**
 * framework/remote against OpenSSH's `ssh`, both talking to the same ssh2
 * server on loopback (answering at once, so the figures are client cost):
 *
 * - pooled: one command on the pooled connection (what an IMF daemon pays);
 * - fresh connection: connect + host key check + login + command, in process;
 * - process: a whole fresh Node process doing one command (what a short-lived
 *   entry point pays), against one `ssh host cmd` process.
 *
 * Ratios are to `ssh` measured in the same run.
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ssh2 from 'ssh2';
import { closeAllConnections, createRemote } from '../framework/remote/index.js';
import { generateSshKeyPair } from '../framework/remote/keygen.js';
import { percentile, writeFigures } from './report.js';

const { Server, utils } = ssh2;
const here = dirname(fileURLToPath(import.meta.url));


const home = mkdtempSync(join(tmpdir(), 'vcspvm-bench-remote-'));
const sshDir = join(home, '.ssh');
mkdirSync(sshDir, { mode: 0o700 });
const client = generateSshKeyPair();
const host = generateSshKeyPair();
writeFileSync(join(sshDir, 'id_ed25519'), client.private, { mode: 0o600 });
chmodSync(join(sshDir, 'id_ed25519'), 0o600);
const clientBlob = (utils.parseKey(client.public) as ssh2.ParsedKey).getPublicSSH();
const OUTPUT = 'lpar1,Running\nlpar2,Not Activated\n';

let logins = 0;
const server = new Server({ hostKeys: [host.private] }, (conn) => {
  conn.on('error', () => {});
  conn.on('authentication', (ctx) => {
    if (ctx.method === 'publickey' && ctx.key.data.equals(clientBlob)) return ctx.accept();
    ctx.reject(['publickey']);
  });
  conn.on('ready', () => {
    logins++;
    conn.on('session', (accept) => {
      accept().on('exec', (acceptExec) => {
        const ch = acceptExec();
        ch.write(OUTPUT);
        ch.exit(0);
        ch.end();
      });
    });
  });
});
// Our own listener, so the server side runs with TCP_NODELAY as sshd does.
const tcp = createServer((sock) => {
  sock.setNoDelay(true);
  server.injectSocket(sock);
});
await new Promise<void>((r) => tcp.listen(0, '127.0.0.1', () => r()));
const port = (tcp.address() as { port: number }).port;
writeFileSync(join(sshDir, 'known_hosts'), `[127.0.0.1]:${port} ${host.public.split(' ').slice(0, 2).join(' ')}\n`, { mode: 0o600 });
const env = { ...process.env, HOME: home, VCS_REMOTE_HOME: home, PORT: String(port), SSH_AUTH_SOCK: '' };

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { p50: round(percentile(s, 50)), p95: round(percentile(s, 95)), n: s.length };
};
const round = (x: number) => Math.round(x * 100) / 100;
const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;

/** Runs a process to completion (asynchronously: the server lives in this process). */
function runProcess(cmd: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function timeProcess(cmd: string, args: string[], n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    const r = await runProcess(cmd, args);
    out.push(ms(t0));
    if (r.code !== 0 || r.stdout !== OUTPUT) throw new Error(`${cmd} failed (${r.code}): ${r.stderr}`);
  }
  return out;
}

const sshArgs = ['-F', '/dev/null', '-p', String(port), '-i', join(sshDir, 'id_ed25519'), '-o', 'BatchMode=yes', '-o', `UserKnownHostsFile=${join(sshDir, 'known_hosts')}`, '-o', 'GlobalKnownHostsFile=/dev/null', 'hscroot@127.0.0.1', 'lssyscfg -r lpar -m sys1 -F name,state'];

// Everything is sequential, in one run, so the ratios compare like with like.
const WARM = 5;
await timeProcess('ssh', sshArgs, WARM);
const sshProcess = await timeProcess('ssh', sshArgs, 30);

const oneshot = join(here, 'remote-oneshot.js');
await timeProcess(process.execPath, [oneshot], WARM);
const nodeProcess = await timeProcess(process.execPath, [oneshot], 30);

const remoteOpts = { endpoints: { host: '127.0.0.1', port, user: 'hscroot' }, env, sshConfigPath: 'none' as const };
const fresh: number[] = [];
for (let i = 0; i < 30 + WARM; i++) {
  const t0 = process.hrtime.bigint();
  const r = createRemote(remoteOpts);
  await r.run(['lssyscfg', '-r', 'lpar']);
  if (i >= WARM) fresh.push(ms(t0));
  await r.close();
}
await closeAllConnections();

const loginsBefore = logins;
const pooledRemote = createRemote(remoteOpts);
const pooled: number[] = [];
for (let i = 0; i < 500 + 20; i++) {
  const t0 = process.hrtime.bigint();
  await pooledRemote.run(['lssyscfg', '-r', 'lpar']);
  if (i >= 20) pooled.push(ms(t0));
}
const t0 = process.hrtime.bigint();
await Promise.all(Array.from({ length: 200 }, () => pooledRemote.run(['lssyscfg', '-r', 'lpar'])));
const concurrent200 = ms(t0);
const pooledLogins = logins - loginsBefore;
await pooledRemote.close();
await closeAllConnections();
tcp.close();
rmSync(home, { recursive: true, force: true });

const figures = {
  ssh_process_ms: stats(sshProcess),
  node_process_ms: stats(nodeProcess),
  process_ratio_to_ssh: round(stats(nodeProcess).p50 / stats(sshProcess).p50),
  fresh_connection_ms: stats(fresh),
  fresh_connection_ratio_to_ssh: round(stats(fresh).p50 / stats(sshProcess).p50),
  pooled_command_ms: stats(pooled),
  pooled_ratio_to_ssh: round(stats(pooled).p50 / stats(sshProcess).p50),
  concurrent_200_commands_ms: round(concurrent200),
  logins_for_720_pooled_commands: pooledLogins,
};
console.log(`ssh process per command      p50 ${figures.ssh_process_ms.p50} ms  p95 ${figures.ssh_process_ms.p95} ms`);
console.log(`node process per command     p50 ${figures.node_process_ms.p50} ms  p95 ${figures.node_process_ms.p95} ms  (${figures.process_ratio_to_ssh}x ssh)`);
console.log(`fresh connection in process  p50 ${figures.fresh_connection_ms.p50} ms  (${figures.fresh_connection_ratio_to_ssh}x ssh)`);
console.log(`pooled connection            p50 ${figures.pooled_command_ms.p50} ms  p95 ${figures.pooled_command_ms.p95} ms  (${figures.pooled_ratio_to_ssh}x ssh)`);
console.log(`200 concurrent on the pool   ${figures.concurrent_200_commands_ms} ms; logins for all pooled commands: ${pooledLogins}`);
writeFigures(figures);
