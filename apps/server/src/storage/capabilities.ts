/**
 * What the connected engine can do, detected once at start-up. The schema adapts to it (the logs
 * full-text index), so a server older than the embedded engine still gets a working schema.
 */
import type { ClickHouseClient } from '@clickhouse/client';

export interface StorageCapabilities {
  /** `SELECT version()`, e.g. `26.7.2.1`. */
  version: string;
  /** The `text` (inverted) skip index: ClickHouse ≥ 26.2, and every chDB we ship. */
  textIndex: boolean;
  /** The `merge_selector_base` MergeTree setting: ClickHouse ≥ 24.11, and every chDB we ship. */
  mergeSelectorBase: boolean;
  /** `lightweight_deletes_sync = 0` (a DELETE that returns once queued): ClickHouse ≥ 24.4, every chDB we ship. */
  asyncLightweightDelete: boolean;
}

interface ServerVersion {
  major: number;
  minor: number;
}

function parseServerVersion(version: string): ServerVersion {
  const m = /^(\d+)\.(\d+)/.exec(version.trim());
  if (!m) throw new Error(`unrecognised ClickHouse version string ${JSON.stringify(version)}`);
  return { major: Number(m[1]), minor: Number(m[2]) };
}

/**
 * The `lightweight_mutation_projection_mode` setting (ClickHouse ≥ 24.7), without which a DELETE on a table
 * with projections is refused: tables get their projections only where it exists.
 */
export function supportsProjectionRebuild(capabilities: Pick<StorageCapabilities, 'version'>): boolean {
  const { major, minor } = parseServerVersion(capabilities.version);
  return major > 24 || (major === 24 && minor >= 7);
}

export function capabilitiesOf(version: string): StorageCapabilities {
  const { major, minor } = parseServerVersion(version);
  return {
    version,
    textIndex: major > 26 || (major === 26 && minor >= 2),
    mergeSelectorBase: major > 24 || (major === 24 && minor >= 11),
    asyncLightweightDelete: major > 24 || (major === 24 && minor >= 4),
  };
}

export async function detectCapabilities(client: ClickHouseClient): Promise<StorageCapabilities> {
  const result = await client.query({ query: 'SELECT version() AS v', format: 'JSONEachRow' });
  const rows = await result.json<{ v: string }>();
  const version = rows[0]?.v;
  if (version === undefined) throw new Error('SELECT version() returned no row');
  return capabilitiesOf(version);
}
