// A lock file naming its owner's pid, on this machine: taken by exclusive create; one whose
// process is gone (SIGKILL, a crash) is taken over. serve's data folder lock and the CLI's edit
// locks are both this.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes `file` for this process: `{ taken: true }`, or the live holder's pid. `ownIsStale`: a lock
 * naming this very process is a leftover to take over (serve's, which one process takes once).
 */
export function takeLockFile(file: string, ownIsStale = false): { taken: true } | { taken: false; holder: number | undefined } {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, `${process.pid}\n`, { flag: 'wx' });
      return { taken: true };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number(readFileSync(file, 'utf8').trim());
      const live = Number.isInteger(holder) && holder > 0 && !(ownIsStale && holder === process.pid) && alive(holder);
      if (live) return { taken: false, holder };
      rmSync(file, { force: true }); // its owner is gone
    }
  }
  return { taken: false, holder: undefined }; // another process took it at the same moment
}

export function releaseLockFile(file: string): void {
  rmSync(file, { force: true });
}
