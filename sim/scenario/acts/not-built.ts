/**
 * What the main job cannot show yet, said plainly. The seed's DR network
 * reconfiguration needs parts that do not exist in this tree; nothing is
 * pretended.
 */
import type { Checks, Scenario } from '../context.js';

export async function actNotBuilt(s: Scenario, _c: Checks): Promise<void> {
  s.out.say('DR network reconfiguration: NOT BUILT YET - no vcs-reconfig service (VRTSvcsnr) in the guest, no DROpts delivered over VLAN 123 (vcscf verify checks DROpts, VCF601-604; the LPAR agent passes it unused).');
}
