/**
 * The desktop app's small JSON files under userData (connections, credentials, window state). A file the
 * app cannot use (missing, truncated by a crash, edited by hand, written by another version) must never stop
 * the console from starting: it reads as the defaults, and anything but "missing" is logged. Writes go to a
 * temporary file renamed over the target, so a crash mid-write leaves the old file or the new one, never half.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { z } from 'zod';

export type Warn = (message: string) => void;

export async function readSettingsFile<S extends z.ZodType>(
  path: string,
  schema: S,
  defaults: () => z.infer<S>,
  warn: Warn,
): Promise<z.infer<S>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if (isErrnoException(err) && err.code === 'ENOENT') return defaults();
    warn(`${path}: cannot be read (${describeError(err)}); using defaults`);
    return defaults();
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    warn(`${path}: is not JSON (${describeError(err)}); using defaults`);
    return defaults();
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    warn(`${path}: is not a file this version understands (${problems.join('; ')}); using defaults`);
    return defaults();
  }
  return parsed.data;
}

/**
 * Writes are serialised per file by the callers (each store awaits its previous write), so the random
 * suffix only guards against two app instances racing, which the single-instance lock already prevents.
 */
export async function writeSettingsFile(path: string, value: unknown, mode = 0o600): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    // 0600: these files name the user's servers and hold their encrypted tokens.
    await writeFile(temporary, `${JSON.stringify(value, null, 2)}\n`, { mode, flush: true });
    await rename(temporary, path);
  } catch (err) {
    await rm(temporary, { force: true });
    throw err;
  }
}

/** Runs writes one after another so a slow older write can never land after (and undo) a newer one. */
export function serialisedWriter(path: string, warn: Warn): (value: unknown) => Promise<void> {
  let last: Promise<void> = Promise.resolve();
  return (value) => {
    const next = last.then(() => writeSettingsFile(path, value));
    // The chain must survive a failed write (disk full): the next write may well succeed.
    last = next.catch((err: unknown) => {
      warn(`${path}: could not be saved (${describeError(err)})`);
    });
    return next;
  };
}

function isErrnoException(err: unknown): err is NodeJS.ErrnoException {
  return err instanceof Error && 'code' in err;
}

export function describeError(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
