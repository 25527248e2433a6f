/**
 * A read-through cache in Redis when one is configured (the supervisor probes for it), else nothing: every
 * read goes to the database. A Redis that goes away later only costs cache misses, never a failed request.
 */
export interface Cache {
  readonly enabled: boolean;
  getJson<T>(key: string): Promise<T | undefined>;
  setJson(key: string, value: unknown, ttlSeconds: number): Promise<void>;
  delete(key: string): Promise<void>;
  close(): Promise<void>;
}

const none: Cache = {
  enabled: false,
  getJson: () => Promise.resolve(undefined),
  setJson: () => Promise.resolve(),
  delete: () => Promise.resolve(),
  close: () => Promise.resolve(),
};

/** ioredis is loaded only when a Redis is configured: it costs each service ~10 MB of memory otherwise. */
export async function openCache(url: string | undefined, prefix: string): Promise<Cache> {
  if (url === undefined || url === '') return none;
  const { Redis } = await import('ioredis');
  const redis = new Redis(url, {
    keyPrefix: `${prefix}:`,
    lazyConnect: false,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 1000,
    retryStrategy: (times) => Math.min(times * 500, 5000),
  });
  redis.on('error', () => undefined);
  const quietly = async <T>(fn: () => Promise<T>, fallback: T): Promise<T> => {
    if (redis.status !== 'ready') return fallback;
    try {
      return await fn();
    } catch {
      return fallback;
    }
  };
  return {
    enabled: true,
    getJson: <T>(key: string) =>
      quietly(async () => {
        const text = await redis.get(key);
        return text === null ? undefined : (JSON.parse(text) as T);
      }, undefined),
    setJson: (key, value, ttl) =>
      quietly(async () => {
        await redis.set(key, JSON.stringify(value), 'EX', ttl);
      }, undefined),
    delete: (key) =>
      quietly(async () => {
        await redis.del(key);
      }, undefined),
    close: async () => {
      redis.disconnect();
      return Promise.resolve();
    },
  };
}
