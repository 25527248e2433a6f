/**
 * Upgrades of an embedded data directory. Storage migrations run at start: a directory an earlier release
 * wrote (tests/deploy/fixtures/previous-data-dir.tar.gz, written by that release's own server at schema
 * version 3, before migration 0004 — see make-previous-data-dir.sh) is brought through every later
 * migration to the current schema (the last of all-migrations.ts) and its data is read; a directory from a
 * newer schema is refused, naming both versions, before anything in it is changed.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import serverPackage from '../../apps/server/package.json' with { type: 'json' };
import { migrations } from '../../apps/server/src/storage/migrations/all-migrations.ts';
import { appliedMigrationVersions } from '../../apps/server/src/storage/migrations/run-migrations.ts';
import { openStorage, SchemaTooNewError } from '../../apps/server/src/storage/index.ts';
import { apiClient } from '../../apps/server/test/support/api-client.ts';
import { startServerProcess } from '../../apps/server/test/support/server-process.ts';
import { freePort, spawnNode } from '../../packages/otlp-transport/src/testing/index.ts';

const fixture = fileURLToPath(new URL('./fixtures/previous-data-dir.tar.gz', import.meta.url));
const serverMain = fileURLToPath(new URL('../../apps/server/src/main.ts', import.meta.url));
/** The fixture's schema version: it was written before 0004, so every migration from 0004 on is applied. */
const FIXTURE_VERSION = 3;
/** The current schema version: the newest migration's, never a number written here. */
const current = migrations.at(-1)!.version;
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** `storage migration applied` lines of the server's JSON log. */
const appliedIn = (output: string): number[] =>
  output
    .split('\n')
    .filter((line) => line.includes('"storage migration applied"'))
    .map((line) => (JSON.parse(line) as { version: number }).version);

/** Every file of the directory with its size: what a refusal must leave as it was. */
async function filesOf(dir: string): Promise<Record<string, number>> {
  const files: Record<string, number> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    files[relative(dir, path)] = (await stat(path)).size;
  }
  return files;
}

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'apo-upgrade-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('upgrading an embedded data directory', () => {
  it(`opens a schema-${FIXTURE_VERSION} directory written by an earlier release, applies every later migration once up to the current schema (${current}) and reads its trace`, async () => {
    await promisify(execFile)('tar', ['-xzf', fixture, '-C', work]);
    const dataDir = join(work, 'data');
    expect(current).toBeGreaterThan(FIXTURE_VERSION);

    const first = await startServerProcess({ dataDir, env: { APO_LOG_LEVEL: 'info' } });
    try {
      // Every migration after the fixture's version, in order, up to the current schema's.
      expect(appliedIn(first.output())).toEqual(
        migrations.filter((m) => m.version > FIXTURE_VERSION).map((m) => m.version),
      );
      const trace = await apiClient(first.httpUrl).traces.byId.query({
        traceId: '0123456789abcdef0123456789abcdef',
      });
      expect(trace.spans.map((s) => [s.spanId, s.name, s.service]).sort()).toEqual([
        ['0000000000000001', 'GET /before-upgrade', 'previous-release'],
        ['0000000000000002', 'SELECT item', 'previous-release'],
      ]);
    } finally {
      await first.stop();
    }
    // Migrated once: the next start has nothing to do.
    const second = await startServerProcess({ dataDir, env: { APO_LOG_LEVEL: 'info' } });
    await second.stop();
    expect(appliedIn(second.output())).toEqual([]);
    // The directory records every version up to the current one: it is at the current schema.
    const storage = await openStorage({ engine: 'embedded', dataDir }, quiet);
    try {
      expect([...(await appliedMigrationVersions(storage.client, storage.database))]).toEqual(
        migrations.map((m) => m.version),
      );
    } finally {
      await storage.close();
    }
  }, 90_000); // two server starts and one open

  it('refuses a directory from a newer schema, naming both versions, and leaves it as it was', async () => {
    const dataDir = join(work, 'newer');
    const storage = await openStorage({ engine: 'embedded', dataDir }, quiet);
    try {
      await storage.client.command({
        query: `INSERT INTO ${storage.database}.schema_migrations (version, name, applied_at) VALUES ({version:UInt32}, 'from-a-newer-server', now())`,
        query_params: { version: current + 1 },
      });
      // One part per insert (each migration's record, then this one) until the engine merges them, which it
      // does in the background of whichever process has the directory open — at times this one, at times the
      // refusing server, whose engine loads the tables before the server reads their versions. Merged here,
      // the directory holds nothing left for the engine to do, so what is compared below is what the
      // server itself writes: nothing.
      await storage.client.command({ query: `OPTIMIZE TABLE ${storage.database}.schema_migrations FINAL` });
    } finally {
      await storage.close();
    }
    const before = await filesOf(join(dataDir, 'store'));

    const proc = spawnNode([serverMain], {
      APO_DATA_DIR: dataDir,
      APO_HTTP_PORT: String(await freePort()),
      APO_GRPC_PORT: String(await freePort()),
    });
    expect(await proc.exited).toBe(1);
    const message = `data directory ${dataDir} schema version ${current + 1} is newer than this server's ${current} (apo-server ${serverPackage.version}): upgrade the server; nothing was changed`;
    expect(proc.stdout() + proc.stderr()).toContain(message);
    expect(await filesOf(join(dataDir, 'store'))).toEqual(before);

    // The same through the storage API, for any other caller.
    await expect(openStorage({ engine: 'embedded', dataDir }, quiet)).rejects.toThrow(SchemaTooNewError);
  }, 90_000);
});
