export type { OutboundBatch } from './batch.ts';
export * from './receivers/index.ts';
export * from './config/config-file.ts';
export * from './status/status-server.ts';
