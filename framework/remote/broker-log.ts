/**
 * The broker's own log: one line per message, appended to a file of its
 * directory (`<name>.log`), kept under a size bound by rotating it to
 * `<name>.log.1`. Fields that could carry a secret are masked, although
 * framework/remote never logs one.
 *
 *   2026-11-24T23:44:08.076Z INFO [4242] ssh: connected {"endpoint":"hscroot@hmc6"}
 */
import { closeSync, fstatSync, openSync, renameSync, writeSync } from 'node:fs';
import type { Logger } from './logger.js';

const SECRET_KEYS = /^(password|passwd|passphrase|secret|token|key|privatekey)$/i;
const MAX_BYTES = 4 * 1024 * 1024;

function mask(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) out[k] = SECRET_KEYS.test(k) ? '[redacted]' : v;
  return out;
}

export interface FileLogger extends Logger {
  close(): void;
}

export function fileLogger(path: string, debug = false): FileLogger {
  let fd = -1;
  const open = (): void => {
    fd = openSync(path, 'a', 0o600);
  };
  try {
    open();
  } catch {
    fd = -1;
  }
  const rotateIfBig = (): void => {
    if (fd < 0) return;
    try {
      if (fstatSync(fd).size < MAX_BYTES) return;
      closeSync(fd);
      renameSync(path, `${path}.1`);
      open();
    } catch {
      // Keep writing where we can.
    }
  };
  rotateIfBig();
  const write = (level: string) => (fields: Record<string, unknown>, message: string): void => {
    if (fd < 0) return;
    const extra = Object.keys(fields).length > 0 ? ` ${JSON.stringify(mask(fields))}` : '';
    try {
      writeSync(fd, `${new Date().toISOString()} ${level} [${process.pid}] ${message}${extra}\n`);
    } catch {
      return;
    }
    rotateIfBig();
  };
  const ignore = (): void => {};
  return {
    debug: debug ? write('DEBUG') : ignore,
    info: write('INFO'),
    warn: write('WARN'),
    error: write('ERROR'),
    close: () => {
      if (fd >= 0) closeSync(fd);
      fd = -1;
    },
  };
}
