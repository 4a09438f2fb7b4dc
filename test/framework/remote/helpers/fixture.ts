/** One test's world: a temp HOME with a client key and known_hosts, servers, and a logger. */
import { readFileSync } from 'node:fs';
import { closeAllConnections, createRemote, type Endpoint, type Remote, type RemoteOptions } from '../../../../framework/remote/index.js';
import { makeHome, memoryLogger, type TestHome } from './home.js';
import { generateKey, startServer, type KeyPair, type TestServerOptions, type TestSshServer } from './ssh-server.js';

export interface Fixture {
  home: TestHome;
  clientKey: KeyPair;
  log: ReturnType<typeof memoryLogger>;
  servers: TestSshServer[];
  /** Starts a server that accepts the client key, and records it in known_hosts. */
  server(opts?: TestServerOptions & { known?: boolean }): Promise<TestSshServer>;
  endpoint(s: TestSshServer, user?: string): Endpoint;
  remote(endpoints: Endpoint[] | Endpoint, extra?: Partial<RemoteOptions>): Remote;
  dispose(): Promise<void>;
}

/** Short bounds so that hangs are over in well under a second. */
export const FAST = { connectTimeoutMs: 1000, readyTimeoutMs: 1000, commandTimeoutMs: 5000 } as const;

export function fixture(): Fixture {
  const home = makeHome();
  const clientKey = generateKey('ed25519');
  home.addKey('id_ed25519', clientKey);
  const log = memoryLogger();
  const remotes: Remote[] = [];
  const f: Fixture = {
    home,
    clientKey,
    log,
    servers: [],
    async server(opts = {}) {
      const { known = true, ...rest } = opts;
      const s = await startServer({ authorizedKeys: [clientKey], ...rest });
      f.servers.push(s);
      if (known) home.write('.ssh/known_hosts', `${readKnown(home)}${s.knownHostsLine()}\n`);
      return s;
    },
    endpoint: (s, user = 'hscroot') => ({ host: s.host, port: s.port, user }),
    remote(endpoints, extra = {}) {
      const r = createRemote({ endpoints, env: home.env, sshConfigPath: 'none', logger: log, ...FAST, ...extra });
      remotes.push(r);
      return r;
    },
    async dispose() {
      await Promise.all(remotes.map((r) => r.close()));
      await closeAllConnections();
      await Promise.all(f.servers.map((s) => s.close()));
      home.cleanup();
    },
  };
  return f;
}

function readKnown(home: TestHome): string {
  try {
    return readFileSync(home.path('.ssh/known_hosts'), 'utf8');
  } catch {
    return '';
  }
}

/** A TCP port on loopback with nothing listening (connection refused). */
export async function closedPort(): Promise<number> {
  const { createServer } = await import('node:net');
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Expects `p` to reject with a coded error; returns it. */
export async function rejection<E extends Error = Error & { code: string }>(p: Promise<unknown>): Promise<E> {
  try {
    await p;
  } catch (e) {
    return e as E;
  }
  throw new Error('expected a rejection');
}
