/**
 * The meta-data action: the type's definition (precompiled or parsed), the
 * comments of its types.cf, the agent's own constraints, as OCF XML
 * (metadata.ts). Loaded only for meta-data, which Pacemaker asks once per
 * agent and caches.
 */
import { resolve } from 'node:path';
import { packageVersion } from '../version.js';
import { type Agent, implementedEntryPoints } from '../agent/define.js';
import type { LoadedType } from '../agent/dispatch.js';
import type { RegistryEntry } from '../agent/registry.js';
import { typesPathOf } from '../agent/typeload.js';
import { typeDescriptions } from './describe.js';
import { metadataXml } from './metadata.js';

export async function metaData(o: { entry: RegistryEntry; agent: Agent<any>; loaded: LoadedType; root: string; ocf11: boolean; typesFile?: string | undefined }): Promise<string> {
  const { RESOURCE_ATTRIBUTES } = await import('../cf/builtins.js');
  const typesPath = o.typesFile ? resolve(o.typesFile) : typesPathOf(o.entry, o.root);
  return metadataXml({
    type: o.entry.type,
    version: packageVersion(o.root),
    ocf11: o.ocf11,
    info: o.loaded.info,
    agent: o.agent,
    engineAttributes: new Set(RESOURCE_ATTRIBUTES.map((a) => a.name)),
    descriptions: await typeDescriptions(typesPath, o.entry.type),
    validator: await o.loaded.validator(),
    entryPoints: implementedEntryPoints(o.agent),
  });
}
