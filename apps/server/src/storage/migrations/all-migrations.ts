/** Every migration, in version order. Add a file `NNNN-name.ts` and list it here. */
import { initialMigration } from './0001-initial.ts';
import { redRollupsMigration } from './0002-red-rollups.ts';
import { spansMergeWidthMigration } from './0003-spans-merge-width.ts';
import { kubernetesPodsMigration } from './0004-kubernetes-pods.ts';
import { ledgerBatchBindingMigration } from './0005-ledger-batch-binding.ts';
import { redOverviewProjectionsMigration } from './0006-red-overview-projections.ts';
import { topologyMigration } from './0007-topology.ts';
import { delaySourceMigration } from './0008-delay-source.ts';
import { metricsByHostMigration } from './0009-metrics-by-host.ts';
import { spansByTimeMigration } from './0010-spans-by-time.ts';
import type { Migration } from './migration.ts';

export const migrations: readonly Migration[] = [
  initialMigration,
  redRollupsMigration,
  spansMergeWidthMigration,
  kubernetesPodsMigration,
  ledgerBatchBindingMigration,
  redOverviewProjectionsMigration,
  topologyMigration,
  delaySourceMigration,
  metricsByHostMigration,
  spansByTimeMigration,
];
