import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStorage } from '../../src/storage/index.ts';
import { CapturingLog } from '../../src/storage/storage-test-support.ts';

/**
 * A data directory whose spans table refuses one service: a CHECK constraint, as an operator may add one.
 * The engine then refuses exactly the requests that carry a span of that service (VIOLATED_CONSTRAINT) —
 * a real refusal of the data that ingest's own checks cannot foresee, which is what the writer's isolation
 * is for. Opened in this process before the server starts (one process per data directory).
 */
export async function dataDirRefusingService(service: string): Promise<string> {
  if (!/^[a-z-]+$/.test(service)) throw new Error(`a plain service name, not ${JSON.stringify(service)}`);
  const dataDir = await mkdtemp(join(tmpdir(), 'apo-refusing-'));
  const storage = await openStorage({ engine: 'embedded', dataDir }, new CapturingLog());
  try {
    await storage.client.command({
      query: `ALTER TABLE ${storage.database}.spans ADD CONSTRAINT refused_service CHECK service != '${service}'`,
    });
  } finally {
    await storage.close();
  }
  return dataDir;
}
