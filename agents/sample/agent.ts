/**
 * SampleFile — the smallest useful agent, and the example of docs/writing-agents.md: the
 * resource is a file that online writes, offline and clean remove, and
 * monitor looks for. Its type is agents/sample/SampleFileTypes.cf.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { defineAgent } from '../../framework/agent/define.js';
import { writeFileAtomic } from '../../framework/fs.js';

type Attributes = { PathName: string; Content: string };

export default defineAgent<Attributes>({
  type: 'SampleFile',
  // Checked with the schema generated from the types file: only absolute paths.
  attributeSchemas: { PathName: { type: 'string', pattern: '^/' } },
  entryPoints: {
    monitor: ({ attributes }) => (existsSync(attributes.PathName) ? 'online' : 'offline'),

    online: ({ attributes, log }) => {
      // No .previous: offline removes the file, and should leave nothing behind.
      writeFileAtomic(attributes.PathName, `${attributes.Content}\n`, { backup: false });
      // An explicit msgId: the message keeps its UMI (V-16-50000-1) whatever its wording becomes.
      log.info({ msgId: 1 }, 'wrote %s', attributes.PathName);
    },

    offline: ({ attributes, log }) => {
      rmSync(attributes.PathName, { force: true });
      log.info({ msgId: 2 }, 'removed %s', attributes.PathName);
    },

    clean: ({ attributes, cleanReason, log }) => {
      rmSync(attributes.PathName, { force: true });
      log.notice({ msgId: 3 }, 'cleaned %s (%s)', attributes.PathName, cleanReason);
    },

    action: {
      show: ({ attributes }) => (existsSync(attributes.PathName) ? readFileSync(attributes.PathName, 'utf8') : 'absent'),
    },
  },
});
