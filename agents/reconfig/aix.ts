/**
 * Running an AIX command: an argv array (never a shell string), bounded in
 * time, its first error line in the error. Shared by the guest's service
 * and the management LPAR's side of the DR network.
 */
import { execFile } from 'node:child_process';
import { VcsPowervmError } from '../../framework/errors.js';

export function aixCommand(argv: readonly string[], env: NodeJS.ProcessEnv = process.env, code: 'VCSPVM_RECONFIG' | 'VCSPVM_LPAR_DR' = 'VCSPVM_RECONFIG'): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(argv[0]!, argv.slice(1), { env, timeout: 60_000 }, (err, stdout, stderr) => {
      if (!err) return resolve(stdout);
      const why = (stderr || err.message).trim().split('\n').map((l) => l.trim()).filter(Boolean).slice(0, 2).join(' ');
      reject(new VcsPowervmError(code, { detail: `${argv.join(' ')} failed: ${why}` }));
    });
  });
}

/** `lsattr -E -l DEV -a ATTR -F value`: the values (one per line; a list attribute has several). */
export async function deviceAttr(dev: string, attr: string, env?: NodeJS.ProcessEnv): Promise<string[]> {
  const out = await aixCommand(['lsattr', '-E', '-l', dev, '-a', attr, '-F', 'value'], env);
  return out.split('\n').map((l) => l.trim()).filter(Boolean);
}

/** Virtual Ethernet adapters (`lsdev -C -c adapter -F 'name status physloc'`): name, status, slot from the location code. */
export async function virtualAdapters(env?: NodeJS.ProcessEnv): Promise<Array<{ name: string; available: boolean; slot: number | undefined }>> {
  const out = await aixCommand(['lsdev', '-C', '-c', 'adapter', '-F', 'name status physloc'], env);
  return out
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => /^ent\d+$/.test(f[0] ?? ''))
    .map(([name, status, loc]) => {
      const m = /-C(\d+)-T\d+$/.exec(loc ?? '');
      return { name: name!, available: status === 'Available', slot: m ? Number(m[1]) : undefined };
    });
}
