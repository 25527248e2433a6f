/**
 * The tables a flush writes rows into, in write order; the ledger (`ingest_ledger`) is written after all of
 * them. Its own module because both the writer (what it inserts) and start-up recovery in batch-ledger.ts
 * (what it cleans up after a crash) name them.
 */
export const dataTables = ['spans', 'logs', 'events', 'metrics', 'red_server_1m', 'red_client_1m'] as const;
export type DataTable = (typeof dataTables)[number];
