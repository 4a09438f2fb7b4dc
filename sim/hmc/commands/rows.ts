/** Managed systems, partitions and profiles as listing rows (attribute orders in model.ts). */
import { createHash } from 'node:crypto';
import { LPAR_ATTRS, LPAR_EXTRA_ATTRS, SYS_ATTRS, ACTIVE_STATES, type AttrValue, type ManagedSystem, type Partition, type Profile } from '../model.js';
import { PROFILE_FIELD_NAMES, profilePairs } from '../profiles.js';
import type { World } from '../world.js';
import type { Row } from './common.js';

export const LPAR_FIELDS: ReadonlySet<string> = new Set<string>([...LPAR_ATTRS, ...LPAR_EXTRA_ATTRS]);
export const SYS_FIELDS: ReadonlySet<string> = new Set<string>([...SYS_ATTRS, 'uuid']);
export const PROF_FIELDS = PROFILE_FIELD_NAMES;

function uuidOf(text: string): string {
  const h = createHash('sha1').update(text).digest('hex').toUpperCase();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

function rmcIpaddr(world: World, sys: ManagedSystem, p: Partition): string {
  const i = world.systems.indexOf(sys) + 1;
  return `10.${100 + (i % 150)}.${p.id >> 8}.${p.id & 255}`;
}

const VIOS_LPAR_ATTRS: readonly string[] = LPAR_ATTRS.filter((k) => k !== 'boot_mode');

/** One partition attribute as `lssyscfg -r lpar` shows it. */
function lparValue(world: World, sys: ManagedSystem, p: Partition, key: string, hmc: string | undefined): AttrValue {
  switch (key) {
    case 'name':
      return p.name;
    case 'lpar_id':
      return String(p.id);
    case 'lpar_env':
      return p.env;
    case 'state':
      return world.effectiveState(sys, p, hmc);
    case 'resource_config':
      return '1';
    case 'os_version':
      return p.osVersion;
    case 'logical_serial_num':
      return `${sys.serial}${p.id.toString(16).toUpperCase()}`;
    case 'default_profile':
      return p.defaultProfile;
    case 'curr_profile':
      return p.currProfile;
    case 'boot_mode':
      return p.env === 'vioserver' ? '' : (p.attrs.get(key) ?? '');
    case 'rmc_state':
      return p.rmcState;
    case 'rmc_ipaddr':
      return rmcIpaddr(world, sys, p);
    case 'curr_lpar_proc_compat_mode':
      return ACTIVE_STATES.has(p.state) ? 'POWER9' : 'default';
    case 'uuid':
      return uuidOf(`${sys.serial}/${p.name}/${p.id}`);
    default:
      return p.attrs.get(key) ?? '';
  }
}

/** A partition as the HMC named `hmc` lists it (Not Available when that HMC lost its managed system). */
export function lparRow(world: World, sys: ManagedSystem, p: Partition, hmc?: string): Row {
  return { names: p.env === 'vioserver' ? VIOS_LPAR_ATTRS : LPAR_ATTRS, value: (key) => lparValue(world, sys, p, key, hmc) };
}

export function profRow(p: Partition, prof: Profile): Row {
  return { pairs: profilePairs(prof, p.name, p.id, p.env) };
}

/** A managed system; `state` is its state as the listing HMC sees it (default: its own). */
export function sysRow(sys: ManagedSystem, state: string = sys.state): Row {
  const service = sys.partitions.find((p) => p.env === 'vioserver');
  const values: Record<string, AttrValue> = {
    name: sys.name,
    type_model: sys.typeModel,
    serial_num: sys.serial,
    ipaddr: sys.ipaddr,
    ipaddr_secondary: '',
    state,
    detailed_state: 'None',
    sys_time: formatSysTime(new Date()),
    power_off_policy: '1',
    active_lpar_mobility_capable: '1',
    inactive_lpar_mobility_capable: '1',
    max_lpars: '1000',
    service_lpar_id: service ? String(service.id) : 'none',
    service_lpar_name: service ? service.name : 'none',
    curr_configured_max_lpars: '1000',
    lpar_proc_compat_modes: ['default', 'POWER8', 'POWER9_base', 'POWER9'],
    installed_sys_mem: String(sys.memoryMB),
    installed_sys_proc_units: String(sys.procUnits),
    description: '',
  };
  return { pairs: SYS_ATTRS.map((k) => [k, values[k] ?? ''] as [string, AttrValue]), extra: { uuid: uuidOf(`${sys.typeModel}*${sys.serial}`) } };
}

/** `MM/DD/YYYY HH:MM:SS`, the HMC's time format. */
export function formatSysTime(d: Date): string {
  const p2 = (n: number) => String(n).padStart(2, '0');
  return `${p2(d.getMonth() + 1)}/${p2(d.getDate())}/${d.getFullYear()} ${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())}`;
}
