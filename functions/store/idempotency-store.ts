// Idempotency-Key on POST: the first request with a key runs; a repeat gets the stored answer; a different request
// with the same key is refused. Records are scoped by (tenant of the request, user, route) and expire after a day.
import { DeleteCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { tableDesign } from '../shared/resources.js';
import { conditionally } from './dynamo-helpers.js';
import { idempotencyKey } from './keys.js';

/** Whose key it is: the tenant the request is about (or `_scope` for all the caller's tenants), the user, the route. */
export interface IdempotencyScope {
  readonly tenantId: string;
  readonly userId: string;
  /** The route's operation id: the same key on another route is another record. */
  readonly route: string;
}

/** What the first answer read or changed: a replay is audited as a read of the same claim. */
export interface StoredAudit {
  readonly tenantId: string;
  readonly action: string;
  readonly claimId?: string;
}

export interface StoredResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly audit?: StoredAudit;
}

export type Claimed = { readonly state: 'new' } | { readonly state: 'done'; readonly response: StoredResponse } | { readonly state: 'in-progress' | 'mismatch' };

const dayMs = 24 * 3600 * 1000;

const keyOf = (scope: IdempotencyScope, key: string) => idempotencyKey(scope.tenantId, scope.userId, scope.route, key);

export class IdempotencyStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Claims the key for this request (identified by `fingerprint`), or says what happened to it before. */
  async claim(scope: IdempotencyScope, key: string, fingerprint: string, now: number): Promise<Claimed> {
    const itemKey = keyOf(scope, key);
    const fresh = await conditionally(
      this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...itemKey, kind: 'idempotency', fingerprint, state: 'in-progress', createdAt: now, [tableDesign.timeToLiveAttribute]: Math.floor((now + dayMs) / 1000) },
          // An expired record may be reused (DynamoDB Local never deletes by TTL, so check it here).
          ConditionExpression: 'attribute_not_exists(#pk) OR createdAt < :dayAgo',
          ExpressionAttributeNames: { '#pk': tableDesign.partitionKey },
          ExpressionAttributeValues: { ':dayAgo': now - dayMs },
        }),
      ),
    );
    if (fresh) return { state: 'new' };
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: itemKey, ConsistentRead: true }));
    if (!Item || Item.fingerprint !== fingerprint) return { state: 'mismatch' };
    if (Item.state !== 'done') return { state: 'in-progress' };
    return { state: 'done', response: JSON.parse(Item.response as string) as StoredResponse };
  }

  async complete(scope: IdempotencyScope, key: string, fingerprint: string, response: StoredResponse, now: number): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keyOf(scope, key), kind: 'idempotency', fingerprint, state: 'done', response: JSON.stringify(response), createdAt: now, [tableDesign.timeToLiveAttribute]: Math.floor((now + dayMs) / 1000) },
      }),
    );
  }

  /** A request that failed on our side may be tried again with the same key. */
  async forget(scope: IdempotencyScope, key: string): Promise<void> {
    await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: keyOf(scope, key) }));
  }
}
