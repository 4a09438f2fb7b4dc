/**
 * Action `profile-export` (`hares -action RES profile-export [-actionargs PROFILE] -sys SYSTEM`):
 * the seed's "To create the profile file for an LPAR", automated for the
 * system it runs on:
 *
 * 1. `lssyscfg -r lpar -m SYS --filter lpar_names=L` → the partition fields;
 * 2. `lssyscfg -r prof -m SYS --filter lpar_names=L,profile_names=P` (P: the
 *    action argument, else the default profile) → the profile fields, name → profile_name;
 * 3. the VIOS mappings of its client adapters (`lsmap` on each Running VIOS);
 * 4. written to this system's ProfileFile atomically, the previous file kept
 *    as FILE.previous.
 */
import { mkdirSync } from 'node:fs';
import { dirname, isAbsolute } from 'node:path';
import { writeFileAtomic } from '../../framework/fs.js';
import { VcsPowervmError } from '../../framework/errors.js';
import { parseAdapter } from './adapters.js';
import { partitionRecord, partitionsOf, profileRecord, viosFcMap, viosScsiMap, type PartitionRow } from './hmc/queries.js';
import { listItems } from './hmc/records.js';
import { profileName as checkProfile } from './names.js';
import { generateProfileFile, type ViosMapping } from './profile-file.js';
import type { Lpar } from './resource.js';

const fail = (l: Lpar, detail: string) => new VcsPowervmError('VCSPVM_LPAR', { lpar: l.name, detail });

export async function profileExport(l: Lpar, args: readonly string[]): Promise<string> {
  const log = l.ctx.log;
  if (!l.profileFile) {
    throw fail(l, `ProfileFile is not set for system ${l.ctx.system}: set where to write it first (hares -local ${l.ctx.resource} ProfileFile; hares -modify ${l.ctx.resource} ProfileFile /path -sys ${l.ctx.system})`);
  }
  if (!isAbsolute(l.profileFile)) throw fail(l, `ProfileFile ${l.profileFile} is not an absolute path`);
  if (args.length > 1) throw fail(l, `profile-export takes at most one argument, the profile name (got ${args.length})`);

  const record = await partitionRecord(l.hmc, l.system, l.name);
  if (!record) throw fail(l, `it is not defined on managed system ${l.system}: nothing to export`);
  const profile = args[0] !== undefined ? checkProfile(args[0], 'profile name') : record.get('default_profile') || record.get('curr_profile') || '';
  if (!profile) throw fail(l, `it has no default profile on ${l.system}: name the profile to export`);
  const prof = await profileRecord(l.hmc, l.system, l.name, profile);
  if (!prof) throw fail(l, `it has no profile ${profile} on ${l.system}`);

  const { mappings, skipped } = await viosMappingsOf(l, prof, await partitionsOf(l.hmc, l.system));
  for (const v of new Set(skipped)) log.warn({ msgId: 37660 }, 'VIOS %s is not Running: the mappings it holds for %s are not in the ProfileFile', v, l.name);

  const text = generateProfileFile({ partition: record, profile: prof, mappings, source: { system: l.system, hmc: l.hmc.hmc ?? '?', when: new Date() } });
  mkdirSync(dirname(l.profileFile), { recursive: true });
  const written = writeFileAtomic(l.profileFile, text, { mode: 0o644 });
  const msg = written
    ? `wrote ${l.profileFile}: partition ${l.name}, profile ${profile}, ${mappings.length} VIOS mapping(s), from ${l.system}${skipped.length ? ` (VIOS not Running: ${[...new Set(skipped)].join(', ')})` : ''}; the previous file, if any, is ${l.profileFile}.previous`
    : `${l.profileFile} is already up to date (partition ${l.name}, profile ${profile})`;
  log.notice({ msgId: 38800 }, '%s', msg);
  return `${msg}\n`;
}

/**
 * The VIOS mappings of a profile's client adapters, as `vios_mapping` lines
 * hold them: for each client vSCSI adapter the disks its server adapter maps
 * (`lsmap -all`), for each client vFC adapter its port (`lsmap -all -npiv`),
 * on each Running VIOS; the VIOS that are not Running are listed apart.
 */
export async function viosMappingsOf(l: Lpar, prof: ReadonlyMap<string, string>, partitions: readonly PartitionRow[]): Promise<{ mappings: ViosMapping[]; skipped: string[] }> {
  const running = new Set(partitions.filter((p) => p.env === 'vioserver' && p.state === 'Running').map((p) => p.name));
  const mappings: ViosMapping[] = [];
  const scsiMaps = new Map<string, Awaited<ReturnType<typeof viosScsiMap>>>();
  const fcMaps = new Map<string, Awaited<ReturnType<typeof viosFcMap>>>();
  const skipped: string[] = [];
  for (const [attr, kind] of [['virtual_scsi_adapters', 'scsi'], ['virtual_fc_adapters', 'fc']] as const) {
    for (const item of listItems(prof.get(attr) ?? '')) {
      const a = parseAdapter(kind, item);
      if (a.side !== 'client' || a.remoteSlot === undefined) continue;
      const vios = a.remoteName ?? partitions.find((p) => p.id === a.remoteId && p.env === 'vioserver')?.name;
      if (!vios) continue;
      if (!running.has(vios)) {
        skipped.push(vios);
        continue;
      }
      if (kind === 'scsi') {
        if (!scsiMaps.has(vios)) scsiMaps.set(vios, await viosScsiMap(l.hmc, l.system, vios));
        const vhost = scsiMaps.get(vios)!.find((v) => v.slot === a.remoteSlot);
        for (const vtd of vhost?.vtds ?? []) {
          if (vtd.backing) mappings.push({ kind: 'scsi', vios, slot: a.remoteSlot, device: vtd.backing, vtd: vtd.name || undefined });
        }
      } else {
        if (!fcMaps.has(vios)) fcMaps.set(vios, await viosFcMap(l.hmc, l.system, vios));
        const vfc = fcMaps.get(vios)!.find((v) => v.slot === a.remoteSlot);
        if (vfc && vfc.port) mappings.push({ kind: 'fc', vios, slot: a.remoteSlot, port: vfc.port });
      }
    }
  }
  return { mappings, skipped: [...new Set(skipped)] };
}
