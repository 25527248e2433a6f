/**
 * The logging the collector needs: the structured-object-then-message calls of pino, so the agent passes
 * its pino logger (or a child of it) and a benchmark or tool can pass anything shaped the same.
 */
export interface CollectorLog {
  debug(fields: object, message: string): void;
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}
