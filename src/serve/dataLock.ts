// One `serve` per data folder: two servers on one job store would both "recover" and run the
// same jobs. The lock file holds the owner's pid; a lock whose process is gone (SIGKILL, a crash)
// is taken over.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export class DataFolderBusy extends Error {
  override name = 'DataFolderBusy';
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the folder's lock or says who holds it; returns the release. */
export function lockDataFolder(dir: string): () => void {
  const file = join(dir, 'serve.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, `${process.pid}\n`, { flag: 'wx' });
      return () => rmSync(file, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number(readFileSync(file, 'utf8').trim());
      if (Number.isInteger(holder) && holder !== process.pid && alive(holder)) {
        throw new DataFolderBusy(`another clipforge serve (pid ${holder}) is using the data folder ${dir}; stop it, or give this one another --data`);
      }
      rmSync(file, { force: true }); // its owner is gone
    }
  }
  throw new DataFolderBusy(`the data folder ${dir} is being locked by another process at the same moment; try again`);
}
