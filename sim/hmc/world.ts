/**
 * The PowerVM world behind the simulated HMCs: managed systems and their
 * partitions, the partition state machine with simulated durations (divided
 * by `speed`), VIOS adapters, resources, and the faults the control socket
 * injects. Live partition mobility is in lpm.ts (`world.lpm`).
 *
 * Operations either apply at once or throw HmcError with the HMC's lines;
 * state changes that take time are scheduled with timers (chsysstate returns
 * once the change is submitted, as a real HMC does).
 */
import { usedSlots } from './adapters.js';
import { AIX_CODES, bootDeviceReachable, DEFAULT_BOOT_HANG, FIRMWARE_CODES, HANDOFF_CODE, NO_BOOT_DEVICE, OPEN_FIRMWARE_CODE } from './boot.js';
import { fail, msg } from './hscl.js';
import { Mobility } from './lpm.js';
import {
  ACTIVE_STATES,
  DEFAULT_TIMINGS,
  type LparState,
  type ManagedSystem,
  type Partition,
  type Profile,
  type SysState,
  type Timings,
  type User,
  type VirtualIo,
} from './model.js';
import type { PartitionOs } from './guest-os.js';
import { macFor } from './partitions.js';
import { ioFromProfile } from './profiles.js';
import { syncViosDevices } from './vios/devices.js';

/**
 * A pending transition in simulated time. `ctl speed` reschedules every
 * pending timer so that a transition under way finishes at the new speed.
 */
export interface SimTimer {
  /** Simulated second at which it fires. */
  due: number;
  fn: () => void;
  handle: NodeJS.Timeout | null;
}

export interface WorldInit {
  systems: ManagedSystem[];
  hmcNames: string[];
  users: User[];
  timings?: Partial<Timings>;
  speed?: number;
}

export interface CrashOptions {
  state?: 'Error' | 'Not Activated';
  refcode?: string;
}

export type ShutdownKind = 'os' | 'delayed';

export class World {
  readonly systems: ManagedSystem[];
  readonly hmcNames: string[];
  readonly users: Map<string, User>;
  readonly timings: Timings;
  /** Cross-HMC SSH trust set up with `mkauthkeys -g` (key: `ip user`). */
  readonly remoteAuth = new Set<string>();
  private readonly timers = new Set<SimTimer>();
  private speedFactor = 1;
  /** Simulated seconds at `realBase` (real epoch ms): the simulated clock is rebased whenever the speed changes. */
  private simBase = 0;
  private realBase = Date.now();
  /** Managed systems every HMC lost (system-disconnect): No Connection, their partitions running on unseen. */
  readonly disconnected = new Set<string>();
  /** Managed systems one HMC lost while the others still see them (hmc-lose-system): HMC name → system names. */
  readonly lostBy = new Map<string, Set<string>>();
  /** `lslparmigr` output form: `full` (with source_sys_name, dest_sys_name), or `minimal` (an HMC that knows neither). */
  lslparmigrForm: 'full' | 'minimal' = 'full';
  /** viosvrcmd on these VIOS (`SYS/VIOS`) takes this many real milliseconds longer (vios-slow). */
  readonly viosLatencyMs = new Map<string, number>();
  /** Live partition mobility on this world. */
  readonly lpm: Mobility = new Mobility(this);
  /** The partitions' operating systems (`--aix DIR`): their view of the hypervisor, their boot. */
  os: PartitionOs | undefined;
  /** Counts each partition's activations: a boot's services finishing after another activation do not count. */
  private readonly boots = new WeakMap<Partition, number>();
  /** Files users copied to their HMC home directory (scp), read by `-f FILE`. */
  private readonly files = new Map<string, Map<string, string>>();

  constructor(init: WorldInit) {
    this.systems = init.systems;
    this.hmcNames = init.hmcNames;
    this.users = new Map(init.users.map((u) => [u.name, u]));
    this.timings = { ...DEFAULT_TIMINGS, ...init.timings };
    this.speedFactor = init.speed ?? 1;
    for (const sys of this.systems) {
      for (const p of sys.partitions) {
        if (p.vios) syncViosDevices(p);
        if (ACTIVE_STATES.has(p.state)) this.allocate(sys, p, true);
        if (p.state === 'Running' && p.rmcState === 'none') p.rmcState = 'active';
      }
    }
  }

  /** Cancels every pending transition (shutdown of the simulator). */
  dispose(): void {
    for (const t of this.timers) if (t.handle) clearTimeout(t.handle);
    this.timers.clear();
  }

  /** How many times faster than real time simulated time runs. */
  get speed(): number {
    return this.speedFactor;
  }

  /** A new speed from now on: transitions under way are rescheduled to finish at it. */
  set speed(n: number) {
    if (!(n > 0)) throw new Error(`speed ${n}: expected a positive number`);
    this.simBase = this.simNow();
    this.realBase = Date.now();
    this.speedFactor = n;
    for (const t of this.timers) this.arm(t);
  }

  /** The simulated clock, in seconds. */
  simNow(): number {
    return this.simBase + ((Date.now() - this.realBase) / 1000) * this.speedFactor;
  }

  /** Runs `fn` after `seconds` of simulated time. */
  after(seconds: number, fn: () => void): SimTimer {
    const t: SimTimer = { due: this.simNow() + Math.max(0, seconds), fn, handle: null };
    this.timers.add(t);
    this.arm(t);
    return t;
  }

  private arm(t: SimTimer): void {
    if (t.handle) clearTimeout(t.handle);
    const ms = Math.max(0, ((t.due - this.simNow()) * 1000) / this.speedFactor);
    t.handle = setTimeout(() => {
      t.handle = null;
      this.timers.delete(t);
      t.fn();
    }, ms);
    t.handle.unref();
  }

  cancel(t: SimTimer | null): void {
    if (!t) return;
    if (t.handle) clearTimeout(t.handle);
    t.handle = null;
    this.timers.delete(t);
  }

  /* ----------------------------------------------------------- user files */

  /** A file in the user's home directory; `~/x`, `./x` and `/home/USER/x` name the same file. */
  readUserFile(user: string, path: string): string | undefined {
    return this.files.get(user)?.get(homeRelative(user, path));
  }

  writeUserFile(user: string, path: string, content: string): void {
    this.userFiles(user).set(homeRelative(user, path), content);
  }

  /** The user's home directory: file name → content (flat, as HMC users see it). */
  userFiles(user: string): Map<string, string> {
    let home = this.files.get(user);
    if (!home) this.files.set(user, (home = new Map()));
    return home;
  }

  /* ---------------------------------------------------------------- lookup */

  /** A managed system by name or by `type-model*serial`. */
  findSystem(ref: string): ManagedSystem | undefined {
    return this.systems.find((s) => s.name === ref || `${s.typeModel}*${s.serial}` === ref);
  }

  requireSystem(ref: string): ManagedSystem {
    return this.findSystem(ref) ?? fail(msg.sysNotFound(ref));
  }

  /** A partition by name; migration placeholders on a target are included. */
  findLpar(sys: ManagedSystem, name: string): Partition | undefined {
    return sys.partitions.find((p) => p.name === name);
  }

  requireLpar(sys: ManagedSystem, name: string): Partition {
    return this.findLpar(sys, name) ?? fail(msg.lparNotFound(name));
  }

  requireLparById(sys: ManagedSystem, id: number): Partition {
    return sys.partitions.find((p) => p.id === id) ?? fail(msg.lparIdNotFound(id));
  }

  requireProfile(p: Partition, name: string): Profile {
    return p.profiles.find((pr) => pr.name === name) ?? fail(msg.profileNotFound(name, p.name));
  }

  /* ----------------------------------------------------- HMC views */

  /** Whether the HMC named `hmc` (any HMC when undefined) has its connection to the system's service processor. */
  connected(sys: ManagedSystem, hmc?: string): boolean {
    if (this.disconnected.has(sys.name)) return false;
    return hmc === undefined || !this.lostBy.get(hmc)?.has(sys.name);
  }

  /** The managed system's state as the HMC named `hmc` shows it: No Connection when it lost the system. */
  systemState(sys: ManagedSystem, hmc?: string): SysState {
    return this.connected(sys, hmc) ? sys.state : 'No Connection';
  }

  /** The state clients see: partitions of a system that lost its service processor (or that this HMC cannot reach) are Not Available. */
  effectiveState(sys: ManagedSystem, p: Partition, hmc?: string): LparState {
    if (['Error', 'Recovery', 'Incomplete', 'No Connection'].includes(this.systemState(sys, hmc))) return 'Not Available';
    return p.state;
  }

  /** A change (or a query that needs the service processor) through an HMC that cannot reach the system is refused as on a real HMC. */
  requireConnected(sys: ManagedSystem, hmc?: string): void {
    if (!this.connected(sys, hmc)) fail(msg.sysWrongState(sys.name, 'No Connection'));
  }

  private requireOperating(sys: ManagedSystem): void {
    if (sys.state !== 'Operating' && sys.state !== 'Standby') fail(msg.sysWrongState(sys.name, sys.state));
  }

  requireNotMigrating(p: Partition, op: string): void {
    if (p.migration || p.migrationTarget) fail(msg.wrongState(p.name, p.state, op));
  }

  nextFreeId(sys: ManagedSystem, wanted?: number): number {
    const used = new Set(sys.partitions.map((p) => p.id));
    if (wanted !== undefined && !used.has(wanted)) return wanted;
    let id = 1;
    while (used.has(id)) id++;
    return id;
  }

  mac(sys: ManagedSystem, p: { id: number; name: string }, slot: number): string {
    return macFor(sys, p, slot);
  }

  /* ---------------------------------------------------------- resources */

  available(sys: ManagedSystem): { mem: number; procUnits: number } {
    let mem = sys.memoryMB;
    let procUnits = sys.procUnits;
    for (const p of sys.partitions) {
      if (p.allocated) {
        mem -= p.allocated.mem;
        procUnits -= p.allocated.procUnits;
      }
    }
    return { mem, procUnits: Math.round(procUnits * 100) / 100 };
  }

  /** What a partition needs when active: its current profile's desired values. */
  demand(p: Partition): { mem: number; procUnits: number } {
    const prof = p.profiles.find((pr) => pr.name === p.currProfile) ?? p.profiles[0];
    if (!prof || prof.attrs.get('all_resources') === '1') return { mem: 0, procUnits: 0 };
    const mem = Number(prof.attrs.get('desired_mem'));
    const procUnits = prof.attrs.get('proc_mode') === 'shared' ? Number(prof.attrs.get('desired_proc_units')) : Number(prof.attrs.get('desired_procs'));
    return { mem, procUnits };
  }

  private allocate(sys: ManagedSystem, p: Partition, force = false): void {
    const need = this.demand(p);
    if (!force) {
      const avail = this.available(sys);
      if (need.mem > avail.mem) fail(msg.noResources(p.name, 'memory'));
      if (need.procUnits > avail.procUnits + 1e-9) fail(msg.noResources(p.name, 'processor capacity'));
    }
    p.allocated = need;
  }

  /* ------------------------------------------------------- state machine */

  private setRefcode(p: Partition, code: string): void {
    p.refcodes.unshift({ time: new Date(), code });
    if (p.refcodes.length > 20) p.refcodes.length = 20;
  }

  /** Final step of every way down: resources freed, RMC gone, faults cleared. */
  private toNotActivated(p: Partition): void {
    this.cancel(p.timer);
    p.timer = null;
    p.state = 'Not Activated';
    p.rmcState = 'inactive';
    p.hung = false;
    p.allocated = null;
    this.setRefcode(p, '00000000');
  }

  /**
   * `chsysstate -o on`: Not Activated → Starting → Running (or Open Firmware),
   * stepping through the reference codes of a boot (boot.ts): firmware codes
   * while Starting, a search for the boot device (none: AA060011, retried),
   * then Running with AIX's IPL codes until the empty code and RMC.
   */
  activate(sys: ManagedSystem, p: Partition, profileName: string | null, bootMode?: string): void {
    this.requireOperating(sys);
    this.requireNotMigrating(p, 'activate');
    if (p.state !== 'Not Activated') fail(msg.wrongState(p.name, p.state, 'activate'));
    if (profileName !== null) {
      const prof = this.requireProfile(p, profileName);
      p.currProfile = prof.name;
      p.current = ioFromProfile(prof, (slot) => this.mac(sys, p, slot));
      if (p.vios) syncViosDevices(p);
    }
    this.allocate(sys, p);
    const generation = (this.boots.get(p) ?? 0) + 1;
    this.boots.set(p, generation);
    const prof = p.profiles.find((pr) => pr.name === p.currProfile);
    const mode = bootMode ?? String(prof?.attrs.get('boot_mode') ?? p.attrs.get('boot_mode') ?? 'norm');
    p.state = 'Starting';
    p.rmcState = 'inactive';
    p.hung = false;
    const hang = p.bootHang;
    p.bootHang = null;
    const bootTime = p.env === 'vioserver' ? this.timings.viosBoot : this.timings.boot;
    // Firmware steps and the hand-off share the boot time.
    const step = bootTime / (FIRMWARE_CODES.length + 1);
    const firmware = (i: number): void => {
      p.timer = null;
      if (i === 1 && hang !== null) {
        this.setRefcode(p, hang); // and nothing more: a boot that hangs
        return;
      }
      if (i < FIRMWARE_CODES.length) {
        this.setRefcode(p, FIRMWARE_CODES[i]!);
        p.timer = this.after(step, () => firmware(i + 1));
        return;
      }
      if (mode === 'sms' || mode === 'of') {
        p.timer = this.after(step, () => {
          p.timer = null;
          p.state = 'Open Firmware';
          this.setRefcode(p, OPEN_FIRMWARE_CODE);
        });
        return;
      }
      findBootDevice();
    };
    const findBootDevice = (): void => {
      p.timer = null;
      if (!bootDeviceReachable(sys, p)) {
        // The firmware retries the boot list; a disk that appears (a VIOS back, a mapping made) lets it go on.
        if (p.refcodes[0]?.code !== NO_BOOT_DEVICE) this.setRefcode(p, NO_BOOT_DEVICE);
        p.timer = this.after(bootTime, findBootDevice);
        return;
      }
      this.setRefcode(p, HANDOFF_CODE);
      p.timer = this.after(step, running);
    };
    const running = (): void => {
      p.timer = null;
      p.state = 'Running';
      p.osVersion = p.env === 'vioserver' ? 'VIOS 3.1.4.10' : 'AIX 7.2 7200-05-06-2320';
      const ipl = this.timings.rmcUp / (AIX_CODES.length + 1);
      const aix = (i: number): void => {
        p.timer = null;
        if (p.state !== 'Running') return;
        if (i < AIX_CODES.length) {
          this.setRefcode(p, AIX_CODES[i]!);
          p.timer = this.after(ipl, () => aix(i + 1));
          return;
        }
        const up = (): void => {
          if (p.state !== 'Running' || this.boots.get(p) !== generation) return;
          this.setRefcode(p, '');
          if (!p.hung) p.rmcState = 'active';
        };
        // The OS's boot services (rc.d, inittab) run before RMC starts: the HMC sees RMC once they are through.
        if (this.os) void this.os.boot(sys, p).then(up, up);
        else up();
      };
      aix(0);
    };
    this.setRefcode(p, FIRMWARE_CODES[0]);
    p.timer = this.after(step, () => firmware(1));
  }

  /** Fault: the next activation of the partition stops in Starting at `refcode` (boot-hang). */
  hangNextBoot(p: Partition, refcode: string = DEFAULT_BOOT_HANG): void {
    if (p.env === 'vioserver') throw new Error(`${p.name} is a Virtual I/O Server`);
    p.bootHang = refcode;
  }

  /**
   * `chsysstate -o shutdown|osshutdown [--immed] [--restart]`. The OS
   * shutdown needs RMC and a responsive OS; an immediate (hard) shutdown
   * always works, from Error too (op-test, fence-agents issue 610).
   */
  shutdown(sys: ManagedSystem, p: Partition, kind: ShutdownKind, immed: boolean, restart: boolean): void {
    this.requireOperating(sys);
    this.requireNotMigrating(p, kind === 'os' ? 'osshutdown' : 'shutdown');
    if (kind === 'os') {
      if (p.state !== 'Running') fail(msg.wrongState(p.name, p.state, 'osshutdown'));
      if (p.rmcState !== 'active') fail(msg.noRmcShutdown(p.name));
      // A hung OS whose RMC has not yet timed out accepts the request and never acts on it.
      if (p.hung) return;
    } else if (!ACTIVE_STATES.has(p.state)) {
      fail(msg.wrongState(p.name, p.state, 'shutdown'));
    }
    this.cancel(p.timer);
    p.state = 'Shutting Down';
    if (kind === 'os' || !immed) p.rmcState = 'inactive';
    if (!immed && p.hung) {
      p.timer = null; // the delayed power-off waits for an OS that never answers
      return;
    }
    const seconds = kind === 'os' ? (immed ? this.timings.osShutdownImmed : this.timings.osShutdown) : immed ? this.timings.shutdownImmed : this.timings.shutdown;
    p.timer = this.after(seconds, () => {
      p.timer = null;
      this.toNotActivated(p);
      if (restart && this.findLpar(sys, p.name) === p && (sys.state === 'Operating' || sys.state === 'Standby')) {
        try {
          this.activate(sys, p, null);
        } catch {
          // Not enough resources any more: the partition stays down, as on an HMC.
        }
      }
    });
  }

  /** Fault: the partition crashes into Error (with a reference code) or straight to Not Activated. */
  crash(p: Partition, opts: CrashOptions = {}): void {
    if (!ACTIVE_STATES.has(p.state) || p.migrationTarget) throw new Error(`${p.name} is ${p.state}, not active`);
    this.cancel(p.timer);
    p.timer = null;
    if (opts.state === 'Not Activated') {
      this.toNotActivated(p);
      return;
    }
    p.state = 'Error';
    p.rmcState = 'inactive';
    this.setRefcode(p, opts.refcode ?? `B2001230 LP=${String(p.id).padStart(5, '0')}`);
  }

  /** Fault: the OS stops responding; RMC drops after the RMC timeout. */
  hang(p: Partition): void {
    if (p.state !== 'Running' && p.state !== 'Shutting Down') throw new Error(`${p.name} is ${p.state}, not running`);
    p.hung = true;
    if (p.state === 'Shutting Down' && p.timer) {
      // An OS shutdown in progress never finishes.
      this.cancel(p.timer);
      p.timer = null;
    }
    this.after(this.timings.rmcLoss, () => {
      if (p.hung) p.rmcState = 'inactive';
    });
  }

  viosDown(vios: Partition, state: 'Not Activated' | 'Error' = 'Not Activated'): void {
    if (vios.env !== 'vioserver') throw new Error(`${vios.name} is not a Virtual I/O Server`);
    if (state === 'Error') {
      if (!ACTIVE_STATES.has(vios.state)) throw new Error(`${vios.name} is ${vios.state}, not active`);
      this.crash(vios, { state: 'Error' });
    } else if (vios.state !== 'Not Activated') {
      this.toNotActivated(vios);
    }
  }

  viosUp(sys: ManagedSystem, vios: Partition): void {
    if (vios.env !== 'vioserver') throw new Error(`${vios.name} is not a Virtual I/O Server`);
    if (vios.state === 'Error') this.toNotActivated(vios);
    if (vios.state !== 'Not Activated') return;
    this.activate(sys, vios, vios.currProfile || vios.defaultProfile);
  }

  /** The managed system loses power: every partition is down at once, migrations through it fail. */
  powerOff(sys: ManagedSystem, state: SysState = 'Power Off'): void {
    this.cancel(sys.timer);
    sys.timer = null;
    for (const other of this.systems) {
      for (const p of [...other.partitions]) {
        const m = p.migration;
        if (m && (m.source === sys.name || m.target === sys.name)) this.lpm.abort(other, p, m, [msg.lpmFailed(p.name)]);
      }
    }
    for (const p of [...sys.partitions]) {
      if (p.migrationTarget) sys.partitions.splice(sys.partitions.indexOf(p), 1);
      else if (p.state !== 'Not Activated') this.toNotActivated(p);
    }
    sys.state = state;
  }

  /** `chsysstate -r sys -o off`: refused with active partitions unless immediate. */
  requestPowerOff(sys: ManagedSystem, immed: boolean): void {
    if (sys.state === 'Power Off') fail(msg.sysWrongState(sys.name, sys.state));
    const active = sys.partitions.filter((p) => ACTIVE_STATES.has(p.state));
    if (active.length && !immed) fail(msg.wrongState(active[0]!.name, active[0]!.state, 'managed system power off'));
    if (immed) {
      this.powerOff(sys);
      return;
    }
    sys.state = 'Power Off In Progress';
    sys.timer = this.after(this.timings.systemPowerOff, () => this.powerOff(sys));
  }

  /** Power on: Initializing → Operating, then partitions with auto_start=1 start (VIOS first). */
  powerOn(sys: ManagedSystem): void {
    if (sys.state !== 'Power Off') fail(msg.sysWrongState(sys.name, sys.state));
    sys.state = 'Initializing';
    sys.timer = this.after(this.timings.systemPowerOn, () => {
      sys.timer = null;
      sys.state = 'Operating';
      const auto = sys.partitions.filter((p) => p.attrs.get('auto_start') === '1' && p.state === 'Not Activated');
      auto.sort((a, b) => Number(b.env === 'vioserver') - Number(a.env === 'vioserver'));
      for (const p of auto) {
        try {
          this.activate(sys, p, p.defaultProfile);
        } catch {
          // Insufficient resources: left Not Activated, as the HMC does.
        }
      }
    });
  }

  /* --------------------------------------------------------- partitions */

  /** Removes a Not Activated partition; with `vioscfg`, also its VIOS server adapters and mappings. */
  removePartition(sys: ManagedSystem, p: Partition, vioscfg: boolean): void {
    this.requireNotMigrating(p, 'delete');
    if (p.state !== 'Not Activated') fail(msg.notDeletable(p.name, p.state));
    if (vioscfg) this.removeServerAdaptersFor(sys, p);
    this.cancel(p.timer);
    sys.partitions.splice(sys.partitions.indexOf(p), 1);
  }

  /** Every VIOS server adapter (current and in profiles) that serves partition `client`. */
  removeServerAdaptersFor(sys: ManagedSystem, client: Partition): void {
    for (const vios of sys.partitions.filter((v) => v.vios)) {
      const serves = (a: { type: string; remoteId: number | null; remoteName: string }) =>
        a.type === 'server' && (a.remoteId === client.id || (a.remoteId === null && a.remoteName === client.name));
      const slots = [...vios.current.scsi.filter(serves), ...vios.current.fc.filter(serves)].map((a) => a.slot);
      vios.current.scsi = vios.current.scsi.filter((a) => !serves(a));
      vios.current.fc = vios.current.fc.filter((a) => !serves(a));
      for (const prof of vios.profiles) {
        for (const key of ['virtual_scsi_adapters', 'virtual_fc_adapters']) {
          const items = prof.attrs.get(key) as string[];
          prof.attrs.set(key, items.filter((item) => !slots.includes(Number(item.split('/')[0]))));
        }
      }
      syncViosDevices(vios);
    }
  }

  /* ------------------------------------------------------------- DLPAR */

  /** DLPAR needs RMC on a running partition; inactive partitions change their current configuration. */
  requireDlpar(p: Partition): void {
    this.requireNotMigrating(p, 'dynamic reconfiguration');
    if (ACTIVE_STATES.has(p.state) && (p.state !== 'Running' || p.rmcState !== 'active')) fail(msg.noRmcDlpar(p.name));
  }

  maxSlots(p: Partition): number {
    const prof = p.profiles.find((pr) => pr.name === p.currProfile) ?? p.profiles[0];
    return Number(prof?.attrs.get('max_virtual_slots') ?? 1000);
  }

  freeSlot(p: Partition): number {
    const used = usedSlots(p.current);
    let s = 2;
    while (used.has(s)) s++;
    return s;
  }

  checkSlot(p: Partition, slot: number): void {
    if (usedSlots(p.current).has(slot)) fail(msg.slotInUse(slot, p.name));
    const max = this.maxSlots(p);
    if (slot >= max) fail(msg.slotTooHigh(slot, p.name, max));
  }

  /** Removes an adapter; a VIOS vhost with mappings is refused, as its VIOS refuses to unconfigure it. */
  removeAdapter(p: Partition, kind: keyof VirtualIo, slot: number): void {
    const list = p.current[kind] as Array<{ slot: number }>;
    const i = list.findIndex((a) => a.slot === slot);
    if (i < 0) fail(msg.noAdapter(slot, p.name));
    if (p.vios && kind === 'scsi') {
      const device = p.vios.vhosts.get(slot);
      const children = p.vios.vtds.filter((v) => v.slot === slot).map((v) => v.name);
      if (device && children.length) fail(msg.adapterBusy(device, children));
    }
    list.splice(i, 1);
    if (p.vios) syncViosDevices(p);
  }

}









export function homeRelative(user: string, path: string): string {
  let p = path;
  for (const prefix of [`/home/${user}/`, '~/', './']) if (p.startsWith(prefix)) p = p.slice(prefix.length);
  return p;
}
