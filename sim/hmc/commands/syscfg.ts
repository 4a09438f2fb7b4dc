/**
 * Configuration changes shared by mksyscfg and chsyscfg: a partition from a
 * `-r lpar` record (partition-level keys and profile keys in one record, the
 * seed's ProfileFile format, where keys such as auto_start may appear twice:
 * the last one wins), profiles from `-r prof` records, and changes to both.
 */
import { formatEth, formatFc, formatScsi, formatSerial } from '../adapters.js';
import type { AttrField } from '../attrs.js';
import { fail, msg } from '../hscl.js';
import { LPAR_SETTABLE_DEFAULTS, MKSYSCFG_LPAR_KEYS, type AttrValue, type LparEnv, type ManagedSystem, type Partition, type Profile } from '../model.js';
import { applyFields, buildProfile, ioFromProfile, isListAttr, isProfileAttr } from '../profiles.js';
import { checkName } from '../names.js';
import { newPartition } from '../partitions.js';
import { syncViosDevices } from '../vios/devices.js';
import type { World } from '../world.js';

function single(fields: AttrField[], key: string): string | undefined {
  let v: string | undefined;
  for (const f of fields) if (f.name === key) v = f.value;
  return v;
}

/** The keys that are lists in either a partition or a profile. */
function isList(name: string): boolean {
  return isListAttr(name);
}

/** `mksyscfg -r lpar`: creates the partition and its first profile, Not Activated. */
export function createLpar(world: World, sys: ManagedSystem, fields: AttrField[]): Partition {
  const name = single(fields, 'name');
  const env = single(fields, 'lpar_env');
  const profileName = single(fields, 'profile_name');
  const missing = [name === undefined && 'name', env === undefined && 'lpar_env', profileName === undefined && 'profile_name'].filter((x): x is string => !!x);
  if (missing.length) fail(msg.missingAttrs(missing));
  checkName('name', name!);
  if (env !== 'aixlinux' && env !== 'vioserver') fail(msg.badValue('lpar_env', env!, 'expected aixlinux or vioserver'));
  if (world.findLpar(sys, name!)) fail(msg.lparExists(name!, sys.name));
  const idText = single(fields, 'lpar_id');
  let id: number;
  if (idText !== undefined) {
    if (!/^\d+$/.test(idText) || Number(idText) < 1 || Number(idText) > 1000) fail(msg.badValue('lpar_id', idText, 'expected 1 to 1000'));
    id = Number(idText);
    if (sys.partitions.some((p) => p.id === id)) fail(msg.lparIdInUse(id, sys.name));
  } else {
    id = world.nextFreeId(sys);
  }
  const lparValues = new Map<string, AttrValue>();
  const profValues = new Map<string, AttrValue>();
  for (const f of fields) {
    const isLparKey = MKSYSCFG_LPAR_KEYS.has(f.name);
    const isProfKey = isProfileAttr(f.name);
    if (!isLparKey && !isProfKey) fail(msg.invalidAttr(f.name));
    // redundant_err_path_reporting in a -r lpar record is the partition's (the profile keeps its own, as the seed's lpar05 shows).
    if (isProfKey && !(isLparKey && f.name === 'redundant_err_path_reporting')) applyFields(profValues, [f], isList);
    if (isLparKey && !['name', 'lpar_id', 'lpar_env', 'profile_name'].includes(f.name)) applyFields(lparValues, [f], () => false);
  }
  checkName('profile_name', profileName!);
  const profile = buildProfile(profileName!, profValues, env, true);
  const p = newPartition({ name: name!, id, env });
  for (const [k, v] of lparValues) setLparAttr(p, k, String(v));
  p.profiles = [profile];
  p.defaultProfile = p.currProfile = profile.name;
  p.current = ioFromProfile(profile, (slot) => world.mac(sys, p, slot));
  syncViosDevices(p);
  sys.partitions.push(p);
  return p;
}

function setLparAttr(p: Partition, key: string, value: string): void {
  if (!(key in LPAR_SETTABLE_DEFAULTS)) fail(msg.invalidAttr(key));
  const enums: Record<string, string[]> = {
    auto_start: ['0', '1'],
    boot_mode: ['norm', 'dd', 'ds', 'of', 'sms'],
    lpar_keylock: ['manual', 'norm'],
    msp: ['0', '1'],
    migration_disabled: ['0', '1'],
    suspend_capable: ['0', '1'],
    remote_restart_capable: ['0', '1'],
    allow_perf_collection: ['0', '1'],
    shared_proc_pool_util_auth: ['0', '1'],
    redundant_err_path_reporting: ['0', '1'],
    time_ref: ['0', '1'],
  };
  const allowed = enums[key];
  if (allowed && !allowed.includes(value)) fail(msg.badValue(key, value, `expected one of ${allowed.join(', ')}`));
  if (key === 'lpar_avail_priority' && !(/^\d+$/.test(value) && Number(value) <= 255)) fail(msg.badValue(key, value, 'expected 0 to 255'));
  p.attrs.set(key, value);
}

/** The partition a `-r prof` / `-r lpar` change record names (lpar_name or lpar_id). */
function recordLpar(world: World, sys: ManagedSystem, fields: AttrField[], nameKey: 'lpar_name' | 'name', idKey: 'lpar_id'): Partition {
  const name = single(fields, nameKey);
  const id = single(fields, idKey);
  if (name !== undefined) return world.requireLpar(sys, name);
  if (id !== undefined) return world.requireLparById(sys, Number(id));
  return fail(msg.missingAttrs([`${nameKey} or ${idKey}`]));
}

/** `mksyscfg -r prof`: a new profile for an existing partition. */
export function createProfile(world: World, sys: ManagedSystem, fields: AttrField[]): Profile {
  const p = recordLpar(world, sys, fields, 'lpar_name', 'lpar_id');
  const name = single(fields, 'name') ?? fail(msg.missingAttrs(['name']));
  checkName('name', name);
  if (p.profiles.some((pr) => pr.name === name)) fail(msg.profileExists(name, p.name));
  const values = new Map<string, AttrValue>();
  applyFields(values, fields.filter((f) => !['name', 'lpar_name', 'lpar_id'].includes(f.name)), isList);
  const profile = buildProfile(name, values, p.env, true);
  p.profiles.push(profile);
  return profile;
}

/** `chsyscfg -r prof`: changes (and with new_name renames) a profile. */
export function changeProfile(world: World, sys: ManagedSystem, fields: AttrField[]): void {
  const p = recordLpar(world, sys, fields, 'lpar_name', 'lpar_id');
  const name = single(fields, 'name') ?? fail(msg.missingAttrs(['name']));
  const prof = world.requireProfile(p, name);
  const newName = single(fields, 'new_name');
  if (newName !== undefined) checkName('new_name', newName);
  const values = new Map(prof.attrs);
  applyFields(values, fields.filter((f) => !['name', 'lpar_name', 'lpar_id', 'new_name'].includes(f.name)), isList);
  const rebuilt = buildProfile(newName ?? name, values, p.env, false);
  if (newName !== undefined && newName !== name && p.profiles.some((pr) => pr.name === newName)) fail(msg.profileExists(newName, p.name));
  prof.attrs = rebuilt.attrs;
  if (newName !== undefined && newName !== name) {
    prof.name = newName;
    if (p.defaultProfile === name) p.defaultProfile = newName;
    if (p.currProfile === name) p.currProfile = newName;
  }
}

/** `chsyscfg -r lpar`: partition-level attributes, new_name, default_profile, sync_curr_profile. */
export function changeLpar(world: World, sys: ManagedSystem, fields: AttrField[]): void {
  const p = recordLpar(world, sys, fields, 'name', 'lpar_id');
  for (const f of fields) {
    if (f.name === 'name' || f.name === 'lpar_id') continue;
    if (f.op !== '=') fail(msg.badRecord(`${f.name}${f.op} is only allowed for list attributes`));
    if (f.name === 'new_name') {
      checkName('new_name', f.value);
      if (f.value !== p.name && world.findLpar(sys, f.value)) fail(msg.lparExists(f.value, sys.name));
      p.name = f.value;
    } else if (f.name === 'default_profile') {
      world.requireProfile(p, f.value);
      p.defaultProfile = f.value;
    } else if (f.name === 'lpar_env') {
      fail(msg.badValue('lpar_env', f.value, 'the environment of a partition cannot be changed'));
    } else if (f.name === 'lpar_proc_compat_mode' || f.name === 'desired_lpar_proc_compat_mode') {
      p.attrs.set('desired_lpar_proc_compat_mode', f.value);
    } else {
      setLparAttr(p, f.name, f.value);
      if (f.name === 'sync_curr_profile' && f.value === '1') saveCurrent(p, p.currProfile, true);
    }
  }
}

/** `mksyscfg -o save`: the current configuration written to a profile. */
export function saveCurrent(p: Partition, profileName: string, force: boolean): void {
  checkName('-n', profileName);
  const existing = p.profiles.find((pr) => pr.name === profileName);
  if (existing && !force) fail(msg.profileExists(profileName, p.name));
  const base = existing ?? p.profiles.find((pr) => pr.name === p.currProfile) ?? p.profiles[0];
  const values = new Map<string, AttrValue>(base ? base.attrs : []);
  values.set('virtual_scsi_adapters', p.current.scsi.map(formatScsi));
  values.set('virtual_fc_adapters', p.current.fc.map(formatFc));
  values.set('virtual_eth_adapters', p.current.eth.map((a) => formatEth(a, true)));
  values.set('virtual_serial_adapters', p.current.serial.map(formatSerial));
  const prof = buildProfile(profileName, values, p.env, false);
  if (existing) existing.attrs = prof.attrs;
  else p.profiles.push(prof);
}

/** `chsyscfg -r lpar -o apply`: an inactive partition takes a profile as its current configuration. */
export function applyProfile(world: World, sys: ManagedSystem, p: Partition, profileName: string): void {
  const prof = world.requireProfile(p, profileName);
  if (p.state !== 'Not Activated') fail(msg.wrongState(p.name, p.state, 'apply profile'));
  p.currProfile = prof.name;
  p.current = ioFromProfile(prof, (slot) => world.mac(sys, p, slot));
  syncViosDevices(p);
}

export type { LparEnv };
