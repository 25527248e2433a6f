import { randomBytes } from 'node:crypto';
import { encodeTracesProto } from '../../../packages/shared/src/index.ts';
import { numberedTraces } from './proxy-process.ts';

/**
 * Traffic for the full-disk tests: request n carries `spans` numbered spans (ids from `spanIdOf`) with an
 * incompressible attribute, so each request costs about its size on disk whatever the compression.
 */
export function bulkyTraces(
  n: number,
  spans: number,
  service: string,
  nowNs: bigint,
): Uint8Array<ArrayBuffer> {
  const data = numberedTraces(n, spans, service, nowNs);
  for (const span of data.resourceSpans[0]!.scopeSpans[0]!.spans) {
    span.attributes['test.filler'] = randomBytes(300).toString('base64');
  }
  return new Uint8Array(encodeTracesProto(data));
}

export function postBody(url: string, body: Uint8Array<ArrayBuffer>): Promise<Response> {
  return fetch(`${url}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-protobuf' },
    body,
  });
}

export interface Health {
  status: string;
  queuedBatches: number;
  queue: { writable: boolean; reason?: string };
  journal?: { writable: boolean; reason?: string };
}

export async function health(statusUrl: string): Promise<{ code: number; body: Health }> {
  const res = await fetch(`${statusUrl}/healthz`);
  return { code: res.status, body: (await res.json()) as Health };
}
