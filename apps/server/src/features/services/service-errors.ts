/**
 * `services.errors`: the service's recent error spans grouped by exception type and message, a page at a
 * time, and its error-level log records per instance — each the start of a trace or log view.
 */
import type { ServiceErrors } from '@apo/shared/console';
import type { Storage } from '../../storage/index.ts';
import { errorGroups } from '../errors/error-queries.ts';
import { errorLogsByInstance } from '../instances/instance-queries.ts';
import type { ServiceRange } from '../instances/instance-queries.ts';
import { SEVERITY_ERROR } from './service-instances.ts';

export async function serviceErrors(
  storage: Storage,
  input: ServiceRange & { cursor?: string | undefined; limit?: number | undefined },
): Promise<ServiceErrors> {
  const page = await errorGroups(storage, input);
  // Per instance, not paged: the first page carries them, later pages only groups.
  const logErrors =
    input.cursor === undefined
      ? await errorLogsByInstance(storage, { ...input, severity: SEVERITY_ERROR })
      : [];
  return {
    groups: page.rows.map((g) => ({
      exceptionType: g.exception_type,
      message: g.ex_message,
      count: g.n,
      lastSeenMs: g.last_ms,
      traceId: g.last_trace,
      spanId: g.last_span,
      endpoint: g.last_name,
      instances: [...g.instances].sort(),
    })),
    nextCursor: page.nextCursor,
    logErrors,
  };
}
