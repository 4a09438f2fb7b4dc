/**
 * The value of a static attribute in force for one resource on one system:
 * the resource's override, else the type's default, else the engine's. Some
 * static attributes belong to the type as a whole (AEPTimeout, NumThreads,
 * SupportedActions, ...): VCS refuses to override them per resource, so a
 * resource-level value in main.cf — which the verifier reports — is ignored
 * here as VCS would, by `--config`, `check` and the runner alike.
 */
import { builtinAttribute } from '../cf/builtins.js';
import type { Config, ResourceDef, Value } from '../cf/model.js';
import { effectiveStatic, typeDefinition } from '../cf/values.js';
import { NOT_OVERRIDABLE } from '../cf/verify/rules/attributes.js';

export function staticInForce(config: Config, resource: ResourceDef, name: string, system?: string): Value | undefined {
  if (!NOT_OVERRIDABLE.has(name)) return effectiveStatic(config, resource, name, system);
  return typeDefinition(config, resource.type)?.attributes.find((a) => a.name === name)?.default ?? builtinAttribute('static', name)?.default;
}
