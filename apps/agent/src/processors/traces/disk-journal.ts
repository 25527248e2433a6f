/**
 * The sampler's journal on the pipeline's DiskQueue: a request is durable once appended, stays on disk
 * while its traces are held, and is acked when its kept spans are in the export queue. One loop takes
 * every record back as soon as it is written: records of this run are matched to their `append` by batch
 * id; records found at start-up (the agent stopped while holding them) go to `onReplay`.
 */
import type { DiskQueue, OutboundBatch, QueuedRecord, QueueWriteState } from '@apo/otlp-transport';
import { IngestError, refusalWhenUnwritable } from '@apo/otlp-transport';
import type { SpanJournal } from './trace-pipeline.ts';

export class DiskJournal implements SpanJournal<QueuedRecord> {
  readonly #queue: DiskQueue;
  readonly #waiting = new Map<string, (record: QueuedRecord) => void>();
  readonly #abort = new AbortController();
  #loop: Promise<void> | undefined;

  constructor(queue: DiskQueue) {
    this.#queue = queue;
  }

  start(onReplay: (batch: OutboundBatch, record: QueuedRecord) => void): void {
    this.#loop = (async () => {
      for (;;) {
        const record = await this.#queue.take(this.#abort.signal);
        if (record === null) return;
        const waiter = this.#waiting.get(record.batch.batchId);
        if (waiter) {
          this.#waiting.delete(record.batch.batchId);
          waiter(record);
        } else {
          onReplay(record.batch, record);
        }
      }
    })();
  }

  async append(batch: OutboundBatch): Promise<QueuedRecord> {
    const taken = new Promise<QueuedRecord>((resolve) => this.#waiting.set(batch.batchId, resolve));
    let stored: boolean;
    try {
      ({ stored } = await this.#queue.append(batch));
    } catch (err) {
      this.#waiting.delete(batch.batchId);
      throw refusalWhenUnwritable(err, 'the agent');
    }
    if (!stored) {
      this.#waiting.delete(batch.batchId);
      // Every journaled request is still held, so nothing can be dropped to make room: push back instead.
      throw new IngestError(
        'overloaded',
        'the agent is holding as many spans as its journal allows; retry later',
        5,
      );
    }
    return taken;
  }

  /** Whether the journal can write (for /healthz): it shares the agent's data directory with the queue. */
  writeState(): QueueWriteState {
    return this.#queue.stats().write;
  }

  bodyOf(record: QueuedRecord): Uint8Array {
    return record.batch.body;
  }

  ack(record: QueuedRecord): Promise<void> {
    return this.#queue.ack(record);
  }

  async close(): Promise<void> {
    this.#abort.abort();
    await this.#loop;
    await this.#queue.close();
  }
}
