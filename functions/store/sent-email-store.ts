// One record per email sent (recipient, kind, run): the audit of what went out, and the guard against sending twice.
import { PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { conditionally } from './dynamo-helpers.js';
import { sentEmailKey } from './keys.js';

export class SentEmailStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * Claims the right to send; false when this (tenant, run, kind, recipient) was already claimed and sent.
   * A claim left 'sending' by a crash more than `staleAfterMs` ago may be taken again.
   */
  claim(tenantId: string, runDate: string, kind: string, recipient: string, nowIso: string, staleAfterMs = 5 * 60_000): Promise<boolean> {
    const staleBefore = new Date(Date.parse(nowIso) - staleAfterMs).toISOString();
    return conditionally(
      this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...sentEmailKey(tenantId, runDate, kind, recipient), kind: 'sent-email', emailKind: kind, recipient, runDate, status: 'sending', claimedAt: nowIso },
          ConditionExpression: 'attribute_not_exists(pk) OR (#status = :sending AND claimedAt < :stale)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':sending': 'sending', ':stale': staleBefore },
        }),
      ),
    );
  }

  async markSent(tenantId: string, runDate: string, kind: string, recipient: string, messageId: string, sentAt: string): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: sentEmailKey(tenantId, runDate, kind, recipient),
        UpdateExpression: 'SET #status = :sent, messageId = :id, sentAt = :at',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':sent': 'sent', ':id': messageId, ':at': sentAt },
      }),
    );
  }
}
