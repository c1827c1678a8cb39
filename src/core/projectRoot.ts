import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder holding clipforge's package.json, wherever the code runs from. */
export const PROJECT_ROOT = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
})();

/** The project's Python (the virtualenv scripts/setup.sh makes), else an override or python3. */
export function projectPython(): string {
  if (process.env.CLIPFORGE_PYTHON) return process.env.CLIPFORGE_PYTHON;
  const venv = join(PROJECT_ROOT, '.venv', 'bin', 'python');
  return existsSync(venv) ? venv : 'python3';
}
