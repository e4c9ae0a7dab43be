// Nightly run records: one per tenant and date, counting finished shards; the last shard to finish completes it.
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { shardLabel } from '../domain/shards.js';
import { conditionally, isConditionFailure } from './dynamo-helpers.js';
import { runKey } from './keys.js';

export interface NightlyRunRecord {
  readonly tenantId: string;
  readonly runDate: string;
  readonly status: 'running' | 'complete';
  readonly attempt: number;
  readonly shardCount: number;
  readonly finishedShards: readonly string[];
  /** "claimsAged", "bucketChanged", "opened:<queue>", "updated:<queue>", "closed:<queue>", "writes", "retired". */
  readonly counts: Readonly<Record<string, number>>;
  readonly startedAt: string;
  readonly completedAt?: string;
}

const countPrefix = 'count:';

const toRecord = (item: Record<string, unknown>): NightlyRunRecord => {
  const counts: Record<string, number> = {};
  for (const [name, value] of Object.entries(item)) if (name.startsWith(countPrefix)) counts[name.slice(countPrefix.length)] = value as number;
  return {
    tenantId: item.tenantId as string,
    runDate: item.runDate as string,
    status: item.status as NightlyRunRecord['status'],
    attempt: (item.attempt as number | undefined) ?? 1,
    shardCount: item.shardCount as number,
    finishedShards: (item.finishedShards as string[] | undefined) ?? [],
    counts,
    startedAt: item.startedAt as string,
    ...(item.completedAt ? { completedAt: item.completedAt as string } : {}),
  };
};

export class RunStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Creates the run record; returns false when the tenant's night already has one (the run is idempotent per date). */
  create(tenantId: string, runDate: string, shardCount: number, startedAt: string): Promise<boolean> {
    return conditionally(
      this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...runKey(tenantId, runDate), kind: 'nightly-run', tenantId, runDate, status: 'running', attempt: 1, shardCount, finishedShards: [], startedAt },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
  }

  /** Starts the date over as a new attempt: counts and finished shards are reset. Returns the new attempt. */
  async restart(tenantId: string, runDate: string, shardCount: number, startedAt: string, previousAttempt: number): Promise<number> {
    const attempt = previousAttempt + 1;
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...runKey(tenantId, runDate), kind: 'nightly-run', tenantId, runDate, status: 'running', attempt, shardCount, finishedShards: [], startedAt },
        ConditionExpression: 'attempt = :previous',
        ExpressionAttributeValues: { ':previous': previousAttempt },
      }),
    );
    return attempt;
  }

  async get(tenantId: string, runDate: string): Promise<NightlyRunRecord | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: runKey(tenantId, runDate), ConsistentRead: true }));
    return Item ? toRecord(Item) : undefined;
  }

  /**
   * Records a shard of an attempt as finished, once: a redelivered shard message adds nothing, and a message of an
   * older attempt adds nothing to a re-run. Returns the record after the update, or undefined when not counted.
   */
  async finishShard(tenantId: string, runDate: string, attempt: number, shard: number, counts: Readonly<Record<string, number>>): Promise<NightlyRunRecord | undefined> {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ':shard': [shardLabel(shard)], ':label': shardLabel(shard), ':attempt': attempt };
    const adds = Object.entries(counts).map(([name, value], i) => {
      names[`#c${i}`] = `${countPrefix}${name}`;
      values[`:c${i}`] = value;
      return `#c${i} :c${i}`;
    });
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: runKey(tenantId, runDate),
          UpdateExpression: `SET finishedShards = list_append(finishedShards, :shard)${adds.length ? ` ADD ${adds.join(', ')}` : ''}`,
          ConditionExpression: 'attribute_exists(pk) AND attempt = :attempt AND NOT contains(finishedShards, :label)',
          ...(adds.length ? { ExpressionAttributeNames: names } : {}),
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toRecord(Attributes!);
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }

  /** Counts a failed attempt at a shard of the run (run health in the digest). */
  async countShardRetry(tenantId: string, runDate: string): Promise<void> {
    await conditionally(
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: runKey(tenantId, runDate),
          UpdateExpression: 'ADD #retries :one',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#retries': `${countPrefix}shardRetries` },
          ExpressionAttributeValues: { ':one': 1 },
        }),
      ),
    );
  }

  /** Marks the run complete; returns false if it already was (only one caller goes on to send the digest). */
  complete(tenantId: string, runDate: string, attempt: number, completedAt: string): Promise<boolean> {
    return conditionally(
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: runKey(tenantId, runDate),
          UpdateExpression: 'SET #status = :complete, completedAt = :at',
          ConditionExpression: '#status = :running AND attempt = :attempt',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':complete': 'complete', ':running': 'running', ':at': completedAt, ':attempt': attempt },
        }),
      ),
    );
  }
}
