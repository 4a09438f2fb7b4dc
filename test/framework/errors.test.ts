import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_TABLE, ParseError, UsageError, VcsPowervmError, formatMessage } from '../../framework/errors.js';

describe('error table', () => {
  it('fills templates and keeps unknown parameters visible', () => {
    expect(formatMessage('cannot read {path}: {reason}', { path: '/x' })).toBe('cannot read /x: {reason}');
  });

  it('gives typed errors their code, message and exit code', () => {
    const e = new ParseError('VCSPVM_CF_SYNTAX', 'main.cf', 3, 7, 'expected )');
    expect(e).toBeInstanceOf(VcsPowervmError);
    expect(e.code).toBe('VCSPVM_CF_SYNTAX');
    expect(e.message).toBe('main.cf:3:7: expected )');
    expect(e.exitCode).toBe(1);
    expect(e.name).toBe('ParseError');
    expect(new UsageError('no PATH given').exitCode).toBe(2);
  });

  it('documents every code in docs/errors.md', () => {
    const readme = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
    const missing = Object.keys(ERROR_TABLE).filter((code) => !readme.includes(`\`${code}\``));
    expect(missing).toEqual([]);
  });
});
