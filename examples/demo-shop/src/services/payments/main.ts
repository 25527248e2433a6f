import { runService } from '../../runtime/service.ts';
import { payments } from './payments.ts';

await runService(payments);
