import { z } from 'zod';
import { defaultConnectionLimits, type ConnectionLimits } from '../receivers/connection-limits.ts';

const seconds = z.coerce.number().positive('must be more than 0 seconds');
const d = defaultConnectionLimits;

/**
 * The `connections` block of the agent's and the proxy's YAML: timeouts and the connection bound of every
 * listener of the process (OTLP/HTTP, OTLP/gRPC, status). Seconds, as the rest of those files.
 */
export const connectionsConfigSchema = z
  .object({
    headersTimeoutSeconds: seconds.default(d.headersTimeoutMs / 1000),
    requestTimeoutSeconds: seconds.default(d.requestTimeoutMs / 1000),
    keepAliveTimeoutSeconds: seconds.default(d.keepAliveTimeoutMs / 1000),
    maxConnections: z.coerce.number().int('must be a whole number').min(1).default(d.maxConnections),
    grpcIdleTimeoutSeconds: seconds.default(d.grpcIdleTimeoutMs / 1000),
    grpcMaxAgeSeconds: seconds.default(d.grpcMaxAgeMs / 1000),
  })
  .prefault({})
  // Node refuses a headers timeout longer than the request timeout.
  .refine((c) => c.headersTimeoutSeconds <= c.requestTimeoutSeconds, {
    message: 'headersTimeoutSeconds must not be more than requestTimeoutSeconds',
    path: ['headersTimeoutSeconds'],
  });

export type ConnectionsConfig = z.output<typeof connectionsConfigSchema>;

export function connectionLimitsOf(config: ConnectionsConfig): ConnectionLimits {
  return {
    headersTimeoutMs: config.headersTimeoutSeconds * 1000,
    requestTimeoutMs: config.requestTimeoutSeconds * 1000,
    keepAliveTimeoutMs: config.keepAliveTimeoutSeconds * 1000,
    maxConnections: config.maxConnections,
    grpcIdleTimeoutMs: config.grpcIdleTimeoutSeconds * 1000,
    grpcMaxAgeMs: config.grpcMaxAgeSeconds * 1000,
  };
}
