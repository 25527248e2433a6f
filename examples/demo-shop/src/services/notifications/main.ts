import { runService } from '../../runtime/service.ts';
import { notifications } from './notifications.ts';

await runService(notifications);
