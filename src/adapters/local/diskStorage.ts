// The Storage port on a folder. Writes go to a hidden temporary name in the same folder and are
// renamed into place, so a reader (or a crash) never sees half a file.
import { randomBytes } from 'node:crypto';
import { access, mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
import type { Storage } from '../../core/ports.ts';

export const TEMP_MARK = '.partial-';

export class DiskStorage implements Storage {
  readonly root: string;
  constructor(root: string) {
    this.root = resolve(root);
  }

  path(key: string): string {
    const full = resolve(this.root, key);
    if (full !== this.root && !full.startsWith(this.root + sep)) throw new Error(`storage key escapes its folder: ${key}`);
    return full;
  }

  async localPath(key: string): Promise<string> {
    const p = this.path(key);
    await access(p);
    return p;
  }

  async writeFile(key: string, write: (tmpPath: string) => Promise<void>): Promise<void> {
    const final = this.path(key);
    const dir = dirname(final);
    await mkdir(dir, { recursive: true });
    await removeTemps(dir, basename(final));
    const name = basename(final);
    const dot = name.lastIndexOf('.');
    const ext = dot > 0 ? name.slice(dot) : '';
    const tmp = join(dir, `.${name}${TEMP_MARK}${randomBytes(4).toString('hex')}${ext}`);
    try {
      await write(tmp);
      await rename(tmp, final);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
  }

  async writeText(key: string, text: string): Promise<void> {
    await this.writeFile(key, (tmp) => writeFile(tmp, text, 'utf8'));
  }

  async readText(key: string): Promise<string> {
    return readFile(this.path(key), 'utf8');
  }

  async exists(key: string): Promise<boolean> {
    return access(this.path(key)).then(
      () => true,
      () => false,
    );
  }

  async removePrefix(prefix: string): Promise<void> {
    await rm(this.path(prefix), { recursive: true, force: true, maxRetries: 3 });
  }
}

/** Leftovers of an earlier, killed write of the same file. */
async function removeTemps(dir: string, name: string): Promise<void> {
  const entries = await readdir(dir).catch(() => [] as string[]);
  await Promise.all(entries.filter((e) => e.startsWith(`.${name}${TEMP_MARK}`)).map((e) => rm(join(dir, e), { force: true })));
}
