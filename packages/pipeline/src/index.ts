export type { OutboundBatch } from './batch.ts';
export * from './receivers/index.ts';
