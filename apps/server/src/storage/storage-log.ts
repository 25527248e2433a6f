/** The slice of a pino logger the storage layer uses, so tests and tools can pass their own. */
export interface StorageLog {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}
