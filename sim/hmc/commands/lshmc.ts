/**
 * lshmc -V (version, the quoted multi-line record of hmc-facts §5.5),
 * lshmc -v (VPD, with the `*RM V10R3...` line ibmhmc parses),
 * lshmc -b [-F bios] (BIOS level, `bios=...`, read by inventory tools),
 * lshmc -r [-F names] (remote access), lshmc -n [-F names] (network).
 */
import { fail, msg } from '../hscl.js';
import { listing, ok, parseOptions, type CommandContext, type CommandResult } from './common.js';

const VERSION = '"version= Version: 10\n Release: 3\n Service Pack: 1060\nHMC Build level 2311150135\n","base_version=V10R3\n"\n';

export function lshmc(ctx: CommandContext): CommandResult {
  const opts = parseOptions(ctx.args, { '-V': 'flag', '-v': 'flag', '-r': 'flag', '-n': 'flag', '-b': 'flag', '-F': 'optional', '--header': 'flag' });
  if (opts.has('-V')) return ok(VERSION);
  if (opts.has('-v')) {
    return ok(
      [
        'vpd=*FC ????????',
        '*VC 20.0',
        '*N2 Sim HMC',
        '*FC ????????',
        '*DS Hardware Management Console',
        '*TM 7063-CR2',
        `*SE ${ctx.hmcName.toUpperCase().replace(/[^A-Z0-9]/g, '').padEnd(7, '0').slice(0, 7)}`,
        '*MN IBM',
        '*PN N/A',
        '*SZ 34359738368',
        '*OS Embedded Operating Systems',
        '*NA 127.0.0.1',
        '*FC ????????',
        '*DS Platform Firmware',
        '*RM V10R3.1060.0',
      ].join('\n') + '\n',
    );
  }
  if (opts.has('-b')) {
    const row = { pairs: [['bios', 'HMC-SIM 1.04']] as Array<[string, string]> };
    return listing([row], opts, new Set(['bios']));
  }
  if (opts.has('-r')) {
    const row = { pairs: [['ssh', 'enable'], ['sshprotocol', '2'], ['remotewebui', 'enable'], ['xntp', 'disable'], ['syslogserver', '']] as Array<[string, string]> };
    return listing([row], opts, new Set(row.pairs.map(([k]) => k)));
  }
  if (opts.has('-n')) {
    const row = { pairs: [['hostname', ctx.hmcName], ['domain', 'sim.local'], ['ipaddr', '127.0.0.1'], ['networkmask', '255.0.0.0'], ['gateway', '']] as Array<[string, string]> };
    return listing([row], opts, new Set(row.pairs.map(([k]) => k)));
  }
  return fail(msg.missingParam(['-V', '-v', '-b', '-r', '-n']));
}
