// Biller actions on claims (history in the claim's partition) and the audit trail of who read or changed which claim.
import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { tableDesign } from '../shared/resources.js';
import { auditKey, claimActionKey, claimPartition } from './keys.js';

export interface ClaimAction {
  readonly actionId: string;
  readonly type: string;
  readonly outcome: string;
  readonly userId: string;
  readonly at: string;
  readonly callReference?: string;
  readonly appealLevel?: string;
  readonly nextFollowUpOn?: string;
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
    return Items as ClaimAction[];
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
}
