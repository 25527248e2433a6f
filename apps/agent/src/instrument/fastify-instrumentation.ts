import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type * as FastifyOtel from '@fastify/otel';
import type { LoggerProvider, MeterProvider, TracerProvider } from '@opentelemetry/api';
import type { Instrumentation, InstrumentationConfig } from '@opentelemetry/instrumentation';
import { requireCjs } from './cjs.ts';

/**
 * Fastify's maintained instrumentation, `@fastify/otel`, loaded only when the app creates its first Fastify
 * instance. It patches no module: it learns of every new instance through Fastify's
 * 'fastify.initialization' diagnostics channel, so waiting for that channel's first message loses nothing,
 * and an app without Fastify does not pay for loading it (it brings its own copy of the OpenTelemetry
 * instrumentation base, about a sixth of the preload's start-up).
 */
const CHANNEL = 'fastify.initialization';

type RealInstrumentation = InstanceType<typeof FastifyOtel.FastifyOtelInstrumentation>;

export class LazyFastifyInstrumentation implements Instrumentation {
  readonly instrumentationName = '@fastify/otel';
  readonly instrumentationVersion = 'loaded on first use';
  #config: InstrumentationConfig = { enabled: true };
  #real: RealInstrumentation | undefined;
  #listening = false;
  #tracerProvider: TracerProvider | undefined;
  #meterProvider: MeterProvider | undefined;
  #loggerProvider: LoggerProvider | undefined;

  constructor() {
    this.enable();
  }

  readonly #onFirstInstance = (message: unknown): void => {
    this.#stopListening();
    const { FastifyOtelInstrumentation } = requireCjs('@fastify/otel') as typeof FastifyOtel;
    // Its constructor subscribes to the channel for the instances to come…
    const real = new FastifyOtelInstrumentation({ registerOnInitialization: true });
    if (this.#tracerProvider) real.setTracerProvider(this.#tracerProvider);
    if (this.#meterProvider) real.setMeterProvider(this.#meterProvider);
    if (this.#loggerProvider) real.setLoggerProvider(this.#loggerProvider);
    this.#real = real;
    // …and this one, already being published, is handed over the way its own subscriber handles it.
    const handle = (real as unknown as { _handleInitialization?: (m: unknown) => void })
      ._handleInitialization;
    if (typeof handle === 'function') {
      handle(message);
    } else {
      const { fastify } = message as { fastify: Parameters<ReturnType<RealInstrumentation['plugin']>>[0] };
      real.plugin()(fastify, {}, () => undefined);
    }
  };

  #stopListening(): void {
    if (!this.#listening) return;
    unsubscribe(CHANNEL, this.#onFirstInstance);
    this.#listening = false;
  }

  enable(): void {
    if (this.#real) {
      this.#real.enable();
      return;
    }
    if (this.#listening) return;
    subscribe(CHANNEL, this.#onFirstInstance);
    this.#listening = true;
  }

  disable(): void {
    this.#stopListening();
    this.#real?.disable();
  }

  setTracerProvider(provider: TracerProvider): void {
    this.#tracerProvider = provider;
    this.#real?.setTracerProvider(provider);
  }

  setMeterProvider(provider: MeterProvider): void {
    this.#meterProvider = provider;
    this.#real?.setMeterProvider(provider);
  }

  setLoggerProvider(provider: LoggerProvider): void {
    this.#loggerProvider = provider;
    this.#real?.setLoggerProvider(provider);
  }

  setConfig(config: InstrumentationConfig): void {
    this.#config = { ...config };
  }

  getConfig(): InstrumentationConfig {
    return this.#config;
  }
}
