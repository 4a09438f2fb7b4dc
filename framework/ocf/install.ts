/**
 * `vcsagent install --ocf-root DIR`: one executable per type,
 * DIR/resource.d/vcs-powervm/<Type>, as an OCF resource manager finds
 * agents (class ocf, provider vcs-powervm: `ocf:vcs-powervm:LPAR`). It runs
 * `vcsagent ocf <Type> "$@"` with this node; Pacemaker gives it the action
 * as its argument and the parameters in its environment.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../fs.js';

/** The provider directory under resource.d: `ocf:vcs-powervm:<Type>`. */
export const OCF_PROVIDER = 'vcs-powervm';
const MARKER = '# vcsagent OCF resource agent';

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export function ocfAgentScript(node: string, self: string, modulePath: string | undefined, type: string): string {
  const argv = [node, self, ...(modulePath ? ['--module', modulePath] : []), 'ocf', type].map(shellQuote).join(' ');
  return `#!/bin/sh\n${MARKER}: ${type}\n# An OCF resource manager runs this as: <this file> <action>, the parameters in OCF_RESKEY_*. Written by vcsagent install --ocf-root; reinstall rather than edit.\nexec ${argv} "$@"\n`;
}

/** Writes DIR/resource.d/vcs-powervm/<Type>; returns the report line. */
export function installOcfAgent(o: { ocfRoot: string; node: string; self: string; type: string; modulePath?: string | undefined }): string {
  const dir = join(o.ocfRoot, 'resource.d', OCF_PROVIDER);
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  const path = join(dir, o.type);
  // No .previous: every executable in the provider directory is an agent to Pacemaker.
  writeFileAtomic(path, ocfAgentScript(o.node, o.self, o.modulePath, o.type), { mode: 0o755, backup: false });
  return `${o.type}: OCF resource agent ${path} (ocf:${OCF_PROVIDER}:${o.type})`;
}
