export * from './model/telemetry.ts';
export * from './model/attribute-text.ts';
export * from './model/attribute-list.ts';
export * from './otlp/decode-result.ts';
export * from './otlp/index.ts';
export * from './red/index.ts';
export * from './model/kubernetes.ts';
export * from './console/overview.ts';
