// Wires the nightly run's stores and queues from the function environment.
import type { NightlyDeps } from '../services/nightly-run.js';
import { ClaimStore } from '../store/claim-store.js';
import { RunStore } from '../store/run-store.js';
import { dynamo, sqs } from './clients.js';
import { queueUrl, shardCount, tableName } from './env.js';

export const nightlyDepsFromEnv = (withNotifications: boolean): NightlyDeps => ({
  claims: new ClaimStore(dynamo(), tableName(), shardCount()),
  runs: new RunStore(dynamo(), tableName()),
  sqs: sqs(),
  agingQueueUrl: queueUrl('aging'),
  notificationQueueUrl: withNotifications ? queueUrl('notifications') : undefined,
  shardCount: shardCount(),
});
