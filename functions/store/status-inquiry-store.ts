// 276 status inquiries in the table: control numbers that never repeat (a conditional counter per tenant and
// receiver), each night's inquiry per payer (written once), the batches (`GET /status-inquiries`), the traces a 277
// answers, and when each claim was last asked. No patient data: that is in the file only.
import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CalendarDate } from '../domain/calendar.js';
import { inquiryBatchDateOf } from '../domain/status-inquiry.js';
import { tableDesign } from '../shared/resources.js';
import { batchGet, conditionally, forEachItem } from './dynamo-helpers.js';
import { claimInquiryKey, inquiryBatchKey, inquiryBatchPrefix, inquiryControlKey, inquiryNightKey, inquiryTraceKey, workItemKey } from './keys.js';

/** ISA13 is nine digits: the counter stops short of wrapping (a new receiver id starts a new counter). */
export const maxControlNumber = 999_999_999;

export interface InquiryClaimRef {
  readonly claimId: string;
  readonly trace: string;
}

/** One 276 file: what was asked of whom, where the file is, how many claims a 277 answered. */
export interface InquiryBatch {
  readonly tenantId: string;
  readonly batchId: string;
  /** The night it follows. */
  readonly date: CalendarDate;
  readonly payerId: string;
  readonly payerName: string;
  readonly receiverId: string;
  readonly controlNumber: number;
  readonly fileKey: string;
  readonly createdAt: string;
  readonly claims: readonly InquiryClaimRef[];
  readonly claimCount: number;
  readonly answeredCount: number;
}

/** A night's inquiry for one payer: planned (control number and claims fixed), then done once its file and records are written. */
export interface InquiryNight {
  readonly status: 'planned' | 'done';
  readonly batchId: string | null;
  readonly controlNumber?: number;
  readonly createdAt?: string;
  readonly claims: readonly InquiryClaimRef[];
}

export interface InquiryTrace {
  readonly trace: string;
  readonly claimId: string;
  readonly batchId: string;
  readonly askedOn: CalendarDate;
  readonly answeredAt?: string;
}

const { partitionKey, sortKey } = tableDesign;
const strip = (item: Record<string, unknown>): Record<string, unknown> => {
  const { [partitionKey]: _pk, [sortKey]: _sk, kind: _kind, ...rest } = item;
  return rest;
};

export class StatusInquiryStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** The next control number for a receiver: one conditional increment, so two callers never get the same one. */
  async nextControlNumber(tenantId: string, receiverId: string): Promise<number> {
    const result = await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: inquiryControlKey(tenantId, receiverId),
        UpdateExpression: 'SET kind = :kind ADD lastControlNumber :one',
        ConditionExpression: 'attribute_not_exists(lastControlNumber) OR lastControlNumber < :max',
        ExpressionAttributeValues: { ':kind': 'x12-control', ':one': 1, ':max': maxControlNumber },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return Number(result.Attributes?.lastControlNumber);
  }

  async night(tenantId: string, date: CalendarDate, payerId: string): Promise<InquiryNight | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: inquiryNightKey(tenantId, date, payerId), ConsistentRead: true }));
    return Item ? (strip(Item) as unknown as InquiryNight) : undefined;
  }

  /** Fixes the night's inquiry for a payer; false when one was fixed before (read it and carry on with it). */
  planNight(tenantId: string, date: CalendarDate, payerId: string, night: InquiryNight): Promise<boolean> {
    return conditionally(
      this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...inquiryNightKey(tenantId, date, payerId), kind: 'status-inquiry-night', ...night },
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': partitionKey },
        }),
      ),
    );
  }

  async finishNight(tenantId: string, date: CalendarDate, payerId: string): Promise<void> {
    await this.client.send(new UpdateCommand({ TableName: this.tableName, Key: inquiryNightKey(tenantId, date, payerId), UpdateExpression: 'SET #status = :done', ExpressionAttributeNames: { '#status': 'status' }, ExpressionAttributeValues: { ':done': 'done' } }));
  }

  /** The batch, its traces and each claim's last-asked date (and its work item's mark); each written once, so a retry adds nothing. */
  async saveBatch(batch: InquiryBatch): Promise<void> {
    await conditionally(
      this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...inquiryBatchKey(batch.tenantId, batch.date, batch.batchId), kind: 'status-inquiry-batch', ...batch },
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': partitionKey },
        }),
      ),
    );
    const queue = [...batch.claims];
    const worker = async (): Promise<void> => {
      for (let ref = queue.shift(); ref; ref = queue.shift()) {
        const trace: InquiryTrace = { trace: ref.trace, claimId: ref.claimId, batchId: batch.batchId, askedOn: batch.date };
        await conditionally(
          this.client.send(
            new PutCommand({
              TableName: this.tableName,
              Item: { ...inquiryTraceKey(batch.tenantId, ref.trace), kind: 'status-inquiry-trace', ...trace },
              ConditionExpression: 'attribute_not_exists(#pk)',
              ExpressionAttributeNames: { '#pk': partitionKey },
            }),
          ),
        );
        await this.client.send(
          new PutCommand({ TableName: this.tableName, Item: { ...claimInquiryKey(batch.tenantId, ref.claimId), kind: 'claim-status-inquiry', lastAskedOn: batch.date, batchId: batch.batchId, trace: ref.trace } }),
        );
        // The plan's mark: only on an item that exists (the nightly run writes everything else on it).
        await conditionally(
          this.client.send(
            new UpdateCommand({
              TableName: this.tableName,
              Key: workItemKey(batch.tenantId, ref.claimId),
              UpdateExpression: 'SET statusAskedOn = :on',
              ConditionExpression: 'attribute_exists(#pk)',
              ExpressionAttributeNames: { '#pk': partitionKey },
              ExpressionAttributeValues: { ':on': batch.date },
            }),
          ),
        );
      }
    };
    await Promise.all(Array.from({ length: Math.min(8, queue.length) }, worker));
  }

  /** When each claim was last asked (claims never asked are absent). */
  async lastAsked(tenantId: string, claimIds: readonly string[]): Promise<Map<string, CalendarDate>> {
    const items = await batchGet(this.client, this.tableName, claimIds.map((id) => claimInquiryKey(tenantId, id)));
    const asked = new Map<string, CalendarDate>();
    for (const item of items) {
      const pk = String(item[partitionKey]);
      asked.set(pk.slice(pk.indexOf('#CLAIM#') + '#CLAIM#'.length), String(item.lastAskedOn));
    }
    return asked;
  }

  /** The batches of a night, in id order. */
  async batches(tenantId: string, date: CalendarDate): Promise<InquiryBatch[]> {
    const batches: InquiryBatch[] = [];
    await forEachItem(
      this.client,
      {
        TableName: this.tableName,
        KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
        ExpressionAttributeNames: { '#pk': partitionKey, '#sk': sortKey },
        ExpressionAttributeValues: { ':pk': inquiryBatchKey(tenantId)[partitionKey], ':prefix': `${inquiryBatchPrefix}${date}#` },
        ConsistentRead: true,
      },
      (item) => batches.push(strip(item) as unknown as InquiryBatch),
    );
    return batches;
  }

  async batch(tenantId: string, batchId: string): Promise<InquiryBatch | undefined> {
    const date = inquiryBatchDateOf(batchId);
    if (!date) return undefined;
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: inquiryBatchKey(tenantId, date, batchId), ConsistentRead: true }));
    return Item ? (strip(Item) as unknown as InquiryBatch) : undefined;
  }

  async trace(tenantId: string, trace: string): Promise<InquiryTrace | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: inquiryTraceKey(tenantId, trace), ConsistentRead: true }));
    return Item ? (strip(Item) as unknown as InquiryTrace) : undefined;
  }

  /** Marks a trace answered, once: its batch's answered count grows only the first time (a file read again adds nothing). */
  async markAnswered(tenantId: string, trace: InquiryTrace, at: string): Promise<boolean> {
    const first = await conditionally(
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: inquiryTraceKey(tenantId, trace.trace),
          UpdateExpression: 'SET answeredAt = :at',
          ConditionExpression: 'attribute_exists(#pk) AND attribute_not_exists(answeredAt)',
          ExpressionAttributeNames: { '#pk': partitionKey },
          ExpressionAttributeValues: { ':at': at },
        }),
      ),
    );
    if (!first) return false;
    await this.client.send(
      new UpdateCommand({ TableName: this.tableName, Key: inquiryBatchKey(tenantId, trace.askedOn, trace.batchId), UpdateExpression: 'ADD answeredCount :one', ExpressionAttributeValues: { ':one': 1 } }),
    );
    return true;
  }
}
