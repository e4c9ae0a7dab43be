// Biller actions on claims (history in the claim's partition) and the audit trail of who read or changed which claim.
import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { tableDesign } from '../shared/resources.js';
import { pageBefore } from './dynamo-helpers.js';
import { activityKey, auditKey, claimActionKey, claimActionPrefix, claimPartition } from './keys.js';

export interface ClaimAction {
  readonly actionId: string;
  readonly type: string;
  readonly outcome: string;
  readonly userId: string;
  readonly at: string;
  readonly callReference?: string;
  readonly appealLevel?: string;
  readonly nextFollowUpOn?: string;
  /** A manager let the follow-up date pass a deadline. */
  readonly followUpPastDeadline?: boolean;
  /** A write-off request, approval or decline: the amount and reason. */
  readonly writeOffCents?: number;
  readonly writeOffReason?: string;
}

export interface AuditEntry {
  readonly tenantId: string;
  readonly userId: string;
  /** What was done: "read-claim", "record-action", "take-work"… */
  readonly action: string;
  readonly claimId?: string;
  readonly at: string;
  readonly requestId: string;
}

const actionCountPrefix = 'actions:';

/** The action's own fields, without the item's keys. */
const actionOf = (item: Record<string, unknown>): ClaimAction => {
  const { actionId, type, outcome, userId, at, callReference, appealLevel, nextFollowUpOn, followUpPastDeadline, writeOffCents, writeOffReason } = item as unknown as ClaimAction;
  return {
    actionId,
    type,
    outcome,
    userId,
    at,
    ...(callReference ? { callReference } : {}),
    ...(appealLevel ? { appealLevel } : {}),
    ...(nextFollowUpOn ? { nextFollowUpOn } : {}),
    ...(followUpPastDeadline ? { followUpPastDeadline } : {}),
    ...(writeOffCents !== undefined ? { writeOffCents } : {}),
    ...(writeOffReason ? { writeOffReason } : {}),
  };
};

export class HistoryStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async recordAction(tenantId: string, claimId: string, action: ClaimAction): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...claimActionKey(tenantId, claimId, action.at, action.actionId), kind: 'claim-action', ...action },
        ConditionExpression: 'attribute_not_exists(#pk)',
        ExpressionAttributeNames: { '#pk': tableDesign.partitionKey },
      }),
    );
  }

  async actions(tenantId: string, claimId: string): Promise<ClaimAction[]> {
    const { Items = [] } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :action)',
        ExpressionAttributeNames: { '#pk': tableDesign.partitionKey, '#sk': tableDesign.sortKey },
        ExpressionAttributeValues: { ':pk': claimPartition(tenantId, claimId), ':action': 'ACTION#' },
      }),
    );
    return Items.map(actionOf);
  }

  /** One page of a claim's actions, newest first, before the action at `before` (its position) when given. */
  async actionsPage(tenantId: string, claimId: string, limit: number, before?: string): Promise<{ actions: Array<ClaimAction & { position: string }>; more: boolean }> {
    const page = await pageBefore(this.client, this.tableName, claimPartition(tenantId, claimId), claimActionPrefix, limit, before);
    return { actions: page.items.map((item) => ({ ...actionOf(item), position: item[tableDesign.sortKey] as string })), more: page.more };
  }

  /** Audit entries are kept about six years (HIPAA): `expiresAt` lets DynamoDB delete them after that, in AWS. */
  async audit(entry: AuditEntry): Promise<void> {
    const expiresAt = Math.floor(Date.parse(entry.at) / 1000) + 6 * 366 * 24 * 3600;
    await this.client.send(
      new PutCommand({ TableName: this.tableName, Item: { ...auditKey(entry.tenantId, entry.at.slice(0, 10), entry.at, entry.requestId), kind: 'audit', ...entry, [tableDesign.timeToLiveAttribute]: expiresAt } }),
    );
  }

  async auditEntries(tenantId: string, on: string): Promise<AuditEntry[]> {
    const { Items = [] } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': tableDesign.partitionKey },
        ExpressionAttributeValues: { ':pk': auditKey(tenantId, on, '', '')[tableDesign.partitionKey] },
      }),
    );
    return Items as AuditEntry[];
  }

  /** Counts an action toward the user's work done on the tenant-local day `on` (one atomic add). */
  async countAction(tenantId: string, on: string, userId: string): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: activityKey(tenantId, on),
        UpdateExpression: 'SET #kind = :kind ADD #user :one',
        ExpressionAttributeNames: { '#kind': 'kind', '#user': `${actionCountPrefix}${userId}` },
        ExpressionAttributeValues: { ':kind': 'activity', ':one': 1 },
      }),
    );
  }

  /** Actions recorded per user id on the tenant-local day `on`. */
  async actionsByUser(tenantId: string, on: string): Promise<Record<string, number>> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: activityKey(tenantId, on), ConsistentRead: true }));
    return Object.fromEntries(
      Object.entries(Item ?? {})
        .filter(([name]) => name.startsWith(actionCountPrefix))
        .map(([name, count]) => [name.slice(actionCountPrefix.length), count as number]),
    );
  }
}
