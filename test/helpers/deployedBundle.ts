// The Lambda bundle the stack deploys, as it is deployed: synthesize the stack (esbuild bundles
// locally, no Docker), find the asset holding `marker`, and copy it inside the project, where it
// finds the AWS SDK the Lambda runtime would provide. The synth output is deleted at once, the
// copy by `remove`.
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { ClipforgeStack } from '../../infra/clipforgeStack.ts';
import { PROJECT_ROOT } from '../../src/core/projectRoot.ts';

export interface DeployedBundle {
  dir: string;
  remove(): void;
}

/** `alsoHas`: a file the asset must hold besides index.mjs (e.g. bin/ffmpeg). */
export function deployedBundle(marker: string, alsoHas?: string): DeployedBundle {
  const outdir = mkdtempSync(join(tmpdir(), 'clipforge-synth-'));
  try {
    const app = new App({ outdir });
    new ClipforgeStack(app, 'BundleTest', { env: { account: '123456789012', region: 'us-east-1' } });
    app.synth();
    const asset = readdirSync(outdir)
      .filter((d) => d.startsWith('asset.'))
      .map((d) => join(outdir, d))
      .find((d) => existsSync(join(d, 'index.mjs')) && (!alsoHas || existsSync(join(d, alsoHas))) && readFileSync(join(d, 'index.mjs'), 'utf8').includes(marker));
    if (!asset) throw new Error(`no synthesized Lambda bundle contains ${marker}`);
    const dir = join(PROJECT_ROOT, '.artifacts', `bundle-${randomBytes(3).toString('hex')}`);
    cpSync(asset, dir, { recursive: true });
    return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
