import { IngestError } from '@apo/pipeline';
import { encodeTracesProto } from '@apo/shared';
import { describe, expect, it } from 'vitest';
import { numberedTraces } from '../../../../tests/stack/support/proxy-process.ts';
import { AgentRegistry } from '../status/agent-registry.ts';
import { AgentAuth } from './agent-auth.ts';
import { RateLimiter } from './rate-limiter.ts';
import { RelayIntake, type RelayRequest } from './relay-intake.ts';

const body = encodeTracesProto(numberedTraces(0, 20, 'checkout', 1_700_000_000_000_000_000n));

/** A request whose inflated payload is handed over only when `release` is called: a body still being worked on. */
function slowRequest(): { req: RelayRequest; release: () => void } {
  let release = () => {};
  const ready = new Promise<void>((resolve) => (release = resolve));
  return {
    req: {
      signal: 'traces',
      encoding: 'protobuf',
      contentEncoding: 'identity',
      body,
      payload: async () => {
        await ready;
        return body;
      },
      header: () => undefined,
    },
    release,
  };
}

describe('relay intake: requests in flight are bounded in bytes', () => {
  it('answers 429 with a retry delay beyond the bound, and accepts again once the burst is through', async () => {
    const appended: string[] = [];
    const intake = new RelayIntake({
      auth: new AgentAuth([]),
      limiter: new RateLimiter(),
      defaultLimit: { itemsPerSecond: 0, burst: 0 },
      agents: new AgentRegistry(10),
      append: (batch) => {
        appended.push(batch.batchId);
        return Promise.resolve({ stored: true });
      },
      // Room for one body and a half: the first request fits, a second one at the same time does not.
      maxInFlightBytes: Math.floor(body.length * 1.5),
    });
    const first = slowRequest();
    const accepted = intake.accept(first.req);
    expect(intake.inFlightBytes).toBe(body.length);
    const refused = await intake.accept(slowRequest().req).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(IngestError);
    expect(refused).toMatchObject({ kind: 'overloaded', retryAfterSeconds: 1 });
    first.release();
    await accepted;
    expect(intake.inFlightBytes).toBe(0);
    const again = slowRequest();
    again.release();
    await intake.accept(again.req);
    expect(appended).toHaveLength(2);
  });
});
