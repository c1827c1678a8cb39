// A video dropped into the inbox folder becomes a job once it is completely written: its size
// and modification time must hold still across two polls. Each file (by name, size and mtime)
// makes one job, also across restarts.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../core/ports.ts';

export const VIDEO_EXTENSIONS = /\.(mp4|mov|m4v|mkv|webm|avi|mpg|mpeg)$/i;

export interface InboxOptions {
  dir: string;
  pollMs: number;
  /** Makes the job; returns false when the file was already taken. */
  onFile: (path: string, key: string) => boolean;
  log: Logger;
}

export function watchInbox(opts: InboxOptions): () => void {
  const last = new Map<string, string>();
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const poll = async () => {
    try {
      const names = await readdir(opts.dir).catch(() => [] as string[]);
      for (const name of names) {
        if (name.startsWith('.') || !VIDEO_EXTENSIONS.test(name)) continue;
        const path = join(opts.dir, name);
        const info = await stat(path).catch(() => undefined);
        if (!info?.isFile() || info.size === 0) continue;
        const key = `${name}:${info.size}:${info.mtimeMs}`;
        if (last.get(path) === key) {
          if (opts.onFile(path, key)) opts.log.info('inbox file became a job', { file: name });
        }
        last.set(path, key);
      }
    } catch (err) {
      opts.log.warn('inbox poll failed', { error: String(err) });
    }
    if (!stopped) timer = setTimeout(poll, opts.pollMs);
  };
  void poll();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
