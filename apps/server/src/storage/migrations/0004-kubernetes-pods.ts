/** The per-cluster Kubernetes pod snapshots published by proxies (see tables/kubernetes-pods.ts). */
import { kubernetesPodsTable } from '../tables/kubernetes-pods.ts';
import { createTableDdl } from '../tables/table-ddl.ts';
import type { Migration } from './migration.ts';

export const kubernetesPodsMigration: Migration = {
  version: 4,
  name: 'kubernetes-pods',
  statements: (ctx) => createTableDdl(kubernetesPodsTable, ctx),
};
