// Nightly run records: one per tenant and date, counting finished shards; the last shard to finish completes it.
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { shardLabel } from '../domain/shards.js';
import { runKey } from './keys.js';

export interface ShardTotals {
  readonly claimsAged: number;
  readonly claimsChanged: number;
}

export interface NightlyRunRecord {
  readonly tenantId: string;
  readonly runDate: string;
  readonly status: 'running' | 'complete';
  readonly shardCount: number;
  readonly finishedShards: readonly string[];
  readonly claimsAged: number;
  readonly claimsChanged: number;
  readonly startedAt: string;
  readonly completedAt?: string;
}

const isConditionFailure = (error: unknown): boolean => (error as Error).name === 'ConditionalCheckFailedException';

export class RunStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Creates the run record; returns false when the tenant's night already has one (the run is idempotent per date). */
  async create(tenantId: string, runDate: string, shardCount: number, startedAt: string): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...runKey(tenantId, runDate),
            kind: 'nightly-run',
            tenantId,
            runDate,
            status: 'running',
            shardCount,
            finishedShards: [],
            claimsAged: 0,
            claimsChanged: 0,
            startedAt,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async get(tenantId: string, runDate: string): Promise<NightlyRunRecord | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: runKey(tenantId, runDate), ConsistentRead: true }),
    );
    return Item as NightlyRunRecord | undefined;
  }

  /**
   * Records a shard as finished, once: a redelivered shard message adds nothing. Returns the record after the
   * update, or undefined when this shard had already been counted.
   */
  async finishShard(tenantId: string, runDate: string, shard: number, totals: ShardTotals): Promise<NightlyRunRecord | undefined> {
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: runKey(tenantId, runDate),
          UpdateExpression:
            'SET finishedShards = list_append(finishedShards, :shard) ADD claimsAged :aged, claimsChanged :changed',
          ConditionExpression: 'attribute_exists(pk) AND NOT contains(finishedShards, :label)',
          ExpressionAttributeValues: {
            ':shard': [shardLabel(shard)],
            ':label': shardLabel(shard),
            ':aged': totals.claimsAged,
            ':changed': totals.claimsChanged,
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return Attributes as NightlyRunRecord;
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }

  /** Marks the run complete; returns false if it already was (only one caller goes on to send the digest). */
  async complete(tenantId: string, runDate: string, completedAt: string): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: runKey(tenantId, runDate),
          UpdateExpression: 'SET #status = :complete, completedAt = :at',
          ConditionExpression: '#status = :running',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':complete': 'complete', ':running': 'running', ':at': completedAt },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}
