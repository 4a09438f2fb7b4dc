/**
 * The running simulator: one world, one Endpoint (simulated HMC) per
 * `--listen` address, and the fault-injection and inspection commands the
 * control socket serves (`hmcsim ctl ...`).
 */
import { VcsPowervmError } from '../../framework/errors.js';
import type { AdmissionOptions } from './admission.js';
import { Endpoint, type EndpointStats } from './endpoint.js';
import { HmcError } from './hscl.js';
import { DEFAULT_BOOT_HANG } from './boot.js';
import { SYS_STATES, type ManagedSystem, type Partition, type SysState } from './model.js';
import { dumpWorld } from './worldfile.js';
import type { World } from './world.js';

export class ControlError extends VcsPowervmError {
  constructor(command: string, detail: string) {
    super('VCSPVM_SIM_CONTROL', { command, detail });
  }
}

export interface ListenAddress {
  host: string;
  port: number;
}

export interface SimulatorOptions {
  world: World;
  listen: ListenAddress[];
  hostKey: string | Buffer;
  authorizedKeys: string[];
  /** Login grace time and max-startups of every endpoint. */
  admission?: AdmissionOptions;
}

/** The ctl commands, their arguments, and what they do (also the `ctl help` text). */
export const CTL_USAGE = [
  'dump                                  the world as JSON (a world file with the current states)',
  'stats [--reset]                       per endpoint: connections, logins, auth failures, login timeouts, startups dropped, open sessions, commands by name',
  'lpar-crash SYS LPAR [--state Error|"Not Activated"] [--refcode CODE]',
  'lpar-hang SYS LPAR                    the OS stops responding: RMC drops, OS shutdown never completes',
  'boot-hang SYS LPAR [--refcode CODE]   the next activation stops in Starting at CODE (CA000040) for ever',
  'vios-down SYS VIOS [--state Error]    the VIOS goes down (Not Activated, or Error)',
  'vios-up SYS VIOS                      the VIOS boots again',
  'system-power-off SYS [--state STATE]  the managed system loses power (Power Off, or No Connection, Error ...)',
  'system-power-on SYS                   powers it on: Operating, then partitions with auto_start=1 start',
  'system-disconnect SYS                 every HMC loses the managed system: No Connection, its partitions keep running unseen',
  'system-reconnect SYS                  the HMCs see it again, as it is now',
  'hmc-lose-system HOST:PORT|NAME SYS    this HMC alone loses the managed system (No Connection); the others still see it',
  'hmc-regain-system HOST:PORT|NAME SYS  this HMC sees it again',
  'hmc-down HOST:PORT|NAME               the HMC refuses connections and drops its sessions',
  'hmc-up HOST:PORT|NAME                 back to normal (from down, hung or slow)',
  'hmc-hang HOST:PORT|NAME               accepts TCP, never completes a handshake or a command',
  'hmc-slow HOST:PORT|NAME MS            every command takes MS milliseconds longer (0: normal)',
  'vios-slow SYS VIOS MS                 every viosvrcmd on that VIOS takes MS milliseconds longer (0: normal)',
  'lslparmigr-form full|minimal          minimal: lslparmigr knows neither source_sys_name nor dest_sys_name',
  'migrate SYS LPAR TARGET               a live partition migration started outside VCS',
  'lpm-fail SYS LPAR [--stuck]           the next migration of LPAR fails (--stuck: needs migrlpar -o r)',
  'speed N                               simulated time runs N times faster from now on (transitions under way too)',
  'timings KEY=SECONDS...                durations of what happens from now on (boot, rmcUp, osShutdown, viosBoot, migration...)',
];

export class Simulator {
  readonly world: World;
  readonly endpoints: Endpoint[];

  private constructor(world: World, endpoints: Endpoint[]) {
    this.world = world;
    this.endpoints = endpoints;
  }

  /** Endpoint i is named after the world's HMC i (`hmc1`, `hmc2`... when the world names none). */
  static async start(opts: SimulatorOptions): Promise<Simulator> {
    const endpoints = opts.listen.map(
      (l, i) =>
        new Endpoint({
          host: l.host,
          port: l.port,
          name: opts.world.hmcNames[i] ?? `hmc${i + 1}`,
          world: opts.world,
          hostKey: opts.hostKey,
          authorizedKeys: opts.authorizedKeys,
          admission: opts.admission,
        }),
    );
    const sim = new Simulator(opts.world, endpoints);
    try {
      for (const e of endpoints) await e.listen();
    } catch (e) {
      await sim.stop();
      throw e;
    }
    return sim;
  }

  async stop(): Promise<void> {
    await Promise.all(this.endpoints.map((e) => e.close()));
    this.world.dispose();
  }

  private endpoint(command: string, ref: string | undefined): Endpoint {
    if (!ref) throw new ControlError(command, 'an endpoint HOST:PORT or HMC name is required');
    const e = this.endpoints.find((x) => x.address === ref || x.name === ref || (ref.startsWith('localhost:') && x.address === `127.0.0.1:${ref.slice(10)}`));
    if (!e) throw new ControlError(command, `no endpoint ${ref} (endpoints: ${this.endpoints.map((x) => `${x.address} (${x.name})`).join(', ')})`);
    return e;
  }

  private system(command: string, name: string | undefined): ManagedSystem {
    if (!name) throw new ControlError(command, 'a managed system name is required');
    const s = this.world.findSystem(name);
    if (!s) throw new ControlError(command, `no managed system ${name} (systems: ${this.world.systems.map((x) => x.name).join(', ')})`);
    return s;
  }

  private lpar(command: string, sys: ManagedSystem, name: string | undefined): Partition {
    if (!name) throw new ControlError(command, 'a partition name is required');
    const p = sys.partitions.find((x) => x.name === name && !x.migrationTarget);
    if (!p) throw new ControlError(command, `no partition ${name} on ${sys.name}`);
    return p;
  }

  /** Runs one ctl command; the result is JSON-serialisable. */
  async control(command: string, args: string[]): Promise<unknown> {
    const [a, b, c] = args;
    // `--name VALUE` or `--name=VALUE`.
    const flag = (name: string) => {
      const i = args.indexOf(name);
      if (i >= 0) return args[i + 1] ?? '';
      const glued = args.find((x) => x.startsWith(`${name}=`));
      return glued === undefined ? undefined : glued.slice(name.length + 1);
    };
    try {
      switch (command) {
        case 'help':
          return CTL_USAGE;
        case 'dump':
          return dumpWorld(this.world);
        case 'stats': {
          const out: Record<string, EndpointStats & { name: string; state: string; latencyMs: number }> = {};
          for (const e of this.endpoints) {
            out[e.address] = { name: e.name, state: e.state, latencyMs: e.latencyMs, ...e.stats, commands: { ...e.stats.commands } };
            if (args.includes('--reset')) e.resetStats();
          }
          return out;
        }
        case 'lpar-crash': {
          const sys = this.system(command, a);
          const p = this.lpar(command, sys, b);
          const state = flag('--state');
          if (state !== undefined && state !== 'Error' && state !== 'Not Activated') throw new ControlError(command, '--state is Error or "Not Activated"');
          const refcode = flag('--refcode');
          this.world.crash(p, { ...(state ? { state } : {}), ...(refcode !== undefined ? { refcode } : {}) });
          return { lpar: p.name, state: p.state };
        }
        case 'lpar-hang': {
          const sys = this.system(command, a);
          const p = this.lpar(command, sys, b);
          this.world.hang(p);
          return { lpar: p.name, state: p.state, hung: true };
        }
        case 'boot-hang': {
          const sys = this.system(command, a);
          const p = this.lpar(command, sys, b);
          const refcode = flag('--refcode');
          if (refcode !== undefined && !/^[0-9A-Fa-f]{4,8}( .{0,40})?$/.test(refcode)) throw new ControlError(command, '--refcode: a reference code such as CA000040');
          this.world.hangNextBoot(p, refcode ?? DEFAULT_BOOT_HANG);
          return { lpar: p.name, bootHang: p.bootHang };
        }
        case 'vios-down': {
          const sys = this.system(command, a);
          const v = this.lpar(command, sys, b);
          const state = flag('--state');
          if (state !== undefined && state !== 'Error' && state !== 'Not Activated') throw new ControlError(command, '--state is Error or "Not Activated"');
          this.world.viosDown(v, state === 'Error' ? 'Error' : 'Not Activated');
          return { vios: v.name, state: v.state };
        }
        case 'vios-up': {
          const sys = this.system(command, a);
          const v = this.lpar(command, sys, b);
          this.world.viosUp(sys, v);
          return { vios: v.name, state: v.state };
        }
        case 'system-power-off': {
          const sys = this.system(command, a);
          const state = (flag('--state') ?? 'Power Off') as SysState;
          if (!SYS_STATES.includes(state) || state === 'Operating' || state === 'Standby' || state === 'Initializing') {
            throw new ControlError(command, `--state must be a down state: Power Off, No Connection, Error, Recovery, Incomplete`);
          }
          this.world.powerOff(sys, state);
          return { system: sys.name, state: sys.state };
        }
        case 'system-power-on': {
          const sys = this.system(command, a);
          if (sys.state !== 'Power Off') {
            // A system that lost its connection or failed comes back to Power Off first.
            if (sys.state === 'Operating' || sys.state === 'Initializing' || sys.state === 'Standby') return { system: sys.name, state: sys.state };
            sys.state = 'Power Off';
          }
          this.world.powerOn(sys);
          return { system: sys.name, state: sys.state };
        }
        case 'system-disconnect': {
          const sys = this.system(command, a);
          this.world.disconnected.add(sys.name);
          return { system: sys.name, state: this.world.systemState(sys), partitions: 'running unseen' };
        }
        case 'system-reconnect': {
          const sys = this.system(command, a);
          this.world.disconnected.delete(sys.name);
          return { system: sys.name, state: this.world.systemState(sys) };
        }
        case 'hmc-lose-system':
        case 'hmc-regain-system': {
          const e = this.endpoint(command, a);
          const sys = this.system(command, b);
          let lost = this.world.lostBy.get(e.name);
          if (!lost) this.world.lostBy.set(e.name, (lost = new Set()));
          if (command === 'hmc-lose-system') lost.add(sys.name);
          else lost.delete(sys.name);
          return { endpoint: a, hmc: e.name, system: sys.name, state: this.world.systemState(sys, e.name) };
        }
        case 'vios-slow': {
          const sys = this.system(command, a);
          const v = this.lpar(command, sys, b);
          if (!v.vios) throw new ControlError(command, `${v.name} is not a Virtual I/O Server`);
          if (c === undefined || !/^\d+$/.test(c)) throw new ControlError(command, 'MS, a number of milliseconds, is required');
          if (Number(c) === 0) this.world.viosLatencyMs.delete(`${sys.name}/${v.name}`);
          else this.world.viosLatencyMs.set(`${sys.name}/${v.name}`, Number(c));
          return { vios: v.name, latencyMs: Number(c) };
        }
        case 'lslparmigr-form': {
          if (a !== 'full' && a !== 'minimal') throw new ControlError(command, 'full or minimal');
          this.world.lslparmigrForm = a;
          return { lslparmigr: a };
        }
        case 'hmc-down':
          await this.endpoint(command, a).down();
          return { endpoint: a, state: 'down' };
        case 'hmc-up': {
          const e = this.endpoint(command, a);
          e.latencyMs = 0;
          await e.up();
          return { endpoint: a, state: e.state };
        }
        case 'hmc-hang':
          this.endpoint(command, a).hang();
          return { endpoint: a, state: 'hung' };
        case 'hmc-slow': {
          const e = this.endpoint(command, a);
          if (b === undefined || !/^\d+$/.test(b)) throw new ControlError(command, 'MS, a number of milliseconds, is required');
          e.latencyMs = Number(b);
          return { endpoint: a, latencyMs: e.latencyMs };
        }
        case 'migrate': {
          const sys = this.system(command, a);
          const p = this.lpar(command, sys, b);
          if (!c) throw new ControlError(command, 'a target managed system is required');
          const done = this.world.lpm.start(sys, p, c);
          void done.then(() => undefined);
          return { lpar: p.name, source: sys.name, target: c, state: p.state };
        }
        case 'lpm-fail': {
          const sys = this.system(command, a);
          const p = this.lpar(command, sys, b);
          p.lpmFault = args.includes('--stuck') ? 'stuck' : 'rollback';
          return { lpar: p.name, fault: p.lpmFault };
        }
        case 'timings': {
          if (args.length === 0) return this.world.timings;
          for (const a of args) {
            const m = /^([A-Za-z]+)=(\d+(?:\.\d+)?)$/.exec(a);
            if (!m || !Object.hasOwn(this.world.timings, m[1]!)) throw new ControlError(command, `${a}: expected KEY=SECONDS with KEY one of ${Object.keys(this.world.timings).join(', ')}`);
            (this.world.timings as unknown as Record<string, number>)[m[1]!] = Number(m[2]);
          }
          return this.world.timings;
        }
        case 'speed': {
          const n = Number(a);
          if (!(n > 0)) throw new ControlError(command, 'N must be a positive number');
          this.world.speed = n;
          return { speed: n };
        }
        default:
          throw new ControlError(command, `unknown command (known: ${CTL_USAGE.map((u) => u.split(' ')[0]).join(', ')})`);
      }
    } catch (e) {
      if (e instanceof ControlError) throw e;
      if (e instanceof HmcError) throw new ControlError(command, e.lines.join(' '));
      throw new ControlError(command, (e as Error).message);
    }
  }
}
