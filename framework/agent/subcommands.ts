/**
 * The subcommand modules, behind one dynamic import of commands.ts: they
 * share most of their code with each other and with the entry point path,
 * and one import boundary keeps the bundle the entry point loads in few
 * chunks (esbuild makes one chunk per set of importers; an entry point
 * start pays for each file it loads).
 */
export * as check from './check.js';
export * as install from './install.js';
export * as precompile from './precompile.js';
export * as types from './types-cmd.js';
export * as run from '../runner/cli.js';
export * as wpar from '../cf/wpar/command.js';
