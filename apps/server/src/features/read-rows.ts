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

/**
 * The SQL that reads a `Map(…String, String)` column as `[key, value]` pairs (an AttributeList), in stored
 * order. A Map read as is arrives as a JSON object whose keys are user data: `__proto__` or `constructor`
 * would then be object keys, which the API's serializer (superjson) refuses and plain-object code misreads.
 */
export const attributeList = (mapSql: string): string => `CAST(${mapSql}, 'Array(Tuple(String, String))')`;

/** The same for an `Array(Map(…))` column (span events' and links' attributes); CAST does not nest into arrays. */
export const attributeLists = (arraySql: string): string =>
  `arrayMap(m -> ${attributeList('m')}, ${arraySql})`;
