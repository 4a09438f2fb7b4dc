/**
 * How a partition boots, as its reference codes show it (`lsrefcode -r lpar`):
 * the virtual service processor powers it on (C2xxxxxx), partition firmware
 * initialises (CAxxxxxx) and looks for a boot device; then the operating
 * system takes over (the partition is Running) and AIX shows its IPL
 * progress codes (0xxx) until it is up: an empty reference code
 * (research/hmc-facts.md §9.6; op-test reads an empty code as "running").
 *
 * Codes and their meaning (IBM "Progress codes" and "(AAxx) Partition
 * firmware attention codes"; which of them a real boot shows, and for how
 * long, varies with the firmware level: docs/hmcsim.md):
 * - C2001000 partition power up; CA000000 process control owned by partition
 *   firmware; CA000040 obtaining RTAS firmware details (a documented hang
 *   point: IBM support node 6370613, "LPAR boot on POWER9 stops with
 *   CA000040"); CA000060, CA000080 loading and starting Open Firmware;
 *   CA00E105 control transferred to the operating system.
 * - AA060011: the firmware did not find an operating system image and a
 *   hard disk of the boot list was not detected; it retries the boot list —
 *   the partition stays Starting until a boot disk appears.
 * - AIX IPL codes 0538 (configuration manager), 0551/0553 (rootvg varied
 *   on, phase 2), 0581 (TCP/IP configuration).
 */
import type { ManagedSystem, Partition } from './model.js';

/** Partition firmware codes, in order, while Starting. */
export const FIRMWARE_CODES = ['C2001000', 'CA000000', 'CA000040', 'CA000060', 'CA000080'] as const;
/** Shown once a boot device is found and control passes to the operating system. */
export const HANDOFF_CODE = 'CA00E105';
/** AIX IPL progress codes while Running, before the empty code. */
export const AIX_CODES = ['0538', '0551', '0553', '0581'] as const;
/** No boot device: the firmware keeps retrying the boot list. */
export const NO_BOOT_DEVICE = 'AA060011';
/** `boot-hang` without --refcode. */
export const DEFAULT_BOOT_HANG = 'CA000040';
/** The code Open Firmware (SMS) shows when activated with -b sms|of. */
export const OPEN_FIRMWARE_CODE = 'CA00E1DC';

/**
 * Whether the partition can reach a boot disk: through one of its client
 * virtual SCSI adapters, a Running VIOS of the same managed system whose
 * server adapter for that client slot has a virtual target device; or
 * through a client virtual FC adapter whose vfchost is mapped to a port.
 * A partition without client storage adapters boots from I/O the simulator
 * does not model (a physical adapter): reachable. VIO servers boot from
 * their own disks.
 */
export function bootDeviceReachable(sys: ManagedSystem, p: Partition): boolean {
  if (p.env === 'vioserver') return true;
  const clients = [...p.current.scsi.filter((a) => a.type === 'client').map((a) => ({ a, kind: 'scsi' as const })), ...p.current.fc.filter((a) => a.type === 'client').map((a) => ({ a, kind: 'fc' as const }))];
  if (clients.length === 0) return true;
  for (const { a, kind } of clients) {
    const vios = sys.partitions.find((v) => v.vios && !v.migrationTarget && (a.remoteId !== null ? v.id === a.remoteId : v.name === a.remoteName));
    if (!vios || vios.state !== 'Running') continue;
    const servers = kind === 'scsi' ? vios.current.scsi : vios.current.fc;
    const server = servers.find(
      (s) =>
        s.type === 'server' &&
        (a.remoteSlot === null || s.slot === a.remoteSlot) &&
        (s.remoteSlot === null || s.remoteSlot === a.slot) &&
        (s.remoteId === p.id || (s.remoteId === null && (s.remoteName === p.name || s.remoteName === ''))),
    );
    if (!server) continue;
    if (kind === 'scsi' && vios.vios!.vtds.some((v) => v.slot === server.slot && v.backing !== '')) return true;
    if (kind === 'fc' && vios.vios!.vfchosts.get(server.slot)?.fcPort) return true;
  }
  return false;
}
