export type { OutboundBatch } from './batch.ts';
