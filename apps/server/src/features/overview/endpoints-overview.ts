/**
 * `overview.endpoints`: one service's busiest endpoints (at most 10, by requests in the range), with the
 * same figures, sparklines and health as its row in `overview.services`; the console asks for them when
 * the row is expanded. With a search that the service's name does not contain, only the endpoints whose
 * names contain it.
 */
import { DEFAULT_HEALTH_THRESHOLDS } from '@apo/shared/console';
import type { EndpointOverview, ServiceEndpointsOverview } from '@apo/shared/console';
import type { Storage } from '../../storage/index.ts';
import { health, redOverview, requestsNow, subjectsOf } from './overview-figures.ts';
import { coveredMinutes, planSparkline } from './overview-plan.ts';
import { currentFigures, pastFigures } from './overview-queries.ts';
import { timed } from './services-overview.ts';
import type { OverviewInput, OverviewOptions } from './services-overview.ts';

const TOP_ENDPOINTS = 10;

export type EndpointsInput = Omit<OverviewInput, 'namespace'> & { service: string };

export async function endpointsOverview(
  storage: Storage,
  input: EndpointsInput,
  options: OverviewOptions = {},
): Promise<ServiceEndpointsOverview> {
  const thresholds = input.thresholds ?? DEFAULT_HEALTH_THRESHOLDS;
  const range = coveredMinutes(input.from, input.to);
  const filter = { cluster: input.cluster, service: input.service };
  const plan = planSparkline(range);
  const read = { useHours: options.useHours };
  const search = input.search?.trim() ?? '';
  const t = options.timings;
  const [current, past] = await Promise.all([
    timed(t, 'current', currentFigures(storage, 'endpoint', range, plan, filter, { ...read, search })),
    timed(t, 'past', pastFigures(storage, 'endpoint', range, filter, read)),
  ]);
  const subjects = subjectsOf(current, past);
  const busiest = [...subjects]
    .filter(([, s]) => requestsNow(s) > 0)
    .sort((a, b) => requestsNow(b[1]) - requestsNow(a[1]) || (a[0] < b[0] ? -1 : 1))
    .slice(0, TOP_ENDPOINTS);
  const endpoints = busiest.map(([endpoint, subject]): EndpointOverview => {
    const red = redOverview(subject, plan, range);
    return { endpoint, ...red, health: health(red, null, input.compareWith, thresholds) };
  });
  return { service: input.service, endpoints };
}
