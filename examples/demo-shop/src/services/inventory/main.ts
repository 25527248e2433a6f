import { runService } from '../../runtime/service.ts';
import { inventory } from './inventory.ts';

await runService(inventory);
