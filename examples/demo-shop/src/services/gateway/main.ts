import { runService } from '../../runtime/service.ts';
import { gateway } from './gateway.ts';

await runService(gateway);
