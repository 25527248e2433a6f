import { runService } from '../../runtime/service.ts';
import { fraud } from './fraud.ts';

await runService(fraud);
