import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, lstatSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WriteError } from '../../framework/errors.js';
import { reasonOf, writeFileAtomic } from '../../framework/fs.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vcspvm-fs-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const modeOf = (p: string) => statSync(p).mode & 0o7777;

describe('writeFileAtomic', () => {
  it('creates a file (mode 0644 unless told) and leaves nothing else behind', () => {
    const f = join(dir, 'a.cf');
    expect(writeFileAtomic(f, 'one\n')).toBe(true);
    expect(readFileSync(f, 'utf8')).toBe('one\n');
    expect(modeOf(f)).toBe(0o644);
    expect(writeFileAtomic(join(dir, 'key'), 'secret', { mode: 0o600 })).toBe(true);
    expect(modeOf(join(dir, 'key'))).toBe(0o600);
    expect(readdirSync(dir).sort()).toEqual(['a.cf', 'key']);
  });

  it('keeps the replaced content as .previous and the mode of the file it replaces', () => {
    const f = join(dir, 'main.cf');
    writeFileSync(f, 'old\n');
    chmodSync(f, 0o640);
    expect(writeFileAtomic(f, 'new\n')).toBe(true);
    expect(readFileSync(f, 'utf8')).toBe('new\n');
    expect(readFileSync(`${f}.previous`, 'utf8')).toBe('old\n');
    expect(modeOf(f)).toBe(0o640);
    expect(readdirSync(dir).sort()).toEqual(['main.cf', 'main.cf.previous']);
  });

  it('writes nothing when the content is the same, but applies an explicit mode', () => {
    const f = join(dir, 'online');
    writeFileSync(f, '#!/bin/sh\n');
    chmodSync(f, 0o644);
    expect(writeFileAtomic(f, '#!/bin/sh\n', { mode: 0o755 })).toBe(false);
    expect(modeOf(f)).toBe(0o755);
    expect(readdirSync(dir)).toEqual(['online']);
  });

  it('keeps no .previous when asked not to, and writes bytes as given', () => {
    const f = join(dir, 'blob');
    writeFileSync(f, 'x');
    const bytes = Buffer.from([0, 255, 10, 13, 0x80]);
    expect(writeFileAtomic(f, bytes, { backup: false, fsync: false })).toBe(true);
    expect(readFileSync(f).equals(bytes)).toBe(true);
    expect(readdirSync(dir)).toEqual(['blob']);
  });

  it('writes large content whole', () => {
    const f = join(dir, 'big');
    const text = 'main.cf line\n'.repeat(200_000);
    writeFileAtomic(f, text);
    expect(readFileSync(f, 'utf8')).toBe(text);
  });

  it('replaces a symbolic link by default, and its target with throughSymlink', () => {
    const target = join(dir, 'real.cf');
    const link = join(dir, 'link.cf');
    writeFileSync(target, 'old\n');
    symlinkSync(target, link);
    writeFileAtomic(link, 'through\n', { throughSymlink: true });
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(target, 'utf8')).toBe('through\n');
    expect(readFileSync(`${target}.previous`, 'utf8')).toBe('old\n');

    writeFileAtomic(link, 'over\n', { backup: false });
    expect(lstatSync(link).isSymbolicLink()).toBe(false);
    expect(readFileSync(link, 'utf8')).toBe('over\n');
    expect(readFileSync(target, 'utf8')).toBe('through\n');
  });

  it('a failed write throws a WriteError naming the path, and leaves the original and no temporary file', () => {
    const f = join(dir, 'main.cf');
    writeFileSync(f, 'old\n');
    // The backup cannot be put in place: main.cf.previous is a non-empty directory.
    mkdirSync(`${f}.previous`);
    writeFileSync(join(`${f}.previous`, 'keep'), 'x');
    let err: unknown;
    try {
      writeFileAtomic(f, 'new\n');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(WriteError);
    expect((err as WriteError).code).toBe('VCSPVM_WRITE');
    expect((err as WriteError).path).toBe(f);
    expect((err as Error).message).toMatch(new RegExp(`^cannot write ${f}: `));
    expect(readFileSync(f, 'utf8')).toBe('old\n');
    expect(readdirSync(dir).sort()).toEqual(['main.cf', 'main.cf.previous']);
  });

  it('a missing directory is a WriteError with a plain reason', () => {
    const f = join(dir, 'no', 'such', 'file');
    expect(() => writeFileAtomic(f, 'x')).toThrow(`cannot write ${f}: no such file or directory`);
  });
});

describe('reasonOf', () => {
  it('says the common errno codes in words and passes other messages through', () => {
    const err = (code: string) => Object.assign(new Error(`${code}: raw`), { code });
    expect(reasonOf(err('ENOENT'))).toBe('no such file or directory');
    expect(reasonOf(err('EACCES'))).toBe('permission denied');
    expect(reasonOf(err('EISDIR'))).toBe('is a directory');
    expect(reasonOf(err('EXDEV'))).toBe('EXDEV: raw');
    expect(reasonOf('plain')).toBe('plain');
  });
});
