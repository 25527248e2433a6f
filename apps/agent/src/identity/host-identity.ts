/**
 * What the agent adds to every resource the SDK left incomplete: `host.name`, `host.id` and, for a process
 * it can see, `container.id` from its cgroup. The proxy and the server attach cluster and Kubernetes
 * metadata by these keys, so they must be on every record that passes the agent.
 */
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Attributes, Resource } from '@apo/shared/model';

// cgroup v2 (`0::/…/docker-<id>.scope`, `…/cri-containerd-<id>.scope`, `/kubepods/…/<id>`) and v1 lines both
// end the path with the 64-hex container id.
const CONTAINER_ID = /([0-9a-f]{64})(?:\.scope)?\s*$/m;

function containerIdFromCgroup(text: string): string | undefined {
  return CONTAINER_ID.exec(text)?.[1];
}

export interface HostIdentity {
  readonly hostName: string;
  readonly hostId: string | undefined;
  /**
   * The attributes this resource lacks (an empty object when it lacks none). Cached per pid; a pid's
   * container is looked up once, in the background, and used from the next request on.
   */
  additionsFor(resource: Resource): Attributes;
}

export async function loadHostIdentity(
  options: { procRoot?: string; etcRoot?: string; hostName?: string | undefined } = {},
): Promise<HostIdentity> {
  const procRoot = options.procRoot ?? '/proc';
  const etcRoot = options.etcRoot ?? '/etc';
  const hostName = options.hostName ?? hostname();
  const hostId = await readFile(join(etcRoot, 'machine-id'), 'utf8').then(
    (text) => text.trim() || undefined,
    () => undefined,
  );
  /** pid → container id ('' = none / unreadable); undefined = lookup pending. */
  const containers = new Map<number, string | undefined>();
  const lookUp = (pid: number): string | undefined => {
    if (containers.has(pid)) return containers.get(pid);
    if (containers.size > 10_000) containers.clear(); // pids are recycled; a bound keeps the cache honest
    containers.set(pid, undefined);
    readFile(join(procRoot, String(pid), 'cgroup'), 'utf8').then(
      (text) => containers.set(pid, containerIdFromCgroup(text) ?? ''),
      () => containers.set(pid, ''),
    );
    return undefined;
  };
  return {
    hostName,
    hostId,
    additionsFor(resource) {
      const have = resource.attributes;
      const add: Attributes = Object.create(null) as Attributes;
      if (have['host.name'] === undefined) add['host.name'] = hostName;
      if (have['host.id'] === undefined && hostId !== undefined) add['host.id'] = hostId;
      const pid = have['process.pid'];
      if (have['container.id'] === undefined && (typeof pid === 'bigint' || typeof pid === 'number')) {
        const container = lookUp(Number(pid));
        if (container) add['container.id'] = container;
      }
      return add;
    },
  };
}
