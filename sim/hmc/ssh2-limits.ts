/**
 * ssh2 for the simulated HMC, with the largest incoming packet raised.
 *
 * ssh2 drops the connection on any packet over 35,000 bytes (a constant in
 * its lib/protocol/crypto.js: the minimum RFC 4253 §6.1 asks for), while
 * OpenSSH's sshd takes 256 KiB, and HMC clients send exec requests (long
 * scripts) beyond 35,000 bytes. This module compiles that one file with the
 * constant raised before ssh2 loads it, so every ssh2 object in this process
 * accepts packets up to MAX_PACKET. Import ssh2 from here, before anything
 * else loads it; `packetLimitRaised` says whether that worked.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';

const require = createRequire(import.meta.url);

/** Exec requests up to 1 MiB reach the shell, which refuses those over its own 256 KiB limit with a clear message. */
export const MAX_PACKET = 1024 * 1024 + 16 * 1024;

interface CjsModule {
  filename: string;
  paths: string[];
  loaded: boolean;
  _compile(source: string, filename: string): void;
}
interface CjsModuleClass {
  new (id: string, parent: null): CjsModule;
  _nodeModulePaths(dir: string): string[];
}

function raisePacketLimit(): boolean {
  const path = require.resolve('ssh2/lib/protocol/crypto.js');
  // Too late when ssh2 is already loaded (an embedding process imported it first).
  if (require.cache[path]) return false;
  const marker = 'const MAX_PACKET_SIZE = 35000;';
  const source = readFileSync(path, 'utf8');
  if (!source.includes(marker)) return false;
  const Module = require('node:module') as CjsModuleClass;
  const m = new Module(path, null);
  m.filename = path;
  m.paths = Module._nodeModulePaths(dirname(path));
  m._compile(source.replace(marker, `const MAX_PACKET_SIZE = ${MAX_PACKET};`), path);
  m.loaded = true;
  require.cache[path] = m as unknown as NodeJS.Module;
  return true;
}

export const packetLimitRaised = raisePacketLimit();

const ssh2 = require('ssh2') as typeof import('ssh2');
export default ssh2;
