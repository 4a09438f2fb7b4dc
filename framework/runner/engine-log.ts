/**
 * The VCS engine log, `$VCS_LOG/log/engine_A.log`, written from the
 * runner's events in VCS's format:
 *
 *   YYYY/MM/DD HH:MM:SS VCS SEVERITY V-16-<catalog>-<id> <message>
 *
 * Engine messages (catalog 1) say what the engine decided; the agent
 * framework's own (catalog 2) are written as VCS writes them there, prefixed
 * with the system in parentheses. Message ids follow the ones VCS is known
 * to use for the same messages.
 */
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { formatLogTime } from '../agent/log.js';
import type { RunnerEvent } from './events.js';

type Line = { severity: 'CRITICAL' | 'ERROR' | 'WARNING' | 'NOTICE' | 'INFO'; umi: string; text: string };

const owner = (resource: string, group: string) => `Resource ${resource} (Owner: Unspecified, Group: ${group})`;

const CAUSE: Record<string, string> = {
  probe: 'First probe',
  'vcs-initiated': 'VCS initiated',
  restart: 'VCS initiated',
  'not-vcs-initiated': 'Not initiated by VCS',
  'intentional-offline': 'Intentional Offline',
  migrated: 'Migrated',
  clean: 'VCS initiated',
  clear: 'Fault cleared',
};

/** The engine-log lines for one event (none for most of the chatter). */
function engineLines(e: RunnerEvent, groupOf: (resource: string) => string | undefined): Line[] {
  const sys = e.system;
  const agent = (umi: string, severity: Line['severity'], text: string): Line => ({ severity, umi: `V-16-2-${umi}`, text: `(${sys}) ${text}` });
  switch (e.kind) {
    case 'runner-started':
      return [{ severity: 'NOTICE', umi: 'V-16-1-10322', text: `System ${sys} (Node '0') changed state from LOCAL_BUILD to RUNNING` }];
    case 'runner-stopped':
      return [{ severity: 'NOTICE', umi: 'V-16-1-10322', text: `System ${sys} (Node '0') changed state from RUNNING to EXITED` }];
    case 'ep-started':
      if (e.entryPoint === 'online' && e.resource) return [{ severity: 'NOTICE', umi: 'V-16-1-10301', text: `Initiating Online of ${owner(e.resource, groupOf(e.resource) ?? '')} on System ${sys}` }];
      if (e.entryPoint === 'offline' && e.resource) return [{ severity: 'NOTICE', umi: 'V-16-1-10300', text: `Initiating Offline of ${owner(e.resource, groupOf(e.resource) ?? '')} on System ${sys}` }];
      if (e.entryPoint === 'migrate' && e.resource) return [{ severity: 'NOTICE', umi: 'V-16-1-10302', text: `Initiating Migrate of ${owner(e.resource, groupOf(e.resource) ?? '')} on System ${sys}` }];
      return [];
    case 'ep-finished':
      if (e.timedOut) return [agent('13012', 'ERROR', `Resource(${e.resource}): ${e.entryPoint} procedure did not complete within the expected time.`)];
      if (e.error && e.resource) return [agent('13001', 'ERROR', `Resource(${e.resource}): ${e.entryPoint}: ${e.error}`)];
      return [];
    case 'resource-state': {
      const who = owner(e.resource, e.group);
      if (e.to === 'online') return [{ severity: 'INFO', umi: 'V-16-1-10298', text: `${who} is online on ${sys} (${CAUSE[e.cause] ?? e.cause})` }];
      if (e.to === 'offline') return [{ severity: 'INFO', umi: e.cause === 'not-vcs-initiated' ? 'V-16-1-10307' : 'V-16-1-10305', text: `${who} is offline on ${sys} (${CAUSE[e.cause] ?? e.cause})` }];
      if (e.to === 'faulted') return [{ severity: 'ERROR', umi: 'V-16-1-10303', text: `${who} is FAULTED on sys ${sys}` }];
      return [{ severity: 'WARNING', umi: 'V-16-1-10299', text: `${who} is in an unknown state on ${sys}` }];
    }
    case 'clean': {
      const why: Record<string, string> = {
        'offline-hung': 'offline did not complete within the expected time',
        'offline-ineffective': 'the resource did not go offline even after offline completed',
        'online-hung': 'online did not complete within the expected time',
        'online-ineffective': 'the resource is not up even after online completed',
        'unexpected-offline': 'the resource became OFFLINE unexpectedly, on its own',
        'monitor-hung': 'monitor did not complete within the expected time for FaultOnMonitorTimeouts consecutive times',
      };
      const umi: Record<string, string> = {
        'offline-hung': '13063',
        'offline-ineffective': '13064',
        'online-hung': '13065',
        'online-ineffective': '13066',
        'unexpected-offline': '13067',
        'monitor-hung': '13210',
      };
      return [
        agent(umi[e.reason]!, 'ERROR', `Agent is calling clean for resource(${e.resource}) because ${why[e.reason]}.`),
        e.ok ? agent('13068', 'INFO', `Resource(${e.resource}) - clean completed successfully.`) : agent('13069', 'ERROR', `Resource(${e.resource}) - clean failed.`),
      ];
    }
    case 'tolerated-offline':
      return [agent('13075', 'WARNING', `Resource(${e.resource}) has reported unexpected OFFLINE ${e.count} times, which is still within the ToleranceLimit(${e.limit}).`)];
    case 'restart':
      return [agent('13073', 'WARNING', `Resource(${e.resource}) became OFFLINE unexpectedly on its own. Agent is restarting (attempt ${e.attempt} of RestartLimit ${e.limit}) the resource.`)];
    case 'online-retry':
      return [agent('13070', 'WARNING', `Resource(${e.resource}): online retry ${e.attempt} of OnlineRetryLimit ${e.limit}.`)];
    case 'monitor-timeout':
      return [agent('13027', 'WARNING', `Resource(${e.resource}) - monitor procedure did not complete within the expected time.`)];
    case 'unable-to-offline':
      return [agent('13077', 'ERROR', `Agent is unable to offline resource(${e.resource}). Administrative intervention may be required.`)];
    case 'admin-wait':
      return [{ severity: 'ERROR', umi: 'V-16-1-10205', text: `${owner(e.resource, groupOf(e.resource) ?? '')} is in ADMIN_WAIT state on ${sys} (ManageFaults is NONE; ${e.reason})` }];
    case 'counters-reset':
      return [];
    case 'migrate-failed':
      return [agent('13078', 'ERROR', `Resource(${e.resource}): migration to ${e.target} failed: ${e.detail}`)];
    case 'group-state': {
      if (e.to === 'online') return [{ severity: 'NOTICE', umi: 'V-16-1-10447', text: `Group ${e.group} is online on system ${sys}` }];
      if (e.to === 'offline') return [{ severity: 'NOTICE', umi: 'V-16-1-10446', text: `Group ${e.group} is offline on system ${sys}` }];
      if (e.to === 'faulted') return [{ severity: 'ERROR', umi: 'V-16-1-10205', text: `Group ${e.group} is faulted on system ${sys}` }];
      return [];
    }
    case 'group-command':
      return [{ severity: 'NOTICE', umi: 'V-16-1-50135', text: `User root fired command: hagrp -${e.command} ${e.group}${e.target ? ` -to ${e.target}` : ` ${sys}`} from localhost` }];
    case 'imf-registered':
      return [agent('13007', 'INFO', `Resource(${e.resource}) is registered with IMF for ${e.state} monitoring.`)];
    case 'imf-disabled':
      return [agent('13210', 'WARNING', `Resource(${e.resource}): IMF disabled: ${e.why}.`)];
    case 'imf-daemon':
      if (e.action === 'exited' || e.action === 'gave-up' || e.action === 'init-failed') return [agent('13206', 'WARNING', `${e.type}: imf_getnotification ${e.action}: ${e.detail ?? ''}`)];
      return [];
    case 'error':
      return [{ severity: 'ERROR', umi: 'V-16-1-10600', text: `${e.resource ? `Resource(${e.resource}): ` : ''}${e.detail}` }];
    default:
      return [];
  }
}

function formatEngineLine(time: number, l: Line): string {
  return `${formatLogTime(new Date(time))} VCS ${l.severity} ${l.umi} ${l.text.replace(/\r?\n/g, ' ')}\n`;
}

/** Appends engine-log lines to `$VCS_LOG/log/engine_A.log`. */
export class EngineLog {
  private fd: number | undefined;
  readonly path: string;

  constructor(
    vcsLog: string,
    private readonly groupOf: (resource: string) => string | undefined,
  ) {
    const dir = join(vcsLog, 'log');
    mkdirSync(dir, { recursive: true, mode: 0o755 });
    this.path = join(dir, 'engine_A.log');
    this.fd = openSync(this.path, 'a', 0o644);
  }

  write(e: RunnerEvent): void {
    if (this.fd === undefined) return;
    for (const l of engineLines(e, this.groupOf)) writeSync(this.fd, formatEngineLine(e.time, l));
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
