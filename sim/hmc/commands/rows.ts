/** Managed systems, partitions and profiles as listing rows (attribute orders in model.ts). */
import { createHash } from 'node:crypto';
import { LPAR_ATTRS, LPAR_EXTRA_ATTRS, SYS_ATTRS, ACTIVE_STATES, type AttrValue, type ManagedSystem, type Partition, type Profile } from '../model.js';
import { PROFILE_FIELD_NAMES, profilePairs } from '../profiles.js';
import type { World } from '../world.js';
import type { Row } from './common.js';

export const LPAR_FIELDS: ReadonlySet<string> = new Set<string>([...LPAR_ATTRS, ...LPAR_EXTRA_ATTRS]);
export const SYS_FIELDS: ReadonlySet<string> = new Set<string>([...SYS_ATTRS, 'uuid']);
export const PROF_FIELDS = PROFILE_FIELD_NAMES;

export function uuidOf(text: string): string {
  const h = createHash('sha1').update(text).digest('hex').toUpperCase();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

export function rmcIpaddr(world: World, sys: ManagedSystem, p: Partition): string {
  const i = world.systems.indexOf(sys) + 1;
  return `10.${100 + (i % 150)}.${p.id >> 8}.${p.id & 255}`;
}

export function lparRow(world: World, sys: ManagedSystem, p: Partition): Row {
  const a = (k: string) => p.attrs.get(k) ?? '';
  const active = ACTIVE_STATES.has(p.state);
  const pairs: Array<[string, AttrValue]> = [];
  for (const key of LPAR_ATTRS) {
    switch (key) {
      case 'name':
        pairs.push([key, p.name]);
        break;
      case 'lpar_id':
        pairs.push([key, String(p.id)]);
        break;
      case 'lpar_env':
        pairs.push([key, p.env]);
        break;
      case 'state':
        pairs.push([key, world.effectiveState(sys, p)]);
        break;
      case 'resource_config':
        pairs.push([key, '1']);
        break;
      case 'os_version':
        pairs.push([key, p.osVersion]);
        break;
      case 'logical_serial_num':
        pairs.push([key, `${sys.serial}${p.id.toString(16).toUpperCase()}`]);
        break;
      case 'default_profile':
        pairs.push([key, p.defaultProfile]);
        break;
      case 'curr_profile':
        pairs.push([key, p.currProfile]);
        break;
      case 'boot_mode':
        if (p.env !== 'vioserver') pairs.push([key, a(key)]);
        break;
      case 'rmc_state':
        pairs.push([key, p.rmcState]);
        break;
      case 'rmc_ipaddr':
        pairs.push([key, rmcIpaddr(world, sys, p)]);
        break;
      case 'curr_lpar_proc_compat_mode':
        pairs.push([key, active ? 'POWER9' : 'default']);
        break;
      default:
        pairs.push([key, a(key)]);
    }
  }
  const extra: Record<string, AttrValue> = { uuid: uuidOf(`${sys.serial}/${p.name}/${p.id}`) };
  for (const key of LPAR_EXTRA_ATTRS) if (key !== 'uuid') extra[key] = a(key);
  return { pairs, extra };
}

export function profRow(p: Partition, prof: Profile): Row {
  return { pairs: profilePairs(prof, p.name, p.id, p.env) };
}

export function sysRow(world: World, sys: ManagedSystem): Row {
  const service = sys.partitions.find((p) => p.env === 'vioserver');
  const values: Record<string, AttrValue> = {
    name: sys.name,
    type_model: sys.typeModel,
    serial_num: sys.serial,
    ipaddr: sys.ipaddr,
    ipaddr_secondary: '',
    state: sys.state,
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
  void world;
  return { pairs: SYS_ATTRS.map((k) => [k, values[k] ?? ''] as [string, AttrValue]), extra: { uuid: uuidOf(`${sys.typeModel}*${sys.serial}`) } };
}

/** `MM/DD/YYYY HH:MM:SS`, the HMC's time format. */
export function formatSysTime(d: Date): string {
  const p2 = (n: number) => String(n).padStart(2, '0');
  return `${p2(d.getMonth() + 1)}/${p2(d.getDate())}/${d.getFullYear()} ${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())}`;
}
