import type { Instrumentation } from '@opentelemetry/instrumentation';
import type * as Express from '@opentelemetry/instrumentation-express';
import type * as Http from '@opentelemetry/instrumentation-http';
import type * as IORedis from '@opentelemetry/instrumentation-ioredis';
import type * as KafkaJs from '@opentelemetry/instrumentation-kafkajs';
import type * as MongoDB from '@opentelemetry/instrumentation-mongodb';
import type * as MySQL2 from '@opentelemetry/instrumentation-mysql2';
import type * as Pg from '@opentelemetry/instrumentation-pg';
import type * as Pino from '@opentelemetry/instrumentation-pino';
import type * as Redis from '@opentelemetry/instrumentation-redis';
import type * as RuntimeNode from '@opentelemetry/instrumentation-runtime-node';
import type * as Undici from '@opentelemetry/instrumentation-undici';
import type * as Winston from '@opentelemetry/instrumentation-winston';
import { requireCjs } from './cjs.ts';
import { LazyFastifyInstrumentation } from './fastify-instrumentation.ts';
import { NodeSqliteInstrumentation } from './sqlite-instrumentation.ts';

/**
 * The instrumentations the preload installs, individually rather than through
 * `@opentelemetry/auto-instrumentations-node`: that package loads some forty instrumentations, cloud
 * resource detectors and every exporter the SDK has, and start-up cost is paid by every app.
 *
 * Constructing one enables it: from then on it hooks `require` and (through the ESM loader hook) `import`
 * of the modules it names. So this runs before the app's code.
 */
export function createInstrumentations(): Instrumentation[] {
  return [
    new (requireCjs('@opentelemetry/instrumentation-http') as typeof Http).HttpInstrumentation(),
    // fetch() in Node is undici inside; this also covers the undici package.
    new (requireCjs('@opentelemetry/instrumentation-undici') as typeof Undici).UndiciInstrumentation(),
    new (requireCjs('@opentelemetry/instrumentation-express') as typeof Express).ExpressInstrumentation(),
    // Registers itself on every Fastify instance, so the app adds no plugin.
    new LazyFastifyInstrumentation(),
    new (requireCjs('@opentelemetry/instrumentation-pg') as typeof Pg).PgInstrumentation(),
    new (requireCjs('@opentelemetry/instrumentation-mysql2') as typeof MySQL2).MySQL2Instrumentation(),
    new (requireCjs('@opentelemetry/instrumentation-redis') as typeof Redis).RedisInstrumentation(),
    new (requireCjs('@opentelemetry/instrumentation-ioredis') as typeof IORedis).IORedisInstrumentation(),
    new (requireCjs('@opentelemetry/instrumentation-mongodb') as typeof MongoDB).MongoDBInstrumentation(),
    new (requireCjs('@opentelemetry/instrumentation-kafkajs') as typeof KafkaJs).KafkaJsInstrumentation(),
    new NodeSqliteInstrumentation(),
    // Log correlation (trace_id/span_id in each record) and the records themselves over OTLP.
    new (requireCjs('@opentelemetry/instrumentation-pino') as typeof Pino).PinoInstrumentation(),
    new (requireCjs('@opentelemetry/instrumentation-winston') as typeof Winston).WinstonInstrumentation(),
    // Event-loop delay and utilisation, GC durations, heap spaces.
    new (
      requireCjs('@opentelemetry/instrumentation-runtime-node') as typeof RuntimeNode
    ).RuntimeNodeInstrumentation(),
  ];
}

/** The module names the instrumentations hook: what the ESM loader hook has to wrap. */
export function hookedModuleNames(instrumentations: readonly Instrumentation[]): string[] {
  const names = new Set<string>();
  for (const instrumentation of instrumentations) {
    const definitions = (
      instrumentation as { getModuleDefinitions?: () => { name: string }[] }
    ).getModuleDefinitions?.();
    for (const definition of definitions ?? []) names.add(definition.name);
  }
  return [...names];
}
