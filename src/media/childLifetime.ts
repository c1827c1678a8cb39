// Children end with the process that started them. Node has no parent-death signal, so a serve
// killed with SIGKILL would leave its FFmpeg encodes and speech processes running (competing with
// the restarted job). On Linux, util-linux's `setpriv --pdeathsig KILL` asks the kernel to kill
// the child when its parent dies; elsewhere (or without setpriv) children are started as they are.
import { existsSync } from 'node:fs';

const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => process.platform === 'linux' && existsSync(p));

/** The command and arguments that start `command` so that it dies with this process. */
export function tiedToParent(command: string, args: string[]): { command: string; args: string[] } {
  return SETPRIV ? { command: SETPRIV, args: ['--pdeathsig', 'KILL', '--', command, ...args] } : { command, args };
}
