/**
 * `services.infrastructure`: the hosts a service runs on with their CPU, memory, disk, network and TCP
 * figures, and the service's status lights (infrastructure, network, Kubernetes) with their reasons.
 */
import { KUBERNETES_EVENT_NAME } from '@apo/shared/kubernetes';
import type { ServiceInfrastructure } from '@apo/shared/console';
import type { Storage } from '../../storage/index.ts';
import { kubernetesWarnings } from '../events/event-queries.ts';
import { hostSeries, hostsOfService } from '../hosts/host-queries.ts';
import type { ServiceRange } from '../instances/instance-queries.ts';
import { hostFigures, HOST_METRICS } from './host-figures.ts';
import { PROCESS_METRICS, serviceInstances } from './service-instances.ts';
import { infrastructureLight, kubernetesLight, networkLight } from './status-lights.ts';

export async function serviceInfrastructure(
  storage: Storage,
  input: ServiceRange,
): Promise<ServiceInfrastructure> {
  const hostNames = await hostsOfService(storage, { ...input, names: Object.values(PROCESS_METRICS) });
  const series = await hostSeries(storage, {
    ...input,
    hosts: hostNames,
    names: Object.values(HOST_METRICS),
  });
  const hosts = hostNames.map((h) =>
    hostFigures(
      h,
      series.filter((s) => s.host_name === h),
    ),
  );
  const instances = await serviceInstances(storage, input);
  const warnings = await kubernetesWarnings(storage, { ...input, eventName: KUBERNETES_EVENT_NAME });
  return {
    hosts,
    lights: [
      infrastructureLight(hosts, instances),
      networkLight(hosts),
      kubernetesLight(
        warnings,
        instances.some((i) => i.pod !== null),
      ),
    ],
  };
}
