/**
 * `services.infrastructure`: the hosts a service runs on with their CPU, memory, disk, network and TCP
 * figures, and the service's status lights (infrastructure, network, Kubernetes) with their reasons.
 */
import { KUBERNETES_EVENT_NAME } from '@apo/shared/kubernetes';
import type { ServiceInfrastructure } from '@apo/shared/console';
import type { Storage } from '../../storage/index.ts';
import { kubernetesWarnings } from '../events/event-queries.ts';
import { hostSeries, hostsOfService } from '../hosts/host-queries.ts';
import { restartsByInstance } from '../instances/instance-queries.ts';
import type { ServiceRange } from '../instances/instance-queries.ts';
import { RESTART_EVENT } from '../overview/overview-queries.ts';
import { hostFigures, HOST_METRICS } from './host-figures.ts';
import { PROCESS_METRICS } from './service-instances.ts';
import { infrastructureLight, kubernetesLight, networkLight } from './status-lights.ts';

export async function serviceInfrastructure(
  storage: Storage,
  input: ServiceRange,
): Promise<ServiceInfrastructure> {
  const found = await hostsOfService(storage, { ...input, names: Object.values(PROCESS_METRICS) });
  const series = await hostSeries(storage, {
    ...input,
    hosts: found.hosts,
    names: Object.values(HOST_METRICS),
  });
  const hosts = found.hosts.map((h) =>
    hostFigures(
      h,
      series.filter((s) => s.host_name === h),
    ),
  );
  // Restarts only: the instances' process figures are the instances panel's (services.instances).
  const restarts = await restartsByInstance(storage, { ...input, eventName: RESTART_EVENT });
  const warnings = await kubernetesWarnings(storage, { ...input, eventName: KUBERNETES_EVENT_NAME });
  return {
    hosts,
    lights: [
      infrastructureLight(hosts, restarts),
      networkLight(hosts),
      kubernetesLight(warnings, found.inPods),
    ],
  };
}
