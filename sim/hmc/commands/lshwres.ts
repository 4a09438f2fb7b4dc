/**
 * lshwres -r virtualio --rsubtype {scsi | fc | eth | serial | slot} --level lpar -m SYS [--filter ...] [-F ...] [--header]
 * lshwres -r virtualio --rsubtype vswitch -m SYS
 * lshwres -r {mem | proc} --level {lpar | sys} -m SYS
 *
 * Rows follow the V7/V11 captures in hmc-facts §4.3; `state` is 1 while the
 * partition is active.
 */
import { fail, msg } from '../hscl.js';
import { ACTIVE_STATES, type AttrValue, type Partition } from '../model.js';
import { filterOf, listing, parseOptions, selectLpars, type CommandContext, type CommandResult, type Row } from './common.js';

const SPEC = { '-r': 'value', '--rsubtype': 'value', '--level': 'value', '-m': 'value', '--filter': 'value', '-F': 'optional', '--header': 'flag' } as const;

type Pairs = Array<[string, AttrValue]>;

const remote = (id: number | null, name: string, slot: number | null, side: string): Pairs => [
  ['remote_lpar_id', id === null ? (side === 'server' ? 'any' : '') : String(id)],
  ['remote_lpar_name', name],
  ['remote_slot_num', slot === null ? (side === 'server' ? 'any' : '') : String(slot)],
];

function rowsFor(p: Partition, subtype: string): Pairs[] {
  const head = (slot: number): Pairs => [
    ['lpar_name', p.name],
    ['lpar_id', String(p.id)],
    ['slot_num', String(slot)],
  ];
  const state = ACTIVE_STATES.has(p.state) ? '1' : '0';
  switch (subtype) {
    case 'scsi':
      return p.current.scsi.map((a) => [...head(a.slot), ['state', state], ['is_required', a.required ? '1' : '0'], ['adapter_type', a.type], ...remote(a.remoteId, a.remoteName, a.remoteSlot, a.type)]);
    case 'fc':
      return p.current.fc.map((a) => {
        const pairs: Pairs = [...head(a.slot), ['adapter_type', a.type], ['state', state], ['is_required', a.required ? '1' : '0'], ...remote(a.remoteId, a.remoteName, a.remoteSlot, a.type)];
        if (a.type === 'client') pairs.push(['wwpns', a.wwpns]);
        return pairs;
      });
    case 'eth':
      return p.current.eth.map((a) => {
        const pairs: Pairs = [...head(a.slot), ['state', state], ['is_required', a.required ? '1' : '0'], ['is_trunk', a.trunkPriority ? '1' : '0']];
        if (a.trunkPriority) pairs.push(['trunk_priority', String(a.trunkPriority)]);
        pairs.push(
          ['ieee_virtual_eth', a.ieee ? '1' : '0'],
          ['port_vlan_id', String(a.portVlanId)],
          ['vswitch', a.vswitch],
          ['addl_vlan_ids', a.addlVlanIds.length ? a.addlVlanIds.map(String) : ''],
          ['mac_addr', a.mac],
          ['allowed_os_mac_addrs', a.allowedOsMacs],
          ['qos_priority', a.qos],
        );
        return pairs;
      });
    case 'serial':
      return p.current.serial.map((a) => [
        ...head(a.slot),
        ['state', state],
        ['is_required', a.required ? '1' : '0'],
        ['adapter_type', a.type],
        ['supports_hmc', a.supportsHmc ? '1' : '0'],
        ...remote(a.remoteId, a.remoteName, a.remoteSlot, 'server'),
      ]);
    default:
      return [];
  }
}

const FIELDS: Record<string, string[]> = {
  scsi: ['lpar_name', 'lpar_id', 'slot_num', 'state', 'is_required', 'adapter_type', 'remote_lpar_id', 'remote_lpar_name', 'remote_slot_num'],
  fc: ['lpar_name', 'lpar_id', 'slot_num', 'adapter_type', 'state', 'is_required', 'remote_lpar_id', 'remote_lpar_name', 'remote_slot_num', 'wwpns'],
  eth: ['lpar_name', 'lpar_id', 'slot_num', 'state', 'is_required', 'is_trunk', 'trunk_priority', 'ieee_virtual_eth', 'port_vlan_id', 'vswitch', 'addl_vlan_ids', 'mac_addr', 'allowed_os_mac_addrs', 'qos_priority'],
  serial: ['lpar_name', 'lpar_id', 'slot_num', 'state', 'is_required', 'adapter_type', 'supports_hmc', 'remote_lpar_id', 'remote_lpar_name', 'remote_slot_num'],
  slot: ['lpar_name', 'lpar_id', 'curr_max_virtual_slots', 'pend_max_virtual_slots', 'next_avail_virtual_slot'],
  vswitch: ['vswitch', 'switch_mode', 'vlan_ids'],
  memlpar: ['lpar_name', 'lpar_id', 'curr_min_mem', 'curr_mem', 'curr_max_mem', 'run_mem'],
  memsys: ['installed_sys_mem', 'configurable_sys_mem', 'curr_avail_sys_mem', 'mem_region_size'],
  proclpar: ['lpar_name', 'lpar_id', 'curr_proc_mode', 'curr_procs', 'curr_proc_units', 'run_procs', 'run_proc_units'],
  procsys: ['installed_sys_proc_units', 'configurable_sys_proc_units', 'curr_avail_sys_proc_units'],
};

export function lshwres(ctx: CommandContext): CommandResult {
  const { world } = ctx;
  const opts = parseOptions(ctx.args, SPEC);
  const res = opts.choice('-r', ['virtualio', 'mem', 'proc', 'io'] as const)!;
  const sys = world.requireSystem(opts.need('-m'));
  world.requireConnected(sys, ctx.hmcName);
  const known = (key: string) => new Set(FIELDS[key]);
  if (res === 'io') return listing([], opts, new Set(['drc_index', 'description', 'lpar_name', 'lpar_id', 'unit_phys_loc', 'phys_loc']));
  if (res === 'mem' || res === 'proc') {
    const level = opts.choice('--level', ['lpar', 'sys'] as const)!;
    if (level === 'sys') {
      const avail = world.available(sys);
      const row: Row =
        res === 'mem'
          ? { pairs: [['installed_sys_mem', String(sys.memoryMB)], ['configurable_sys_mem', String(sys.memoryMB)], ['curr_avail_sys_mem', String(avail.mem)], ['mem_region_size', '256']] }
          : { pairs: [['installed_sys_proc_units', String(sys.procUnits)], ['configurable_sys_proc_units', String(sys.procUnits)], ['curr_avail_sys_proc_units', String(avail.procUnits)]] };
      return listing([row], opts, known(`${res}sys`));
    }
    const lpars = selectLpars(sys, filterOf(opts, ['lpar_names', 'lpar_ids'])).filter((p) => !p.migrationTarget);
    const rows = lpars.map((p): Row => {
      const prof = p.profiles.find((pr) => pr.name === p.currProfile) ?? p.profiles[0];
      const g = (k: string) => String(prof?.attrs.get(k) ?? '0');
      const on = !!p.allocated;
      if (res === 'mem') {
        return { pairs: [['lpar_name', p.name], ['lpar_id', String(p.id)], ['curr_min_mem', g('min_mem')], ['curr_mem', on ? String(p.allocated!.mem) : '0'], ['curr_max_mem', g('max_mem')], ['run_mem', on ? String(p.allocated!.mem) : '0']] };
      }
      const shared = g('proc_mode') === 'shared';
      return {
        pairs: [
          ['lpar_name', p.name],
          ['lpar_id', String(p.id)],
          ['curr_proc_mode', shared ? 'shared' : 'ded'],
          ['curr_procs', g('desired_procs')],
          ['curr_proc_units', shared ? String(on ? p.allocated!.procUnits : g('desired_proc_units')) : ''],
          ['run_procs', on ? g('desired_procs') : '0'],
          ['run_proc_units', shared && on ? String(p.allocated!.procUnits) : '0.0'],
        ],
      };
    });
    return listing(rows, opts, known(`${res}lpar`));
  }
  const subtype = opts.choice('--rsubtype', ['scsi', 'fc', 'eth', 'serial', 'slot', 'vswitch'] as const)!;
  if (subtype === 'vswitch') {
    const vlans = new Set<number>();
    for (const p of sys.partitions) for (const a of p.current.eth) for (const v of [a.portVlanId, ...a.addlVlanIds]) vlans.add(v);
    const row: Row = { pairs: [['vswitch', 'ETHERNET0'], ['switch_mode', 'VEB'], ['vlan_ids', [...vlans].sort((a, b) => a - b).map(String)]] };
    return listing([row], opts, known('vswitch'));
  }
  const level = opts.get('--level');
  if (level !== 'lpar') fail(msg.missingParam(['--level']));
  const lpars = selectLpars(sys, filterOf(opts, ['lpar_names', 'lpar_ids'])).filter((p) => !p.migrationTarget);
  if (subtype === 'slot') {
    const rows = lpars.map((p): Row => ({
      pairs: [
        ['lpar_name', p.name],
        ['lpar_id', String(p.id)],
        ['curr_max_virtual_slots', String(world.maxSlots(p))],
        ['pend_max_virtual_slots', String(world.maxSlots(p))],
        ['next_avail_virtual_slot', String(world.freeSlot(p))],
      ],
    }));
    return listing(rows, opts, known('slot'));
  }
  const rows = lpars.flatMap((p) => rowsFor(p, subtype)).map((pairs): Row => ({ pairs }));
  return listing(rows, opts, known(subtype));
}
