// Bundles the Fargate task entry point (containers/task/main.ts) into dist/task/main.mjs: one
// file with its dependencies, as the render and face-tracker images run it (their Dockerfiles
// call this script) and as the tests run it as a process.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
await build({
  entryPoints: [join(root, 'containers', 'task', 'main.ts')],
  outfile: join(root, 'dist', 'task', 'main.mjs'),
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'esm',
  sourcemap: true,
  logLevel: 'warning',
  // Some dependencies are CommonJS and call require(); ESM output needs it defined.
  banner: { js: "import { createRequire as topLevelCreateRequire } from 'module'; const require = topLevelCreateRequire(import.meta.url);" },
});
