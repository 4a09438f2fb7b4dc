/**
 * HMC error output (research/hmc-facts.md §1.6): errors are printed on stdout
 * (stderr stays empty) and the command exits 1. A line may carry several
 * codes (`HSCL127D: HSCL1288 ...`). Clients rely on the exit status and the
 * codes, never on the wording, which differs between HMC levels and languages.
 */

const CODE = /\bHSCL[0-9A-F]{4}\b/g;

/** HSCL codes in the output, first one first, each once. */
export function hsclCodes(output: string): string[] {
  return [...new Set(output.match(CODE) ?? [])];
}

/** The first line worth showing an administrator: the first one holding a code, else the first non-empty one. */
export function errorSummary(output: string): string {
  const lines = output.replace(/\r/g, '').split('\n').map((l) => l.trim()).filter((l) => l !== '');
  const coded = lines.find((l) => /\bHSCL[0-9A-F]{4}\b/.test(l));
  return coded ?? lines[0] ?? '';
}

/** HSCL8012: the partition named in -n/-p/--filter is not on that managed system. */
export const HSCL_PARTITION_NOT_FOUND = 'HSCL8012';
/** HSCL3653: cross-HMC SSH keys for a remote migration are not set up. */
export const HSCL_NO_HMC_TRUST = 'HSCL3653';
