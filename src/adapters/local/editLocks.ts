// Edit locks on one machine. serve holds them in memory (one process owns its data folder);
// the CLI as files in the output folder, so two `clipforge edit` commands on one folder never
// interleave. A lock file names its process: one left by a process that died is taken over.
import { releaseLockFile, takeLockFile } from './pidLockFile.ts';
import { join } from 'node:path';
import type { EditLocks } from '../../editing/editClip.ts';

export class MemoryEditLocks {
  private readonly held = new Set<string>();
  /** The locks of one job (one set serves a whole server). */
  forJob(jobId: string): EditLocks {
    return {
      tryHold: async (name) => {
        const key = `${jobId}/${name}`;
        if (this.held.has(key)) return false;
        this.held.add(key);
        return true;
      },
      release: async (name) => void this.held.delete(`${jobId}/${name}`),
    };
  }
}

export class FileEditLocks implements EditLocks {
  constructor(private readonly dir: string) {}
  private file(name: string): string {
    return join(this.dir, `.${name}.lock`);
  }
  async tryHold(name: string): Promise<boolean> {
    return takeLockFile(this.file(name)).taken;
  }
  async release(name: string): Promise<void> {
    releaseLockFile(this.file(name));
  }
}
