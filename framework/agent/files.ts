/**
 * Moved to framework/fs.ts. This re-export keeps the agents that still import
 * it from here (agents/lpar) building; delete it once they import ../fs.js.
 */
export { type WriteOptions, writeFileAtomic } from '../fs.js';
