/**
 * Act 1: the seed's sample main.cf verified as `hacf -verify` would (vcscf
 * verify, as a process), then the PowerVM world hmcsim builds from it — two
 * managed systems, their VIO servers, the managed partition defined on both,
 * one SSH endpoint per HMC of MCName — and the seed's own check that
 * password-less SSH to the HMC works, with OpenSSH.
 */
import { relative } from 'node:path';
import type { Checks, Scenario } from '../context.js';

export async function actWorld(s: Scenario, c: Checks): Promise<void> {
  const { lab, out, setup } = s;
  const rel = relative(process.cwd(), s.seedPath) || s.seedPath;
  const v = await lab.run([process.execPath, `${s.root}/bin/vcscf`, 'verify', s.seedPath]);
  out.say(`$ vcscf verify ${rel}`);
  const findings = v.stdout.trim();
  if (findings) out.say(findings.split('\n').map((l) => `  ${l}`).join('\n'));
  // stderr: what it judged against (release, platform, bundled types standing in) and the summary.
  const notes = v.stderr.trim();
  if (notes) out.say(notes.split('\n').map((l) => `  ${l}`).join('\n'));
  out.say(`  ${findings ? '' : 'no findings '}(exit ${v.code})`);
  c.check(v.code === 0, 'the sample main.cf verifies: no error (hacf semantics, the LPAR rules: SysDownPolicy, PhysicalServer, MCName/MCUser, VIOSName)');

  out.say('');
  out.say(`cluster ${setup.cluster}, group ${setup.group}: LPAR resource ${setup.resource} (partition ${setup.lpar}), RestartLimit ${setup.restartLimit}`);
  for (const sys of setup.systems) out.say(`  system ${sys.name}: PhysicalServer ${sys.physicalServer}, VIOSName ${sys.vios.join(', ') || '(none)'}`);
  out.say(`  MCName ${setup.hmcs.join(', ')}`);

  const endpoints = await lab.startHmcs(s.seedPath, setup.hmcs, setup.systems.map((x) => x.name));
  out.say('');
  out.say(`$ hmcsim --from-maincf ${rel} ${endpoints.map(() => '--listen 127.0.0.1:0').join(' ')} --speed ${s.speed} --aix DIR ...`);
  out.say(`  ${endpoints.map((e) => `HMC ${e.name} on 127.0.0.1:${e.port}`).join(', ')} (one simulated PowerVM world behind both)`);
  const world = await lab.world();
  for (const sys of world) {
    out.say(`  managed system ${sys.name} (${sys.state})`);
    for (const p of sys.partitions) {
      const role = p.env === 'vioserver' ? 'VIO server' : setup.systems.some((x) => x.name === p.name) ? 'management LPAR (runs VCS)' : p.name === setup.lpar ? 'managed LPAR' : 'partition';
      out.say(`    ${String(p.id).padStart(2)} ${p.name.padEnd(16)} ${p.state.padEnd(14)} ${role}`);
    }
  }
  for (const sys of setup.systems) {
    const ms = world.find((w) => w.name === sys.physicalServer);
    c.check(ms !== undefined && ms.state === 'Operating', `managed system ${sys.physicalServer} is Operating`);
    const viosUp = sys.vios.filter((n) => ms?.partitions.some((p) => p.name === n && p.env === 'vioserver' && p.state === 'Running'));
    c.check(viosUp.length === sys.vios.length && sys.vios.length >= 2, `${sys.physicalServer} has its VIO servers ${sys.vios.join(' and ')} Running`);
    const lpar = ms?.partitions.find((p) => p.name === setup.lpar);
    c.check(lpar?.state === 'Not Activated', `${setup.lpar} is defined on ${sys.physicalServer}, Not Activated (its profile on every physical server of the SystemList)`);
  }
  c.check(endpoints.length === setup.hmcs.length && setup.hmcs.length >= 2, `redundant HMCs: ${setup.hmcs.join(', ')}`);

  // The seed's "verify that you have password-less SSH", and its way of finding PhysicalServer.
  out.say('');
  for (const e of endpoints) {
    const r = await lab.ssh(e.name, 'lssyscfg -r sys -F name,state');
    out.say(`$ ssh ${e.name} 'lssyscfg -r sys -F name,state'      (OpenSSH, key authentication, host key pinned)`);
    out.say((r.stdout.trim() || r.stderr.trim()).split('\n').map((l) => `  ${l}`).join('\n'));
    const names = r.stdout.trim().split('\n').map((l) => l.split(',')[0]);
    c.check(r.code === 0 && setup.systems.every((x) => names.includes(x.physicalServer)), `password-less SSH to ${e.name} works and lists ${setup.systems.map((x) => x.physicalServer).join(', ')}`);
  }
}
