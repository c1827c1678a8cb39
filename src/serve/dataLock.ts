// One `serve` per data folder: two servers on one job store would both "recover" and run the
// same jobs. The lock file holds the owner's pid; a lock whose process is gone (SIGKILL, a crash)
// is taken over.
import { releaseLockFile, takeLockFile } from '../adapters/local/pidLockFile.ts';
import { join } from 'node:path';

export class DataFolderBusy extends Error {
  override name = 'DataFolderBusy';
}

/** Takes the folder's lock or says who holds it; returns the release. */
export function lockDataFolder(dir: string): () => void {
  const file = join(dir, 'serve.lock');
  const got = takeLockFile(file, true);
  if (got.taken) return () => releaseLockFile(file);
  if (got.holder !== undefined) {
    throw new DataFolderBusy(`another clipforge serve (pid ${got.holder}) is using the data folder ${dir}; stop it, or give this one another --data`);
  }
  throw new DataFolderBusy(`the data folder ${dir} is being locked by another process at the same moment; try again`);
}
