// One record per email (recipient, kind, occasion): the audit of what went out, and the guard against sending
// twice. The occasion is the run date for the night's emails, or an alert's change for an alert.
import { DeleteCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { conditionally } from './dynamo-helpers.js';
import { sentEmailKey } from './keys.js';

export class SentEmailStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * Claims the right to send; false when this (tenant, occasion, kind, recipient) was already sent, refused, or is
   * being sent. A claim left 'sending' by a crash more than `staleAfterMs` ago may be taken again.
   */
  claim(tenantId: string, occasion: string, kind: string, recipient: string, nowIso: string, staleAfterMs = 5 * 60_000): Promise<boolean> {
    const staleBefore = new Date(Date.parse(nowIso) - staleAfterMs).toISOString();
    return conditionally(
      this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...sentEmailKey(tenantId, occasion, kind, recipient), kind: 'sent-email', emailKind: kind, recipient, occasion, status: 'sending', claimedAt: nowIso },
          ConditionExpression: 'attribute_not_exists(pk) OR (#status = :sending AND claimedAt < :stale)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':sending': 'sending', ':stale': staleBefore },
        }),
      ),
    );
  }

  async markSent(tenantId: string, occasion: string, kind: string, recipient: string, messageId: string, sentAt: string): Promise<void> {
    await this.finish(tenantId, occasion, kind, recipient, { status: 'sent', messageId, at: sentAt });
  }

  /** SES refused the address for good (not a passing fault): kept as refused, never retried. */
  async markRefused(tenantId: string, occasion: string, kind: string, recipient: string, reason: string, at: string): Promise<void> {
    await this.finish(tenantId, occasion, kind, recipient, { status: 'refused', reason, at });
  }

  /** Gives the claim back after a passing fault, so the message's retry sends it. */
  async release(tenantId: string, occasion: string, kind: string, recipient: string): Promise<void> {
    await this.client.send(
      new DeleteCommand({
        TableName: this.tableName,
        Key: sentEmailKey(tenantId, occasion, kind, recipient),
        ConditionExpression: '#status = :sending',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':sending': 'sending' },
      }),
    // Best effort: a claim that could not be given back is taken again once stale.
    ).catch(() => undefined);
  }

  private async finish(tenantId: string, occasion: string, kind: string, recipient: string, fields: { status: string; at: string; messageId?: string; reason?: string }): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: sentEmailKey(tenantId, occasion, kind, recipient),
        UpdateExpression: `SET #status = :status, finishedAt = :at${fields.messageId ? ', messageId = :id' : ''}${fields.reason ? ', reason = :reason' : ''}`,
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':status': fields.status,
          ':at': fields.at,
          ...(fields.messageId ? { ':id': fields.messageId } : {}),
          ...(fields.reason ? { ':reason': fields.reason } : {}),
        },
      }),
    );
  }
}
