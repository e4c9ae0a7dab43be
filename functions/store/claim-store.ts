// Claims in DynamoDB: read one, apply an event atomically (claim + history entry + dedupe), page a shard's open claims.
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import type { Claim } from '../domain/claim.js';
import { isOpen } from '../domain/claim.js';
import type { ClaimEvent } from '../domain/claim-events.js';
import { shardOf } from '../domain/shards.js';
import { tableDesign } from '../shared/resources.js';
import { claimEventKey, claimKey, openClaimIndexKey } from './keys.js';

export interface StoredClaim {
  readonly claim: Claim;
  readonly version: number;
}

/** The stored claim could not be read back: our data is damaged, not the event. Retried, then dead-lettered. */
export class StoredClaimUnreadableError extends Error {
  override readonly name = 'StoredClaimUnreadableError';
}

/** Another writer changed the claim between our read and write: retry. */
export class ClaimVersionConflictError extends Error {
  override readonly name = 'ClaimVersionConflictError';
}

const storedClaimShape = z.looseObject({
  version: z.number().int().positive(),
  claim: z.looseObject({ tenantId: z.string(), claimId: z.string(), status: z.string() }),
});

const { openClaimsByShard } = tableDesign.indexes;

export class ClaimStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly shardCount: number,
  ) {}

  async get(tenantId: string, claimId: string): Promise<StoredClaim | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: claimKey(tenantId, claimId), ConsistentRead: true }),
    );
    if (!Item) return undefined;
    const parsed = storedClaimShape.safeParse(Item);
    if (!parsed.success) throw new StoredClaimUnreadableError(`stored claim item is unreadable (${parsed.error.issues[0]?.path.join('.')})`);
    return { claim: parsed.data.claim as unknown as Claim, version: parsed.data.version };
  }

  /**
   * Writes the claim after an event, its history entry and dedupe marker in one transaction.
   * Returns 'duplicate' when the event was applied before (nothing is written).
   */
  async saveEvent(event: ClaimEvent, claim: Claim, previousVersion: number | undefined): Promise<'applied' | 'duplicate'> {
    const key = claimKey(claim.tenantId, claim.claimId);
    const version = (previousVersion ?? 0) + 1;
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: { ...claimEventKey(claim.tenantId, claim.claimId, event.eventId), kind: 'claim-event', event },
                ConditionExpression: 'attribute_not_exists(#pk)',
                ExpressionAttributeNames: { '#pk': tableDesign.partitionKey },
              },
            },
            {
              Put: {
                TableName: this.tableName,
                Item: { ...key, ...this.indexAttributes(claim), kind: 'claim', claim, version },
                ...(previousVersion === undefined
                  ? { ConditionExpression: 'attribute_not_exists(#pk)', ExpressionAttributeNames: { '#pk': tableDesign.partitionKey } }
                  : { ConditionExpression: 'version = :expected', ExpressionAttributeValues: { ':expected': previousVersion } }),
              },
            },
          ],
        }),
      );
      return 'applied';
    } catch (error) {
      if (error instanceof TransactionCanceledException) {
        const [marker, claimWrite] = error.CancellationReasons ?? [];
        if (marker?.Code === 'ConditionalCheckFailed') return 'duplicate';
        if (claimWrite?.Code === 'ConditionalCheckFailed') throw new ClaimVersionConflictError('claim changed concurrently');
      }
      throw error;
    }
  }

  /** One page of a shard's open claims, in claim-id order; pass the returned cursor to continue. */
  async pageOpenClaims(
    tenantId: string,
    shard: number,
    limit: number,
    cursor?: string,
  ): Promise<{ claims: StoredClaim[]; cursor?: string }> {
    const indexKey = openClaimIndexKey(tenantId, shard, '');
    const result = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: openClaimsByShard.name,
        KeyConditionExpression: '#shard = :shard',
        ExpressionAttributeNames: { '#shard': openClaimsByShard.partitionKey },
        ExpressionAttributeValues: { ':shard': indexKey[openClaimsByShard.partitionKey] },
        Limit: limit,
        ExclusiveStartKey: cursor ? (JSON.parse(Buffer.from(cursor, 'base64url').toString()) as Record<string, unknown>) : undefined,
      }),
    );
    const claims = (result.Items ?? []).map((item) => ({ claim: item.claim as Claim, version: item.version as number }));
    return {
      claims,
      cursor: result.LastEvaluatedKey ? Buffer.from(JSON.stringify(result.LastEvaluatedKey)).toString('base64url') : undefined,
    };
  }

  /** Saves a claim's new aging bucket, only if nobody changed the claim since it was read. False on a lost race. */
  async saveAgingBucket(stored: StoredClaim, bucket: string): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: claimKey(stored.claim.tenantId, stored.claim.claimId),
          UpdateExpression: 'SET claim.agingBucket = :bucket, version = :next',
          ConditionExpression: 'version = :expected',
          ExpressionAttributeValues: { ':bucket': bucket, ':next': stored.version + 1, ':expected': stored.version },
        }),
      );
      return true;
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  }

  private indexAttributes(claim: Claim): Record<string, string> {
    return isOpen(claim) ? openClaimIndexKey(claim.tenantId, shardOf(claim.claimId, this.shardCount), claim.claimId) : {};
  }
}
