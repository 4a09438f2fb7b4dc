/**
 * Act 6: the seed's "High availability and live migration" chapter, both
 * ways it names.
 *
 * - Through VCS (`hagrp -migrate G -to SYSTEM`): the migrate entry point on
 *   the node where the group runs does LPM on the HMC, with the profile
 *   handling the seed asks an administrator to do by hand; the partition is
 *   seen moving on the HMC; the source reports it gone (OFFLINE, migrated)
 *   and the engine finds it ONLINE on the target.
 * - Outside VCS (an administrator's LPM, `hmcsim ctl migrate`), after the
 *   seed's preparation (the destination's own definition renamed out of the
 *   way): the source's monitor reports it intentionally offline — absent
 *   there, running on the other physical server — and the target's monitor
 *   finds it online. Never a fault, never a clean.
 */
import { allow, bounded, isState, sleep, type Checks, type Scenario } from '../context.js';
import type { WorldSystem } from '../lab.js';
import { vcsSeconds } from '../output.js';

/** Prints the partition's states on every managed system as they change on the HMC, until stopped. */
function watchHmc(s: Scenario, names: (p: string) => boolean): { stop(): Promise<void> } {
  const seen = new Map<string, string>();
  let running = true;
  const t0 = s.clock.now();
  const record = (world: WorldSystem[]) => {
    const now = new Map<string, string>();
    for (const sys of world) for (const p of sys.partitions) if (names(p.name)) now.set(`${sys.name} ${p.name}`, p.state);
    for (const k of new Set([...seen.keys(), ...now.keys()])) {
      const before = seen.get(k);
      const after = now.get(k);
      if (before === after) continue;
      const [sys, lpar] = k.split(' ') as [string, string];
      const text = `HMC +${vcsSeconds(t0, s.clock.now())}  ${sys}: ${lpar} ${before === undefined ? 'appears' : before} -> ${after === undefined ? 'gone' : after}`;
      if (seen.size > 0 || before !== undefined) s.out.line(`     : ${text}`);
    }
    seen.clear();
    for (const [k, v] of now) seen.set(k, v);
  };
  const loop = (async () => {
    while (running) {
      try {
        record(await s.lab.world());
      } catch {
        // The next poll tells.
      }
      await sleep(Math.max(20, 2000 / s.speed), s.signal);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
    },
  };
}

export async function actMigrate(s: Scenario, c: Checks): Promise<void> {
  const { out, setup, lab } = s;
  const res = setup.resource;
  const lpar = setup.lpar;
  const fromIdx = s.nodes.findIndex((x) => x.runner.groupState(setup.group) === 'online');
  if (!c.check(fromIdx >= 0, `the group runs on ${s.nodes[fromIdx]?.system ?? 'no system'}`)) return;
  const src = s.nodes[fromIdx]!;
  const dst = s.nodes[(fromIdx + 1) % s.nodes.length]!;
  const srcMs = setup.systems.find((x) => x.name === src.system)!.physicalServer;
  const dstMs = setup.systems.find((x) => x.name === dst.system)!.physicalServer;
  const ours = (p: string) => p === lpar || p.startsWith(`${lpar}_`);
  out.monitors = false;
  for (const x of s.nodes) x.newAgentLog();

  // --- 6a: through VCS.
  out.say(`Live migration through VCS, back to ${dst.system} (${dstMs}):`);
  out.say(`$ hagrp -migrate ${setup.group} -to ${dst.system}`);
  let mark = [src.mark(), dst.mark()];
  let watch = watchHmc(s, ours);
  const t0 = s.clock.now();
  const result = await bounded(s, src.runner.migrate(setup.group, dst.system), 1200, 'hagrp -migrate');
  out.agentLog(src.system, src.newAgentLog(), (l) => l.severity !== 'INFO');
  c.check(result === 'migrated', `migrate on ${src.system} ${result === 'migrated' ? `done in ${vcsSeconds(t0, s.clock.now())} of VCS time; ${res} OFFLINE there (migrated away)` : 'FAILED'}`);
  out.say(`The engine probes the target, ${dst.system}:`);
  await bounded(s, dst.runner.probe(res), 300, `the probe on ${dst.system}`);
  await sleep(Math.max(100, 4000 / s.speed), s.signal);
  await watch.stop();
  // The sampled HMC view above is for the reader; the verdict rests on what the HMCs ran and hold.
  const ran = (await lab.stats()).reduce((n, e) => n + (e.commands.migrlpar ?? 0), 0);
  c.check(ran >= 2, `the HMC ran migrlpar (validate, then migrate: ${ran} calls)`);
  let w = await lab.world();
  const on = (ms: string, name = lpar) => w.find((x) => x.name === ms)?.partitions.find((p) => p.name === name)?.state;
  c.check(dst.runner.resource(res)!.state === 'online' && dst.runner.groupState(setup.group) === 'online', `${setup.group} ONLINE on ${dst.system}`);
  c.check(on(dstMs) === 'Running' && on(srcMs) === 'Not Activated', `HMC: ${lpar} ${on(dstMs)} on ${dstMs}; its definition restored on ${srcMs} (${on(srcMs) ?? 'absent'}) so that VCS can fail it back there`);
  c.check(!w.some((x) => x.partitions.some((p) => p.name !== lpar && ours(p.name))), `no parked definition left behind`);
  const faults = (i: number, n: typeof src) => n.since(mark[i]!).filter((e) => e.kind === 'clean' || isState(res, 'faulted')(e));
  c.check(faults(0, src).length === 0 && faults(1, dst).length === 0, 'no clean, no fault on either system');

  // --- 6b: outside VCS.
  const back = { from: dst, to: src, fromMs: dstMs, toMs: srcMs };
  const parked = `${lpar}_pre_lpm`;
  out.say('');
  out.say(`Live migration outside VCS, from ${back.fromMs} to ${back.toMs}, prepared as the seed says (the destination's`);
  out.say(`own definition of the partition renamed first: LPM validation refuses a same-named partition):`);
  const rename = `chsyscfg -r lpar -m ${back.toMs} -i "name=${lpar},new_name=${parked}"`;
  out.say(`$ ssh ${setup.hmcs[0]} '${rename}'`);
  const rr = await lab.ssh(setup.hmcs[0]!, rename);
  if (!c.check(rr.code === 0, `renamed on ${back.toMs}${rr.code === 0 ? '' : `: ${(rr.stdout + rr.stderr).trim()}`}`)) return;
  mark = [back.from.mark(), back.to.mark()];
  watch = watchHmc(s, ours);
  out.say(`$ hmcsim ctl migrate ${back.fromMs} ${lpar} ${back.toMs}`);
  const t1 = s.clock.now();
  await lab.ctl('migrate', back.fromMs, lpar, back.toMs);
  const gone = await back.from.waitFor(isState(res, 'offline'), mark[0]!, allow(s, 900), `${res} OFFLINE on ${back.from.system}`, s.signal);
  const arrived = await back.to.waitFor(isState(res, 'online'), mark[1]!, allow(s, 900), `${res} ONLINE on ${back.to.system}`, s.signal);
  await watch.stop();
  for (const x of s.nodes) out.agentLog(x.system, x.newAgentLog(), (l) => l.severity !== 'INFO' || /migrat|intentional/i.test(l.message));
  c.check(gone.kind === 'resource-state' && gone.cause === 'intentional-offline', `${back.from.system}: ${res} OFFLINE, intentional offline (${vcsSeconds(t1, gone.time)} after the migration started): not a fault`);
  c.check(arrived.kind === 'resource-state' && arrived.cause === 'not-vcs-initiated', `${back.to.system}: ${res} ONLINE, found by its monitor (${vcsSeconds(t1, arrived.time)} after)`);
  const bad = [...faults(0, back.from), ...faults(1, back.to)];
  c.check(bad.length === 0 && s.nodes.every((x) => x.runner.groupState(setup.group) !== 'faulted'), 'no clean, no fault on either system');
  w = await lab.world();
  out.say(`HMC: ${lpar} ${on(back.toMs) ?? 'absent'} on ${back.toMs}, ${on(back.fromMs) ?? 'absent'} on ${back.fromMs}`);
  c.check(on(back.toMs) === 'Running' && on(back.fromMs) === undefined, `the partition runs on ${back.toMs}; LPM removed it from ${back.fromMs}`);
  const remove = `rmsyscfg -r lpar -m ${back.toMs} -n ${parked}`;
  out.say(`$ ssh ${setup.hmcs[0]} '${remove}'      (the seed's last step: the renamed definition is not needed any more)`);
  const rm = await lab.ssh(setup.hmcs[0]!, remove);
  c.check(rm.code === 0, `removed ${parked} from ${back.toMs}${rm.code === 0 ? '' : `: ${(rm.stdout + rm.stderr).trim()}`}`);
  out.say(`Left to the administrator, as the seed says: restore the partition's definition on ${back.fromMs} from a backup`);
  out.say(`(or set ProfileFile) before VCS can fail it back to ${back.from.system}.`);
}
