/**
 * OCF logging: where each line goes (terminal, syslog, HA_LOGFILE, stderr,
 * HA_DEBUGLOG), in resource-agents' formats; debug lines only with HA_debug;
 * the first error kept for the exit reason.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatDate, ocfLog } from '../../../framework/ocf/log.js';

const dir = mkdtempSync(join(tmpdir(), 'ocf-log-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const when = new Date(2026, 0, 5, 7, 8, 9);

function setup(env: Record<string, string>, tty = false) {
  const stderr: string[] = [];
  const syslog: string[] = [];
  const log = ocfLog({ env, type: 'LPAR', instance: 'lpar1', tty, err: (t) => stderr.push(t), now: () => when, syslog: (tag, prio, msg) => syslog.push(`${tag} ${prio} ${msg}`) });
  return { log, stderr, syslog };
}

describe('OCF logging', () => {
  it('formats HA_DATEFMT (default %b %d %T )', () => {
    expect(formatDate('%b %d %T ', when)).toBe('Jan 05 07:08:09 ');
    expect(formatDate('%F %H:%M:%S %e|%y%m|%%', when)).toBe('2026-01-05 07:08:09  5|2601|%');
  });

  it('appends to HA_LOGFILE as ha_log does, and sends to syslog with HA_LOGFACILITY', () => {
    const file = join(dir, 'ha.log');
    const { log, stderr, syslog } = setup({ HA_LOGFILE: file, HA_LOGFACILITY: 'daemon' });
    log.line('INFO', 'started');
    log.line('ERROR', 'it broke');
    log.line('WARNING', 'careful');
    log.line('CRITICAL', 'worse');
    log.line('DBG_3', 'not shown without HA_debug');
    const tag = `LPAR(lpar1)[${process.pid}]`;
    expect(readFileSync(file, 'utf8')).toBe(
      [`Jan 05 07:08:09  ${tag}:    INFO: started`, `Jan 05 07:08:09  ${tag}:    ERROR: it broke`, `Jan 05 07:08:09  ${tag}:    WARNING: careful`, `Jan 05 07:08:09  ${tag}:    CRIT: worse`, ''].join('\n'),
    );
    expect(syslog).toEqual([`${tag} daemon.info INFO: started`, `${tag} daemon.err ERROR: it broke`, `${tag} daemon.warning WARNING: careful`, `${tag} daemon.crit CRIT: worse`]);
    expect(stderr).toEqual([]);
    expect(log.firstError).toBe('it broke');
  });

  it('writes to stderr when there is neither a facility nor a file (none is no facility); on a terminal, TAG: LEVEL: message only', () => {
    const a = setup({ HA_LOGFACILITY: 'none' });
    a.log.line('NOTICE', 'hello');
    expect(a.stderr).toEqual(['Jan 05 07:08:09 NOTICE: hello\n']);
    expect(a.syslog).toEqual([]);
    const t = setup({ HA_LOGFILE: join(dir, 'never.log'), HA_LOGTAG: 'mytag' }, true);
    t.log.line('INFO', 'hi');
    expect(t.stderr).toEqual(['mytag: INFO: hi\n']);
  });

  it('writes debug lines with HA_debug, also to HA_DEBUGLOG', () => {
    const debugFile = join(dir, 'debug.log');
    const { log, syslog } = setup({ HA_debug: '1', HA_LOGFACILITY: 'local5', HA_DEBUGLOG: debugFile });
    expect(log.debug).toBe(true);
    log.line('DBG_5', 'details');
    expect(syslog).toEqual([`LPAR(lpar1)[${process.pid}] local5.debug DEBUG: details`]);
    expect(readFileSync(debugFile, 'utf8')).toBe(`LPAR(lpar1)[${process.pid}]:\tJan 05 07:08:09 DEBUG: details\n`);
    expect(setup({ HA_debug: '0' }).log.debug).toBe(false);
  });
});
