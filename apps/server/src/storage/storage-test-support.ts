/** Helpers shared by the tests that run the real embedded engine. */
import type { Storage } from './open-storage.ts';
import type { StorageLog } from './storage-log.ts';

/** Records what the storage layer logs, so tests can check what start-up did. */
export class CapturingLog implements StorageLog {
  readonly entries: { level: string; obj: object; msg: string | undefined }[] = [];
  info(obj: object, msg?: string): void {
    this.entries.push({ level: 'info', obj, msg });
  }
  warn(obj: object, msg?: string): void {
    this.entries.push({ level: 'warn', obj, msg });
  }
  error(obj: object, msg?: string): void {
    this.entries.push({ level: 'error', obj, msg });
  }
  messages(): (string | undefined)[] {
    return this.entries.map((e) => e.msg);
  }
}

/** A SELECT's rows; 64-bit integers arrive as exact strings. */
export async function selectRows<T>(
  storage: Storage,
  sql: string,
  params: Record<string, unknown> = {},
): Promise<T[]> {
  const result = await storage.client.query({
    query: `${sql}\nSETTINGS output_format_json_quote_64bit_integers = 1`,
    query_params: params,
    format: 'JSONEachRow',
  });
  return result.json<T>();
}
