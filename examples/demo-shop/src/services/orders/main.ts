import { runService } from '../../runtime/service.ts';
import { orders } from './orders.ts';

await runService(orders);
