/**
 * What an OCF resource manager tells an agent, read from the environment
 * (OCF Resource Agent API 1.1, "Parameter Passing"; Pacemaker adds its
 * CRM_meta_* meta-attributes as OCF_RESKEY_CRM_meta_*).
 */

export type Env = Readonly<Record<string, string | undefined>>;

const RESKEY = 'OCF_RESKEY_';
const META = 'CRM_meta_';

export interface OcfCall {
  /** OCF_RESOURCE_INSTANCE: the resource's name (a clone instance keeps its :N). */
  instance: string;
  /** Instance parameters, OCF_RESKEY_<name>, Pacemaker's CRM_meta_* and crm_feature_set left out. */
  params: Map<string, string>;
  /** Pacemaker's meta-attributes of this call (timeout, interval, on_node, migrate_target...), without CRM_meta_. */
  meta: Readonly<Record<string, string>>;
  /** The operation's timeout (CRM_meta_timeout), in milliseconds, when the caller gives one. */
  timeoutMs?: number;
  /** The recurring interval (CRM_meta_interval), 0 for a one-off: a monitor with 0 is a probe. */
  intervalMs: number;
  /** OCF_CHECK_LEVEL, when given. */
  checkLevel?: number;
  /** The OCF API version the caller speaks (OCF_RA_VERSION_MAJOR/MINOR); 1.0 when it says nothing. */
  version: { major: number; minor: number };
  /** The cluster node this runs on as the caller names it (CRM_meta_on_node). */
  node?: string;
}

const int = (v: string | undefined): number | undefined => (v !== undefined && /^\s*\d+\s*$/.test(v) ? Number(v) : undefined);

export function readOcfCall(env: Env): OcfCall {
  const params = new Map<string, string>();
  const meta: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    if (!k.startsWith(RESKEY) || v === undefined) continue;
    const name = k.slice(RESKEY.length);
    if (name.startsWith(META)) meta[name.slice(META.length)] = v;
    else if (name !== 'crm_feature_set' && name !== '') params.set(name, v);
  }
  const timeout = int(meta.timeout);
  const major = int(env.OCF_RA_VERSION_MAJOR);
  const minor = int(env.OCF_RA_VERSION_MINOR);
  const checkLevel = int(env.OCF_CHECK_LEVEL);
  return {
    instance: env.OCF_RESOURCE_INSTANCE ?? '',
    params,
    meta,
    ...(timeout !== undefined && timeout > 0 ? { timeoutMs: timeout } : {}),
    intervalMs: int(meta.interval) ?? 0,
    ...(checkLevel !== undefined ? { checkLevel } : {}),
    version: major === undefined ? { major: 1, minor: 0 } : { major, minor: minor ?? 0 },
    ...(meta.on_node ? { node: meta.on_node } : {}),
  };
}

/** OCF 1.1 or later: reload-agent, reloadable parameters, unique-group, the degraded codes. */
export function speaksOcf11(call: Pick<OcfCall, 'version'>): boolean {
  return call.version.major > 1 || (call.version.major === 1 && call.version.minor >= 1);
}
