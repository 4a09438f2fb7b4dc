/**
 * Partition profiles: building one from attribute fields with the checks an
 * HMC makes (unknown attributes, enumerations, min <= desired <= max, adapter
 * syntax and slots), and listing profiles and partitions as HMC records.
 */
import {
  AdapterSyntaxError,
  canonicalAdapter,
  emptyIo,
  isAdapterAttr,
  parseEth,
  parseFc,
  parseScsi,
  parseSerial,
} from './adapters.js';
import type { AttrField } from './attrs.js';
import { fail, msg } from './hscl.js';
import {
  LIST_ATTRS,
  PROFILE_ATTRS,
  PROFILE_DEFAULTS,
  SHARED_PROC_ATTRS,
  type AttrValue,
  type LparEnv,
  type Profile,
  type VirtualIo,
} from './model.js';

const PROFILE_ATTR_SET: ReadonlySet<string> = new Set(PROFILE_ATTRS);

export function isProfileAttr(name: string): boolean {
  return PROFILE_ATTR_SET.has(name);
}

const ENUMS: Record<string, readonly string[]> = {
  all_resources: ['0', '1'],
  mem_mode: ['ded', 'shared'],
  proc_mode: ['ded', 'shared'],
  boot_mode: ['norm', 'dd', 'ds', 'of', 'sms'],
  conn_monitoring: ['0', '1'],
  auto_start: ['0', '1'],
};

const SHARING_MODES: Record<string, readonly string[]> = {
  ded: ['keep_idle_procs', 'share_idle_procs', 'share_idle_procs_active', 'share_idle_procs_always'],
  shared: ['cap', 'uncap'],
};

const INT_ATTRS = ['min_mem', 'desired_mem', 'max_mem', 'min_procs', 'desired_procs', 'max_procs', 'max_virtual_slots', 'uncap_weight', 'bsr_arrays'];
const UNIT_ATTRS = ['min_proc_units', 'desired_proc_units', 'max_proc_units'];

/** Applies `=`, `+=` and `-=` fields to a set of values. */
export function applyFields(target: Map<string, AttrValue>, fields: AttrField[], isList: (name: string) => boolean): void {
  for (const f of fields) {
    if (!isList(f.name)) {
      if (f.op !== '=') fail(msg.badRecord(`${f.name}${f.op} is only allowed for list attributes`));
      target.set(f.name, f.value);
      continue;
    }
    const current = target.get(f.name);
    const list = Array.isArray(current) ? [...current] : [];
    if (f.op === '=') target.set(f.name, f.items);
    else if (f.op === '+=') target.set(f.name, [...list, ...f.items]);
    else target.set(f.name, list.filter((item) => !f.items.some((r) => sameListItem(f.name, item, r))));
  }
}

/** `-=` removes an adapter by its slot (what the HMC matches on), other items by text. */
function sameListItem(attr: string, a: string, b: string): boolean {
  if (isAdapterAttr(attr)) return a.split('/')[0] === b.split('/')[0];
  return a === b;
}

export function isListAttr(name: string): boolean {
  return LIST_ATTRS.has(name);
}

function num(attr: string, v: AttrValue, re: RegExp): number {
  const s = String(v);
  if (!re.test(s)) fail(msg.badValue(attr, s, 'not a number'));
  return Number(s);
}

/**
 * Validates a profile's attributes and fills in defaults. `given` holds only
 * profile attributes (callers route partition-level keys elsewhere).
 * With all_resources=0 the memory and processor attributes are required.
 */
export function buildProfile(name: string, given: Map<string, AttrValue>, env: LparEnv, requireResources: boolean): Profile {
  for (const key of given.keys()) if (!PROFILE_ATTR_SET.has(key)) fail(msg.invalidAttr(key));
  if (!/^[^,"=/\s][^,"=]{0,46}$/.test(name)) fail(msg.badValue('profile_name', name, 'a profile name is 1 to 47 characters without commas, quotes or equal signs'));

  const allResources = String(given.get('all_resources') ?? '0') === '1';
  if (requireResources && !allResources) {
    const procMode = String(given.get('proc_mode') ?? 'ded');
    const required = ['min_mem', 'desired_mem', 'max_mem', 'min_procs', 'desired_procs', 'max_procs'];
    if (procMode === 'shared') required.push('min_proc_units', 'desired_proc_units', 'max_proc_units');
    const missing = required.filter((k) => !given.has(k));
    if (!given.has('proc_mode')) missing.unshift('proc_mode');
    if (missing.length) fail(msg.missingAttrs(missing));
  }

  const attrs = new Map<string, AttrValue>();
  for (const key of PROFILE_ATTRS) {
    const v = given.get(key) ?? PROFILE_DEFAULTS[key]!;
    attrs.set(key, Array.isArray(v) ? [...v] : v);
  }
  if (!given.has('sharing_mode')) attrs.set('sharing_mode', attrs.get('proc_mode') === 'ded' ? 'keep_idle_procs' : 'uncap');
  if (env === 'vioserver' && !given.has('virtual_serial_adapters')) attrs.set('virtual_serial_adapters', ['0/server/1/any//any/1', '1/server/1/any//any/1']);

  for (const [key, allowed] of Object.entries(ENUMS)) {
    const v = String(attrs.get(key));
    if (!allowed.includes(v)) fail(msg.badValue(key, v, `expected one of ${allowed.join(', ')}`));
  }
  const procMode = String(attrs.get('proc_mode'));
  const sharing = String(attrs.get('sharing_mode'));
  if (!SHARING_MODES[procMode]!.includes(sharing)) fail(msg.badValue('sharing_mode', sharing, `expected one of ${SHARING_MODES[procMode]!.join(', ')} for proc_mode=${procMode}`));

  for (const key of [...LIST_ATTRS]) {
    const v = attrs.get(key);
    if (typeof v === 'string') attrs.set(key, v === 'none' || v === '' ? [] : [v]);
  }
  for (const key of INT_ATTRS) num(key, attrs.get(key)!, /^\d+$/);
  for (const key of UNIT_ATTRS) num(key, attrs.get(key)!, /^\d+(\.\d+)?$/);
  const n = (k: string) => Number(attrs.get(k));
  if (!(n('min_mem') <= n('desired_mem') && n('desired_mem') <= n('max_mem'))) fail(msg.badValue('desired_mem', String(attrs.get('desired_mem')), 'min_mem <= desired_mem <= max_mem is required'));
  if (!(n('min_procs') >= 1 && n('min_procs') <= n('desired_procs') && n('desired_procs') <= n('max_procs'))) {
    fail(msg.badValue('desired_procs', String(attrs.get('desired_procs')), '1 <= min_procs <= desired_procs <= max_procs is required'));
  }
  if (procMode === 'shared') {
    const ok =
      n('min_proc_units') <= n('desired_proc_units') &&
      n('desired_proc_units') <= n('max_proc_units') &&
      n('desired_proc_units') <= n('desired_procs') &&
      n('desired_proc_units') >= 0.05 * n('desired_procs');
    if (!ok) fail(msg.procUnits());
  }
  const maxSlots = n('max_virtual_slots');
  if (maxSlots < 2 || maxSlots > 65535) fail(msg.badValue('max_virtual_slots', String(maxSlots), 'expected 2 to 65535'));

  const slots = new Set<number>();
  for (const key of ['virtual_serial_adapters', 'virtual_scsi_adapters', 'virtual_eth_adapters', 'virtual_fc_adapters'] as const) {
    const items = attrs.get(key) as string[];
    const canonical: string[] = [];
    for (const item of items) {
      let c: string;
      try {
        c = canonicalAdapter(key, item);
      } catch (e) {
        if (e instanceof AdapterSyntaxError) fail(msg.badValue(key, item, e.message));
        throw e;
      }
      const slot = Number(c.split('/')[0]);
      if (slots.has(slot)) fail(msg.badValue(key, item, `virtual slot ${slot} is used twice`));
      if (slot >= maxSlots) fail(msg.badValue(key, item, `virtual slot ${slot} is not below max_virtual_slots ${maxSlots}`));
      slots.add(slot);
      canonical.push(c);
    }
    attrs.set(key, canonical);
  }
  return { name, attrs };
}

/** The virtual I/O a partition gets when activated with this profile. */
export function ioFromProfile(profile: Profile, mac: (slot: number) => string): VirtualIo {
  const list = (k: string) => (profile.attrs.get(k) as string[] | undefined) ?? [];
  const io = emptyIo();
  io.scsi = list('virtual_scsi_adapters').map(parseScsi);
  io.fc = list('virtual_fc_adapters').map(parseFc);
  io.serial = list('virtual_serial_adapters').map(parseSerial);
  io.eth = list('virtual_eth_adapters').map((item) => {
    const a = parseEth(item);
    if (!a.mac) a.mac = mac(a.slot);
    return a;
  });
  return io;
}

/** The attribute pairs of `lssyscfg -r prof`, in HMC order. */
export function profilePairs(profile: Profile, lparName: string, lparId: number, env: LparEnv): Array<[string, AttrValue]> {
  const out: Array<[string, AttrValue]> = [
    ['name', profile.name],
    ['lpar_name', lparName],
    ['lpar_id', String(lparId)],
    ['lpar_env', env],
  ];
  const shared = profile.attrs.get('proc_mode') === 'shared';
  for (const key of PROFILE_ATTRS) {
    if (SHARED_PROC_ATTRS.has(key) && !shared) continue;
    if (key === 'boot_mode' && env === 'vioserver') continue;
    out.push([key, profile.attrs.get(key) ?? PROFILE_DEFAULTS[key]!]);
  }
  return out;
}

/** Every attribute name `-F` accepts for profiles. */
export const PROFILE_FIELD_NAMES: ReadonlySet<string> = new Set(['name', 'lpar_name', 'lpar_id', 'lpar_env', ...PROFILE_ATTRS]);
