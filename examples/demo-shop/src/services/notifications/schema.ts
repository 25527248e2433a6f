import { idColumn, insertMany } from '../../db/database.ts';
import type { ServiceSchema } from '../../db/migrate.ts';

export const notificationsSchema: ServiceSchema = {
  tables: ['templates', 'notifications'],
  ddl: (dialect) => [
    `CREATE TABLE IF NOT EXISTS templates (
       event TEXT NOT NULL, channel TEXT NOT NULL, subject TEXT NOT NULL, body TEXT NOT NULL,
       PRIMARY KEY (event, channel))`,
    `CREATE TABLE IF NOT EXISTS notifications (
       id ${idColumn(dialect)}, user_id TEXT NOT NULL, order_id TEXT NOT NULL, event TEXT NOT NULL,
       channel TEXT NOT NULL, subject TEXT NOT NULL, body TEXT NOT NULL, status TEXT NOT NULL, created_at BIGINT NOT NULL)`,
    'CREATE INDEX IF NOT EXISTS notifications_order_event ON notifications (order_id, event)',
    'CREATE INDEX IF NOT EXISTS notifications_user_created ON notifications (user_id, created_at)',
  ],
  seed: async (db) => {
    await insertMany(
      db,
      'templates',
      ['event', 'channel', 'subject', 'body'],
      [
        [
          'order.placed',
          'email',
          'Your order {{orderId}} is confirmed',
          'Thanks! We received {{items}} item(s), total {{total}}.',
        ],
        ['order.placed', 'push', 'Order confirmed', 'Order {{orderId}} is on its way soon.'],
        ['order.refunded', 'email', 'Refund for order {{orderId}}', 'We refunded {{total}} to your card.'],
      ],
    );
  },
};
