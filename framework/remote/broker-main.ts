/**
 * The connection broker as a detached process (what createRemote({ persist })
 * starts when none serves its socket):
 *
 *   node broker-main.js --socket DIR/NAME.sock --stamp N --idle SECONDS [--log FILE] [--debug]
 *                       [--profile JSON] [--warm JSON]
 *
 * The profile (broker-paths.ts) and the endpoints to connect to at once come
 * from VCS_REMOTE_BROKER_PROFILE and VCS_REMOTE_BROKER_WARM when not given
 * (a client passes them there: the environment is not shown by ps).
 *
 * Started in its own session with its standard streams on /dev/null; it
 * writes its own log (DIR/NAME.log), exits 0 when another broker already
 * serves the socket, after --idle seconds without a command, when its
 * socket is removed, or on SIGTERM (after the commands in flight). A start
 * that fails leaves DIR/NAME.failed so that clients do not retry for a minute.
 */
import { writeFileSync } from 'node:fs';
import { parseCommandLine } from '../cli-args.js';
import { PROFILE_ENV, WARM_ENV, checkPrivateDir, filesOfSocket, parseProfileText } from './broker-paths.js';
import { fileLogger } from './broker-log.js';
import type { ConnectionTunables } from './broker-protocol.js';
import { serveRemote, type RemoteServer } from './broker-server.js';
import { closeAllConnections } from './direct.js';
import type { Endpoint } from './types.js';

const USAGE = 'usage: broker-main --socket PATH --stamp N --idle SECONDS [--log FILE] [--debug] [--profile JSON] [--warm JSON]\n';

function parseOptions(argv: string[]) {
  return parseCommandLine(
    argv,
    {
      socket: { type: 'string' },
      stamp: { type: 'string' },
      idle: { type: 'string' },
      log: { type: 'string' },
      debug: { type: 'boolean' },
      profile: { type: 'string' },
      warm: { type: 'string' },
    },
    { positionals: false },
  ).values;
}

async function main(): Promise<number> {
  process.umask(0o077);
  let a: ReturnType<typeof parseOptions>;
  try {
    a = parseOptions(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`broker-main: ${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  const socket = a.socket;
  if (!socket) {
    process.stderr.write(USAGE);
    return 2;
  }
  const files = filesOfSocket(socket, a.log);
  try {
    // Nothing is written (not even the log) into a directory that is not safely ours.
    checkPrivateDir(files.dir, true);
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    return 1;
  }
  const log = fileLogger(files.log, a.debug === true);
  let server: RemoteServer | undefined;
  const stop = (why: string) => () => {
    log.info({ signal: why }, 'broker: stopping on a signal');
    if (server) void server.close('closed');
    else process.exit(0);
  };
  process.on('SIGTERM', stop('SIGTERM'));
  process.on('SIGINT', stop('SIGINT'));
  process.on('SIGHUP', () => undefined);
  process.on('uncaughtException', (e) => {
    log.error({ reason: e.stack ?? e.message }, 'broker: internal error; exiting');
    process.exit(1);
  });
  try {
    const idle = Number(a.idle ?? '300');
    const warm = a.warm ?? process.env[WARM_ENV];
    server = await serveRemote({
      socket,
      profile: parseProfileText(a.profile ?? process.env[PROFILE_ENV] ?? ''),
      stamp: Number(a.stamp ?? '0'),
      idleTimeoutMs: Math.max(1, Math.round((Number.isFinite(idle) && idle > 0 ? idle : 300) * 1000)),
      logger: log,
      ...(warm ? { warm: JSON.parse(warm) as { endpoints: Endpoint[]; connection: ConnectionTunables } } : {}),
    });
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'VCSPVM_SSH_BROKER_BUSY') {
      log.info({}, `broker: ${(e as Error).message}; this one exits`);
      return 0;
    }
    log.error({ reason: (e as Error).message }, 'broker: cannot start');
    try {
      writeFileSync(files.failed, `${new Date().toISOString()} ${(e as Error).message}\n`, { mode: 0o600 });
    } catch {
      // The directory itself is the problem; clients see it too.
    }
    return 1;
  }
  await server.stopped;
  await closeAllConnections();
  log.close();
  return 0;
}

process.exit(await main());
