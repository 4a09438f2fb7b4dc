/**
 * The acts, in order. Each builds on the state the previous one left (the
 * group where it runs, the VIO servers and HMCs back up), so `--act N` runs
 * the first N.
 */
import type { Checks, Scenario } from '../context.js';
import { actCrash } from './crash.js';
import { actDr } from './dr.js';
import { actHmc } from './hmc.js';
import { actMigrate } from './migrate.js';
import { actOnline } from './online.js';
import { actVios } from './vios.js';
import { actWorld } from './world.js';
import { actWpar } from './wpar.js';

export interface Act {
  title: string;
  run(s: Scenario, c: Checks): Promise<void>;
  /** Shows the HMCs' counters itself: what the scenario prints after it is what came since. */
  ownStats?: boolean;
}

export const ACTS: readonly Act[] = [
  { title: "The seed's sample main.cf, verified, and the PowerVM world built from it", run: actWorld },
  { title: 'The LPAR group brought online on the first system', run: actOnline },
  { title: 'The managed LPAR crashes: clean, restart in place (RestartLimit = 1)', run: actCrash },
  { title: 'VIO server outage: one down, no failover; both down, the group fails over to the other physical server', run: actVios },
  { title: 'HMC outage: the first HMC down, the monitors carry on through the second', run: actHmc, ownStats: true },
  { title: 'Live migration: through VCS (hagrp -migrate), then outside VCS (detected, never a fault)', run: actMigrate },
  { title: "WPAR failover: the WPAR online with DROpts and an application inside it, the application restarted in place, a WPAR crash seen by IMF, failover with the other site's DNS", run: actWpar },
  { title: "DR: the two sites as two GCO clusters; the guest's own boot takes each site's network over VLAN 123 (DROpts)", run: actDr },
];
