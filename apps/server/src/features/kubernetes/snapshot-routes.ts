/**
 * `PUT /v1/kubernetes/pods` `{ pods: PodMetadata[] }` (JSON, optionally gzip/deflate/zstd): a proxy's whole
 * pod snapshot for its cluster, named by `X-APO-Cluster-Id`. Only a trusted sender may publish — a proxy
 * token, or anyone when auth is off on loopback — because the snapshot decides which workload every record
 * of the cluster is attributed to.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type {
  FastifyBaseLogger,
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  RawServerDefault,
} from 'fastify';
import {
  decompressBody,
  discardUnreadBody,
  httpStatusOf,
  IngestError,
  type InFlightBytes,
} from '@apo/otlp-transport';
import { podSnapshotSchema } from '@apo/shared/kubernetes';
import type { Authenticator } from '../../auth/authenticator.ts';
import type { PodDirectory } from './pod-directory.ts';

const POD_SNAPSHOT_PATH = '/v1/kubernetes/pods';

const clusterPattern = /^[A-Za-z0-9._-]{1,64}$/;

export interface SnapshotRouteOptions {
  directory: PodDirectory;
  auth: Authenticator;
  /** Compressed and decompressed body limit (the ingest limit). */
  maxBodyBytes: number;
  /** The ingest's bound on bytes in flight: a snapshot inflates under it too. */
  inFlight: InFlightBytes;
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

export function registerPodSnapshotRoutes<Logger extends FastifyBaseLogger>(
  app: FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, Logger>,
  options: SnapshotRouteOptions,
): void {
  const { directory, auth, maxBodyBytes, inFlight } = options;
  void app.register((scope, _opts, done) => {
    // The body is bytes until it is decompressed; parsing is the route's job (and its errors are 400s).
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: maxBodyBytes }, (_req, body, next) => {
      next(null, body);
    });

    const reply = (res: FastifyReply, status: number, message: string) =>
      res.status(status).send({ message });

    // The credential before the body: without one the answer comes at once and the body is not read.
    const admit = async (req: FastifyRequest, res: FastifyReply) => {
      const identity = auth.checkIngest(req.headers.authorization);
      if (identity.ok) return undefined;
      discardUnreadBody(req.raw, res.raw);
      await reply(res, 401, identity.message);
      return res;
    };

    scope.put(POD_SNAPSHOT_PATH, { onRequest: admit }, async (req, res) => {
      const identity = auth.checkIngest(req.headers.authorization);
      if (!identity.ok) return reply(res, 401, identity.message);
      if (!identity.trustClusterHeader) {
        return reply(
          res,
          403,
          'only a proxy may publish Kubernetes metadata: send a proxy token (APO_PROXY_TOKENS)',
        );
      }
      const cluster = header(req.headers['x-apo-cluster-id']);
      if (cluster === undefined || !clusterPattern.test(cluster)) {
        return reply(res, 400, 'X-APO-Cluster-Id is required: 1–64 characters of A-Z a-z 0-9 . _ -');
      }
      const type = header(req.headers['content-type']) ?? '';
      if (!/^application\/json\b/i.test(type)) {
        return reply(
          res,
          415,
          `the pod snapshot is JSON: send content-type application/json (got ${JSON.stringify(type)})`,
        );
      }
      let text: string;
      const lease = inFlight.lease();
      try {
        const body = req.body instanceof Uint8Array ? req.body : new Uint8Array();
        lease.take(body.length);
        const encoding = header(req.headers['content-encoding']);
        const payload = await decompressBody(body, encoding, maxBodyBytes, lease);
        text = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('utf8');
      } catch (err) {
        if (!(err instanceof IngestError)) throw err;
        if (err.retryAfterSeconds !== undefined)
          void res.header('retry-after', String(err.retryAfterSeconds));
        return await reply(res, httpStatusOf[err.kind], err.message);
      } finally {
        lease.release();
      }
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (err) {
        return reply(res, 400, `invalid pod snapshot: not JSON (${(err as Error).message})`);
      }
      const parsed = podSnapshotSchema.safeParse(json);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const where = issue === undefined || issue.path.length === 0 ? '' : `${issue.path.join('.')}: `;
        return reply(
          res,
          400,
          `invalid pod snapshot: ${where}${issue?.message ?? 'does not match the schema'}`,
        );
      }
      try {
        await directory.replace(cluster, parsed.data.pods);
      } catch (err) {
        req.log.error({ err, cluster }, 'could not store a Kubernetes pod snapshot');
        void res.header('retry-after', '5');
        return reply(res, 503, 'storage is unavailable; retry later');
      }
      return res.send({ cluster, pods: parsed.data.pods.length });
    });

    scope.setErrorHandler((err: Error & { statusCode?: number; code?: string }, req, res) => {
      if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
        return reply(res, 413, `the pod snapshot exceeds the limit of ${maxBodyBytes} bytes`);
      if (err.statusCode !== undefined && err.statusCode < 500)
        return reply(res, err.statusCode, err.message);
      req.log.error({ err }, 'pod snapshot failed');
      return reply(res, 500, 'internal error');
    });
    done();
  });
}
