import { IngestError } from '@apo/otlp-transport';

const batchIdPattern = /^[A-Za-z0-9._:-]{1,128}$/;
const clusterPattern = /^[A-Za-z0-9._-]{1,64}$/;

/** `X-APO-Batch-Id`: optional; when present it makes retries idempotent. */
export function parseBatchId(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (!batchIdPattern.test(value)) {
    throw new IngestError('malformed', 'X-APO-Batch-Id must be 1–128 characters of A-Z a-z 0-9 . _ : -');
  }
  return value;
}

/** `X-APO-Cluster-Id` counts only from a trusted sender (an authenticated proxy); others get the default. */
export function resolveCluster(value: string | undefined, trusted: boolean, defaultCluster: string): string {
  if (!trusted || value === undefined || value === '') return defaultCluster;
  if (!clusterPattern.test(value)) {
    throw new IngestError('malformed', 'X-APO-Cluster-Id must be 1–64 characters of A-Z a-z 0-9 . _ -');
  }
  return value;
}
