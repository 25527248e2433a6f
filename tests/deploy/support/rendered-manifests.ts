/**
 * `kubectl kustomize` of each overlay, as CI renders them, parsed into objects. The overlays' secrets.env
 * files are not in the repository (each user writes theirs); the render uses a copy of the tree with each
 * overlay's secrets.env.example in their place.
 */
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { repoRoot } from '../../../deploy/bundles/build-bundle.ts';

const kubernetesDir = join(repoRoot, 'deploy', 'kubernetes');

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [field: string]: unknown;
}

async function overlayNames(): Promise<string[]> {
  const entries = await readdir(join(kubernetesDir, 'overlays'), { withFileTypes: true });
  return entries.filter((e) => e.isDirectory()).map((e) => e.name);
}

/** Renders every overlay with the kubectl on PATH (.ci/run installs Debian's kubernetes-client). */
export async function renderOverlays(): Promise<Map<string, KubeObject[]>> {
  const work = await mkdtemp(join(tmpdir(), 'apo-kustomize-'));
  try {
    await cp(kubernetesDir, work, { recursive: true });
    const rendered = new Map<string, KubeObject[]>();
    for (const overlay of await overlayNames()) {
      const dir = join(work, 'overlays', overlay);
      await cp(join(dir, 'secrets.env.example'), join(dir, 'secrets.env'));
      const { stdout } = await promisify(execFile)('kubectl', ['kustomize', dir], {
        maxBuffer: 16 * 1024 * 1024,
      }).catch((err: unknown) => {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT')
          throw new Error("kubectl is not on PATH: install Debian's kubernetes-client (.ci/run does)", {
            cause: err,
          });
        throw err;
      });
      rendered.set(
        overlay,
        parseAllDocuments(stdout).map((doc) => doc.toJS() as KubeObject),
      );
    }
    return rendered;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
