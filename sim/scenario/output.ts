/**
 * What the scenario prints, for a VCS administrator: a headline per act,
 * what happened in plain sentences, the agent framework's own event lines
 * (framework/runner formatEvent, VCS time), the agent log lines worth
 * reading, and what the HMCs saw.
 */
import { formatEvent, type RunnerEvent } from '../../framework/runner/events.js';
import type { EndpointStats } from './lab.js';
import type { AgentLogLine } from './node.js';

export class Output {
  /** Monitor results are shown while an act needs them (VIOS, HMC outages). */
  monitors = false;

  constructor(
    private readonly write: (text: string) => void,
    readonly verbose: boolean,
  ) {}

  line(text = ''): void {
    this.write(`${text}\n`);
  }

  headline(n: number, title: string): void {
    this.line();
    this.line(`== Act ${n}: ${title}`);
  }

  /** A sentence of the story. */
  say(text: string): void {
    for (const l of text.split('\n')) this.line(l ? `   ${l}` : '');
  }

  /** A runner event, as the agent framework reports it. */
  event(e: RunnerEvent): void {
    const showMonitor = e.kind === 'monitor' && this.monitors;
    const text = formatEvent(e, { verbose: this.verbose || showMonitor });
    if (text !== undefined) this.line(`     | ${text}`);
  }

  /** New LPAR_A.log lines of a node (INFO and above; the routine ones left out unless verbose). */
  agentLog(system: string, lines: readonly AgentLogLine[], keep: (l: AgentLogLine) => boolean = () => true): void {
    for (const l of lines) {
      if (!this.verbose && !keep(l)) continue;
      this.line(`     > ${system} LPAR_A.log ${l.severity} ${l.entryPoint}: ${l.message}`);
    }
  }

  verdict(ok: boolean, text: string): void {
    this.line(`   ${ok ? 'ok  ' : 'FAIL'} ${text}`);
  }
}

/** `hmc6: 4 logins, 9 commands (lssyscfg 8, chsysstate 1)`, one line per HMC. */
export function describeStats(stats: readonly EndpointStats[]): string[] {
  return stats.map((s) => {
    const cmds = Object.entries(s.commands).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    const total = cmds.reduce((n, [, c]) => n + c, 0);
    const list = cmds.map(([c, n]) => `${c} ${n}`).join(', ');
    const state = s.state === 'up' ? '' : ` [${s.state}]`;
    return `${s.name}${state}: ${plural(s.logins, 'login')}, ${plural(total, 'command')}${list ? ` (${list})` : ''}`;
  });
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Seconds of VCS time between two clock readings, as people write them. */
export function vcsSeconds(fromMs: number, toMs: number): string {
  const s = (toMs - fromMs) / 1000;
  return s >= 10 ? `${Math.round(s)} s` : `${s.toFixed(1)} s`;
}
