/**
 * The agents `vcsagent` knows by type name. One line per agent: its type, the
 * types.cf that defines it (relative to the repository root) and its module,
 * imported only when that type's entry point runs.
 */
import type { AgentRegistry } from '../framework/agent/registry.js';

export const registry: AgentRegistry = [
  {
    type: 'LPAR',
    typesFile: 'types-cf/types.cf',
    load: () => import('./lpar/agent.js'),
    triggers: { sysoffline: 'dist/agents/lpar/triggers/sysoffline.js' },
  },
  { type: 'WPAR', typesFile: 'types-cf/types.cf', load: () => import('./wpar/agent.js') },
  { type: 'Application', typesFile: 'types-cf/types.cf', load: () => import('./application/agent.js') },
  { type: 'SampleFile', typesFile: 'agents/sample/SampleFileTypes.cf', load: () => import('./sample/agent.js'), example: true },
];
