import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';

/**
 * Compressed copies of the console's hashed assets, made on first request and kept: a hashed file never
 * changes under its name, and the console's JavaScript shrinks to about a third (the console's budget of
 * 350 kB for the first view counts gzipped bytes). Bounded, so a build with huge assets cannot grow the
 * server: past the bound, copies are made per request and not kept.
 */
export type Encoding = 'br' | 'gzip';

const compressBrotli = promisify(brotliCompress);
const compressGzip = promisify(gzip);

/** Types worth compressing; images and fonts are compressed already. */
const COMPRESSIBLE = /^(text\/|application\/(json|javascript|wasm|manifest\+json)|image\/svg\+xml)/;
/** Below this the headers cost more than the saving. */
const MIN_BYTES = 1024;
const MAX_CACHED_BYTES = 64 * 1024 * 1024;

/** The encoding to answer with, from Accept-Encoding: brotli when the client takes it, then gzip. */
export function chooseEncoding(
  acceptEncoding: string | undefined,
  contentType: string,
  size: number,
): Encoding | undefined {
  if (size < MIN_BYTES || !COMPRESSIBLE.test(contentType) || acceptEncoding === undefined) return undefined;
  const accepted = new Map(
    acceptEncoding.split(',').map((part) => {
      const [name = '', ...params] = part.trim().toLowerCase().split(';');
      const q = params.map((p) => /^\s*q=([\d.]+)/.exec(p)?.[1]).find((v) => v !== undefined);
      return [name, q === undefined ? 1 : Number(q)] as const;
    }),
  );
  const takes = (name: string) => (accepted.get(name) ?? accepted.get('*') ?? 0) > 0;
  if (takes('br')) return 'br';
  if (takes('gzip')) return 'gzip';
  return undefined;
}

export class CompressedAssets {
  private readonly cache = new Map<string, Promise<Buffer>>();
  private cachedBytes = 0;

  /** The file's bytes in `encoding`; rejects when the file cannot be read. */
  get(path: string, encoding: Encoding): Promise<Buffer> {
    const key = `${encoding}:${path}`;
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached;
    const made = readFile(path).then((raw) =>
      encoding === 'br'
        ? compressBrotli(raw, {
            params: {
              // Made once per file and kept: spend the CPU for the smaller answer (quality 11 is ~10× slower).
              [constants.BROTLI_PARAM_QUALITY]: 9,
              [constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
            },
          })
        : compressGzip(raw, { level: 9 }),
    );
    if (this.cachedBytes < MAX_CACHED_BYTES) {
      this.cache.set(key, made);
      made.then(
        (bytes) => (this.cachedBytes += bytes.length),
        () => this.cache.delete(key),
      );
    }
    return made;
  }
}
