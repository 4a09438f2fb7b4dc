/**
 * vcs-reconfig — the guest side of DR network reconfiguration (fileset
 * VRTSvcsnr): at boot it asks the management LPAR, over VLAN 123, for this
 * partition's site-specific network settings and applies them (start.ts).
 *
 *   vcs-reconfig start [--root DIR] [--server HOST:PORT] [--key FILE]
 *   vcs-reconfig status [--root DIR]
 *   vcs-reconfig install [--root DIR] | uninstall [--root DIR]
 *   vcs-reconfig keygen FILE [--force]
 *
 * Every start is logged in ROOT/var/adm/ras/vcs-reconfig.log. Exit 0 when
 * applied or nothing to do, 1 when refused or failed, 2 on a usage error.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseCommandLine } from '../../framework/cli-args.js';
import { isVcsPowervmError, UsageError } from '../../framework/errors.js';
import { writeNewKey } from './keys.js';
import { parseEndpoint } from './protocol.js';
import { install, logFile, status, uninstall } from './service.js';
import { start } from './start.js';

const USAGE = `usage: vcs-reconfig start [--root DIR] [--server HOST:PORT] [--key FILE]
       vcs-reconfig status [--root DIR]
       vcs-reconfig install [--root DIR] | vcs-reconfig uninstall [--root DIR]
       vcs-reconfig keygen FILE [--force]`;

const OPTIONS = {
  root: { type: 'string' },
  server: { type: 'string' },
  key: { type: 'string' },
  force: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function run(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { values: v, positionals } = parseCommandLine(argv, OPTIONS);
  if (v.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const [command, ...rest] = positionals;
  const root = v.root ?? (env.VCS_RECONFIG_ROOT || '/');
  const out = (t: string) => process.stdout.write(`${t}\n`);
  const expect = (n: number) => {
    if (rest.length !== n) throw new UsageError(rest.length > n ? `unexpected argument ${rest[n]}` : `${command} needs FILE`);
  };
  switch (command) {
    case 'start': {
      expect(0);
      const server = v.server === undefined ? undefined : (parseEndpoint(v.server) ?? (() => {
        throw new UsageError(`--server ${v.server} is not HOST:PORT`);
      })());
      const say = (text: string) => {
        out(`vcs-reconfig: ${text}`);
        try {
          mkdirSync(dirname(logFile(root)), { recursive: true });
          appendFileSync(logFile(root), `${new Date().toISOString()} ${text}\n`);
        } catch {
          // The log is for the administrator; the settings matter more.
        }
      };
      return start({ root, env, say, ...(server ? { server } : {}), ...(v.key ? { keyFile: v.key } : {}) });
    }
    case 'status':
      expect(0);
      return status(root, env, out);
    case 'install':
      expect(0);
      return install(root, resolve(process.argv[1] ?? 'vcs-reconfig'), env, out);
    case 'uninstall':
      expect(0);
      return uninstall(root, env, out);
    case 'keygen':
      expect(1);
      writeNewKey(rest[0]!, v.force === true);
      out(`vcs-reconfig: wrote a new key to ${rest[0]} (mode 0600): copy it, keeping the mode, to the guest (/etc/vcs-reconfig/key) and to each site's management LPARs ($VCS_CONF/conf/vcs-reconfig/<LPARName>.key)`);
      return 0;
    default:
      throw new UsageError(command === undefined ? 'no command' : `unknown command ${command}`);
  }
}

export async function main(argv: string[]): Promise<number> {
  try {
    return await run(argv);
  } catch (e) {
    // One line, never a stack trace.
    const usage = isVcsPowervmError(e) && e.code === 'VCSPVM_USAGE';
    process.stderr.write(`${isVcsPowervmError(e) && e.code !== 'VCSPVM_RECONFIG' ? 'vcs-reconfig: ' : ''}${e instanceof Error ? e.message : String(e)}\n${usage ? `${USAGE}\n` : ''}`);
    return isVcsPowervmError(e) ? e.exitCode : 1;
  }
}
