// Preloaded into every test process (package.json test:node): each test file gets its own empty
// transcript cache instead of the user's ~/.cache/clipforge.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

process.env.CLIPFORGE_CACHE_DIR = mkdtempSync(join(tmpdir(), 'clipforge-test-cache-'));
