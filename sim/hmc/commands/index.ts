/** The HMC commands the simulated restricted shell knows, with their `--help` text. */
import { chhwres } from './chhwres.js';
import { chsyscfg } from './chsyscfg.js';
import { chsysstate } from './chsysstate.js';
import type { Command } from './common.js';
import { lscomgmt } from './lscomgmt.js';
import { lshmc } from './lshmc.js';
import { lshmcusr } from './lshmcusr.js';
import { lshwres } from './lshwres.js';
import { lslic } from './lslic.js';
import { lslparmigr } from './lslparmigr.js';
import { lsrefcode } from './lsrefcode.js';
import { lssyscfg } from './lssyscfg.js';
import { lssysconn } from './lssysconn.js';
import { migrlpar } from './migrlpar.js';
import { mkauthkeys } from './mkauthkeys.js';
import { mksyscfg } from './mksyscfg.js';
import { rmsyscfg } from './rmsyscfg.js';
import { rmvterm } from './rmvterm.js';
import { viosvrcmd } from './viosvrcmd.js';

export { FILTERS } from './filters.js';

export interface CommandEntry {
  run: Command;
  usage: string;
}

export const COMMANDS: Record<string, CommandEntry> = {
  lssyscfg: { run: lssyscfg, usage: 'Usage: lssyscfg -r {lpar | prof | sys | sysprof} [-m managed-system] [--filter "filter-data"] [-F [attribute-names] [--header]] [--help]' },
  chsysstate: {
    run: chsysstate,
    usage:
      'Usage: chsysstate -m managed-system -r lpar -o {on | shutdown | osshutdown | dumprestart | chkey} {-n partition-name | --id partition-ID | --all} [-f profile-name] [-b boot-mode] [-k keylock] [--immed] [--restart]\n       chsysstate {-m managed-system | --all} -r sys -o {on | onstandby | off} [--immed]',
  },
  mksyscfg: { run: mksyscfg, usage: 'Usage: mksyscfg -r {lpar | prof} -m managed-system {-f configuration-file | -i "configuration-data"}\n       mksyscfg -r prof -m managed-system -o save {-p partition-name | --id partition-ID} -n profile-name [--force]' },
  chsyscfg: { run: chsyscfg, usage: 'Usage: chsyscfg -r {lpar | prof | sys} -m managed-system {-f configuration-file | -i "configuration-data"} [--force]\n       chsyscfg -r lpar -m managed-system -o apply {-p partition-name | --id partition-ID} [-n profile-name]' },
  rmsyscfg: { run: rmsyscfg, usage: 'Usage: rmsyscfg -r lpar -m managed-system {-n partition-name | --id partition-ID} [--vioscfg] [--vdisk]\n       rmsyscfg -r prof -m managed-system -n profile-name {-p partition-name | --id partition-ID}' },
  migrlpar: { run: migrlpar, usage: 'Usage: migrlpar -o {m | r | s | v} -m managed-system [-t target-managed-system] {-p partition-name | --id partition-ID} [--ip target-HMC -u user] [-w wait-time] [-d detail-level] [--force]' },
  lslparmigr: { run: lslparmigr, usage: 'Usage: lslparmigr -r {lpar | sys} -m managed-system [--filter "filter-data"] [-F [attribute-names] [--header]]' },
  lshwres: { run: lshwres, usage: 'Usage: lshwres -r virtualio --rsubtype {eth | fc | scsi | serial | slot | vswitch} -m managed-system --level lpar [--filter "filter-data"] [-F [attribute-names] [--header]]\n       lshwres -r {mem | proc} -m managed-system --level {lpar | sys}' },
  chhwres: {
    run: chhwres,
    usage:
      'Usage: chhwres -r virtualio --rsubtype {eth | scsi | fc} -m managed-system -o {a | r | s} {-p partition-name | --id partition-ID} [-s virtual-slot-number] [-a "attributes"]\n       chhwres -r {mem | proc} -m managed-system -o {a | r | s} {-p partition-name | --id partition-ID} [-q MB] [--procs N] [--procunits N]',
  },
  viosvrcmd: { run: viosvrcmd, usage: 'Usage: viosvrcmd -m managed-system {-p partition-name | --id partition-ID} -c "command" [-t timeout] [--admin]' },
  lscomgmt: { run: lscomgmt, usage: 'Usage: lscomgmt -m managed-system' },
  lshmc: { run: lshmc, usage: 'Usage: lshmc {-V | -v | -b | -r | -n} [-F [attribute-names] [--header]]' },
  lshmcusr: { run: lshmcusr, usage: 'Usage: lshmcusr [-t {user | default}] [--filter "filter-data"] [-F [attribute-names] [--header]]' },
  lslic: { run: lslic, usage: 'Usage: lslic -m managed-system [-t {sys | syspower | power}] [-F [attribute-names] [--header]]' },
  lssysconn: { run: lssysconn, usage: 'Usage: lssysconn -r {all | sys} [-F [attribute-names] [--header]]' },
  mkauthkeys: { run: mkauthkeys, usage: 'Usage: mkauthkeys {-a "key" | -r "key"}\n       mkauthkeys --ip remote-HMC [-u user] {--test | -g [--passwd password]}' },
  lsrefcode: { run: lsrefcode, usage: 'Usage: lsrefcode -r {lpar | sys} -m managed-system [--filter "filter-data"] [-n number] [-F [attribute-names] [--header]]' },
  rmvterm: { run: rmvterm, usage: 'Usage: rmvterm -m managed-system {-p partition-name | --id partition-ID}' },
};
