/**
 * The simulation's virtual Ethernet: which addresses of which partitions
 * can reach each other, mapped onto loopback TCP. A partition's interface
 * enN is on the segment of its adapter entN (platform.ts: managed system,
 * virtual switch, port VLAN ID), when it runs an address (ifnet.ts).
 *
 * - listen(HOST, PORT): HOST must be an address an interface runs that is
 *   up (else EADDRNOTAVAIL, as bind(2)); the server listens on
 *   127.0.0.1:<any free port>, registered on that segment as HOST:PORT in
 *   <network>/<system>/<vswitch>/vlan<id>/<HOST>_<PORT>.json;
 * - connect(HOST, PORT): through the interface whose subnet holds HOST
 *   (ENETUNREACH without one), to the registration of HOST:PORT on its
 *   segment (ECONNREFUSED without one, or when its listener is gone).
 *
 * Two partitions reach each other only on the same VLAN of the same
 * managed system, as with a private VLAN no Shared Ethernet Adapter bridges.
 */
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { connect as tcpConnect, Socket, type Server } from 'node:net';
import { join } from 'node:path';
import { isProcessAlive } from '../../framework/process.js';
import { writeFileAtomic } from '../../framework/fs.js';
import type { Transport } from '../../agents/reconfig/transport.js';
import { inSubnet, runningInterfaces, type IfAddress } from './ifnet.js';
import { loadRecords } from './odm.js';
import { readPlatform, slotOfPhysloc } from './platform.js';
import { simRoot } from './root.js';

function errno(code: string, text: string): NodeJS.ErrnoException {
  const e: NodeJS.ErrnoException = new Error(`${text} ${code}`);
  e.code = code;
  return e;
}

/** The segment directory of interface enN, undefined when it is on no simulated virtual adapter. */
function segmentOf(ifName: string): string | undefined {
  const platform = readPlatform(simRoot());
  if (!platform) return undefined;
  const adapter = loadRecords()[`ent${ifName.slice(2)}`];
  const slot = adapter ? slotOfPhysloc(adapter.physloc) : undefined;
  const eth = platform.eth.find((e) => e.slot === slot);
  if (!eth || adapter?.status !== 'Available') return undefined;
  return join(platform.network, platform.system, eth.vswitch, `vlan${eth.vlan}`);
}

interface Registration {
  port: number;
  pid: number;
}

const regFile = (segment: string, host: string, port: number) => join(segment, `${host}_${port}.json`);

function readReg(file: string): Registration | undefined {
  try {
    const r = JSON.parse(readFileSync(file, 'utf8')) as Registration;
    return isProcessAlive(r.pid) ? r : undefined;
  } catch {
    return undefined;
  }
}

export const simulatedTransport: Transport = {
  async listen(server: Server, host: string, port: number): Promise<() => void> {
    const iface = runningInterfaces().find((i) => i.up && i.addrs.some((a) => a.addr === host));
    const segment = iface && segmentOf(iface.name);
    if (!segment) throw errno('EADDRNOTAVAIL', `listen ${host}:${port}`);
    mkdirSync(segment, { recursive: true });
    const file = regFile(segment, host, port);
    if (readReg(file)) throw errno('EADDRINUSE', `listen ${host}:${port}`);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const addr = server.address();
    const real = typeof addr === 'object' && addr ? addr.port : 0;
    writeFileAtomic(file, `${JSON.stringify({ port: real, pid: process.pid } satisfies Registration)}\n`, { backup: false, fsync: false });
    return () => {
      if (readReg(file)?.port === real) rmSync(file, { force: true });
    };
  },

  connect(host: string, port: number): Socket {
    const via = runningInterfaces().find((i) => i.up && i.addrs.some((a: IfAddress) => inSubnet(a, host)));
    const segment = via && segmentOf(via.name);
    const reg = segment ? readReg(regFile(segment, host, port)) : undefined;
    if (reg) return tcpConnect({ host: '127.0.0.1', port: reg.port });
    const s = new Socket();
    const e = segment ? errno('ECONNREFUSED', `connect ${host}:${port}`) : errno('ENETUNREACH', `connect ${host}:${port}`);
    process.nextTick(() => s.destroy(e));
    return s;
  },
};
