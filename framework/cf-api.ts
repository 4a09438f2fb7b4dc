/**
 * vcs-powervm/cf — the main.cf / types.cf language for other tools:
 *
 *   import { loadConfig, verifyPath, printCf, parseCf } from 'vcs-powervm/cf';
 *
 * loadConfig reads a configuration with its includes (falling back to the
 * types.cf files this package ships) into a typed model; verifyPath runs the
 * verifier's rules (docs/verifier-rules.md); parseCf / printCf go between
 * text and the syntax tree that keeps comments (printCf writes canonical
 * main.cf). The model's types are exported as they are.
 */
export { parseCf } from './cf/parse.js';
export type { CfDocument, ParseOptions, ParseResult } from './cf/parse.js';
export { printCf } from './cf/print.js';
export { loadConfig, loadTypes } from './cf/load.js';
export type { LoadOptions, LoadResult } from './cf/load.js';
export { verifyLoaded, verifyPath } from './cf/verify/verify.js';
export type { VerifyOptions, VerifyResult } from './cf/verify/verify.js';
export type { Finding, Severity } from './cf/verify/finding.js';
export type * from './cf/model.js';
