import { promisify } from 'node:util';
import * as zlib from 'node:zlib';
import { IngestError } from './ingest-error.ts';

type Inflate = (
  input: Uint8Array,
  options: { maxOutputLength: number; chunkSize: number },
) => Promise<Buffer>;

// Async zlib runs on the libuv pool, off the event loop; maxOutputLength stops a compression bomb early.
const decoders: Record<string, Inflate | undefined> = {
  gzip: promisify(zlib.gunzip),
  'x-gzip': promisify(zlib.gunzip),
  deflate: promisify(zlib.inflate),
  // zstd arrived in Node 23.8 / 22.15; the engines field allows 22.12.
  ...('zstdDecompress' in zlib ? { zstd: promisify(zlib.zstdDecompress) } : {}),
};

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

export async function decompressBody(
  body: Uint8Array,
  contentEncoding: string | undefined,
  maxBytes: number,
): Promise<Uint8Array> {
  const encoding = (contentEncoding ?? 'identity').trim().toLowerCase();
  if (encoding === 'identity' || encoding === '') return body;
  const inflate = decoders[encoding];
  if (!inflate) {
    throw new IngestError(
      'unsupported-media',
      `unsupported Content-Encoding "${encoding}": use one of ${supportedEncodings.join(', ')}`,
    );
  }
  try {
    return await inflate(body, { maxOutputLength: maxBytes, chunkSize: outputChunkSize(body.length) });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) {
      throw new IngestError('too-large', `decompressed body exceeds the limit of ${maxBytes} bytes`);
    }
    throw new IngestError('malformed', `body is not valid ${encoding} data: ${(err as Error).message}`);
  }
}
