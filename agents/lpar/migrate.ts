/**
 * migrate (`hagrp -migrate GROUP -to SYSTEM`): live partition mobility to the
 * managed system of the target cluster system, with the profile handling the
 * seed's procedure "To migrate the managed LPAR without ProfileFile support"
 * asks an administrator to do by hand:
 *
 * 1. back up the partition's definition on the source (LPM deletes it there);
 * 2. rename the partition defined on the destination out of the way (LPM
 *    validation fails on a same-named partition);
 * 3. `migrlpar -o v`, then `migrlpar -o m`, bounded by MigrateTimeout (a
 *    migration still running at the deadline is stopped with `migrlpar -o s`,
 *    a failed one recovered with `migrlpar -o r`);
 * 4. success: restore the source definition from the backup (unless
 *    RemoveProfileOnOffline with a ProfileFile says it should not be there)
 *    and remove the renamed one on the destination; failure: rename the
 *    destination's back. The partition then runs where it was.
 */
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { mkdirSync, rmSync } from 'node:fs';
import { writeFileAtomic } from '../../framework/fs.js';
import { SshError, VcsPowervmError } from '../../framework/errors.js';
import * as cmd from './hmc/commands.js';
import { partitionRecord, partitionState, partitionsOf, profileRecord } from './hmc/queries.js';
import { partitionName } from './names.js';
import { viosMappingsOf } from './export.js';
import { generateProfileFile, parseProfileFile } from './profile-file.js';
import { completeFromProfileFile } from './provision.js';
import { physicalServerOf, type Lpar } from './resource.js';

const fail = (l: Lpar, detail: string) => new VcsPowervmError('VCSPVM_LPAR', { lpar: l.name, detail });

/** The name the destination's own definition is given while the migration runs (47 characters at most). */
export function parkedName(lpar: string): string {
  const suffix = '_vcsmig';
  return partitionName(`${lpar.slice(0, 47 - suffix.length)}${suffix}`, 'parked partition name');
}

export async function migrate(l: Lpar, targetHost: string): Promise<number> {
  const log = l.ctx.log;
  const target = await physicalServerOf(l.ctx, targetHost, true);
  if (target === l.system) throw fail(l, `system ${targetHost} is on the same managed system ${l.system}: nothing to migrate`);

  const source = await partitionsOf(l.hmc, l.system);
  const me = source.find((p) => p.name === l.name);
  if (!me) throw fail(l, `it is not defined on ${l.system}`);
  if (me.state !== 'Running' && me.state !== 'Not Activated') throw fail(l, `it is ${me.state} on ${l.system}: only Running or Not Activated partitions migrate`);

  // 1. Back up the source definition (partition and profile, as a ProfileFile would hold them).
  const record = await partitionRecord(l.hmc, l.system, l.name);
  const profileName = me.currProfile || me.defaultProfile;
  const profile = record && profileName ? await profileRecord(l.hmc, l.system, l.name, profileName) : undefined;
  if (!record || !profile) throw fail(l, `cannot read its definition on ${l.system} to back it up`);
  // With its VIOS mappings: LPM removes them from the source, and a definition restored without them would not boot.
  const { mappings } = await viosMappingsOf(l, profile, source);
  const backupText = generateProfileFile({ partition: record, profile, mappings, source: { system: l.system, hmc: l.hmc.hmc ?? '?', when: new Date() } });
  const backupDir = join(l.ctx.vcs.log, 'tmp', 'LPAR');
  const backupPath = join(backupDir, `${encodeURIComponent(l.name)}@${encodeURIComponent(l.system)}.premigrate.cfg`);
  mkdirSync(backupDir, { recursive: true, mode: 0o700 });
  writeFileAtomic(backupPath, backupText, { mode: 0o600 });
  log.notice({ msgId: 19946 }, 'backed up the definition of %s on %s to %s', l.name, l.system, backupPath);

  // 2. The destination's own definition of the partition, parked under another name.
  const destination = await partitionsOf(l.hmc, target);
  const theirs = destination.find((p) => p.name === l.name);
  const parked = parkedName(l.name);
  if (theirs) {
    if (theirs.state !== 'Not Activated') throw fail(l, `it is ${theirs.state} on the destination ${target}: not migrating onto it`);
    if (destination.some((p) => p.name === parked)) throw fail(l, `${parked} already exists on ${target} (left by an earlier migration?): remove or rename it first`);
    log.notice({ msgId: 16561 }, 'renaming %s on %s to %s for the migration', l.name, target, parked);
    await l.hmc.check(cmd.renamePartition(target, l.name, parked));
  }
  const unpark = async () => {
    if (!theirs) return;
    try {
      await l.hmc.check(cmd.renamePartition(target, parked, l.name));
      log.notice({ msgId: 11555 }, 'renamed %s on %s back to %s', parked, target, l.name);
    } catch (e) {
      log.error({ msgId: 15401 }, 'could not rename %s on %s back to %s: %s', parked, target, l.name, e instanceof Error ? e.message : String(e));
    }
  };

  // 3. Validate, then migrate.
  try {
    log.notice({ msgId: 37225 }, 'validating the migration of %s from %s to %s (migrlpar -o v)', l.name, l.system, target);
    await l.hmc.check(cmd.migrate('v', l.system, target, l.name), { timeoutMs: l.hmc.remaining() });
    log.notice({ msgId: 63138 }, 'migrating %s from %s to %s (migrlpar -o m)', l.name, l.system, target);
    await runMigration(l, target);
  } catch (e) {
    await unpark();
    rmSync(backupPath, { force: true });
    throw e;
  }

  // 4. Success: the partition runs on the destination.
  log.notice({ msgId: 19663 }, '%s migrated from %s to %s', l.name, l.system, target);
  if (theirs) {
    try {
      await l.hmc.check(cmd.removePartition(target, parked));
      log.notice({ msgId: 28061 }, 'removed the parked definition %s on %s', parked, target);
    } catch (e) {
      log.error({ msgId: 8982 }, 'could not remove %s on %s: %s', parked, target, e instanceof Error ? e.message : String(e));
    }
  }
  if (l.profileFile && l.removeOnOffline) {
    log.info({ msgId: 7929 }, '%s is not restored on %s: RemoveProfileOnOffline with ProfileFile creates it when it comes back', l.name, l.system);
    rmSync(backupPath, { force: true });
  } else {
    try {
      const data = parseProfileFile(backupText, backupPath);
      await completeFromProfileFile(l, data, await partitionsOf(l.hmc, l.system), undefined, false, backupPath);
      log.notice({ msgId: 47055 }, 'restored the definition of %s on %s (Not Activated), with its VIOS side, for a later failback', l.name, l.system);
      rmSync(backupPath, { force: true });
    } catch (e) {
      log.error({ msgId: 17705 }, 'could not restore the definition of %s on %s: %s; the backup stays in %s', l.name, l.system, e instanceof Error ? e.message : String(e), backupPath);
    }
  }
  return 0;
}

/**
 * `migrlpar -o m` blocks until the migration ends. If it does not end before
 * the deadline, the migration is stopped; a failed one is recovered. Either
 * way an error is thrown after the partition is back on its source. When the
 * SSH session that runs it is lost (the HMC went down), the migration goes
 * on in the managed systems: it is followed through the next HMC, never
 * stopped for that.
 */
async function runMigration(l: Lpar, target: string): Promise<void> {
  const log = l.ctx.log;
  const argv = cmd.migrate('m', l.system, target, l.name);
  const budget = l.hmc.remaining() - 15_000;
  const started = Date.now();
  let r;
  try {
    r = await l.hmc.run(argv, { timeoutMs: Math.max(5_000, budget) });
  } catch (e) {
    if (!(e instanceof SshError)) throw e;
    const timedOut = e.code === 'VCSPVM_SSH_TIMEOUT' && Date.now() - started >= Math.max(5_000, budget) - 1_000;
    if (timedOut) {
      log.error({ msgId: 37443 }, 'migration of %s did not finish within MigrateTimeout (%s): stopping it', l.name, e.message);
      await stopAndRecover(l);
      throw fail(l, `migration to ${target} did not finish in time; stopped, it stays on ${l.system}`);
    }
    log.warn({ msgId: 49505 }, 'the session running migrlpar -o m was lost (%s): the migration goes on in the managed systems; following it through the next HMC', e.message);
    return followMigration(l, target);
  }
  if (r.code === 0) return;
  const detail = r.stdout.trim().split('\n')[0] ?? '';
  log.error({ msgId: 47663 }, 'migration of %s to %s failed on HMC %s: %s', l.name, target, r.hmc, detail);
  await stopAndRecover(l);
  throw fail(l, `migration to ${target} failed (${detail}); it stays on ${l.system}`);
}

/** Polls where the partition is (any HMC that answers) until the migration has ended, one way or the other. */
async function followMigration(l: Lpar, target: string): Promise<void> {
  const log = l.ctx.log;
  for (;;) {
    let here: string | undefined;
    let there: string | undefined;
    try {
      here = await partitionState(l.hmc, l.system, l.name);
      there = await partitionState(l.hmc, target, l.name);
    } catch (e) {
      if (!(e instanceof SshError)) throw e;
      log.warn({ msgId: 49215 }, 'no HMC answers while following the migration of %s: %s', l.name, e.message);
    }
    const migrating = (s: string | undefined) => s !== undefined && s.startsWith('Migrating');
    if (here !== undefined || there !== undefined) {
      if (here === undefined && there !== undefined && !migrating(there)) {
        log.notice({ msgId: 48336 }, 'followed through HMC %s: %s is %s on %s', l.hmc.hmc ?? '?', l.name, there, target);
        return;
      }
      if (here !== undefined && !migrating(here) && !migrating(there)) {
        throw fail(l, `the migration to ${target} ended without moving it (followed through HMC ${l.hmc.hmc ?? '?'}: ${here} on ${l.system}); it stays on ${l.system}`);
      }
    }
    if (l.hmc.remaining() < 15_000) {
      log.error({ msgId: 59048 }, 'migration of %s still under way as MigrateTimeout nears: stopping it', l.name);
      await stopAndRecover(l);
      throw fail(l, `migration to ${target} did not finish in time; stopped, it stays on ${l.system}`);
    }
    await sleep(2_000, undefined, l.ctx.signal ? { signal: l.ctx.signal } : undefined);
  }
}

async function stopAndRecover(l: Lpar): Promise<void> {
  const log = l.ctx.log;
  const stop = await l.hmc.run(cmd.migrationControl('s', l.system, l.name));
  if (stop.code === 0) log.notice({ msgId: 64688 }, 'stopped the migration of %s (migrlpar -o s)', l.name);
  const state = await partitionState(l.hmc, l.system, l.name);
  if (state === undefined || state.startsWith('Migrating')) {
    const rec = await l.hmc.run(cmd.migrationControl('r', l.system, l.name));
    if (rec.code === 0) log.notice({ msgId: 12734 }, 'recovered %s on %s (migrlpar -o r)', l.name, l.system);
    else log.error({ msgId: 3398 }, 'recovery of %s failed (%s): administrator action needed (migrlpar -o r -m %s -p %s)', l.name, rec.stdout.trim().split('\n')[0], l.system, l.name);
  }
}

