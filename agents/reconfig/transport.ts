/**
 * Sockets on VLAN 123: the real network on AIX; in the simulation (the
 * simulated AIX host: AIXSIM_ROOT set) the simulated virtual switches of
 * sim/aix/vswitch.ts, which map the VLAN's addresses onto loopback TCP with
 * the same rules (an address must be configured and up to listen on; a
 * peer is reached only through an interface of its subnet).
 */
import { connect as tcpConnect, type Server, type Socket } from 'node:net';

export interface Transport {
  /** Listens on HOST:PORT only; resolves to what withdraws the listener's address. */
  listen(server: Server, host: string, port: number): Promise<() => void>;
  /** A connection to HOST:PORT; failures arrive as the socket's 'error'. */
  connect(host: string, port: number): Socket;
}

export const networkTransport: Transport = {
  async listen(server, host, port) {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    return () => {};
  },
  connect(host, port) {
    return tcpConnect({ host, port });
  },
};

export async function transportFor(env: NodeJS.ProcessEnv = process.env): Promise<Transport> {
  if (!env.AIXSIM_ROOT) return networkTransport;
  return (await import('../../sim/aix/vswitch.js')).simulatedTransport;
}
