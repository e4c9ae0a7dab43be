// Where each of a tenant's alerts stands. A change of state is one conditional write, so of two workers reading the
// same figures only one records the change (and sends its email); the change number names the email's occasion.
import { QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AlertKind, AlertReading, AlertState } from '../domain/alerts.js';
import { tableDesign } from '../shared/resources.js';
import { conditionally } from './dynamo-helpers.js';
import { alertStateKey } from './keys.js';

export interface StoredAlert {
  readonly kind: AlertKind;
  readonly state: AlertState;
  /** Counts the alert's changes of state: each change is one occasion for email. */
  readonly change: number;
  /** The change whose emails have all been handed to SES (or refused); behind `change` after a crash mid-send. */
  readonly notifiedChange: number;
  readonly reading: AlertReading;
  readonly changedAt: string;
}

export class AlertStateStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async all(tenantId: string): Promise<Map<AlertKind, StoredAlert>> {
    const { Items = [] } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': tableDesign.partitionKey },
        ExpressionAttributeValues: { ':pk': alertStateKey(tenantId, '')[tableDesign.partitionKey] },
        ConsistentRead: true,
      }),
    );
    return new Map(Items.map((item) => [item.alertKind as AlertKind, { ...(item as unknown as StoredAlert), kind: item.alertKind as AlertKind, reading: JSON.parse(item.reading as string) as AlertReading }]));
  }

  /** Records the reading's change of state; false when another worker changed the alert first. */
  change(tenantId: string, reading: AlertReading, previous: StoredAlert | undefined, at: string): Promise<boolean> {
    return conditionally(
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: alertStateKey(tenantId, reading.kind),
          UpdateExpression: 'SET #kind = :record, alertKind = :alert, #state = :state, #change = :change, notifiedChange = if_not_exists(notifiedChange, :zero), reading = :reading, changedAt = :at',
          ConditionExpression: previous ? '#change = :previous' : 'attribute_not_exists(#change)',
          ExpressionAttributeNames: { '#kind': 'kind', '#state': 'state', '#change': 'change' },
          ExpressionAttributeValues: {
            ':record': 'alert-state',
            ':alert': reading.kind,
            ':state': reading.crossed ? 'crossed' : 'clear',
            ':change': (previous?.change ?? 0) + 1,
            ':zero': 0,
            ':reading': JSON.stringify(reading),
            ':at': at,
            ...(previous ? { ':previous': previous.change } : {}),
          },
        }),
      ),
    );
  }

  /** Every email of the change went out (or was refused for good). */
  async notified(tenantId: string, kind: AlertKind, change: number): Promise<void> {
    await conditionally(this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: alertStateKey(tenantId, kind),
        UpdateExpression: 'SET notifiedChange = :change',
        ConditionExpression: 'notifiedChange < :change',
        ExpressionAttributeValues: { ':change': change },
      }),
    ));
  }
}
