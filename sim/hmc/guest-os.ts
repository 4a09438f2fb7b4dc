/**
 * The operating systems behind the partitions (`hmcsim --aix DIR`): a
 * partition whose name is a directory under DIR has that directory as its
 * simulated AIX root (sim/aix). hmcsim keeps what its hypervisor shows it
 * (sim/aix/platform.ts: managed system, partition ID, virtual Ethernet
 * adapters) up to date — at activation, after a DLPAR change, after a
 * migration — and, when it boots, runs its boot (sim/aix/boot.ts: cfgmgr,
 * then /etc/inittab's services) at the point AIX would, before RMC comes up.
 * A partition without a root boots as before: nothing runs in it.
 */
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writePlatform } from '../aix/platform.js';
import type { ManagedSystem, Partition } from './model.js';

const HERE = fileURLToPath(new URL('.', import.meta.url));
/** The project root, from dist/sim/hmc (compiled) or sim/hmc (a test importing the source). */
const ROOT = HERE.includes(`${sep}dist${sep}`) ? resolve(HERE, '..', '..', '..') : resolve(HERE, '..', '..');
const AIX_BIN = join(ROOT, 'sim', 'aix', 'bin');

/** A boot that has not finished in this long no longer holds RMC back. */
const BOOT_LIMIT_MS = 180_000;

export interface PartitionOs {
  /** What the partition's hypervisor presents changed (adapters, system, ID). */
  changed(sys: ManagedSystem, p: Partition): void;
  /** The operating system's boot services; resolves when they are through. */
  boot(sys: ManagedSystem, p: Partition): Promise<void>;
}

export class AixRoots implements PartitionOs {
  readonly network: string;

  constructor(
    readonly dir: string,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    this.network = join(dir, '.vswitch');
  }

  rootOf(p: Partition): string | undefined {
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(p.name)) return undefined;
    const root = join(this.dir, p.name);
    try {
      return statSync(root).isDirectory() ? root : undefined;
    } catch {
      return undefined;
    }
  }

  changed(sys: ManagedSystem, p: Partition): void {
    const root = this.rootOf(p);
    if (!root || p.migrationTarget) return;
    writePlatform(root, {
      system: sys.name,
      typeModel: sys.typeModel,
      serial: sys.serial,
      lparId: p.id,
      lparName: p.name,
      eth: p.current.eth.map((a) => ({ slot: a.slot, vlan: a.portVlanId, vswitch: a.vswitch, mac: a.mac, trunk: a.trunkPriority > 0 })),
      network: this.network,
    });
  }

  boot(sys: ManagedSystem, p: Partition): Promise<void> {
    const root = this.rootOf(p);
    if (!root || !existsSync(root)) return Promise.resolve();
    this.changed(sys, p);
    return new Promise((done) => {
      const child = spawn(join(AIX_BIN, 'aixsim-boot'), [], {
        stdio: 'ignore',
        env: { ...this.env, PATH: `${AIX_BIN}:${this.env.PATH ?? '/usr/bin:/bin'}`, AIXSIM_ROOT: root },
      });
      const timer = setTimeout(() => child.kill('SIGKILL'), BOOT_LIMIT_MS);
      timer.unref();
      child.on('error', () => done());
      child.on('close', () => {
        clearTimeout(timer);
        done();
      });
    });
  }
}
