import type { ServiceSchema } from '../db/migrate.ts';
import type { ServiceName } from '../topology.ts';
import { catalogSchema } from './catalog/schema.ts';
import { fraudSchema } from './fraud/schema.ts';
import { gatewaySchema } from './gateway/schema.ts';
import { inventorySchema } from './inventory/schema.ts';
import { notificationsSchema } from './notifications/schema.ts';
import { ordersSchema } from './orders/schema.ts';
import { paymentsSchema } from './payments/schema.ts';

/** Every service's tables, for the supervisor to create and seed before it starts the services. */
export const SCHEMAS: Record<ServiceName, ServiceSchema> = {
  gateway: gatewaySchema,
  catalog: catalogSchema,
  orders: ordersSchema,
  payments: paymentsSchema,
  fraud: fraudSchema,
  inventory: inventorySchema,
  notifications: notificationsSchema,
};
