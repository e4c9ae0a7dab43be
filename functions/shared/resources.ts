// The one declaration of the table and the queues: CDK (lib/) and the local runtime (local/) both build from it.

/** Attribute names of the single table and its sparse indexes. Keys always begin with the tenant. */
export const tableDesign = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** Every index is sparse: an item appears in it only while it carries the index's key attributes. */
  indexes: {
    /** Open claims of a tenant, spread over shards so the nightly run can fan out. */
    // Projects the claim but not its event list: the nightly run reads only what it ages.
    openClaimsByShard: { name: 'open-claims-by-shard', partitionKey: 'openShardPk', sortKey: 'openShardSk', projectedAttributes: ['claim', 'version', 'agingBucket'] },
    /** Open work items of a tenant's follow-up queue, highest priority first. */
    workQueue: { name: 'work-queue', partitionKey: 'queuePk', sortKey: 'queueSk', projectedAttributes: 'all' },
    /** Open work items assigned to one biller or team, highest priority first. */
    assigneeQueue: { name: 'assignee-queue', partitionKey: 'assigneePk', sortKey: 'assigneeSk', projectedAttributes: 'all' },
  },
  /** Attribute DynamoDB deletes expired items by (AWS only: DynamoDB Local never expires; code never relies on it). */
  timeToLiveAttribute: 'expiresAt',
} as const;

export type IndexName = (typeof tableDesign.indexes)[keyof typeof tableDesign.indexes]['name'];

/** The logical queues. Each has a dead-letter queue that receives a message after maxReceiveCount failed receives. */
export interface QueueSpec {
  /** Logical name, used for the local queue name and the CDK construct id. */
  readonly name: string;
  /** What the queue carries, for operators. */
  readonly purpose: string;
  /** Timeout of the Lambda function that consumes it. */
  readonly consumerTimeoutSeconds: number;
  /** Messages handed to one invocation. */
  readonly batchSize: number;
  /** How long Lambda waits to fill a batch. */
  readonly maxBatchingWindowSeconds: number;
  /** Receives before a message moves to the dead-letter queue. */
  readonly maxReceiveCount: number;
  /** Most invocations Lambda runs at once for this queue (2 or more); unset: as many as the backlog asks. */
  readonly maxConcurrency?: number;
  /** How long a message stays in the dead-letter queue (the SQS maximum: 14 days). */
  readonly deadLetterRetentionSeconds: number;
}

/** AWS guidance: visibility timeout at least six times the consumer's timeout, so retries never overlap a run. */
export const visibilityTimeoutSeconds = (queue: QueueSpec): number => queue.consumerTimeoutSeconds * 6;

const fourteenDays = 14 * 24 * 3600;

export const queues = {
  ingest: {
    name: 'ingest',
    purpose: 'claim events from clearinghouses and practice systems',
    consumerTimeoutSeconds: 30,
    batchSize: 25,
    maxBatchingWindowSeconds: 1,
    maxReceiveCount: 5,
    deadLetterRetentionSeconds: fourteenDays,
  },
  aging: {
    name: 'aging',
    purpose: 'one message per (tenant, night, shard) of the nightly run, and its continuations',
    consumerTimeoutSeconds: 300,
    batchSize: 1,
    maxBatchingWindowSeconds: 0,
    maxReceiveCount: 3,
    deadLetterRetentionSeconds: fourteenDays,
  },
  notifications: {
    name: 'notifications',
    purpose: 'digests, reminders and alerts to send after a night',
    consumerTimeoutSeconds: 60,
    batchSize: 10,
    maxBatchingWindowSeconds: 0,
    maxReceiveCount: 3,
    // Two workers sending one email at a time stay near the SES sending rate of a new account (14/s) instead of
    // bursting past it when a night fans out a reminder message per biller.
    maxConcurrency: 2,
    deadLetterRetentionSeconds: fourteenDays,
  },
  x12: {
    name: 'x12',
    purpose: 'S3 notifications of clearinghouse X12 files dropped in the inbox bucket (one file per message)',
    // A 50 MB file is read, mapped and its events sent within one invocation.
    consumerTimeoutSeconds: 900,
    batchSize: 1,
    maxBatchingWindowSeconds: 0,
    maxReceiveCount: 3,
    deadLetterRetentionSeconds: fourteenDays,
  },
} as const satisfies Record<string, QueueSpec>;

export type QueueKey = keyof typeof queues;
export const queueKeys = Object.keys(queues) as QueueKey[];

/** Environment variable through which a function learns a queue's URL. */
export const queueUrlEnv = (key: QueueKey): string => `${key.toUpperCase()}_QUEUE_URL`;
export const tableNameEnv = 'TABLE_NAME';

/** How often the watch schedule looks for nightly runs not complete by their time and for dead letters. */
export const watchEveryMinutes = 15;

/**
 * The X12 drop bucket: clearinghouse files arrive at `inbox/<tenant>/<any name>` (only that prefix notifies the x12
 * queue) and each file's report is stored beside them at `reports/<tenant>/<sha256>.json`.
 */
export const x12Bucket = {
  /** The bucket's name on the local emulator; in AWS it is generated and handed to the functions in INBOX_BUCKET. */
  localName: 'claim-followup-x12',
  inboxPrefix: 'inbox/',
  reportsPrefix: 'reports/',
  /** Files and reports (every version) are kept seven years, then expire. */
  retentionDays: 7 * 365 + 2,
} as const;

export const inboxBucketEnv = 'INBOX_BUCKET';

/** Where a file for a tenant is dropped. */
export const inboxObjectKey = (tenantId: string, name: string): string => `${x12Bucket.inboxPrefix}${tenantId}/${name}`;
/** Where the report of a file (by the SHA-256 of its bytes) is stored. */
export const reportObjectKey = (tenantId: string, sha256: string): string => `${x12Bucket.reportsPrefix}${tenantId}/${sha256}.json`;
