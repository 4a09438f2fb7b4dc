/**
 * drmgr — install, uninstall and list DLPAR scripts (AIX drmgr(1)):
 *
 *   drmgr -i script_name [-w minutes] [-f] [-D hostname]
 *   drmgr -u script_name [-D hostname]
 *   drmgr -l
 *
 * As on AIX, -i copies the script into the repository
 * ($AIXSIM_ROOT/usr/lib/dr/scripts/all), runs it with `scriptinfo` and
 * `register` to learn what it is and which resources it manages, and refuses
 * a name already installed unless -f. -u removes it by name. Every call is
 * recorded in $AIXSIM_ROOT/var/adm/drmgr.log (one JSON line each).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { basename, isAbsolute, join, resolve } from 'node:path';
import { writeFileAtomic } from '../../framework/fs.js';
import { readJson, record, runMain, SimUsageError, simPath, writeJson } from './root.js';

interface Installed {
  name: string;
  path: string;
  info: Record<string, string>;
  resources: string[];
  timeoutMinutes: number | null;
  installedAt: string;
}

const repo = () => simPath('usr', 'lib', 'dr', 'scripts', 'all');
const registryFile = () => simPath('usr', 'lib', 'dr', 'scripts', 'drmgr.json');
const logFile = () => simPath('var', 'adm', 'drmgr.log');

const USAGE = 'Usage: drmgr { -i script_name [-w minutes] [-f] | -u script_name } [-D hostname]\n       drmgr [-b] | [-R dir] | [-S syslog_ID] | [-l]';

/** Runs the script with one DLPAR command and reads its `NAME=value` lines. */
function ask(path: string, command: string): { code: number; vars: Record<string, string>; resources: string[] } {
  const r = spawnSync('/bin/sh', [path, command], { encoding: 'utf8', timeout: 10_000 });
  const vars: Record<string, string> = {};
  const resources: string[] = [];
  for (const line of (r.stdout ?? '').split('\n')) {
    const m = /^(DR_[A-Z_]+)=(.*)$/.exec(line.trim());
    if (!m) continue;
    if (m[1] === 'DR_RESOURCE') resources.push(m[2]!);
    else vars[m[1]!] = m[2]!;
  }
  return { code: r.status ?? 1, vars, resources };
}

export function drmgr(argv: string[]): number {
  let op: 'i' | 'u' | 'l' | undefined;
  let script: string | undefined;
  let force = false;
  let wait: number | null = null;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new SimUsageError(`${a} needs a value\n${USAGE}`);
      return v;
    };
    if (a === '-i' || a === '-u') {
      if (op) throw new SimUsageError(`the action flags cannot be combined\n${USAGE}`);
      op = a === '-i' ? 'i' : 'u';
      script = value();
    } else if (a === '-l') {
      if (op) throw new SimUsageError(`the action flags cannot be combined\n${USAGE}`);
      op = 'l';
    } else if (a === '-f') force = true;
    else if (a === '-w') {
      const w = value();
      if (!/^\d+$/.test(w)) throw new SimUsageError(`-w takes minutes\n${USAGE}`);
      wait = Number(w);
    } else if (a === '-D') value();
    else throw new SimUsageError(`unknown flag ${a}\n${USAGE}`);
  }
  if (!op) throw new SimUsageError(USAGE);
  record(logFile(), { argv: ['drmgr', ...argv] });
  const installed = readJson<Record<string, Installed>>(registryFile(), {});

  if (op === 'l') {
    process.stdout.write(`DR Install Root Directory: ${simPath('usr', 'lib', 'dr', 'scripts')}\nSyslog ID: DRMGR\n`);
    for (const s of Object.values(installed)) {
      process.stdout.write('------------------------------------------------------------\n');
      process.stdout.write(`${s.path}  ${s.info.DR_SCRIPTINFO ?? ''}\n`);
      process.stdout.write(`        Vendor:${s.info.DR_VENDOR ?? ''}, Version:${s.info.DR_VERSION ?? ''}, Date:${s.info.DR_DATE ?? ''}\n`);
      process.stdout.write(`        Script Timeout:${s.info.DR_TIMEOUT ?? ''}, Admin Override Timeout:${s.timeoutMinutes ?? 0}\n`);
      process.stdout.write(`        Resources Supported:\n`);
      for (const r of s.resources) process.stdout.write(`                Resource Name: ${r}\n`);
    }
    process.stdout.write('------------------------------------------------------------\n');
    return 0;
  }

  const name = basename(script!);
  if (op === 'u') {
    if (!installed[name]) {
      process.stderr.write(`drmgr: ${name} is not installed.\n`);
      return 1;
    }
    rmSync(installed[name].path, { force: true });
    delete installed[name];
    writeJson(registryFile(), installed);
    return 0;
  }

  const source = isAbsolute(script!) ? script! : resolve(process.cwd(), script!);
  if (!existsSync(source)) {
    process.stderr.write(`drmgr: ${source}: No such file or directory.\n`);
    return 1;
  }
  if (installed[name] && !force) {
    process.stderr.write(`drmgr: ${name} is already installed; use -f to replace it.\n`);
    return 1;
  }
  const info = ask(source, 'scriptinfo');
  const reg = ask(source, 'register');
  if (info.code !== 0 || reg.code !== 0 || reg.resources.length === 0) {
    process.stderr.write(`drmgr: ${name} did not answer scriptinfo and register as a DLPAR script; not installed.\n`);
    return 1;
  }
  mkdirSync(repo(), { recursive: true });
  const target = join(repo(), name);
  writeFileAtomic(target, readFileSync(source), { mode: statSync(source).mode & 0o7777, backup: false, fsync: false });
  installed[name] = { name, path: target, info: info.vars, resources: reg.resources, timeoutMinutes: wait, installedAt: new Date().toISOString() };
  writeJson(registryFile(), installed);
  return 0;
}

export const main = (argv: string[]) => runMain('drmgr', drmgr, argv);
