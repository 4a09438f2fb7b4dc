/**
 * Redirections as rbash allows them: duplicating and closing descriptors,
 * reading files (`< /dev/null`, here-strings); any output to a file is
 * refused. Expected texts are GNU bash's (`bash -r -c`).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { World } from '../../../sim/hmc/world.js';
import { fixtureWorld, shell } from './helpers.js';

let world: World;
afterEach(() => world?.dispose());

const MISSING_M =
  'The command entered is either missing a required parameter or a parameter value is invalid. The parameters that are missing or have an invalid value are -m. Please check your entry and retry the command.\n';

describe('restricted shell: descriptor duplication', () => {
  it('accepts 2>&1 on an HMC command and pipes both streams on', async () => {
    world = fixtureWorld();
    const sh = shell(world);
    expect(await sh('lssyscfg -r sys -F name 2>&1')).toEqual({ stdout: 'sys1\nsys2\n', stderr: '', status: 0 });
    expect(await sh('lssyscfg -r sys -F name 2>&1 | head -1')).toEqual({ stdout: 'sys1\n', stderr: '', status: 0 });
    expect(await sh('lssyscfg -r lpar 2>&1 | head -1')).toEqual({ stdout: MISSING_M, stderr: '', status: 0 });
    // Shell errors are on stderr: 2>&1 brings them into the pipe.
    expect(await sh('nosuch 2>&1 | wc -l')).toEqual({ stdout: '1\n', stderr: '', status: 0 });
    expect(await sh('nosuch |& grep -c "command not found"')).toEqual({ stdout: '1\n', stderr: '', status: 0 });
  });

  it('sends output to stderr with >&2 and 1>&2, and keeps the order of redirections', async () => {
    world = fixtureWorld();
    const sh = shell(world);
    expect(await sh('echo hi >&2')).toEqual({ stdout: '', stderr: 'hi\n', status: 0 });
    expect(await sh('lssyscfg -r sys -F name 1>&2 | wc -l')).toEqual({ stdout: '0\n', stderr: 'sys1\nsys2\n', status: 0 });
    expect(await sh('{ echo out; echo err >&2; } 2>&1 | sort')).toEqual({ stdout: 'err\nout\n', stderr: '', status: 0 });
    expect(await sh('exec 2>&1; nosuch')).toEqual({ stdout: '/bin/bash: nosuch: command not found\n', stderr: '', status: 127 });
    expect(await sh('echo x >&5')).toEqual({ stdout: '', stderr: '/bin/bash: 5: Bad file descriptor\n', status: 1 });
  });

  it('refuses output to files, /dev/null included, as rbash does: the command does not run', async () => {
    world = fixtureWorld();
    const sh = shell(world);
    for (const [cmd, target] of [
      ['lssyscfg -r sys -F name 2>/dev/null', '/dev/null'],
      ['lssyscfg -r sys > out.txt', 'out.txt'],
      ['lssyscfg -r sys >> out.txt', 'out.txt'],
      ['lssyscfg -r sys >| out.txt', 'out.txt'],
      ['lssyscfg -r sys &> out.txt', 'out.txt'],
      ['lssyscfg -r sys >&out.txt', 'out.txt'],
      ['lssyscfg -r sys 1<>out.txt', 'out.txt'],
      ['echo a 2>&1 >/dev/null', '/dev/null'],
    ]) {
      expect(await sh(cmd!), cmd).toEqual({ stdout: '', stderr: `/bin/bash: ${target}: restricted: cannot redirect output\n`, status: 1 });
    }
  });

  it('reads < /dev/null, files of the home directory and here-strings', async () => {
    world = fixtureWorld();
    world.writeUserFile('hscroot', 'systems.txt', 'sys2\nsys1\n');
    const sh = shell(world);
    expect(await sh('lssyscfg -r sys -F name < /dev/null')).toEqual({ stdout: 'sys1\nsys2\n', stderr: '', status: 0 });
    expect(await sh('sort < systems.txt')).toEqual({ stdout: 'sys1\nsys2\n', stderr: '', status: 0 });
    expect((await sh('while read s; do lssyscfg -r sys -m $s -F state; done < ~/systems.txt')).stdout).toBe('Operating\nOperating\n');
    expect(await sh('grep -c x <<< "axb"')).toEqual({ stdout: '1\n', stderr: '', status: 0 });
    expect(await sh('sort < /etc/passwd')).toEqual({ stdout: '', stderr: '/bin/bash: /etc/passwd: No such file or directory\n', status: 1 });
  });
});
