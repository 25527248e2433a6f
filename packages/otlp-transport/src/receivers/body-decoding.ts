import * as zlib from 'node:zlib';
import type { InFlightLease } from './in-flight-bytes.ts';
import { IngestError } from './ingest-error.ts';

type Engine = (options: { chunkSize: number }) => zlib.Gunzip | zlib.Inflate | zlib.ZstdDecompress;

// Streaming engines, as zlib's one-shot async functions use inside: they run on the libuv pool, off the event
// loop, and every output chunk passes through `inflate` below, which stops a bomb at the size limit and counts
// the chunk against the process's bytes in flight as it is produced.
const decoders: Record<string, Engine | undefined> = {
  gzip: (o) => zlib.createGunzip(o),
  'x-gzip': (o) => zlib.createGunzip(o),
  deflate: (o) => zlib.createInflate(o),
  // zstd arrived in Node 23.8 / 22.15; the engines field allows 22.12.
  ...('createZstdDecompress' in zlib ? { zstd: (o) => zlib.createZstdDecompress(o) } : {}),
};

/**
 * Inflations running at once in the process; more wait their turn. A decoder's own state is native memory
 * the byte bound does not see — a zstd frame of 16 MiB asks for a window of up to 16 MiB — and 200 of them
 * at once took 1 GB beyond the bound. zlib runs on libuv's 4 threads, so more than 8 would not go faster.
 */
const MAX_CONCURRENT_INFLATIONS = 8;
let inflating = 0;
const waiting: (() => void)[] = [];

async function inflationTurn(): Promise<() => void> {
  if (inflating >= MAX_CONCURRENT_INFLATIONS) await new Promise<void>((resolve) => waiting.push(resolve));
  else inflating++;
  let done = false;
  return () => {
    if (done) return;
    done = true;
    const next = waiting.shift();
    // The turn passes straight to the next waiter, so the count is unchanged.
    if (next) next();
    else inflating--;
  };
}

export const supportedEncodings = ['identity', ...Object.keys(decoders)];

export type PayloadEncoding = 'protobuf' | 'json';

/** OTLP/HTTP content types; parameters such as `charset` are ignored. */
export function payloadEncodingOf(contentType: string | undefined): PayloadEncoding {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/x-protobuf' || type === 'application/protobuf') return 'protobuf';
  if (type === 'application/json') return 'json';
  throw new IngestError(
    'unsupported-media',
    `unsupported Content-Type "${contentType ?? ''}": OTLP/HTTP takes application/x-protobuf or application/json`,
  );
}

/**
 * zlib's default 16 KiB output chunks cost a thread-pool round trip each plus a final copy: on the standard
 * workload (gzip ratio ~7) inflating into one chunk sized for the expected output takes about half the CPU
 * (bench/proxy.bench.ts). Bounded, so a small body does not reserve a large buffer.
 */
function outputChunkSize(compressedBytes: number): number {
  const step = 64 << 10;
  return Math.min(1 << 20, Math.max(step, Math.ceil((compressedBytes * 8) / step) * step));
}

/**
 * Inflates `body` as its Content-Encoding says, at most `maxBytes` (413 beyond). With a lease, every inflated
 * chunk is counted against the process's bytes in flight as it is produced: past that bound the inflation
 * stops and the request gets 429, so concurrent bombs cannot each inflate to the limit at once.
 */
export async function decompressBody(
  body: Uint8Array,
  contentEncoding: string | undefined,
  maxBytes: number,
  lease?: InFlightLease,
): Promise<Uint8Array> {
  const encoding = (contentEncoding ?? 'identity').trim().toLowerCase();
  if (encoding === 'identity' || encoding === '') return body;
  const engine = decoders[encoding];
  if (!engine) {
    throw new IngestError(
      'unsupported-media',
      `unsupported Content-Encoding "${encoding}": use one of ${supportedEncodings.join(', ')}`,
    );
  }
  const endTurn = await inflationTurn();
  try {
    return await inflate(
      engine({ chunkSize: outputChunkSize(body.length) }),
      body,
      encoding,
      maxBytes,
      lease,
    );
  } finally {
    endTurn();
  }
}

function inflate(
  stream: zlib.Gunzip | zlib.Inflate | zlib.ZstdDecompress,
  body: Uint8Array,
  encoding: string,
  maxBytes: number,
  lease: InFlightLease | undefined,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const stop = (err: IngestError) => {
      if (settled) return;
      settled = true;
      stream.close();
      reject(err);
    };
    stream.on('data', (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      if (size > maxBytes) {
        stop(new IngestError('too-large', `decompressed body exceeds the limit of ${maxBytes} bytes`));
        return;
      }
      try {
        lease?.take(chunk.length);
      } catch (err) {
        stop(err as IngestError);
        return;
      }
      chunks.push(chunk);
    });
    stream.on('error', (err) => {
      stop(new IngestError('malformed', `body is not valid ${encoding} data: ${err.message}`));
    });
    stream.on('end', () => {
      if (settled) return;
      settled = true;
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    });
    stream.end(body);
  });
}
