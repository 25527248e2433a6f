/**
 * Finds the files the sources' globs match right now (Node's fs.promises.glob, run on every poll) and
 * the directories worth watching for a hint that something changed.
 */
import { glob, stat } from 'node:fs/promises';
import { dirname, matchesGlob, sep } from 'node:path';
import { identityKey } from './file-identity.ts';
import type { LogSource } from './log-source-config.ts';

export interface FoundFile {
  key: string;
  path: string;
  source: LogSource;
}

/**
 * Regular files matched by the sources, by identity. A file matched twice (two globs, two sources, a hard
 * link or a symlink) is tailed once, for the first source and the first path in sorted order.
 */
export async function discoverFiles(
  sources: readonly LogSource[],
  onError: (source: LogSource, err: unknown) => void,
): Promise<Map<string, FoundFile>> {
  const found = new Map<string, FoundFile>();
  for (const source of sources) {
    const paths: string[] = [];
    try {
      for await (const path of glob(source.include)) {
        if (!source.exclude.some((pattern) => matchesGlob(path, pattern))) paths.push(path);
      }
    } catch (err) {
      // One unreadable directory must not stop the other sources (or what this one found so far).
      onError(source, err);
    }
    paths.sort();
    for (const path of paths) {
      let st;
      try {
        st = await stat(path, { bigint: true });
      } catch {
        continue; // gone between the glob and the stat: the next poll settles it
      }
      if (!st.isFile()) continue;
      const key = identityKey(st.dev, st.ino);
      if (!found.has(key)) found.set(key, { key, path, source });
    }
  }
  return found;
}

const GLOB_MAGIC = /[*?[\]{}]/;

/** The deepest directory of each glob without glob characters (what a watcher can be put on). */
export function watchRoots(globs: readonly string[]): string[] {
  const roots = new Set<string>();
  for (const pattern of globs) {
    const parts = pattern.split(sep);
    const fixed: string[] = [];
    for (const part of parts) {
      if (GLOB_MAGIC.test(part)) break;
      fixed.push(part);
    }
    // A glob without magic is a file path: watch its directory.
    const root = fixed.length === parts.length ? dirname(pattern) : fixed.join(sep) || sep;
    roots.add(root);
  }
  return [...roots];
}
