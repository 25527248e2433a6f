// ESM fixture for `node --import @apo/agent/instrument`: express + fastify + node:sqlite + fetch + pino + winston + pg.
// Usage: node --import … server.mts <sqlite file>. Prints one JSON line with its ports, then serves.
import type { AddressInfo } from 'node:net';
import { DatabaseSync } from 'node:sqlite';
import { trace } from '@opentelemetry/api';
import express from 'express';
import Fastify from 'fastify';
import pg from 'pg';
import { pino } from 'pino';
import winston from 'winston';

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
let expressPort = 0;
app.get('/orders/:id', async (req, res) => {
  const active = activeSpan();
  log.info({ orderId: req.params.id }, 'loading order');
  const order = findOrder.get(Number(req.params.id));
  winstonLog.info('order loaded', { orderId: req.params.id });
  // STOCK_URL makes the stock lookup a call to another instance (a second service); else it calls itself.
  const stockUrl = process.env.STOCK_URL ?? `http://127.0.0.1:${expressPort}`;
  const stock = (await (await fetch(`${stockUrl}/stock/${req.params.id}`)).json()) as {
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
  expressPort = (server.address() as AddressInfo).port;
  fastify.listen({ port: 0, host: '127.0.0.1' }).then(
    () => {
      const fastifyPort = (fastify.server.address() as AddressInfo).port;
      console.log(JSON.stringify({ fixture: 'ready', expressPort, fastifyPort }));
    },
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
});
