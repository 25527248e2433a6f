import type { Storage } from '../storage/index.ts';

/** Runs a SELECT with bound parameters and returns its rows. 64-bit integers arrive quoted (exact). */
export async function readRows<T>(
  storage: Storage,
  query: string,
  params: Record<string, unknown>,
): Promise<T[]> {
  const result = await storage.client.query({
    query: `${query}\nSETTINGS output_format_json_quote_64bit_integers = 1`,
    query_params: params,
    format: 'JSONEachRow',
  });
  return result.json<T>();
}
