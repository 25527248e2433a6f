import type { SignalType } from '@apo/shared/model';

/**
 * Who sent what, per agent, with bounded cardinality. An agent is named by its `X-APO-Agent-Id` header (the
 * APO agent sends its host name), else by the name of the token it presented, else "anonymous"; requests
 * refused for their credential are counted under "unauthenticated". Past `maxTracked` names, new senders are
 * counted together under "other", so a misbehaving fleet cannot grow /metrics (or the rate buckets) without
 * bound.
 */
export const ANONYMOUS = 'anonymous';
export const UNAUTHENTICATED = 'unauthenticated';
const OTHER = 'other';

const FIXED: ReadonlySet<string> = new Set([ANONYMOUS, UNAUTHENTICATED, OTHER]);

/** Like batch ids: safe in a header, a label value and a log line. */
const AGENT_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export type RefusalReason =
  | 'unauthenticated'
  | 'malformed'
  | 'unsupported_media'
  | 'too_large'
  | 'rate_limited'
  | 'queue_full'
  | 'unavailable';

export interface Tally {
  batches: number;
  items: number;
}

export interface AgentCounters {
  received: Record<SignalType, Tally>;
  /** Acknowledged by the server. */
  forwarded: Record<SignalType, Tally>;
  /** Refused for good by the server (e.g. a body it cannot store); dropped and counted, never retried. */
  refusedUpstream: Record<SignalType, Tally>;
  /** Refused by the proxy, by reason: requests, and items where they were counted before the refusal. */
  rejected: Partial<Record<RefusalReason, Tally>>;
}

const tallies = (): Record<SignalType, Tally> => ({
  traces: { batches: 0, items: 0 },
  logs: { batches: 0, items: 0 },
  metrics: { batches: 0, items: 0 },
});

export class AgentRegistry {
  readonly #max: number;
  readonly #agents = new Map<string, AgentCounters>();
  /** Names counted against the bound (the fixed names are not). */
  #tracked = 0;

  constructor(maxTracked: number) {
    this.#max = maxTracked;
  }

  /** The name requests from this sender are counted under. */
  identify(agentIdHeader: string | undefined, tokenName: string | undefined): string {
    const wanted =
      agentIdHeader !== undefined && AGENT_ID.test(agentIdHeader) ? agentIdHeader : (tokenName ?? ANONYMOUS);
    const name = this.#admit(wanted);
    this.counters(name);
    return name;
  }

  counters(agent: string): AgentCounters {
    let counters = this.#agents.get(agent);
    if (counters === undefined) {
      counters = { received: tallies(), forwarded: tallies(), refusedUpstream: tallies(), rejected: {} };
      this.#agents.set(agent, counters);
      if (!FIXED.has(agent)) this.#tracked++;
    }
    return counters;
  }

  received(agent: string, signal: SignalType, items: number): void {
    add(this.counters(agent).received[signal], items);
  }

  /** A batch the server answered for good; `agent` may be unknown here (queued before a restart). */
  settled(agent: string, signal: SignalType, items: number, outcome: 'exported' | 'rejected'): void {
    const c = this.counters(this.#admit(agent));
    add(outcome === 'exported' ? c.forwarded[signal] : c.refusedUpstream[signal], items);
  }

  rejected(agent: string, reason: RefusalReason, items: number): void {
    const rejected = this.counters(agent).rejected;
    add((rejected[reason] ??= { batches: 0, items: 0 }), items);
  }

  entries(): IterableIterator<[string, AgentCounters]> {
    return this.#agents.entries();
  }

  #admit(name: string): string {
    if (this.#agents.has(name) || FIXED.has(name)) return name;
    return this.#tracked < this.#max ? name : OTHER;
  }
}

function add(tally: Tally, items: number): void {
  tally.batches++;
  tally.items += items;
}
