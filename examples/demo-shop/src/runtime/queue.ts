import { randomUUID } from 'node:crypto';
import { appendFile, mkdir, open, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { extractContext, injectContext, inSpan, spanOf, SpanKind, type Attributes } from './otel.ts';

/**
 * A file-backed queue: the asynchronous path of the shop (orders → notifications) without a broker. The
 * producer appends JSON lines to numbered segment files; one consumer group reads them from a checkpointed
 * offset and deletes a segment once it has moved past it, so the disk use stays bounded.
 *
 * Like a broker's client library it instruments itself: a PRODUCER span per message, the trace context in
 * the message headers, and a CONSUMER span per message that is a child of (and links to) the producer's.
 */
const MESSAGING_SYSTEM = 'filequeue';
const SEGMENT_BYTES = 1024 * 1024;

export interface Message<T = unknown> {
  id: string;
  type: string;
  time: number;
  headers: Record<string, string>;
  payload: T;
}

const segmentName = (n: number) => `${String(n).padStart(8, '0')}.jsonl`;

async function segments(dir: string): Promise<number[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  return names
    .filter((n) => /^\d{8}\.jsonl$/.test(n))
    .map((n) => Number(n.slice(0, 8)))
    .sort((a, b) => a - b);
}

const attributes = (topic: string, operation: string, extra: Attributes = {}): Attributes => ({
  'messaging.system': MESSAGING_SYSTEM,
  'messaging.destination.name': topic,
  'messaging.operation.type': operation,
  'messaging.operation.name': operation,
  ...extra,
});

export interface Producer {
  publish(type: string, payload: unknown): Promise<Message>;
}

export function createProducer(dir: string, topic: string): Producer {
  let current: number | undefined;
  return {
    publish: (type, payload) =>
      inSpan(
        `send ${topic}`,
        { kind: SpanKind.PRODUCER, attributes: attributes(topic, 'send') },
        async (span) => {
          await mkdir(dir, { recursive: true });
          if (current === undefined) current = (await segments(dir)).at(-1) ?? 1;
          const file = join(dir, segmentName(current));
          const size = await stat(file).then(
            (s) => s.size,
            () => 0,
          );
          if (size > SEGMENT_BYTES) current++;
          const message: Message = {
            id: randomUUID(),
            type,
            time: Date.now(),
            headers: injectContext({}),
            payload,
          };
          span.setAttribute('messaging.message.id', message.id);
          // One write per line with O_APPEND: the consumer never sees half a message followed by another.
          await appendFile(join(dir, segmentName(current)), JSON.stringify(message) + '\n');
          return message;
        },
      ),
  };
}

export interface ConsumerOptions {
  group: string;
  pollMs?: number;
  onError?: (error: unknown, message: Message) => void;
}

/** Starts consuming; the returned function stops after the message in progress. */
export function startConsumer(
  dir: string,
  topic: string,
  handle: (message: Message) => Promise<void>,
  options: ConsumerOptions,
): () => Promise<void> {
  const offsetFile = join(dir, `.offset-${options.group}.json`);
  // An object, not a `let`: the stop function changes it while a poll is in progress.
  const state = { stopped: false };
  const isStopped = () => state.stopped;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  const consume = (message: Message) => {
    const parent = extractContext(message.headers);
    const producer = spanOf(parent)?.spanContext();
    return inSpan(
      `process ${topic}`,
      {
        kind: SpanKind.CONSUMER,
        attributes: attributes(topic, 'process', {
          'messaging.message.id': message.id,
          'messaging.consumer.group.name': options.group,
        }),
        links: producer ? [{ context: producer }] : [],
      },
      () => handle(message),
      parent,
    );
  };

  const poll = async () => {
    await mkdir(dir, { recursive: true });
    const position = (await readFile(offsetFile, 'utf8').then(
      (t) => JSON.parse(t) as { segment: number; offset: number },
      () => undefined,
    )) ?? { segment: (await segments(dir))[0] ?? 1, offset: 0 };
    for (;;) {
      if (state.stopped) return;
      const file = join(dir, segmentName(position.segment));
      const handleFile = await open(file, 'r').catch(() => undefined);
      let text = '';
      if (handleFile) {
        try {
          const { size } = await handleFile.stat();
          if (size > position.offset) {
            const buffer = Buffer.alloc(Math.min(size - position.offset, 256 * 1024));
            const { bytesRead } = await handleFile.read(buffer, 0, buffer.length, position.offset);
            text = buffer.subarray(0, bytesRead).toString('utf8');
          }
        } finally {
          await handleFile.close();
        }
      }
      const complete = text.lastIndexOf('\n');
      if (complete >= 0) {
        for (const line of text.slice(0, complete).split('\n')) {
          if (isStopped()) break;
          position.offset += Buffer.byteLength(line) + 1;
          if (line.trim() === '') continue;
          let message: Message;
          try {
            message = JSON.parse(line) as Message;
          } catch {
            continue;
          }
          await consume(message).catch((error: unknown) => options.onError?.(error, message));
        }
        await writeFile(offsetFile, JSON.stringify(position));
        continue;
      }
      // At the end of this segment: move on once the producer has started a later one.
      const later = (await segments(dir)).find((n) => n > position.segment);
      if (later === undefined) return;
      await rm(file, { force: true });
      position.segment = later;
      position.offset = 0;
      await writeFile(offsetFile, JSON.stringify(position));
    }
  };

  const schedule = () => {
    if (state.stopped) return;
    timer = setTimeout(() => {
      running = poll()
        .catch(() => undefined)
        .then(schedule);
    }, options.pollMs ?? 250);
  };
  schedule();
  return async () => {
    state.stopped = true;
    if (timer) clearTimeout(timer);
    await running;
  };
}
