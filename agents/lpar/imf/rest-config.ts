/**
 * Which HMCs the LPAR event feed may use, and how to log on to them:
 * `$VCS_CONF/conf/LPAR/hmc-rest.json` (or the file VCS_LPAR_REST_CONFIG
 * names). Without it, imf_getnotification polls over SSH (the CLI needs no
 * password: the agent's SSH keys).
 *
 *   { "hmcs": { "hmc6": { "url": "https://hmc6.example.com:12443",
 *                         "user": "hscroot", "password": "...",
 *                         "caFile": "/etc/VRTSvcs/conf/LPAR/hmc6.pem" } } }
 *
 * Keys are MCName entries. The file holds passwords: it must belong to the
 * agent's user and be readable by nobody else, or it is refused.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { HmcRestError, type RestEndpoint } from './rest-client.js';

export function restConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.VCS_LPAR_REST_CONFIG || join(env.VCS_CONF || '/etc/VRTSvcs', 'conf', 'LPAR', 'hmc-rest.json');
}

const refuse = (path: string, detail: string) => new HmcRestError('protocol', path, detail);

/** The configured endpoints by MCName; undefined when there is no file. Throws on a bad or unsafe one. */
export function loadRestConfig(path: string): Map<string, RestEndpoint> | undefined {
  let st;
  try {
    st = statSync(path);
  } catch {
    return undefined;
  }
  const uid = process.getuid?.();
  if (uid !== undefined && st.uid !== uid) throw refuse(path, `belongs to uid ${st.uid}, not ${uid}`);
  if ((st.mode & 0o077) !== 0) throw refuse(path, `holds passwords but is readable by others (mode ${(st.mode & 0o777).toString(8)}; chmod 600 it)`);
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw refuse(path, `not JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  const hmcs = (doc as { hmcs?: unknown })?.hmcs;
  if (!hmcs || typeof hmcs !== 'object' || Array.isArray(hmcs)) throw refuse(path, 'needs an object "hmcs" keyed by MCName');
  const out = new Map<string, RestEndpoint>();
  for (const [name, v] of Object.entries(hmcs as Record<string, unknown>)) {
    const e = v as Record<string, unknown>;
    if (!e || typeof e.url !== 'string' || typeof e.user !== 'string' || typeof e.password !== 'string') {
      throw refuse(path, `hmcs.${name} needs "url", "user" and "password"`);
    }
    let url: URL;
    try {
      url = new URL(e.url);
    } catch {
      throw refuse(path, `hmcs.${name}.url is not a URL`);
    }
    if (url.protocol !== 'https:') throw refuse(path, `hmcs.${name}.url must be https`);
    let ca: Buffer | undefined;
    if (e.caFile !== undefined) {
      if (typeof e.caFile !== 'string') throw refuse(path, `hmcs.${name}.caFile must be a path`);
      try {
        ca = readFileSync(e.caFile);
      } catch (err) {
        throw refuse(path, `hmcs.${name}.caFile: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
      }
    }
    out.set(name, { name, baseUrl: url.origin, user: e.user, password: e.password, ...(ca ? { ca } : {}) });
  }
  return out;
}
