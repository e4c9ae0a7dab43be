// Not a Lambda: the composition root the nightly handlers share; wires the run's stores and queues from the
// function environment.
import type { NightlyDeps } from '../services/nightly-run.js';
import { dynamo, sqs } from '../shared/clients.js';
import { queueUrl, shardCount, tableName } from '../shared/env.js';
import { ClaimStore } from '../store/claim-store.js';
import { RunStore } from '../store/run-store.js';
import { TenantSettingsStore } from '../store/tenant-settings-store.js';
import { WorkItemStore } from '../store/work-item-store.js';

export const nightlyDepsFromEnv = (withNotifications: boolean): NightlyDeps => ({
  claims: new ClaimStore(dynamo(), tableName(), shardCount()),
  workItems: new WorkItemStore(dynamo(), tableName()),
  settings: new TenantSettingsStore(dynamo(), tableName()),
  runs: new RunStore(dynamo(), tableName()),
  sqs: sqs(),
  agingQueueUrl: queueUrl('aging'),
  notificationQueueUrl: withNotifications ? queueUrl('notifications') : undefined,
  shardCount: shardCount(),
});
