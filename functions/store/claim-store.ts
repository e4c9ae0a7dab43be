// Claims in DynamoDB: a claim's partition holds the claim item and one history entry per event. Applying an event
// writes both in one transaction, conditional on the event being new and the claim unchanged since it was read.
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { isClaim, type Claim, type ClaimState } from '../domain/claim.js';
import type { ClaimEvent } from '../domain/claim-events.js';
import { shardOf } from '../domain/shards.js';
import { tableDesign } from '../shared/resources.js';
import { batchGet, conditionally } from './dynamo-helpers.js';
import { claimEventKey, claimKey, claimPartition, openClaimIndexKey } from './keys.js';

export interface StoredClaim {
  readonly claim: Claim;
  readonly version: number;
}

export interface ClaimHistory {
  readonly state?: ClaimState;
  readonly version?: number;
  readonly events: ClaimEvent[];
}

/** The stored claim could not be read back: our data is damaged, not the event. Retried, then dead-lettered. */
export class StoredClaimUnreadableError extends Error {
  override readonly name = 'StoredClaimUnreadableError';
}

/** Another writer changed the claim between our read and write: retry. */
export class ClaimVersionConflictError extends Error {
  override readonly name = 'ClaimVersionConflictError';
}

/**
 * The claim is stored as one JSON string, like its events: it is always read and written whole, and a string costs
 * DynamoDB and the SDK far less to write than a nested map. Indexes carry the attributes queries need.
 */
const storedClaimShape = z.looseObject({
  version: z.number().int().positive(),
  claim: z.string().transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'not JSON' });
      return z.NEVER;
    }
  }).pipe(z.looseObject({ tenantId: z.string(), claimId: z.string(), status: z.string() })),
});

const { partitionKey, sortKey } = tableDesign;
const { openClaimsByShard } = tableDesign.indexes;

const readStored = (item: Record<string, unknown>): { state: ClaimState; version: number } => {
  const parsed = storedClaimShape.safeParse(item);
  if (!parsed.success) {
    throw new StoredClaimUnreadableError(`stored claim item is unreadable (${parsed.error.issues[0]?.path.join('.')})`);
  }
  const state = parsed.data.claim as unknown as ClaimState;
  // The nightly bucket is its own attribute (a small write), folded back into the claim for readers.
  const bucket = typeof item.agingBucket === 'string' ? { agingBucket: item.agingBucket } : {};
  return { state: { ...state, ...bucket } as ClaimState, version: parsed.data.version };
};

const historyOf = (item: Record<string, unknown>): ClaimHistory => ({
  ...readStored(item),
  events: typeof item.events === 'string' ? (JSON.parse(item.events) as ClaimEvent[]) : [],
});

const encodeCursor = (key: Record<string, unknown> | undefined): string | undefined =>
  key ? Buffer.from(JSON.stringify(key)).toString('base64url') : undefined;
const decodeCursor = (cursor: string | undefined): Record<string, unknown> | undefined =>
  cursor ? (JSON.parse(Buffer.from(cursor, 'base64url').toString()) as Record<string, unknown>) : undefined;

export class ClaimStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly shardCount: number,
  ) {}

  /** The claim item alone; undefined while the claim is unknown or awaiting its submission. */
  async get(tenantId: string, claimId: string): Promise<StoredClaim | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: claimKey(tenantId, claimId), ConsistentRead: true }),
    );
    if (!Item) return undefined;
    const { state, version } = readStored(Item);
    return isClaim(state) ? { claim: state, version } : undefined;
  }

  /**
   * The claim item with every event of the claim, in one consistent read. The claim item carries its events so
   * that applying an event costs one read and one transaction; the history entries are the audit and dedupe trail.
   */
  async history(tenantId: string, claimId: string): Promise<ClaimHistory> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: claimKey(tenantId, claimId), ConsistentRead: true }),
    );
    return Item ? historyOf(Item) : { events: [] };
  }

  /**
   * The claim items of many claims in as few consistent reads as DynamoDB allows (100 keys a request), for a batch
   * consumer to read once what it is about to apply events to. Claims not found map to an empty history.
   */
  async histories(claims: ReadonlyArray<{ tenantId: string; claimId: string }>): Promise<Map<string, ClaimHistory>> {
    const wanted = new Map(claims.map((c) => [claimPartition(c.tenantId, c.claimId), c]));
    const found = new Map<string, ClaimHistory>([...wanted.keys()].map((pk) => [pk, { events: [] }]));
    const items = await batchGet(this.client, this.tableName, [...wanted.values()].map((c) => claimKey(c.tenantId, c.claimId)));
    for (const item of items) found.set(item[partitionKey] as string, historyOf(item));
    return found;
  }

  /** Key of a claim in the map `histories` returns. */
  static historyKey = (tenantId: string, claimId: string): string => claimPartition(tenantId, claimId);

  /** The history entries of a claim (every event as received), oldest first by when it happened. */
  async historyEntries(tenantId: string, claimId: string): Promise<Array<{ event: ClaimEvent; receivedAt: string }>> {
    const entries: Array<{ event: ClaimEvent; receivedAt: string }> = [];
    let cursor: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :event)',
          ExpressionAttributeNames: { '#pk': partitionKey, '#sk': sortKey },
          ExpressionAttributeValues: { ':pk': claimPartition(tenantId, claimId), ':event': 'EVENT#' },
          ExclusiveStartKey: cursor,
        }),
      );
      for (const item of page.Items ?? []) entries.push({ event: JSON.parse(item.event as string) as ClaimEvent, receivedAt: item.receivedAt as string });
      cursor = page.LastEvaluatedKey;
    } while (cursor);
    return entries.sort((a, b) => Date.parse(a.event.occurredAt) - Date.parse(b.event.occurredAt));
  }

  /**
   * Writes the event's history entry (only if new) and the claim state after it (only if the claim is unchanged),
   * in one transaction. Returns 'duplicate' when the event was applied before: nothing is written.
   */
  async saveEvent(
    event: ClaimEvent,
    state: ClaimState,
    events: readonly ClaimEvent[],
    previousVersion: number | undefined,
    receivedAt: string,
  ): Promise<'applied' | 'duplicate'> {
    const names = { '#pk': partitionKey };
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: { ...claimEventKey(state.tenantId, state.claimId, event.eventId), kind: 'claim-event', event: JSON.stringify(event), receivedAt },
                ConditionExpression: 'attribute_not_exists(#pk)',
                ExpressionAttributeNames: names,
              },
            },
            {
              Put: {
                TableName: this.tableName,
                Item: {
                  ...claimKey(state.tenantId, state.claimId),
                  ...this.indexAttributes(state),
                  kind: 'claim',
                  claim: JSON.stringify({ ...state, agingBucket: undefined }),
                  ...('agingBucket' in state && state.agingBucket ? { agingBucket: state.agingBucket } : {}),
                  // One string, not a nested map: it is read whole and never queried, so it is cheap to write.
                  events: JSON.stringify(events),
                  version: (previousVersion ?? 0) + 1,
                },
                ...(previousVersion === undefined
                  ? { ConditionExpression: 'attribute_not_exists(#pk)', ExpressionAttributeNames: names }
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
        // Another transaction held one of the items: the same race, seen a moment earlier.
        if (error.CancellationReasons?.some((r) => r.Code === 'TransactionConflict')) throw new ClaimVersionConflictError('concurrent transaction');
      }
      if ((error as Error).name === 'TransactionConflictException') throw new ClaimVersionConflictError('concurrent transaction');
      throw error;
    }
  }

  /** One page of a shard's open claims, in claim-id order; pass the returned cursor to continue. */
  async pageOpenClaims(tenantId: string, shard: number, limit: number, cursor?: string): Promise<{ claims: StoredClaim[]; cursor?: string }> {
    const indexKey = openClaimIndexKey(tenantId, shard, '');
    const result = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: openClaimsByShard.name,
        KeyConditionExpression: '#shard = :shard',
        ExpressionAttributeNames: { '#shard': openClaimsByShard.partitionKey },
        ExpressionAttributeValues: { ':shard': indexKey[openClaimsByShard.partitionKey] },
        Limit: limit,
        ExclusiveStartKey: decodeCursor(cursor),
      }),
    );
    const claims = (result.Items ?? []).map((item) => {
      const { state, version } = readStored(item);
      return { claim: state as Claim, version };
    });
    return { claims, cursor: encodeCursor(result.LastEvaluatedKey) };
  }

  /** Saves a claim's new aging bucket, only if nobody changed the claim since it was read. False on a lost race. */
  saveAgingBucket(stored: StoredClaim, bucket: string): Promise<boolean> {
    return conditionally(
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: claimKey(stored.claim.tenantId, stored.claim.claimId),
          UpdateExpression: 'SET agingBucket = :bucket, version = :next',
          ConditionExpression: 'version = :expected',
          ExpressionAttributeValues: { ':bucket': bucket, ':next': stored.version + 1, ':expected': stored.version },
        }),
      ),
    );
  }

  /** Takes a claim out of the nightly run's index once nothing remains to follow up. False on a lost race. */
  retire(stored: StoredClaim): Promise<boolean> {
    return conditionally(
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: claimKey(stored.claim.tenantId, stored.claim.claimId),
          UpdateExpression: 'SET claim = :claim, version = :next REMOVE #shard, #shardSort',
          ConditionExpression: 'version = :expected',
          ExpressionAttributeNames: { '#shard': openClaimsByShard.partitionKey, '#shardSort': openClaimsByShard.sortKey },
          ExpressionAttributeValues: { ':claim': JSON.stringify({ ...stored.claim, inFollowUp: false, agingBucket: undefined }), ':next': stored.version + 1, ':expected': stored.version },
        }),
      ),
    );
  }

  private indexAttributes(state: ClaimState): Record<string, string> {
    return isClaim(state) && state.inFollowUp ? openClaimIndexKey(state.tenantId, shardOf(state.claimId, this.shardCount), state.claimId) : {};
  }
}
