/**
 * The management LPAR's VLAN 123 interface, with the AIX commands an
 * administrator would type (argv arrays, no shell):
 *
 *   lsdev -C -c adapter -F 'name status physloc'     which entN is in slot S (…-C<S>-T1)
 *   cfgmgr                                            when the DLPAR-added adapter has no device yet
 *   chdev -l enN -a netaddr=169.254.123.1 -a netmask=255.255.0.0 -a state=up
 *
 * and, when the last served partition goes: `rmdev -R -d -l entN` (the
 * adapter online added, with its interface) before the DLPAR remove, or
 * `chdev -l enN -a state=detach` (an adapter that was there, whose address
 * online set).
 */
import { aixCommand, deviceAttr, virtualAdapters } from '../../reconfig/aix.js';
import { MANAGEMENT_ADDRESS, VLAN_NETMASK } from '../../reconfig/protocol.js';

const run = (argv: string[]) => aixCommand(argv, process.env, 'VCSPVM_LPAR_DR');

async function deviceInSlot(slot: number): Promise<string | undefined> {
  return (await virtualAdapters(process.env)).find((a) => a.slot === slot)?.name;
}

/** Gives the interface of the adapter in `slot` the well-known address; its name, and whether it set it. */
export async function configureInterface(slot: number): Promise<{ device: string; configured: boolean }> {
  let adapter = await deviceInSlot(slot);
  if (!adapter) {
    await run(['cfgmgr']);
    adapter = await deviceInSlot(slot);
  }
  if (!adapter) throw new Error(`cfgmgr found no device for the VLAN 123 adapter in slot ${slot}`);
  const device = `en${adapter.slice(3)}`;
  const [addr] = await deviceAttr(device, 'netaddr', process.env).catch(() => ['']);
  const [state] = await deviceAttr(device, 'state', process.env).catch(() => ['']);
  if (addr === MANAGEMENT_ADDRESS && state === 'up') return { device, configured: false };
  await run(['chdev', '-l', device, '-a', `netaddr=${MANAGEMENT_ADDRESS}`, '-a', `netmask=${VLAN_NETMASK}`, '-a', 'state=up']);
  return { device, configured: true };
}

/** Undoes configureInterface: the devices of an adapter online added, or the address it set. */
export async function unconfigureInterface(device: string, added: boolean, configured: boolean): Promise<void> {
  if (added) await run(['rmdev', '-R', '-d', '-l', `ent${device.slice(2)}`]);
  else if (configured) await run(['chdev', '-l', device, '-a', 'state=detach']);
}
