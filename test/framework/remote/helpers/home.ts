/** A throwaway HOME with a ~/.ssh directory, so tests never touch the real one. */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '../../../../framework/remote/logger.js';
import type { KeyPair } from './ssh-server.js';

export interface TestHome {
  home: string;
  sshDir: string;
  env: Record<string, string | undefined>;
  path(...parts: string[]): string;
  write(relative: string, text: string, mode?: number): string;
  /** Writes `~/.ssh/<name>` (private, 0600) and `<name>.pub`. */
  addKey(name: string, key: KeyPair): string;
  cleanup(): void;
}

export function makeHome(): TestHome {
  const home = mkdtempSync(join(tmpdir(), 'vcspvm-remote-'));
  const sshDir = join(home, '.ssh');
  mkdirSync(sshDir, { mode: 0o700 });
  const t: TestHome = {
    home,
    sshDir,
    env: { HOME: home, VCS_REMOTE_HOME: home, USER: 'tester' },
    path: (...parts) => join(home, ...parts),
    write(relative, text, mode = 0o600) {
      const p = join(home, relative);
      mkdirSync(join(p, '..'), { recursive: true });
      writeFileSync(p, text, { mode });
      chmodSync(p, mode);
      return p;
    },
    addKey(name, key) {
      const p = t.write(`.ssh/${name}`, key.private, 0o600);
      t.write(`.ssh/${name}.pub`, `${key.public}\n`, 0o644);
      return p;
    },
    cleanup: () => rmSync(home, { recursive: true, force: true }),
  };
  return t;
}

export interface LogRecord {
  level: 'debug' | 'info' | 'warn' | 'error';
  fields: Record<string, unknown>;
  message: string;
}

/** A logger that keeps what it is given, for assertions. */
export function memoryLogger(): Logger & { records: LogRecord[]; text(): string } {
  const records: LogRecord[] = [];
  const at = (level: LogRecord['level']) => (fields: Record<string, unknown>, message: string) => {
    records.push({ level, fields, message });
  };
  return {
    records,
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    text: () => records.map((r) => `${r.level} ${r.message} ${JSON.stringify(r.fields)}`).join('\n'),
  };
}
