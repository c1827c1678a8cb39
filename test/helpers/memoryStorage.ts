// The Storage port in memory, for unit tests of use cases; `slowReads` delays every read, so
// concurrent read-modify-writes overlap as they can on a busy disk or S3.
import type { Storage } from '../../src/core/ports.ts';

export class MemoryStorage implements Storage {
  readonly objects = new Map<string, string>();
  constructor(private readonly slowReadsMs = 0) {}
  async localPath(key: string): Promise<string> {
    if (!this.objects.has(key)) throw new Error(`no object ${key}`);
    return `/memory/${key}`;
  }
  async writeFile(key: string, write: (tmp: string) => Promise<void>): Promise<void> {
    await write(`/memory/tmp/${key}`);
    this.objects.set(key, '(file)');
  }
  async writeText(key: string, text: string): Promise<void> {
    this.objects.set(key, text);
  }
  async readText(key: string): Promise<string> {
    const text = this.objects.get(key);
    if (text === undefined) throw new Error(`no object ${key}`);
    if (this.slowReadsMs) await new Promise((r) => setTimeout(r, this.slowReadsMs));
    return text;
  }
  async exists(key: string): Promise<boolean> {
    return this.objects.has(key);
  }
  async removePrefix(prefix: string): Promise<void> {
    for (const key of [...this.objects.keys()]) if (key.startsWith(prefix)) this.objects.delete(key);
  }
}
