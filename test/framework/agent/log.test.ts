import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LogOpenError, createAgentLogger, formatLogTime, makeScrubber, messageId, openAgentLog, closeLog } from '../../../framework/agent/log.js';

const dirs: string[] = [];
function vcsLog(): string {
  const d = mkdtempSync(join(tmpdir(), 'vcslog-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const LINE = /^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d VCS (CRITICAL|ERROR|WARNING|NOTICE|INFO|DBG_\w+) V-16-\d+-\d+ [^:]*:[^:]*:[^:]*:.*$/;

function logger(dir: string, opts: { debug?: string[]; secrets?: string[]; secretNames?: string[] } = {}) {
  const fd = openAgentLog(dir, 'Sample');
  const log = createAgentLogger(fd, {
    type: 'Sample',
    resource: 'res1',
    entryPoint: 'monitor',
    catalog: 50000,
    debugTags: new Set(opts.debug ?? []),
    secrets: opts.secrets ?? [],
    secretNames: opts.secretNames ?? [],
  });
  const read = () => readFileSync(join(dir, 'log', 'Sample_A.log'), 'utf8').split('\n').filter(Boolean);
  return { log, read, close: () => closeLog(fd) };
}

describe('VCS-format agent log', () => {
  it('writes one VCS line per message with severity, UMI, type, resource and entry point', () => {
    const dir = vcsLog();
    const { log, read, close } = logger(dir);
    log.info('state is %s', 'ONLINE');
    log.warn({ msgId: 42 }, 'careful');
    log.error(new Error('boom'));
    log.notice('note');
    log.fatal('gone');
    close();
    const lines = read();
    expect(lines).toHaveLength(5);
    for (const l of lines) expect(l).toMatch(LINE);
    expect(lines[0]).toContain(` VCS INFO V-16-50000-${messageId('state is %s')} Sample:res1:monitor:state is ONLINE`);
    expect(lines[1]).toContain(' VCS WARNING V-16-50000-42 Sample:res1:monitor:careful');
    expect(lines[2]).toContain(' VCS ERROR ');
    expect(lines[2]).toMatch(/:monitor:boom$/);
    expect(lines[2]).not.toMatch(/at .*\.ts/);
    expect(lines[3]).toContain(' VCS NOTICE ');
    expect(lines[4]).toContain(' VCS CRITICAL ');
  });

  it('appends, never truncates', () => {
    const dir = vcsLog();
    const a = logger(dir);
    a.log.info('first');
    a.close();
    const b = logger(dir);
    b.log.info('second');
    b.close();
    expect(b.read().map((l) => l.split(':').pop())).toEqual(['first', 'second']);
  });

  it('keeps a message on one line', () => {
    const dir = vcsLog();
    const { log, read, close } = logger(dir);
    log.info('line one\nline two');
    close();
    expect(read()).toHaveLength(1);
  });

  it('writes debug lines only for the LogDbg tags in force', () => {
    const dir = vcsLog();
    const { log, read, close } = logger(dir, { debug: ['DBG_3'] });
    log.debug('tag 1 by default');
    log.debug({ dbg: 3 }, 'tag 3');
    log.trace('trace is DBG_21');
    close();
    const lines = read();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/ VCS DBG_3 V-16-50-0 Sample:res1:monitor:tag 3$/);
  });

  it('writes no debug line at all without LogDbg', () => {
    const dir = vcsLog();
    const { log, close } = logger(dir);
    log.debug('nothing');
    close();
    expect(readFileSync(join(dir, 'log', 'Sample_A.log'), 'utf8')).toBe('');
  });

  it('redacts secret values anywhere in a line and secret-looking fields', () => {
    const dir = vcsLog();
    const { log, read, close } = logger(dir, { secrets: ['s3cr3t-pw', 'ab'], secretNames: ['PasswordLocal'] });
    log.info('connecting with s3cr3t-pw to box');
    log.info({ PasswordLocal: 'whatever', user: 'admin', nested: { token: 't0k' } }, 'login');
    log.info('tab and ab and abc');
    close();
    const text = read().join('\n');
    expect(text).not.toContain('s3cr3t-pw');
    expect(text).not.toContain('whatever');
    expect(text).not.toContain('t0k');
    expect(text).toContain('user=admin');
    // A short secret is blanked as a word only, so "tab" and "abc" stay readable.
    expect(text).toContain('tab and **** and abc');
  });

  it('creates log/ under an existing $VCS_LOG but refuses a missing $VCS_LOG', () => {
    const dir = vcsLog();
    expect(existsSync(join(dir, 'log'))).toBe(false);
    closeLog(openAgentLog(dir, 'Sample'));
    expect(existsSync(join(dir, 'log', 'Sample_A.log'))).toBe(true);
    expect(() => openAgentLog(join(dir, 'missing'), 'Sample')).toThrow(LogOpenError);
    expect(() => openAgentLog(join(dir, 'missing'), 'Sample')).toThrow(/VCS_LOG/);
  });

  it('never uses a type name as a path', () => {
    const dir = vcsLog();
    closeLog(openAgentLog(dir, '../../etc/x'));
    expect(existsSync(join(dir, 'log', 'vcsagent_A.log'))).toBe(true);
  });

  it('formats local time as YYYY/MM/DD HH:MM:SS', () => {
    expect(formatLogTime(new Date(2024, 0, 2, 3, 4, 5))).toBe('2024/01/02 03:04:05');
  });

  it('blanks short secrets only as whole words', () => {
    const scrub = makeScrubber(['pw1']);
    expect(scrub('pw1 xpw1 pw1x pw1')).toBe('**** xpw1 pw1x ****');
  });
});
