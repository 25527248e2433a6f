import { promisify } from 'node:util';
import { constants, gzip } from 'node:zlib';

const gzipAsync = promisify(gzip);

/**
 * Level 1 by default: on the standard OTLP workload (bench/disk-queue.bench.ts) it costs a fraction of
 * level 6's CPU for a body only slightly larger, and the agent's CPU is the scarcer resource on a host
 * that runs the application; see the benchmark for the figures.
 */
export const DEFAULT_GZIP_LEVEL = 1;

/**
 * Gzips an encoded OTLP body for sending. zlib's async API runs on the libuv thread pool, so compressing
 * a large body does not hold up the event loop (receivers keep answering meanwhile).
 */
export async function gzipBody(bytes: Uint8Array, level: number = DEFAULT_GZIP_LEVEL): Promise<Uint8Array> {
  const out = await gzipAsync(bytes, { level, strategy: constants.Z_DEFAULT_STRATEGY });
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}
