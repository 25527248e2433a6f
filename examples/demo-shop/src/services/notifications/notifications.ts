import { z } from 'zod';
import { startConsumer, type Message } from '../../runtime/queue.ts';
import type { ServiceContext, ServiceDefinition } from '../../runtime/service.ts';
import { input } from '../../runtime/validate.ts';
import { dataPaths, QUEUE_TOPIC } from '../../topology.ts';
import { notificationsSchema } from './schema.ts';

interface OrderEvent {
  orderId: string;
  userId: string;
  totalCents: number;
  currency?: string;
  items?: { qty: number }[];
}

const money = (cents: number, currency = 'EUR') => `${(cents / 100).toFixed(2)} ${currency}`;

function render(template: string, event: OrderEvent): string {
  return template
    .replaceAll('{{orderId}}', event.orderId)
    .replaceAll('{{items}}', String(event.items?.reduce((n, i) => n + i.qty, 0) ?? 0))
    .replaceAll('{{total}}', money(event.totalCents, event.currency));
}

/** Consumes order events: one notification per template of the event, at most once per order and event. */
function consume(ctx: ServiceContext): () => Promise<void> {
  const { db, log, env, underFaults } = ctx;
  const handle = (message: Message) =>
    underFaults(async () => {
      const event = message.payload as OrderEvent;
      const already = await db.get<{ id: number }>(
        'SELECT id FROM notifications WHERE order_id = ? AND event = ?',
        [event.orderId, message.type],
      );
      if (already !== undefined) {
        log.debug({ orderId: event.orderId, event: message.type }, 'duplicate event skipped');
        return;
      }
      const templates = await db.all<{ channel: string; subject: string; body: string }>(
        'SELECT channel, subject, body FROM templates WHERE event = ?',
        [message.type],
      );
      await db.transaction(async (tx) => {
        for (const t of templates) {
          await tx.run(
            `INSERT INTO notifications (user_id, order_id, event, channel, subject, body, status, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
            [
              event.userId,
              event.orderId,
              message.type,
              t.channel,
              render(t.subject, event),
              render(t.body, event),
              'sent',
              Date.now(),
            ],
          );
        }
      });
      log.info({ orderId: event.orderId, event: message.type, sent: templates.length }, 'notifications sent');
    });
  return startConsumer(dataPaths(env.dataDir).queueDir(QUEUE_TOPIC), QUEUE_TOPIC, handle, {
    group: 'notifications',
    onError: (error, message) =>
      log.error({ err: error, messageId: message.id, event: message.type }, 'event processing failed'),
  });
}

export const notifications: ServiceDefinition = {
  name: 'notifications',
  schema: notificationsSchema,
  retention: ['DELETE FROM notifications WHERE created_at < ?'],
  routes: (app, { db }) => {
    app.get('/notifications', async (req, res) => {
      const q = input(
        z.object({ userId: z.string().min(1), limit: z.coerce.number().int().min(1).max(50).default(20) }),
        req.query,
      );
      const items = await db.all(
        'SELECT id, order_id, event, channel, subject, status, created_at FROM notifications WHERE user_id = ? ORDER BY created_at DESC LIMIT ?',
        [q.userId, q.limit],
      );
      res.json({ items });
    });
  },
  background: consume,
};
