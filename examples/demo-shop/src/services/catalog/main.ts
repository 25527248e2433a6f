import { runService } from '../../runtime/service.ts';
import { catalog } from './catalog.ts';

await runService(catalog);
