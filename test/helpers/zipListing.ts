// What a ZIP holds, read by Python's zipfile (another implementation than the one that wrote it):
// each entry's size and SHA-256, after zipfile's own CRC check of every entry.
import { execFileSync } from 'node:child_process';

export function zipListing(path: string): Record<string, { size: number; sha256: string }> {
  const script = [
    'import hashlib, json, sys, zipfile',
    'z = zipfile.ZipFile(sys.argv[1])',
    'bad = z.testzip()',
    'assert bad is None, f"bad CRC: {bad}"',
    'print(json.dumps({i.filename: {"size": i.file_size, "sha256": hashlib.sha256(z.read(i)).hexdigest()} for i in z.infolist()}))',
  ].join('\n');
  return JSON.parse(execFileSync('python3', ['-c', script, path], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 }));
}
