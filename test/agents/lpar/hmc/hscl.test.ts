import { describe, expect, it } from 'vitest';
import { errorSummary, hsclCodes } from '../../../../agents/lpar/hmc/hscl.js';

describe('HSCL error output', () => {
  it('finds every code once, in order, including two on one line', () => {
    expect(hsclCodes('HSCL127D: HSCL1288 The logical port is already assigned\nHSCL127D again')).toEqual(['HSCL127D', 'HSCL1288']);
    expect(hsclCodes('HSCL8012 The partition named zz was not found.  Please check your entry and retry the command.')).toEqual(['HSCL8012']);
    expect(hsclCodes('The command entered is either missing a required parameter')).toEqual([]);
    expect(hsclCodes('XHSCL8012 HSCL80123')).toEqual([]);
  });

  it('summarises with the coded line, else the first line', () => {
    expect(errorSummary('\nsome banner\nHSCL0216 not allowed\n')).toBe('HSCL0216 not allowed');
    expect(errorSummary('\n  missing -m  \nmore\n')).toBe('missing -m');
    expect(errorSummary('')).toBe('');
  });
});
