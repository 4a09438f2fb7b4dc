import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VcsPowervmError } from '../../../framework/errors.js';
import { assertSafeName, buildCommand, quoteArg } from '../../../framework/remote/quote.js';

/** What bash makes of a command line: the argv it would pass to printargs. */
function bashArgv(line: string): string[] {
  const r = spawnSync('/bin/bash', ['-c', `printargs() { printf '%s\\0' "$@"; }\n${line}`], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  const parts = r.stdout.split('\0');
  parts.pop();
  return parts;
}

const HOSTILE = [
  'lpar1; rm -rf /',
  '$(touch /tmp/pwned)',
  '`id`',
  "it's",
  '"double"',
  'a\nb',
  'a|b',
  'a&b',
  'a>b',
  'a<b',
  '*',
  '~root',
  '${HOME}',
  '!!',
  'a\\b',
  "'",
  "''",
  ' lead and trail ',
  '-o',
  '--filter=x',
  '#comment',
  'tab\there',
  '{a,b}',
  'é ü 日本',
  '',
];

describe('quoteArg', () => {
  it('leaves plain words readable and quotes everything else', () => {
    expect(quoteArg('lssyscfg')).toBe('lssyscfg');
    expect(quoteArg('lpar_names=lpar-01,lpar.2')).toBe('lpar_names=lpar-01,lpar.2');
    expect(quoteArg('')).toBe("''");
    expect(quoteArg('a b')).toBe("'a b'");
    expect(quoteArg("it's")).toBe("'it'\\''s'");
    expect(quoteArg('$(x)')).toBe("'$(x)'");
  });

  it('refuses NUL, which no argv can carry', () => {
    expect(() => quoteArg('a\0b')).toThrow(VcsPowervmError);
    try {
      quoteArg('a\0b');
    } catch (e) {
      expect((e as VcsPowervmError).code).toBe('VCSPVM_UNSAFE_ARGUMENT');
      expect((e as Error).message).toContain('NUL');
    }
  });

  it('round-trips hostile values through a real bash as single literal arguments', () => {
    expect(bashArgv(buildCommand(['printargs', ...HOSTILE]))).toEqual(HOSTILE);
  });

  it('round-trips any string without NUL (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary' }).filter((s) => !s.includes('\0')), { minLength: 1, maxLength: 80 }), (args) => {
        expect(bashArgv(buildCommand(['printargs', ...args]))).toEqual(args);
      }),
      // each run starts a bash: few runs, many arguments each
      { numRuns: 15 },
    );
  });
});

describe('buildCommand', () => {
  it('joins argv with spaces and quotes the command name when it looks like an assignment', () => {
    expect(buildCommand(['chsysstate', '-r', 'lpar', '-n', 'my lpar'])).toBe("chsysstate -r lpar -n 'my lpar'");
    expect(buildCommand(['a=b', 'c=d'])).toBe("'a=b' c=d");
  });

  it('refuses an empty argv', () => {
    expect(() => buildCommand([])).toThrow(/empty argument list/);
  });
});

describe('assertSafeName', () => {
  const rule = { what: 'LPARName', pattern: /[A-Za-z0-9_.-]+/, maxLength: 47 };

  it('returns a value that passes', () => {
    expect(assertSafeName('lpar_01.prod-a', rule)).toBe('lpar_01.prod-a');
  });

  it.each([
    ['lpar;reboot', 'character ";" is not allowed'],
    ['$(id)', 'character "$" is not allowed'],
    ['a`b`', 'character "`" is not allowed'],
    ["a'b", `character "'" is not allowed`],
    ['a b', 'character " " is not allowed'],
    ['a|b', 'character "|" is not allowed'],
    ['a&b', 'character "&" is not allowed'],
    ['a>b', 'character ">" is not allowed'],
    ['a\nb', 'contains a newline'],
    ['a\0b', 'contains a NUL character'],
    ['a\rb', 'contains a carriage return'],
    ['a\u001bb', 'contains control character U+001B'],
    ['', 'empty'],
    ['x'.repeat(48), 'longer than 47 characters'],
  ])('refuses %j naming the attribute', (value, reason) => {
    try {
      assertSafeName(value, rule);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(VcsPowervmError);
      const err = e as VcsPowervmError;
      expect(err.code).toBe('VCSPVM_UNSAFE_ARGUMENT');
      expect(err.exitCode).toBe(2);
      expect(err.message).toContain('LPARName');
      expect(err.message).toContain(reason);
      expect(err.message).not.toContain('\n');
    }
  });

  it('refuses newlines even without a pattern, and non-strings', () => {
    expect(() => assertSafeName('ok\n', { what: 'profile' })).toThrow(/profile.*newline/);
    expect(() => assertSafeName(42, { what: 'profile' })).toThrow(/expected a string, got number/);
    expect(assertSafeName('any thing; at all', { what: 'profile' })).toBe('any thing; at all');
  });

  it('matches the pattern against the whole value, whatever its anchors and flags', () => {
    expect(() => assertSafeName('abc;', { what: 'x', pattern: /[a-z]+/g })).toThrow(/not allowed/);
    expect(() => assertSafeName('ab', { what: 'x', pattern: /^a$|^ab$/ })).not.toThrow();
    expect(() => assertSafeName('abc', { what: 'x', pattern: /a|abc_/ })).toThrow(/does not match/);
    expect(assertSafeName('', { what: 'x', allowEmpty: true })).toBe('');
  });
});
