/**
 * Precompiled validators are ES modules: constraints whose ajv code needs a
 * runtime helper (minLength, maxLength: code-point lengths) must load and
 * judge as the run-time compiled validator does.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { compileValidator, standaloneValidatorSource, typeSchema } from '../../../framework/agent/schema.js';

const dir = mkdtempSync(join(tmpdir(), 'validator-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a precompiled validator with length constraints', () => {
  it('loads as an ES module outside the package and counts code points', async () => {
    const schema = typeSchema(
      [
        { name: 'Name', base: 'str', dimension: 'scalar' },
        { name: 'Hosts', base: 'str', dimension: 'vector' },
      ],
      { Name: { minLength: 1, maxLength: 3 }, Hosts: { minItems: 1 } },
    );
    const file = join(dir, 'Thing.validate.mjs');
    writeFileSync(file, standaloneValidatorSource(schema));
    const validate = (await import(pathToFileURL(file).href)).default as (d: unknown) => boolean;
    const compiled = compileValidator(schema);
    for (const value of [{ Name: '' }, { Name: 'abc' }, { Name: 'abcd' }, { Name: '😀😀😀' }, { Hosts: [] }, { Hosts: ['h'] }]) {
      expect(validate(value), JSON.stringify(value)).toBe(compiled(value));
    }
    expect(validate({ Name: '' })).toBe(false);
    expect(validate({ Name: '😀😀😀' })).toBe(true);
  });
});
