// Children end with the process that started them. Node has no parent-death signal, so a serve
// killed with SIGKILL would leave its FFmpeg encodes and speech processes running (competing with
// the restarted job). On Linux, util-linux's `setpriv --pdeathsig KILL` asks the kernel to kill
// the child when its parent dies; elsewhere, or where setpriv is missing or too old to know the
// option (util-linux < 2.33), children are started as they are.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

let setpriv: string | null | undefined;

/** setpriv, if it is here and takes --pdeathsig (checked once, by running it). */
function usableSetpriv(): string | null {
  if (setpriv !== undefined) return setpriv;
  const path = process.platform === 'linux' ? ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p)) : undefined;
  setpriv = path && spawnSync(path, ['--pdeathsig', 'KILL', '--', 'true'], { stdio: 'ignore', timeout: 5000 }).status === 0 ? path : null;
  return setpriv;
}

/** The command and arguments that start `command` so that it dies with this process. */
export function tiedToParent(command: string, args: string[]): { command: string; args: string[] } {
  const tie = usableSetpriv();
  return tie ? { command: tie, args: ['--pdeathsig', 'KILL', '--', command, ...args] } : { command, args };
}
