// Events refused for good (bad schema, impossible transition): kept with the reason for an operator, never retried.
import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { tableDesign } from '../shared/resources.js';
import { rejectedEventKey } from './keys.js';

export interface RejectedEvent {
  readonly tenantId: string;
  readonly messageId: string;
  readonly eventId?: string;
  readonly reason: string;
  readonly detail: string;
  readonly receivedAt: string;
  /** The message as received, so it can be corrected and re-sent. */
  readonly body: string;
}

export class RejectedEventStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async record(rejected: RejectedEvent): Promise<void> {
    const key = rejectedEventKey(rejected.tenantId, rejected.receivedAt.slice(0, 10), rejected.receivedAt, rejected.messageId);
    // Idempotent: a redelivered message overwrites its own record.
    await this.client.send(new PutCommand({ TableName: this.tableName, Item: { ...key, kind: 'rejected-event', ...rejected } }));
  }

  async list(tenantId: string, receivedOn: string): Promise<RejectedEvent[]> {
    const pk = rejectedEventKey(tenantId, receivedOn, '', '')[tableDesign.partitionKey];
    const { Items } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': tableDesign.partitionKey },
        ExpressionAttributeValues: { ':pk': pk },
      }),
    );
    return (Items ?? []) as RejectedEvent[];
  }

  /** How many events were refused on a (UTC) day. */
  async count(tenantId: string, receivedOn: string): Promise<number> {
    const pk = rejectedEventKey(tenantId, receivedOn, '', '')[tableDesign.partitionKey];
    let total = 0;
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': tableDesign.partitionKey },
          ExpressionAttributeValues: { ':pk': pk },
          Select: 'COUNT',
          ExclusiveStartKey: start,
        }),
      );
      total += page.Count ?? 0;
      start = page.LastEvaluatedKey;
    } while (start);
    return total;
  }
}
