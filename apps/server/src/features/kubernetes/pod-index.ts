/**
 * One cluster's pods, indexed the three ways a record can name its pod: `container.id` (what the agent adds
 * from a process's cgroup and OpenTelemetry's container detectors report), `k8s.pod.uid` (what the downward
 * API gives SDKs), `k8s.pod.ip`. Built once per published snapshot, read at ingest once per resource.
 */
import { podResourceAttributes, type PodMetadata } from '@apo/shared/kubernetes';
import { type Attributes } from '@apo/shared/model';

export interface PodEntry {
  /** The resource attributes this pod adds, precomputed so a lookup costs no allocation. */
  readonly attributes: readonly (readonly [string, string])[];
}

/** Docker's short form: the first 12 hex characters, which some detectors and logs report. */
const SHORT_ID = 12;

function idOf(value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  const at = value.indexOf('://');
  return at >= 0 ? value.slice(at + 3) : value;
}

export class ClusterPodIndex {
  readonly pods: number;
  readonly #byContainer = new Map<string, PodEntry>();
  readonly #byUid = new Map<string, PodEntry>();
  /** undefined values mark IPs claimed by two pods (a reused IP): a guess there would be wrong half the time. */
  readonly #byIp = new Map<string, PodEntry | undefined>();

  constructor(pods: readonly PodMetadata[]) {
    this.pods = pods.length;
    const shortIds = new Map<string, PodEntry | undefined>();
    for (const pod of pods) {
      const entry: PodEntry = { attributes: podResourceAttributes(pod) };
      this.#byUid.set(pod.uid, entry);
      for (const id of pod.containerIds) {
        this.#byContainer.set(id, entry);
        if (id.length > SHORT_ID) {
          const short = id.slice(0, SHORT_ID);
          shortIds.set(short, shortIds.has(short) && shortIds.get(short) !== entry ? undefined : entry);
        }
      }
      if (pod.podIp !== '') {
        const other = this.#byIp.get(pod.podIp);
        this.#byIp.set(pod.podIp, this.#byIp.has(pod.podIp) && other !== entry ? undefined : entry);
      }
    }
    for (const [short, entry] of shortIds)
      if (entry !== undefined && !this.#byContainer.has(short)) this.#byContainer.set(short, entry);
  }

  /** The pod a resource belongs to, by container id, else pod uid, else pod IP. */
  lookup(attributes: Attributes): PodEntry | undefined {
    const container = idOf(attributes['container.id']);
    if (container !== undefined) {
      const entry = this.#byContainer.get(container);
      if (entry !== undefined) return entry;
    }
    const uid = attributes['k8s.pod.uid'];
    if (typeof uid === 'string') {
      const entry = this.#byUid.get(uid);
      if (entry !== undefined) return entry;
    }
    const ip = attributes['k8s.pod.ip'];
    return typeof ip === 'string' ? this.#byIp.get(ip) : undefined;
  }
}
