// Edit locks on one machine. serve holds them in memory (one process owns its data folder);
// the CLI as files in the output folder, so two `clipforge edit` commands on one folder never
// interleave. A lock file names its process: one left by a process that died is taken over.
import { open, readFile, rm } from 'node:fs/promises';
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

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class FileEditLocks implements EditLocks {
  constructor(private readonly dir: string) {}
  private file(name: string): string {
    return join(this.dir, `.${name}.lock`);
  }
  async tryHold(name: string): Promise<boolean> {
    const file = this.file(name);
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fh = await open(file, 'wx');
        await fh.writeFile(String(process.pid));
        await fh.close();
        return true;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        const owner = Number(await readFile(file, 'utf8').catch(() => ''));
        if (owner > 0 && alive(owner)) return false;
        await rm(file, { force: true }); // its process is gone
      }
    }
    return false;
  }
  async release(name: string): Promise<void> {
    await rm(this.file(name), { force: true });
  }
}
