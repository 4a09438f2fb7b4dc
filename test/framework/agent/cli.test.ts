import { describe, expect, it } from 'vitest';
import { parseEntryPointArgs } from '../../../framework/agent/cli.js';

describe('vcsagent argument forms', () => {
  it('takes everything after the resource as VCS passed it, dashes included', () => {
    expect(parseEntryPointArgs(['T', 'monitor', 'r', 'Opt', '1', '--config', 'X', '1', '--system'])).toMatchObject({
      type: 'T',
      entryPoint: 'monitor',
      subject: 'r',
      args: ['Opt', '1', '--config', 'X', '1', '--system'],
      modules: [],
    });
  });

  it('reads options before TYPE', () => {
    expect(parseEntryPointArgs(['--module', 'm.js', '--types', 't.cf', 'T', 'clean', 'r', '2', 'A', '1', 'x'])).toMatchObject({
      modules: ['m.js'],
      typesFile: 't.cf',
      subject: 'r',
      args: ['2', 'A', '1', 'x'],
    });
  });

  it('reads the --config form: leading arguments, then options, then action arguments', () => {
    expect(parseEntryPointArgs(['T', 'clean', 'r', '4', '--config', 'main.cf', '--system', 's1'])).toMatchObject({ args: ['4'], config: 'main.cf', system: 's1' });
    expect(parseEntryPointArgs(['T', 'migrate', 'r', '--config', 'main.cf', '--system', 's1', '--target', 's2'])).toMatchObject({ args: [], target: 's2' });
    expect(parseEntryPointArgs(['T', 'action/x', 'r', '--config', 'c', '--system', 's', '--', 'a', '--b'])).toMatchObject({ args: [], actionArgs: ['a', '--b'] });
  });

  it('takes --opt=value as well as --opt value', () => {
    expect(parseEntryPointArgs(['--module=m.js', '--types=t.cf', 'T', 'monitor', 'r', 'A', '1', '--x=y'])).toMatchObject({ modules: ['m.js'], typesFile: 't.cf', args: ['A', '1', '--x=y'] });
    expect(parseEntryPointArgs(['T', 'clean', 'r', '4', '--config=main.cf', '--system=s1'])).toMatchObject({ args: ['4'], config: 'main.cf', system: 's1' });
  });

  it('knows which entry points take no resource', () => {
    const shutdown = parseEntryPointArgs(['T', 'shutdown']);
    expect(shutdown.subject).toBeUndefined();
    expect(shutdown.args).toEqual([]);
    // shutdown gets nothing: a stray argument is not taken for a resource name.
    expect(parseEntryPointArgs(['T', 'shutdown', 'x']).args).toEqual(['x']);
    expect(parseEntryPointArgs(['T', 'imf_init', 'T'])).toMatchObject({ subject: 'T' });
    expect(parseEntryPointArgs(['T', 'shutdown', '--config', 'c', '--system', 's'])).toMatchObject({ args: [], config: 'c', system: 's' });
  });

  it.each([
    [['--bogus', 'T', 'monitor', 'r'], 'unknown option --bogus'],
    [['--module'], '--module needs a value'],
    [['T', 'monitor', 'r', '--system', 's'], '--system and --target go with --config'],
    [['T', 'monitor', 'r', '--config', 'c', '--types', 't'], 'unexpected --types after the resource'],
    [['--config', 'c', 'T', 'monitor', 'r', 'A', '1', 'x'], 'with --config the ArgList values come from the configuration'],
    [['T', 'clean', 'r', '--config', 'c', '--system', 's'], 'clean needs'],
    [['T', 'shutdown', 'r', '--config', 'c', '--system', 's'], 'shutdown concerns the agent, not a resource: vcsagent T shutdown --config FILE'],
  ])('refuses %j', (argv, message) => {
    expect(() => parseEntryPointArgs(argv)).toThrow(message);
  });
});
