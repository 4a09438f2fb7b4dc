/**
 * The LPAR notification source imf_getnotification runs: registrations whose
 * HMCs have REST credentials (rest-config.ts) follow the event feed; the
 * others are polled over SSH, one command per managed system per poll.
 */
import type { Registration } from '../../../framework/imf/protocol.js';
import type { NotificationSource, Observe } from '../../../framework/imf/source.js';
import type { RestFeedSource } from './rest-feed-source.js';

export class LparImfSource implements NotificationSource {
  private readonly where = new Map<string, 'rest' | 'cli'>();

  constructor(
    private readonly cli: NotificationSource,
    private readonly rest?: RestFeedSource,
  ) {}

  start(observe: Observe): void {
    void this.cli.start(observe);
    this.rest?.start(observe);
  }

  add(reg: Registration): void {
    const to = this.rest?.covers(reg) ? 'rest' : 'cli';
    const was = this.where.get(reg.resource);
    if (was && was !== to) (was === 'rest' ? this.rest! : this.cli).remove(reg.resource);
    this.where.set(reg.resource, to);
    (to === 'rest' ? this.rest! : this.cli).add(reg);
  }

  remove(resource: string): void {
    const was = this.where.get(resource);
    this.where.delete(resource);
    if (was === 'rest') this.rest?.remove(resource);
    else if (was === 'cli') this.cli.remove(resource);
  }

  async close(): Promise<void> {
    await Promise.all([this.cli.close(), this.rest?.close()]);
  }
}
