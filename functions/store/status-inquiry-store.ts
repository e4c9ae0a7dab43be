// 276 status inquiries in the table: control numbers that never repeat (a conditional counter per tenant and
// receiver), each night's inquiry per receiver (written once), the batches (`GET /status-inquiries`: one per receiver
// and night, one interchange), the traces a 277 answers, the answers each batch has had (the digest's figures), and when
// each claim was last asked. No patient data: that is in the file only.
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CalendarDate } from '../domain/calendar.js';
import { inquiryBatchDateOf } from '../domain/status-inquiry.js';
import type { FollowUpQueue } from '../domain/tenant-settings.js';
import { tableDesign } from '../shared/resources.js';
import { batchGet, conditionally, forEachItem } from './dynamo-helpers.js';
import { claimInquiryKey, inquiryAnswerKey, inquiryAnswerPrefix, inquiryBatchKey, inquiryBatchPrefix, inquiryControlKey, inquiryNightKey, inquiryTraceKey, workItemKey } from './keys.js';

/** ISA13 is nine digits: the counter stops short of wrapping (a new receiver id starts a new counter). */
export const maxControlNumber = 999_999_999;

export interface InquiryClaimRef {
  readonly claimId: string;
  readonly trace: string;
  /** The payer asked (a receiver's file may ask several). */
  readonly payerId: string;
  /** The queue of the claim's open work item when it was asked (none: no open work); the digest's "moved" compares with it. */
  readonly queue?: FollowUpQueue;
}

/** One 276 file (one interchange, to one receiver): what was asked of whom, where the file is, how many claims a 277 answered. */
export interface InquiryBatch {
  readonly tenantId: string;
  readonly batchId: string;
  /** The night it follows. */
  readonly date: CalendarDate;
  /** The payers asked in it, each with its number of claims, in the order of the file. */
  readonly payers: ReadonlyArray<{ readonly payerId: string; readonly payerName: string; readonly claimCount: number }>;
  readonly receiverId: string;
  readonly controlNumber: number;
  readonly fileKey: string;
  readonly createdAt: string;
  readonly claims: readonly InquiryClaimRef[];
  readonly claimCount: number;
  readonly answeredCount: number;
}

/** A night's inquiry for one receiver: planned (control number and claims fixed), then done once its file and records are written. */
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
  /** The queue of the claim's open work item when asked (absent: none, or a trace written before it was kept). */
  readonly queue?: FollowUpQueue;
  readonly answeredAt?: string;
}

/** One answer to our 276 as its batch keeps it: which claim, the queue its work was in when asked, when the 277 came. */
export interface InquiryAnswer {
  readonly claimId: string;
  readonly queue?: FollowUpQueue;
  /** When the 277 was received (the file's arrival). */
  readonly at: string;
}

/** What the digest reads of a batch: when it was written, how many claims it asked, the answers it has had. */
export interface BatchActivity {
  readonly batchId: string;
  readonly createdAt: string;
  readonly claimCount: number;
  readonly answers: readonly InquiryAnswer[];
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

  /**
   * The tenant's next 276 control number: one conditional increment, so two callers never get the same one. One
   * sequence for all its receivers: a number is never used twice by the practice, whoever receives it, and each
   * night's files can share one outbox folder.
   */
  async nextControlNumber(tenantId: string): Promise<number> {
    const result = await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: inquiryControlKey(tenantId),
        UpdateExpression: 'SET kind = :kind ADD lastControlNumber :one',
        ConditionExpression: 'attribute_not_exists(lastControlNumber) OR lastControlNumber < :max',
        ExpressionAttributeValues: { ':kind': 'x12-control', ':one': 1, ':max': maxControlNumber },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return Number(result.Attributes?.lastControlNumber);
  }

  /** A night's inquiry to one receiver (the key's discriminator is the receiver id: one interchange each). */
  async night(tenantId: string, date: CalendarDate, receiverId: string): Promise<InquiryNight | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: inquiryNightKey(tenantId, date, receiverId), ConsistentRead: true }));
    return Item ? (strip(Item) as unknown as InquiryNight) : undefined;
  }

  /** Fixes the night's inquiry to a receiver; false when one was fixed before (read it and carry on with it). */
  planNight(tenantId: string, date: CalendarDate, receiverId: string, night: InquiryNight): Promise<boolean> {
    return conditionally(
      this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...inquiryNightKey(tenantId, date, receiverId), kind: 'status-inquiry-night', ...night },
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': partitionKey },
        }),
      ),
    );
  }

  async finishNight(tenantId: string, date: CalendarDate, receiverId: string): Promise<void> {
    await this.client.send(new UpdateCommand({ TableName: this.tableName, Key: inquiryNightKey(tenantId, date, receiverId), UpdateExpression: 'SET #status = :done', ExpressionAttributeNames: { '#status': 'status' }, ExpressionAttributeValues: { ':done': 'done' } }));
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
        const trace: InquiryTrace = { trace: ref.trace, claimId: ref.claimId, batchId: batch.batchId, askedOn: batch.date, ...(ref.queue ? { queue: ref.queue } : {}) };
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

  /**
   * Marks a trace answered, once, in one transaction: the trace's answer time, the batch's answered count and an answer
   * item (claim, queue when asked, when received) the digest reads. A file read again, or a retry after a fault, finds
   * the trace answered and adds nothing; a fault part way leaves nothing half counted.
   */
  async markAnswered(tenantId: string, trace: InquiryTrace, at: string): Promise<boolean> {
    const answer: InquiryAnswer = { claimId: trace.claimId, ...(trace.queue ? { queue: trace.queue } : {}), at };
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.tableName,
                Key: inquiryTraceKey(tenantId, trace.trace),
                UpdateExpression: 'SET answeredAt = :at',
                ConditionExpression: 'attribute_exists(#pk) AND attribute_not_exists(answeredAt)',
                ExpressionAttributeNames: { '#pk': partitionKey },
                ExpressionAttributeValues: { ':at': at },
              },
            },
            { Update: { TableName: this.tableName, Key: inquiryBatchKey(tenantId, trace.askedOn, trace.batchId), UpdateExpression: 'ADD answeredCount :one', ExpressionAttributeValues: { ':one': 1 } } },
            { Put: { TableName: this.tableName, Item: { ...inquiryAnswerKey(tenantId, trace.askedOn, trace.batchId, trace.trace), kind: 'status-inquiry-answer', batchId: trace.batchId, ...answer } } },
          ],
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof TransactionCanceledException && error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed') return false;
      throw error;
    }
  }

  /**
   * The batches of the nights `from` through `through` as the digest reads them (one query of the tenant's batch
   * partition, in night order; only the fields it needs).
   */
  async activity(tenantId: string, from: CalendarDate, through: CalendarDate): Promise<BatchActivity[]> {
    const pk = inquiryBatchKey(tenantId)[partitionKey];
    const between = (prefix: string) => ({
      TableName: this.tableName,
      KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :through',
      ExpressionAttributeNames: { '#pk': partitionKey, '#sk': sortKey },
      // Sort keys are `<prefix><night>#<id>…`; '~' sorts after every id.
      ExpressionAttributeValues: { ':pk': pk, ':from': `${prefix}${from}#`, ':through': `${prefix}${through}#~` },
      ConsistentRead: true,
    });
    const batches = new Map<string, { batchId: string; createdAt: string; claimCount: number; answers: InquiryAnswer[] }>();
    await forEachItem(this.client, { ...between(inquiryBatchPrefix), ProjectionExpression: 'batchId, createdAt, claimCount' }, (item) => {
      batches.set(String(item.batchId), { batchId: String(item.batchId), createdAt: String(item.createdAt), claimCount: Number(item.claimCount ?? 0), answers: [] });
    });
    await forEachItem(this.client, { ...between(inquiryAnswerPrefix), ProjectionExpression: 'batchId, claimId, #queue, #at', ExpressionAttributeNames: { ...between('').ExpressionAttributeNames, '#queue': 'queue', '#at': 'at' } }, (item) => {
      batches.get(String(item.batchId))?.answers.push({ claimId: String(item.claimId), ...(item.queue ? { queue: item.queue as FollowUpQueue } : {}), at: String(item.at) });
    });
    return [...batches.values()];
  }

}
