/** IMF's typed errors (codes in framework/errors.ts, section framework/runner and framework/imf). */
import { VcsPowervmError } from '../errors.js';

export class ImfError extends VcsPowervmError {}
