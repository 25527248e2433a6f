// CommonJS fixture for `node --require @apo/agent/instrument`: express + fastify + node:sqlite + fetch + pino + winston
// + pg, the same routes as server.mts.
// Usage: node --require … server.cts <sqlite file>. Prints one JSON line with its port, then serves.
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS app loads its modules with require() */
import type { AddressInfo } from 'node:net';

const { DatabaseSync } = require('node:sqlite') as typeof import('node:sqlite');
const { trace } = require('@opentelemetry/api') as typeof import('@opentelemetry/api');
const express = require('express') as typeof import('express');
const Fastify = require('fastify') as typeof import('fastify').default;
const pg = require('pg') as typeof import('pg');
const { pino } = require('pino') as typeof import('pino');
const winston = require('winston') as typeof import('winston');

const log = pino();
const winstonLog = winston.createLogger({
  format: winston.format.json(),
  // winston's typings declare its transports as interfaces, which this lint rule cannot follow.
  // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
  transports: [new winston.transports.Console()],
});
const db = new DatabaseSync(process.argv[2] ?? ':memory:');
db.exec('CREATE TABLE IF NOT EXISTS orders (id INTEGER PRIMARY KEY, item TEXT NOT NULL, qty INTEGER)');
db.prepare('INSERT OR REPLACE INTO orders (id, item, qty) VALUES (?, ?, ?)').run(1, 'widget', 2);
const findOrder = db.prepare('SELECT id, item, qty FROM orders WHERE id = ?');

const activeSpan = () => trace.getActiveSpan()?.spanContext();

const app = express();
let port = 0;
app.get('/orders/:id', async (req, res) => {
  const active = activeSpan();
  log.info({ orderId: req.params.id }, 'loading order');
  const order = findOrder.get(Number(req.params.id));
  winstonLog.info('order loaded', { orderId: req.params.id });
  const stock = (await (await fetch(`http://127.0.0.1:${port}/stock/${req.params.id}`)).json()) as {
    available: number;
  };
  res.json({ order, stock, traceId: active?.traceId, spanId: active?.spanId });
});
app.get('/stock/:id', (req, res) => {
  res.json({ id: req.params.id, available: 3 });
});

app.get('/pg', async (_req, res) => {
  // Connection settings come from the standard PG* variables the test passes on.
  const client = new pg.Client({ host: '127.0.0.1', port: 5432 });
  await client.connect();
  try {
    const result = await client.query('SELECT 1 AS one');
    res.json({ rows: result.rows, traceId: activeSpan()?.traceId });
  } finally {
    await client.end();
  }
});

const fastify = Fastify();
fastify.get<{ Params: { id: string } }>('/items/:id', (request) => ({ id: request.params.id }));

const server = app.listen(0, '127.0.0.1', () => {
  port = (server.address() as AddressInfo).port;
  fastify.listen({ port: 0, host: '127.0.0.1' }).then(
    () => {
      const fastifyPort = (fastify.server.address() as AddressInfo).port;
      console.log(JSON.stringify({ fixture: 'ready', expressPort: port, fastifyPort }));
    },
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
});
