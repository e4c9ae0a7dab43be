// Per-user rate limits in DynamoDB: one counter item per tenant, user and limit, counting the requests of a window
// that opens with the first request after the last window closed. Each request is one conditional update.
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TransientError } from '../shared/errors.js';
import { tableDesign } from '../shared/resources.js';
import { conditionally } from './dynamo-helpers.js';
import { rateLimitKey } from './keys.js';

/** A limit: at most `max` requests in `windowSeconds` from a window's first request. `name` keys its counter. */
export interface RateLimit {
  readonly name: string;
  readonly max: number;
  readonly windowSeconds: number;
}

export type RateDecision = { readonly allowed: true } | { readonly allowed: false; readonly retryAfterSeconds: number };

/** Counters are read back only this often in a row, racing writers included, before the request is called transient. */
const maxRounds = 4;

export class RateLimitStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Counts one request against the limit, unless the window's requests are used up: then how long until it closes. */
  async take(tenantId: string, userId: string, limit: RateLimit, nowMs: number): Promise<RateDecision> {
    const Key = rateLimitKey(tenantId, userId, limit.name);
    const windowMs = limit.windowSeconds * 1000;
    // A window opened after this instant is still open.
    const opensAfter = nowMs - windowMs;
    for (let round = 0; round < maxRounds; round++) {
      // The usual case: the window is open and has room.
      const counted = await conditionally(
        this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key,
            UpdateExpression: 'SET #count = #count + :one',
            ConditionExpression: '#openedAt > :opensAfter AND #count < :max',
            ExpressionAttributeNames: { '#count': 'count', '#openedAt': 'openedAt' },
            ExpressionAttributeValues: { ':one': 1, ':opensAfter': opensAfter, ':max': limit.max },
          }),
        ),
      );
      if (counted) return { allowed: true };
      const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key, ConsistentRead: true }));
      const openedAt = typeof Item?.openedAt === 'number' ? Item.openedAt : undefined;
      if (openedAt !== undefined && openedAt > opensAfter) {
        if ((Item!.count as number) >= limit.max) return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((openedAt + windowMs - nowMs) / 1000)) };
        continue; // room after all: another request opened the window between our update and read
      }
      // No window open: open one with this request, unless a racing request just did (then count in its window).
      const opened = await conditionally(
        this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key,
            UpdateExpression: 'SET #count = :one, #openedAt = :now, #kind = :kind, #expiresAt = :expiresAt',
            ConditionExpression: 'attribute_not_exists(#openedAt) OR #openedAt <= :opensAfter',
            ExpressionAttributeNames: { '#count': 'count', '#openedAt': 'openedAt', '#kind': 'kind', '#expiresAt': tableDesign.timeToLiveAttribute },
            // DynamoDB deletes the counter a while after its window closed (in AWS; nothing relies on it).
            ExpressionAttributeValues: { ':one': 1, ':now': nowMs, ':opensAfter': opensAfter, ':kind': 'rate-limit', ':expiresAt': Math.ceil((nowMs + 2 * windowMs) / 1000) + 3600 },
          }),
        ),
      );
      if (opened) return { allowed: true };
    }
    throw new TransientError('rate limit counter kept changing concurrently');
  }
}
