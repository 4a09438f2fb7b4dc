/**
 * HMC error messages. Real HMCs print errors on stdout and exit 1
 * (hmc-facts §1.6). Texts tagged [C] are confirmed from captures; the others
 * are the simulator's wording (the real text is not documented, see docs/hmcsim.md
 * "Error messages"): clients must only rely on the exit status and
 * the leading HSCL code.
 */

/** A failed HMC command: its stdout lines and exit status. */
export class HmcError extends Error {
  constructor(
    readonly lines: string[],
    readonly status = 1,
  ) {
    super(lines.join('\n'));
  }
}

const RETRY = 'Please check your entry and retry the command.';

export const msg = {
  /** [C] two spaces before "Please". */
  lparNotFound: (name: string) => `HSCL8012 The partition named ${name} was not found.  ${RETRY}`,
  /** The HMC's text for an unknown --id is not documented; the code is the one for an unknown partition. */
  lparIdNotFound: (id: number) => `HSCL8012 The partition with ID ${id} was not found.  ${RETRY}`,
  sysNotFound: (name: string) => `HSCL8018 The managed system ${name} was not found.  ${RETRY}`,
  profileNotFound: (prof: string, lpar: string) => `HSCL8013 The profile named ${prof} for the partition ${lpar} was not found.  ${RETRY}`,
  /** [C] no HSCL code. */
  missingParam: (params: string[]) =>
    `The command entered is either missing a required parameter or a parameter value is invalid. The parameters that are missing or have an invalid value are ${params.join(', ')}. ${RETRY}`,
  invalidParam: (param: string) => `An invalid parameter was entered. The invalid parameter is ${param}. ${RETRY}`,
  invalidAttr: (attr: string) => `An invalid attribute was entered. The invalid attribute is ${attr}. ${RETRY}`,
  invalidFilter: (detail: string) => `An invalid filter was entered: ${detail}. ${RETRY}`,
  badRecord: (detail: string) => `The format of the configuration data is not valid: ${detail}. ${RETRY}`,
  missingAttrs: (attrs: string[]) => `HSCL1044 The following required attributes are missing: ${attrs.join(', ')}. ${RETRY}`,
  badValue: (attr: string, value: string, detail: string) => `HSCL1050 The value "${value}" of the attribute ${attr} is not valid: ${detail}.`,
  procUnits: () => `HSCL0622 The processing units must satisfy min_proc_units <= desired_proc_units <= max_proc_units, and each must be at least 0.05 per virtual processor.`,
  wrongState: (lpar: string, state: string, op: string) => `HSCL0216 The operation ${op} is not allowed for the partition ${lpar} in its current state, ${state}.`,
  sysWrongState: (sys: string, state: string) => `HSCL0237 The operation is not allowed because the managed system ${sys} is in the ${state} state.`,
  noRmcShutdown: (lpar: string) => `HSCL0DB4 The operating system shutdown of the partition ${lpar} failed because the partition does not have an active RMC connection.`,
  lparExists: (lpar: string, sys: string) => `HSCL1026 A partition with the name ${lpar} already exists on the managed system ${sys}.`,
  lparIdInUse: (id: number, sys: string) => `HSCL1027 The partition ID ${id} is already in use on the managed system ${sys}.`,
  profileExists: (prof: string, lpar: string) => `HSCL1028 A profile with the name ${prof} already exists for the partition ${lpar}.`,
  notDeletable: (lpar: string, state: string) => `HSCL1029 The partition ${lpar} cannot be deleted because it is in the ${state} state. Shut it down first.`,
  defaultProfile: (prof: string, lpar: string) => `HSCL1219 The profile ${prof} is the default profile of the partition ${lpar} and cannot be removed.`,
  noResources: (lpar: string, what: string) => `HSCL3200 The partition ${lpar} cannot be activated: there is not enough ${what} available on the managed system.`,
  noRmcDlpar: (lpar: string) => `HSCL294C The dynamic reconfiguration of the partition ${lpar} failed: there is no active RMC connection to the partition.`,
  slotInUse: (slot: number, lpar: string) => `HSCL2960 The virtual slot ${slot} is already in use on the partition ${lpar}.`,
  slotTooHigh: (slot: number, lpar: string, max: number) => `HSCL2962 The virtual slot ${slot} of the partition ${lpar} is beyond its maximum of ${max - 1}.`,
  noAdapter: (slot: number, lpar: string) => `HSCL2961 There is no virtual adapter of that type in the slot ${slot} of the partition ${lpar}.`,
  adapterBusy: (device: string, children: string[]) =>
    `HSCL2970 The IOServer command has failed because of the following reason: ${device} has child devices (${children.join(', ')}); remove the mappings first.`,
  viosNoRmc: (vios: string) => `HSCL2957 The command cannot be run on the partition ${vios}: it is not a running Virtual I/O Server with an active RMC connection.`,
  notVios: (lpar: string) => `HSCL2958 The partition ${lpar} is not a Virtual I/O Server partition.`,
  noMasterAuth: (user: string) =>
    `HSCL3653 The Secure Shell (SSH) communication configuration between the source and target Hardware Management Consoles has not been set up properly for user ${user}. Please run the mkauthkeys command to set up the SSH communication authentication keys.`,
  comanagedProfile: (sys: string) =>
    `HSCL0DB5 Partition profiles are not supported on the managed system ${sys} because it is co-managed; activate the partition with its current configuration.`,
  fileNotFound: (file: string) => `HSCL1003 The file ${file} was not found.  ${RETRY}`,
  lpmSameSystem: () => `HSCLA238 The source and destination managed systems are the same.`,
  lpmNameExists: (lpar: string, sys: string) => `HSCLA230 A partition with the name ${lpar} already exists on the destination managed system ${sys}.`,
  lpmState: (lpar: string, state: string) => `HSCLA231 The partition ${lpar} is in the ${state} state; only Running or Not Activated partitions can be migrated.`,
  lpmNoRmc: (lpar: string) => `HSCLA232 There is no active RMC connection to the mobile partition ${lpar}.`,
  lpmNoTargetVios: (sys: string) => `HSCLA233 No Virtual I/O Server with an active RMC connection on the managed system ${sys} can host the virtual adapters of the partition.`,
  lpmSourceVios: (vios: string, lpar: string) => `HSCLA234 The Virtual I/O Server ${vios} that serves the partition ${lpar} on the source managed system is not running.`,
  lpmStorage: (lpar: string, disk: string, sys: string) =>
    `HSCLA235 The disk ${disk} of the partition ${lpar} is not reachable from any Virtual I/O Server on the managed system ${sys}.`,
  lpmReserve: (disk: string, vios: string) => `HSCLA23D The disk ${disk} on ${vios} has reserve_policy set to a value other than no_reserve; it cannot be used by a migrating partition.`,
  lpmResources: (lpar: string, sys: string) => `HSCLA236 The destination managed system ${sys} does not have enough memory or processors for the partition ${lpar}.`,
  lpmVios: (lpar: string) => `HSCLA237 The partition ${lpar} is a Virtual I/O Server partition; Virtual I/O Server partitions cannot be migrated.`,
  lpmNone: (lpar: string) => `HSCLA239 There is no migration in progress or to recover for the partition ${lpar}.`,
  lpmFailed: (lpar: string) => `HSCLA23A The migration of the partition ${lpar} failed. The partition remains on the source managed system.`,
  lpmFailedStuck: (lpar: string) => `HSCLA23A The migration of the partition ${lpar} failed. Run migrlpar -o r to recover the partition.`,
  lpmStopped: (lpar: string) => `HSCLA23B The migration of the partition ${lpar} was stopped.`,
  lpmBusy: (lpar: string) => `HSCLA23C The partition ${lpar} is already migrating.`,
  lpmMgmtDisabled: (lpar: string) => `HSCLA23E Migration of the partition ${lpar} is disabled (migration_disabled=1).`,
};

export function fail(...lines: string[]): never {
  throw new HmcError(lines);
}
